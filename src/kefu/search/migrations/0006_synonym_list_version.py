"""The synonym list's version: every server process keeps the table it built and reads the version
with each search's term frequencies, rebuilding the table only after the list changed."""

import secrets

from django.db import migrations

VERSION_KIND = "_synonyms"


def add_version(apps, schema_editor):
    SearchTerm = apps.get_model("search", "SearchTerm")
    SearchTerm.objects.update_or_create(
        kind=VERSION_KIND, term="", defaults={"df": secrets.randbelow(2**31 - 1) + 1}
    )


def remove_version(apps, schema_editor):
    apps.get_model("search", "SearchTerm").objects.filter(kind=VERSION_KIND).delete()


class Migration(migrations.Migration):
    dependencies = [("search", "0005_ecommerce_synonyms")]
    operations = [migrations.RunPython(add_version, remove_version)]
