"""PostgreSQL: a second, small tsvector over the title columns alone (title and similar questions,
their words and grams), with its own GIN index. Candidates on a large index come from the titles:
with the one document-wide tsvector, every row holding the word anywhere had to be read back and
its (TOASTed) tsvector checked for the title weights. SQLite needs nothing: FTS5 filters columns
inside its index."""

from django.db import migrations

INSTALL = [
    """ALTER TABLE search_searchentry ADD COLUMN title_document tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, title_terms), 'A') ||
        setweight(to_tsvector('simple'::regconfig, title_grams), 'B')
    ) STORED""",
    "CREATE INDEX search_entry_title_document_gin ON search_searchentry USING GIN (title_document)",
]
UNINSTALL = [
    "DROP INDEX IF EXISTS search_entry_title_document_gin",
    "ALTER TABLE search_searchentry DROP COLUMN IF EXISTS title_document",
]


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in INSTALL:
            schema_editor.execute(sql)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in UNINSTALL:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("search", "0006_synonym_list_version")]
    operations = [migrations.RunPython(install, uninstall)]
