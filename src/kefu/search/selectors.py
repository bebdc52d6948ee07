"""Reading the search index: ``search`` gives the same results contract on SQLite and PostgreSQL."""

import itertools
import math
from dataclasses import dataclass
from typing import Any

import rjieba
from django.db import connection

from kefu.core import shopsettings
from kefu.search import analysis, rules, scoring
from kefu.search.backends import backend
from kefu.search.synonyms import VERSION_KIND, SynonymTable, cached_map, synonym_map

MAX_QUERY_WORDS = 24
MAX_GRAMS = 32
CANDIDATES = 40
# The candidate query asks the full-text index for the query's terms, rarest first, while their
# postings (documents to rank) stay within POSTINGS_BUDGET — the rarest term always joins. On a large
# index this leaves out the characters and bigrams every other article has (the scorer still counts
# them for every candidate); on a small one every term joins.
MAX_CANDIDATE_TERMS = 24
POSTINGS_BUDGET = 2_000
# On a large index (the rarest term of the query alone is in more than POSTINGS_BUDGET documents)
# candidates come from the title columns, all topic words first (at most MAX_TOPIC_GROUPS of the
# rarest), one word fewer until LARGE_ENOUGH are found; at most LARGE_CANDIDATES are scored, and
# the index ranks a match set only when about RANK_BUDGET documents or fewer are expected in it.
MAX_TOPIC_GROUPS = 4
MAX_ATTEMPTS = 8
LARGE_ENOUGH = 10
LARGE_CANDIDATES = 40
RANK_BUDGET = 1_500
# A hit scoring below this share of the best hit is noise from a stray bigram, not an answer.
RELATIVE_CUTOFF = 0.12


@dataclass(frozen=True)
class Hit:
    object_id: int
    score: float
    category_id: int | None
    # Share of the customer's topic the document answers (see ``scoring.Scored``).
    coverage: float = 1.0


def _parts(word: str) -> list[str]:
    """The shorter dictionary words inside ``word`` (快递费 → 快递), as documents are indexed."""
    if len(word) < 3 or not analysis.is_han(word):
        return []
    return [
        p for p in rjieba.cut_for_search(word) if p != word and len(p) > 1 and p not in analysis.STOPWORDS
    ]


@dataclass(frozen=True)
class Plan:
    """The query's precise words (with where each sits in ``text``), the synonym table, the synonym
    keys found inside the text, its bigrams and its characters."""

    words: list[str]
    spans: list[tuple[int, int]]
    synonyms: SynonymTable
    phrases: list[tuple[int, int, str]]
    grams: list[str]
    chars: list[str]


def _spans(text: str, words: list[str]) -> list[tuple[int, int]]:
    """Where each word sits in ``text`` (words are in order); (-1, -1) when not found verbatim."""
    out, cursor = [], 0
    for word in words:
        at = text.find(word, cursor)
        if at < 0:
            out.append((-1, -1))
            continue
        out.append((at, at + len(word)))
        cursor = at + len(word)
    return out


def _plan(text: str, table: SynonymTable | None = None) -> Plan:
    prepared = analysis.numbers_to_digits(analysis.normalize(text))
    words = list(dict.fromkeys(analysis.words(text, search_mode=False)))[:MAX_QUERY_WORDS]
    grams = list(dict.fromkeys(analysis.grams(text)))[:MAX_GRAMS]
    chars = list(dict.fromkeys(analysis.chars(text)))[:MAX_GRAMS]
    if table is None:
        table = synonym_map()
    phrases = [p for p in table.phrases_in(prepared) if p[2] not in words]
    return Plan(words, _spans(prepared, words), table, phrases, grams, chars)


def _expanded(term: str) -> list[tuple[str, float]]:
    """An expansion and, when it is several words (货到付款 → 货到, 付款), each of them, weaker."""
    out = [(term, 1.0)]
    if len(term) > 2:
        out.extend((w, scoring.PART_WEIGHT) for w in analysis.words(term) if w != term)
    return out


def _phrase_expansions(plan: Plan, index: int) -> list[str]:
    """Expansions of the synonym keys found in the text that overlap the ``index``-th word."""
    start, end = plan.spans[index]
    out: list[str] = []
    if start < 0:
        return out
    for p_start, p_end, key in plan.phrases:
        if p_start < end and start < p_end:
            out.extend(sorted(plan.synonyms.get(key, ())))
    return out


