from django.db import migrations


def forwards(apps, schema_editor):
    from kefu.orders import seed

    seed.create(apps.get_model("orders", "ReminderScript"))


def backwards(apps, schema_editor):
    from kefu.orders import seed

    apps.get_model("orders", "ReminderScript").objects.filter(name__in=[s[0] for s in seed.SCRIPTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("orders", "0002_order_review_reminders_imports")]

    operations = [migrations.RunPython(forwards, backwards)]
