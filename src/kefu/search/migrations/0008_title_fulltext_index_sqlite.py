"""SQLite: a second, small FTS5 table over the title columns alone (title and similar questions,
their words and grams), kept in step by triggers like the first. Candidates on a large index come
from the titles: in the document-wide table a column filter reads the positions of every posting
of a common word (bodies included); this one holds titles only and no positions (``detail=column``).
PostgreSQL needs nothing more (see 0007)."""

from django.db import migrations

INSTALL = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS search_title_fts USING fts5(
        title_terms, title_grams, content='search_searchentry', content_rowid='id',
        tokenize='unicode61 remove_diacritics 0', detail=column)""",
    """CREATE TRIGGER IF NOT EXISTS search_entry_title_ai AFTER INSERT ON search_searchentry BEGIN
        INSERT INTO search_title_fts(rowid, title_terms, title_grams)
        VALUES (new.id, new.title_terms, new.title_grams); END""",
    """CREATE TRIGGER IF NOT EXISTS search_entry_title_ad AFTER DELETE ON search_searchentry BEGIN
        INSERT INTO search_title_fts(search_title_fts, rowid, title_terms, title_grams)
        VALUES ('delete', old.id, old.title_terms, old.title_grams); END""",
    """CREATE TRIGGER IF NOT EXISTS search_entry_title_au AFTER UPDATE ON search_searchentry BEGIN
        INSERT INTO search_title_fts(search_title_fts, rowid, title_terms, title_grams)
        VALUES ('delete', old.id, old.title_terms, old.title_grams);
        INSERT INTO search_title_fts(rowid, title_terms, title_grams)
        VALUES (new.id, new.title_terms, new.title_grams); END""",
    "INSERT INTO search_title_fts(search_title_fts) VALUES ('rebuild')",
]
UNINSTALL = [
    "DROP TRIGGER IF EXISTS search_entry_title_au",
    "DROP TRIGGER IF EXISTS search_entry_title_ad",
    "DROP TRIGGER IF EXISTS search_entry_title_ai",
    "DROP TABLE IF EXISTS search_title_fts",
]


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in INSTALL:
            schema_editor.execute(sql)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in UNINSTALL:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("search", "0007_title_fulltext_index_postgres")]
    operations = [migrations.RunPython(install, uninstall)]
