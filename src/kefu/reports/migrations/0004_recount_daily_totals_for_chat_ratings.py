"""The days stored before the chats' ratings were kept hold no ratings: forget them, so the
reports count those days live until the sweep has stored them again (a month per run)."""

from django.db import migrations


def forget_stored_days(apps, schema_editor):
    for name in ("SummarizedDay", "SalesDay", "ServiceDay"):
        apps.get_model("reports", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0003_serviceday_chat_ratings"),
    ]

    operations = [
        # nothing to put back: the sweep recounts whatever is missing
        migrations.RunPython(forget_stored_days, migrations.RunPython.noop),
    ]
