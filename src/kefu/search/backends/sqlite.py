"""SQLite: an FTS5 table over search_searchentry (external content, kept in step by triggers)."""

from django.db import connection

# bm25() column weights, in the FTS5 table's column order: title_terms, title_grams, body_terms, body_grams.
WEIGHTS = "10.0, 3.0, 2.0, 0.5"
# The same for the title table (title_terms, title_grams).
TITLE_WEIGHTS = "10.0, 3.0"


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
    *,
    kind: str,
    groups: list[list[str]],
    category_id: int | None,
    limit: int,
    ranked: bool,
    rank_at_most: int,
) -> list[int]:
    """Ids of the rows whose titles (title and similar questions: the small ``search_title_fts``
    of migration 0008) hold a term of every group. ``ranked``: best ``limit`` first by bm25 among
    the first ``rank_at_most`` matches (words that always go together, 蓝牙 耳机, can make a match
    set far larger than expected, and ranking reads every match); else the first ``limit`` the
    index meets."""
    if not groups:
        return []
    match = " AND ".join("(" + " OR ".join(f'"{t}"' for t in group) + ")" for group in groups)
    sql = (
        f"SELECT e.id{f', bm25(search_title_fts, {TITLE_WEIGHTS}) AS rank' if ranked else ''} "
        "FROM search_title_fts CROSS JOIN search_searchentry e ON e.id = search_title_fts.rowid "
        f"WHERE search_title_fts MATCH %s AND e.kind = %s{' AND e.category_id = %s' if category_id else ''} "
        "LIMIT %s"
    )
    params = [match, kind, *([category_id] if category_id else []), rank_at_most if ranked else limit]
    if ranked:
        sql = f"SELECT id FROM ({sql}) AS matches ORDER BY rank, id LIMIT %s"
        params.append(limit)
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
