"""SQLite: an FTS5 table over search_searchentry (external content, kept in step by triggers)."""

from django.db import connection

# bm25() column weights, in the FTS5 table's column order: title_terms, title_grams, body_terms, body_grams.
WEIGHTS = "10.0, 3.0, 2.0, 0.5"


def candidates(*, kind: str, terms: list[str], category_id: int | None, limit: int) -> list[int]:
    """Ids of the SearchEntry rows matching any term, best ``limit`` first by FTS5's bm25."""
    if not terms:
        return []
    match = " OR ".join(f'"{t}"' for t in terms)
    sql = (
        "SELECT e.id FROM search_fts CROSS JOIN search_searchentry e ON e.id = search_fts.rowid "
        f"WHERE search_fts MATCH %s AND e.kind = %s{' AND e.category_id = %s' if category_id else ''} "
        f"ORDER BY bm25(search_fts, {WEIGHTS}) LIMIT %s"
    )
    params = [match, kind, *([category_id] if category_id else []), limit]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def title_candidates(
    *, kind: str, groups: list[list[str]], category_id: int | None, limit: int, ranked: bool
) -> list[int]:
    """Ids of the rows whose title columns (title and similar questions) hold a term of every
    group; best ``limit`` first by bm25 when ``ranked``, else the first ``limit`` the index meets
    (ranking reads every match, which a large index cannot afford for a common word)."""
    if not groups:
        return []
    expression = " AND ".join("(" + " OR ".join(f'"{t}"' for t in group) + ")" for group in groups)
    match = "{title_terms title_grams}: (" + expression + ")"
    order = f"ORDER BY bm25(search_fts, {WEIGHTS}) " if ranked else ""
    sql = (
        "SELECT e.id FROM search_fts CROSS JOIN search_searchentry e ON e.id = search_fts.rowid "
        f"WHERE search_fts MATCH %s AND e.kind = %s{' AND e.category_id = %s' if category_id else ''} "
        f"{order}LIMIT %s"
    )
    params = [match, kind, *([category_id] if category_id else []), limit]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


INSTALL = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(
        title_terms, title_grams, body_terms, body_grams,
        content='search_searchentry', content_rowid='id', tokenize='unicode61 remove_diacritics 0')""",
    """CREATE TRIGGER IF NOT EXISTS search_entry_ai AFTER INSERT ON search_searchentry BEGIN
        INSERT INTO search_fts(rowid, title_terms, title_grams, body_terms, body_grams)
        VALUES (new.id, new.title_terms, new.title_grams, new.body_terms, new.body_grams); END""",
    """CREATE TRIGGER IF NOT EXISTS search_entry_ad AFTER DELETE ON search_searchentry BEGIN
        INSERT INTO search_fts(search_fts, rowid, title_terms, title_grams, body_terms, body_grams)
        VALUES ('delete', old.id, old.title_terms, old.title_grams, old.body_terms, old.body_grams); END""",
    """CREATE TRIGGER IF NOT EXISTS search_entry_au AFTER UPDATE ON search_searchentry BEGIN
        INSERT INTO search_fts(search_fts, rowid, title_terms, title_grams, body_terms, body_grams)
        VALUES ('delete', old.id, old.title_terms, old.title_grams, old.body_terms, old.body_grams);
        INSERT INTO search_fts(rowid, title_terms, title_grams, body_terms, body_grams)
        VALUES (new.id, new.title_terms, new.title_grams, new.body_terms, new.body_grams); END""",
]
UNINSTALL = [
    "DROP TRIGGER IF EXISTS search_entry_au",
    "DROP TRIGGER IF EXISTS search_entry_ad",
    "DROP TRIGGER IF EXISTS search_entry_ai",
    "DROP TABLE IF EXISTS search_fts",
]
