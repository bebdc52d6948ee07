"""The full-text index, which differs per database: FTS5 + triggers, or tsvector + GIN."""

from django.db import migrations

from kefu.search.backends import postgres, sqlite


def _backend(schema_editor):
    if schema_editor.connection.vendor == "postgresql":

        return postgres
    return sqlite


def install(apps, schema_editor):
    for sql in _backend(schema_editor).INSTALL:
        schema_editor.execute(sql)
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")


def uninstall(apps, schema_editor):
    for sql in _backend(schema_editor).UNINSTALL:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]
    operations = [migrations.RunPython(install, uninstall)]