def parse_query(
    text: str, df: dict[str, int] | None = None, *, plan: Plan | None = None
) -> scoring.ParsedQuery:
    """The customer's words, each with what may stand for it in an article.

    ``df`` (document frequencies) lets a word the index has never seen (a segmentation the articles
    do not share, like 有券) fall back to its characters (券), which the index keeps.
    """
    plan = plan or _plan(text)
    synonyms = plan.synonyms
    groups = []
    for index, word in enumerate(plan.words):
        alternatives: dict[str, float] = {word: 1.0}
        for synonym in [*sorted(synonyms.get(word, ())), *_phrase_expansions(plan, index)]:
            for term, weight in _expanded(synonym):
                alternatives.setdefault(term, scoring.SYNONYM_WEIGHT * weight)
        for part in _parts(word):
            alternatives.setdefault(part, scoring.PART_WEIGHT)
            for synonym in sorted(synonyms.get(part, ())):
                alternatives.setdefault(synonym, scoring.PART_WEIGHT * scoring.SYNONYM_WEIGHT)
        if df is not None and not any(df.get(t) for t in alternatives):
            # When neither the word nor any expansion is a word of the articles, an expansion
            # (破损, where the title says 破了) may still meet them through its characters, weakly.
            for term, weight in list(alternatives.items()):
                if weight < 1.0 and len(term) == 2 and analysis.is_han(term) and not df.get(term):
                    for ch in analysis.chars(term):
                        alternatives.setdefault(ch, weight * scoring.PART_WEIGHT)
        if (
            df is not None
            and len(word) > 1
            and analysis.is_han(word)
            and not any(df.get(t) for t in alternatives)
        ):
            for ch in analysis.chars(word):
                alternatives.setdefault(ch, scoring.PART_WEIGHT)
                for synonym in sorted(synonyms.get(ch, ())):
                    alternatives.setdefault(synonym, scoring.PART_WEIGHT * scoring.SYNONYM_WEIGHT)
        weight = scoring.QUESTION_WORD_WEIGHT if analysis.is_minor(word) else 1.0
        groups.append(scoring.QueryGroup(word=word, alternatives=tuple(alternatives.items()), weight=weight))
    return scoring.ParsedQuery(groups=groups, grams=plan.grams, chars=plan.chars)


def _all_terms(plan: Plan) -> set[str]:
    """Every term the query may use, to fetch their document frequencies in one query."""
    out = set(parse_query("", plan=plan).terms())
    for word in plan.words:
        for ch in analysis.chars(word):
            out.add(ch)
            out.update(plan.synonyms.get(ch, ()))
    return out


def candidate_terms(parsed: scoring.ParsedQuery, df: dict[str, int]) -> list[str]:
    """The terms to ask the full-text index for: those some document has, rarest first, within budget."""
    present = sorted((t for t in parsed.terms() if df.get(t)), key=lambda t: (df[t], t))
    chosen: list[str] = []
    postings = 0
    for term in present[:MAX_CANDIDATE_TERMS]:
        if chosen and postings + df[term] > POSTINGS_BUDGET:
            break
        chosen.append(term)
        postings += df[term]
    return chosen


def _large_index_candidates(
    kind: str,
    parsed: scoring.ParsedQuery,
    df: dict[str, int],
    n: int,
    wanted: list[str],
    category_id: int | None,
) -> list[int]:
    """Candidates when even the query's rarest term is in more documents than can be ranked (a
    large index: every word of a customer's question is in thousands of articles). Titles (and
    similar questions) that hold all of the customer's topic words (each with its synonyms, not
    its pieces) first, then all but the most
    common one (each left out in turn, rarest sets first), and so on, until enough are found; the index ranks a match set only when it is
    small enough to rank fast (independent words assumed), else hands over the first it meets."""
    groups = []
    for group in parsed.groups:
        if group.weight < 1.0:
            continue
        present = [(t, w) for t, w in group.alternatives if df.get(t)]
        # The word and its synonyms; the pieces and characters only when nothing else is there.
        terms = [t for t, w in present if w >= scoring.SYNONYM_WEIGHT] or [t for t, _w in present]
        if terms:
            groups.append((sum(df[t] for t in terms), terms))
    groups.sort(key=lambda g: g[0])
    groups = groups[:MAX_TOPIC_GROUPS] or [(df[wanted[0]], wanted[:1])]
    found: dict[int, None] = {}
    attempts = [c for k in range(len(groups), 0, -1) for c in itertools.combinations(groups, k)]
    for chosen in attempts[:MAX_ATTEMPTS]:
        estimate = n * math.prod(min(1.0, postings / n) for postings, _terms in chosen)
        ids = backend().title_candidates(
            kind=kind,
            groups=[terms for _postings, terms in chosen],
            category_id=category_id,
            limit=LARGE_CANDIDATES,
            ranked=estimate <= RANK_BUDGET,
            rank_at_most=RANK_BUDGET,
        )
        found.update(dict.fromkeys(ids))
        if len(found) >= LARGE_ENOUGH:
            break
    return list(found)[:LARGE_CANDIDATES]


