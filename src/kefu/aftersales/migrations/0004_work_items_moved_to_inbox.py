"""The inbox's items and notes now live in the inbox app (inbox 0002 copies them first, with their
ids); the cases no longer point at an item: the item names its case."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("aftersales", "0003_badreview_settle_by_fill"),
    ]

    operations = [
        migrations.RemoveField(model_name="badreview", name="item"),
        migrations.RemoveField(model_name="aftersalescase", name="item"),
        migrations.RemoveField(model_name="complaint", name="item"),
        migrations.DeleteModel(name="WorkNote"),
        migrations.DeleteModel(name="WorkItem"),
    ]
