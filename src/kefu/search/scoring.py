"""One scorer for both databases: BM25F over the segmented fields, computed here in Python.

The backends only pick candidates; every candidate is scored by this module from the stored terms
and the shared document frequencies, so SQLite and PostgreSQL rank the same documents the same way.

A query is a list of the customer's words (each with the terms that may stand for it: the word
itself, its synonyms, the shorter words inside it), plus the bigrams and single characters of the
whole query as a weaker, spelling-tolerant signal.
"""

import math
from collections import Counter
from dataclasses import dataclass
from functools import cached_property

from kefu.search.analysis import QUESTION_WORDS

K1 = 1.2
B = 0.75
# Field boosts and the field lengths (in terms) treated as "typical" for length normalisation.
WORD_FIELDS = {"title_terms": (3.0, 8.0), "body_terms": (1.0, 60.0)}
# The gram columns hold a Han run's bigrams and its characters, about twice as many terms as words.
GRAM_FIELDS = {"title_grams": (3.0, 20.0), "body_grams": (1.0, 160.0)}
CHAR_FIELDS = {"title_chars": (3.0, 20.0), "body_chars": (1.0, 160.0)}
# How much a match through another term than the customer's own word is worth.
SYNONYM_WEIGHT = 0.8
PART_WEIGHT = 0.6
CHAR_FALLBACK_WEIGHT = 0.5
# The spelling-tolerant signals over the whole query.
GRAM_WEIGHT = 0.35
CHAR_WEIGHT = 0.15
# Share of the score kept by a document that answers none of the query's words but shares bigrams.
COORDINATION_FLOOR = 0.6
QUESTION_WORD_WEIGHT = 0.3
QUESTION_ONLY_SHARE = 0.2
# A help-center title is a question: the more of its words (and characters) the customer also used,
# the more likely it is the same question. Share of the score that depends on that coverage.
TITLE_WORD_COVER = 0.5
TITLE_CHAR_COVER = 0.3


@dataclass
class QueryGroup:
    """One word of the query and the terms that may stand for it, each with its weight (≤ 1)."""

    word: str
    alternatives: tuple[tuple[str, float], ...]
    # Question words (什么, 怎么, 可以) say what kind of answer is wanted, not what it is about.
    weight: float = 1.0

    def terms(self) -> list[str]:
        return [term for term, _weight in self.alternatives]


@dataclass
class ParsedQuery:
    groups: list[QueryGroup]
    grams: list[str]
    chars: list[str]

    def terms(self) -> list[str]:
        seen: dict[str, None] = {}
        for group in self.groups:
            seen.update(dict.fromkeys(group.terms()))
        seen.update(dict.fromkeys(self.grams))
        seen.update(dict.fromkeys(self.chars))
        return list(seen)

    @cached_property
    def term_set(self) -> frozenset[str]:
        return frozenset(self.terms())

    @cached_property
    def char_set(self) -> frozenset[str]:
        return frozenset(self.chars)

    def highlight_terms(self) -> list[str]:
        """The words to mark in results: the customer's words and what stood for them (no lone characters
        unless the customer typed one)."""
        out: dict[str, None] = {}
        for group in self.groups:
            for term, _weight in group.alternatives:
                if len(term) > 1 or term == group.word:
                    out[term] = None
        return list(out)


def idf(df: int, n: int) -> float:
    return math.log(1.0 + (n - df + 0.5) / (df + 0.5))


def _field_tf(term: str, fields: dict[str, tuple[float, float]], doc: dict[str, Counter], lengths) -> float:
    total = 0.0
    for name, (boost, typical) in fields.items():
        tf = doc[name][term]
        if tf:
            total += boost * tf / (1.0 - B + B * lengths[name] / typical)
    return total


def _saturate(tf: float) -> float:
    return tf * (K1 + 1.0) / (K1 + tf)


def split_fields(doc_fields: dict[str, str]) -> dict[str, Counter]:
    """Stored columns → term counts; the ``*_grams`` columns hold bigrams and single characters,
    told apart by their length, so one counter serves both (``*_chars`` names the same counter)."""
    doc: dict[str, Counter] = {}
    for prefix in ("title", "body"):
        doc[f"{prefix}_terms"] = Counter(doc_fields.get(f"{prefix}_terms", "").split())
        doc[f"{prefix}_grams"] = doc[f"{prefix}_chars"] = Counter(
            doc_fields.get(f"{prefix}_grams", "").split()
        )
    return doc


def _title_coverage(query: ParsedQuery, doc: dict[str, Counter]) -> float:
    """Factor (≤ 1) for how much of the document's title the query covers, by words and characters."""
    factor = 1.0
    title_words = [t for t in doc["title_terms"] if t not in QUESTION_WORDS]
    if title_words:
        terms = query.term_set
        covered = sum(
            1 for t in title_words if t in terms or any(t[i : i + 2] in terms for i in range(len(t) - 1))
        )
        factor *= 1.0 - TITLE_WORD_COVER + TITLE_WORD_COVER * covered / len(title_words)
    title_chars = [c for c in doc["title_chars"] if len(c) == 1]
    if title_chars:
        covered = sum(1 for c in title_chars if c in query.char_set)
        factor *= 1.0 - TITLE_CHAR_COVER + TITLE_CHAR_COVER * covered / len(title_chars)
    return factor


def score(query: ParsedQuery, doc_fields: dict[str, str], df: dict[str, int], n: int) -> float:
    """BM25F of one document; a word counts once however many of its alternatives match."""
    doc = split_fields(doc_fields)
    lengths = {name: max(1, counter.total()) for name, counter in doc.items()}
    total = 0.0
    matched = 0.0
    topic_matched = False
    for group in query.groups:
        best = 0.0
        for term, weight in group.alternatives:
            term_idf = idf(df.get(term, 0), n)
            tf = _field_tf(term, WORD_FIELDS, doc, lengths)
            if tf:
                best = max(best, weight * term_idf * _saturate(tf))
            elif len(term) == 1:
                # A one-character word inside the document's longer word: 换 in 换货.
                tf = _field_tf(term, CHAR_FIELDS, doc, lengths)
                if tf:
                    best = max(best, CHAR_FALLBACK_WEIGHT * weight * term_idf * _saturate(tf))
        if best:
            matched += group.weight
            topic_matched = topic_matched or group.weight == 1.0
        total += group.weight * best
    for gram in query.grams:
        tf = _field_tf(gram, GRAM_FIELDS, doc, lengths)
        if tf:
            total += GRAM_WEIGHT * idf(df.get(gram, 0), n) * _saturate(tf)
    for char in query.chars:
        tf = _field_tf(char, CHAR_FIELDS, doc, lengths)
        if tf:
            total += CHAR_WEIGHT * idf(df.get(char, 0), n) * _saturate(tf)
    total *= _title_coverage(query, doc)
    if query.groups:
        # Documents that answer more of the customer's words rank above one that repeats one word.
        weights = sum(group.weight for group in query.groups)
        total *= COORDINATION_FLOOR + (1.0 - COORDINATION_FLOOR) * matched / weights
        if not topic_matched and any(group.weight == 1.0 for group in query.groups):
            # Sharing only 怎么 or 可以 with the customer is no answer to what they asked about.
            total *= QUESTION_ONLY_SHARE
    return total
