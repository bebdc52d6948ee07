from django.db import migrations

from kefu.orders import starter_scripts


def forwards(apps, schema_editor):
    starter_scripts.create(apps.get_model("orders", "ReminderScript"))


def backwards(apps, schema_editor):
    names = [s[0] for s in starter_scripts.SCRIPTS]
    apps.get_model("orders", "ReminderScript").objects.filter(name__in=names).delete()


class Migration(migrations.Migration):
    dependencies = [("orders", "0002_order_review_reminders_imports")]

    operations = [migrations.RunPython(forwards, backwards)]
