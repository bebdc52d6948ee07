"""Starter quick phrases, the forbidden wordings and the auto-replies (rows in kefu/replies/seed.py)."""

from django.db import migrations

from kefu.replies import seed


def forwards(apps, schema_editor):
    ids = seed.install(apps.get_model)
    seed.index_phrases(apps.get_model, ids)


def backwards(apps, schema_editor):
    seed.uninstall(apps.get_model)


class Migration(migrations.Migration):
    dependencies = [
        ("replies", "0001_initial"),
        ("search", "0002_fulltext_index"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
