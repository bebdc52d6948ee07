"""PostgreSQL: a generated tsvector column over the segmented terms, with a GIN index.

The terms are already segmented and space-separated, so the 'simple' configuration only splits on
the spaces and lower-cases (the database's ctype must class Han characters as letters, as C.UTF-8
and every UTF-8 locale do). Weights: A title words, B title bigrams, C body words, D body bigrams.
"""

from django.db import connection


def _lexeme(term: str) -> str:
    return "'" + term.replace("'", "''").replace("\\", "\\\\") + "'"


def candidates(*, kind: str, terms: list[str], category_id: int | None, limit: int) -> list[int]:
    """Ids of the SearchEntry rows matching any term, best ``limit`` first by ts_rank."""
    if not terms:
        return []
    query = " | ".join(_lexeme(t) for t in terms)
    sql = (
        "SELECT id FROM search_searchentry "
        f"WHERE document @@ %s::tsquery AND kind = %s{' AND category_id = %s' if category_id else ''} "
        "ORDER BY ts_rank(document, %s::tsquery) DESC, id LIMIT %s"
    )
    params = [query, kind, *([category_id] if category_id else []), query, limit]
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
    """Ids of the rows whose titles (title and similar questions, words and bigrams: the small
    ``title_document`` of migration 0007, its own GIN index) hold a term of every group.
    ``ranked``: best ``limit`` first by ts_rank among the first ``rank_at_most`` matches (words
    that always go together can make a match set far larger than expected, and ranking reads every
    match); else the first ``limit`` the index meets."""
    if not groups:
        return []
    query = " & ".join("(" + " | ".join(_lexeme(t) for t in group) + ")" for group in groups)
    sql = (
        f"SELECT id{', ts_rank(title_document, %s::tsquery) AS rank' if ranked else ''} "
        "FROM search_searchentry "
        f"WHERE title_document @@ %s::tsquery AND kind = %s{' AND category_id = %s' if category_id else ''} "
        "LIMIT %s"
    )
    params = [
        *([query] if ranked else []),
        query,
        kind,
        *([category_id] if category_id else []),
        rank_at_most if ranked else limit,
    ]
    if ranked:
        sql = f"SELECT id FROM ({sql}) AS matches ORDER BY rank DESC, id LIMIT %s"
        params.append(limit)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


INSTALL = [
    """ALTER TABLE search_searchentry ADD COLUMN document tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, title_terms), 'A') ||
        setweight(to_tsvector('simple'::regconfig, title_grams), 'B') ||
        setweight(to_tsvector('simple'::regconfig, body_terms), 'C') ||
        setweight(to_tsvector('simple'::regconfig, body_grams), 'D')
    ) STORED""",
    "CREATE INDEX search_entry_document_gin ON search_searchentry USING GIN (document)",
]
UNINSTALL = [
    "DROP INDEX IF EXISTS search_entry_document_gin",
    "ALTER TABLE search_searchentry DROP COLUMN IF EXISTS document",
]