def _frequencies(kind: str, terms: set[str]) -> tuple[dict[str, int], int | None]:
    """Document frequencies of ``terms`` (and of "", the number of documents) and the synonym list's
    version, in one query (plain SQL: no model objects for a few dozen numbers)."""
    wanted = [*terms, ""]
    placeholders = ", ".join(["%s"] * len(wanted))
    sql = (
        "SELECT kind, term, df FROM search_searchterm "
        f"WHERE (kind = %s AND term IN ({placeholders})) OR (kind = %s AND term = '')"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [kind, *wanted, VERSION_KIND])
        rows = cursor.fetchall()
    df: dict[str, int] = {}
    version = None
    for row_kind, term, value in rows:
        if row_kind == VERSION_KIND and kind != VERSION_KIND:
            version = value
        else:
            df[term] = value
    return df, version


_ROW_COLUMNS = ("object_id", "category_id", "title_terms", "title_grams", "body_terms", "body_grams")


def _entries(ids: list[int]) -> list[dict[str, Any]]:
    """The stored terms of the candidates, as plain rows (the scorer needs no model objects)."""
    sql = (
        f"SELECT {', '.join(_ROW_COLUMNS)} FROM search_searchentry "
        f"WHERE id IN ({', '.join(['%s'] * len(ids))})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, ids)
        return [dict(zip(_ROW_COLUMNS, row, strict=True)) for row in cursor.fetchall()]


def search(
    *, kind: str, query: str, category_id: int | None = None, limit: int = 20, offset: int = 0
) -> tuple[list[Hit], int]:
    """Best hits first and the number of hits in all (at most ``CANDIDATES``)."""
    hits = search_all(kind=kind, query=query, category_id=category_id)
    return hits[offset : offset + limit], len(hits)


def search_all(
    *, kind: str, query: str, category_id: int | None = None, min_coverage: float | None = None
) -> list[Hit]:
    """Every answer worth showing, best first; none when nothing answers beyond question words and
    fillers (a document must cover ``min_coverage`` of the customer's topic, by default the shop's
    ``search_min_coverage``)."""
    if min_coverage is None:
        min_coverage = float(shopsettings.get(rules.SEARCH_MIN_COVERAGE.key))
    table, version = cached_map()
    plan = _plan(query, table)
    terms = _all_terms(plan)
    if not terms:
        return []
    df, current = _frequencies(kind, terms)
    if current is None or current != version:
        # The synonym list changed since this process built its table (or carries no version).
        table = synonym_map(current)
        if table is not plan.synonyms:
            plan = _plan(query, table)
            more = _all_terms(plan)
            if more - terms:
                df, _current = _frequencies(kind, more)
    n = max(df.pop("", 0), 1)
    parsed = parse_query(query, df, plan=plan)
    wanted = candidate_terms(parsed, df)
    if not wanted:
        return []
    if sum(df[t] for t in wanted) <= POSTINGS_BUDGET:
        ids = backend().candidates(kind=kind, terms=wanted, category_id=category_id, limit=CANDIDATES)
    else:
        ids = _large_index_candidates(kind, parsed, df, n, wanted, category_id)
    if not ids:
        return []
    rows = _entries(ids)
    hits = []
    scorer = scoring.Scorer(parsed, df, n)
    for row in rows:
        scored = scorer.score(row)
        if scored.score > 0 and scored.coverage >= min_coverage:
            hits.append(
                Hit(
                    object_id=row["object_id"],
                    score=round(scored.score, 6),
                    category_id=row["category_id"],
                    coverage=round(scored.coverage, 4),
                )
            )
    hits.sort(key=lambda h: (-h.score, h.object_id))
    if hits:
        floor = hits[0].score * RELATIVE_CUTOFF
        hits = [h for h in hits if h.score >= floor]
    return hits
