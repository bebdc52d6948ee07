from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("aftersales", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="badreview",
            name="settle_by",
            field=models.DateTimeField(blank=True, null=True, verbose_name="本次处理期限"),
        ),
    ]
