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

from kefu.search.analysis import QUESTION_WORDS, VARIANT_SEPARATOR

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
# Coverage (the "no answer" gate): how much a match found only in the body, or only through a
# character of an unknown word, counts.
BODY_EVIDENCE = 0.6
CHAR_EVIDENCE = 0.4
# Share of the ranking score that depends on the coverage.
COVERAGE_RANK = 0.7


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


@dataclass(frozen=True)
class Scored:
    """A document's score, and the share of the customer's topic (question words aside, weighed by
    how rare each word is) that it answers: 0 when it only shares 怎么办 or a stray bigram."""

    score: float
    coverage: float


def _evidence(word: str, term: str, factor: float, doc: dict[str, Counter]) -> float:
    """How surely a matched term answers the customer's word, for the coverage: a term found in the
    title (or a similar question) counts fully, one found only in the body less, and a character
    standing for a longer word the articles never use (天 for 今天天气) hardly at all."""
    if len(term) == 1 and len(word) > 1:
        factor *= CHAR_EVIDENCE
    if not (doc["title_terms"][term] or (len(term) == 1 and doc["title_chars"][term])):
        factor *= BODY_EVIDENCE
    return factor


def _query_weight(word: str, df: dict[str, int], n: int) -> float:
    # A word no article uses weighs as much as one that a single article uses.
    return idf(max(df.get(word, 0), 1), n)


def _score_one(query: ParsedQuery, doc: dict[str, Counter], df: dict[str, int], n: int) -> Scored:
    """The score, written plainly: the reference ``Scorer`` must match to the last bit (a test
    compares them); searches use ``Scorer``, which does the same arithmetic in the same order."""
    lengths = {name: max(1, counter.total()) for name, counter in doc.items()}
    total = 0.0
    matched = 0.0
    topic_matched = False
    topic_weight = topic_answered = 0.0
    credited: set[str] = set()
    for group in query.groups:
        best, best_term, share = 0.0, "", 0.0
        for term, weight in group.alternatives:
            term_idf = idf(df.get(term, 0), n)
            tf = _field_tf(term, WORD_FIELDS, doc, lengths)
            factor = weight
            if not tf and len(term) == 1:
                # A one-character word inside the document's longer word: 换 in 换货.
                tf = _field_tf(term, CHAR_FIELDS, doc, lengths)
                factor = CHAR_FALLBACK_WEIGHT * weight
            if tf:
                value = factor * term_idf * _saturate(tf)
                if value > best:
                    best, best_term = value, term
                share = max(share, _evidence(group.word, term, factor, doc))
        if best:
            matched += group.weight
            topic_matched = topic_matched or group.weight == 1.0
            # One article word found through several of the customer's words (收到货再给钱 → 货到付款)
            # counts once.
            if best_term not in credited or best_term == group.word:
                total += group.weight * best
                credited.add(best_term)
        if group.weight == 1.0:
            weight_of_word = _query_weight(group.word, df, n)
            topic_weight += weight_of_word
            topic_answered += weight_of_word * min(1.0, share)
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
    coverage = topic_answered / topic_weight if topic_weight else 0.0
    # Of two articles, the one that answers more of what the customer said comes first.
    total *= 1.0 - COVERAGE_RANK + COVERAGE_RANK * coverage
    return Scored(score=total, coverage=coverage)


def title_variants(doc_fields: dict[str, str]) -> list[dict[str, str]]:
    """The document once per wording of its title: the title itself, then each similar question
    (stored after it, separated by ``VARIANT_SEPARATOR``), each with the same body."""
    terms = doc_fields.get("title_terms", "").split(VARIANT_SEPARATOR)
    grams = doc_fields.get("title_grams", "").split(VARIANT_SEPARATOR)
    if len(terms) == 1:
        return [doc_fields]
    grams += [""] * (len(terms) - len(grams))
    return [{**doc_fields, "title_terms": t, "title_grams": g} for t, g in zip(terms, grams, strict=False)]


def _norm(length: int, typical: float) -> float:
    """BM25's length normalisation of a field of ``length`` terms (at least 1)."""
    return 1.0 - B + B * max(1, length) / typical


class _Field:
    """One stored column of one document: its term counts and its length normalisation, for the
    word fields and the gram fields (the same counter serves bigrams and single characters)."""

    __slots__ = ("counts", "norm")

    def __init__(self, text: str, typical: float):
        counts = Counter(text.split())
        self.counts: dict[str, int] = counts
        self.norm = _norm(counts.total(), typical)


_TITLE_TERMS = WORD_FIELDS["title_terms"]
_BODY_TERMS = WORD_FIELDS["body_terms"]
_TITLE_GRAMS = GRAM_FIELDS["title_grams"]
_BODY_GRAMS = GRAM_FIELDS["body_grams"]
# The character fields are the gram fields (same columns, boosts and typical lengths; a test checks).


def _tf(term: str, title: _Field, title_boost: float, body: _Field, body_boost: float) -> float:
    """``_field_tf`` over a title field and a body field already counted (same arithmetic, same order)."""
    total = 0.0
    tf = title.counts.get(term, 0)
    if tf:
        total += title_boost * tf / title.norm
    tf = body.counts.get(term, 0)
    if tf:
        total += body_boost * tf / body.norm
    return total


class Scorer:
    """The scorer of one query over many candidates: what depends only on the query (each term's
    idf, the weight of each customer word) is worked out once; a candidate's body is counted once
    however many wordings its title has. Scores are those of ``_score_one`` to the last bit."""

    def __init__(self, query: ParsedQuery, df: dict[str, int], n: int):
        self.query = query
        self.groups = []
        for group in query.groups:
            alternatives = [
                (
                    term,
                    weight,
                    idf(df.get(term, 0), n),
                    len(term) == 1,
                    len(term) == 1 and len(group.word) > 1,
                )
                for term, weight in group.alternatives
            ]
            topic_weight = _query_weight(group.word, df, n) if group.weight == 1.0 else 0.0
            self.groups.append((group.word, group.weight, alternatives, topic_weight))
        self.grams = [(gram, GRAM_WEIGHT * idf(df.get(gram, 0), n)) for gram in query.grams]
        self.chars = [(char, CHAR_WEIGHT * idf(df.get(char, 0), n)) for char in query.chars]
        self.weights = sum(group.weight for group in query.groups)
        self.has_topic = any(group.weight == 1.0 for group in query.groups)

    def score(self, doc_fields: dict[str, str]) -> Scored:
        """``score_detail``: the best of the document's title wordings."""
        body_terms = _Field(doc_fields.get("body_terms", ""), _BODY_TERMS[1])
        body_grams = _Field(doc_fields.get("body_grams", ""), _BODY_GRAMS[1])
        best = Scored(0.0, 0.0)
        for variant in title_variants(doc_fields):
            title_terms = _Field(variant.get("title_terms", ""), _TITLE_TERMS[1])
            title_grams = _Field(variant.get("title_grams", ""), _TITLE_GRAMS[1])
            scored = self._one(title_terms, title_grams, body_terms, body_grams)
            if (scored.score, scored.coverage) > (best.score, best.coverage):
                best = scored
        return best

    def _one(
        self, title_terms: _Field, title_grams: _Field, body_terms: _Field, body_grams: _Field
    ) -> Scored:
        # ``_field_tf`` written out (same arithmetic, same order): this loop runs for every
        # alternative of every word of the query, for each candidate.
        t_boost, b_boost = _TITLE_TERMS[0], _BODY_TERMS[0]
        tg_boost, bg_boost = _TITLE_GRAMS[0], _BODY_GRAMS[0]
        t_get, t_norm = title_terms.counts.get, title_terms.norm
        b_get, b_norm = body_terms.counts.get, body_terms.norm
        tg_get, tg_norm = title_grams.counts.get, title_grams.norm
        bg_get, bg_norm = body_grams.counts.get, body_grams.norm
        total = 0.0
        matched = 0.0
        topic_matched = False
        topic_weight = topic_answered = 0.0
        credited: set[str] = set()
        for word, group_weight, alternatives, word_weight in self.groups:
            best, best_term, share = 0.0, "", 0.0
            for term, weight, term_idf, single, char_evidence in alternatives:
                in_title = t_get(term, 0)
                in_body = b_get(term, 0)
                tf = 0.0
                if in_title:
                    tf += t_boost * in_title / t_norm
                if in_body:
                    tf += b_boost * in_body / b_norm
                factor = weight
                title_char = 0
                if not tf and single:
                    # A one-character word inside the document's longer word: 换 in 换货.
                    title_char = tg_get(term, 0)
                    in_body = bg_get(term, 0)
                    if title_char:
                        tf += tg_boost * title_char / tg_norm
                    if in_body:
                        tf += bg_boost * in_body / bg_norm
                    factor = CHAR_FALLBACK_WEIGHT * weight
                elif single:
                    title_char = tg_get(term, 0)
                if tf:
                    value = factor * term_idf * (tf * (K1 + 1.0) / (K1 + tf))
                    if value > best:
                        best, best_term = value, term
                    # ``_evidence``: a character for a longer word counts little, a body-only match less.
                    evidence = factor
                    if char_evidence:
                        evidence *= CHAR_EVIDENCE
                    if not (in_title or title_char):
                        evidence *= BODY_EVIDENCE
                    if evidence > share:
                        share = evidence
            if best:
                matched += group_weight
                topic_matched = topic_matched or group_weight == 1.0
                # One article word found through several of the customer's words counts once.
                if best_term not in credited or best_term == word:
                    total += group_weight * best
                    credited.add(best_term)
            if group_weight == 1.0:
                topic_weight += word_weight
                topic_answered += word_weight * min(1.0, share)
        for grams in (self.grams, self.chars):
            for gram, gram_weight in grams:
                in_title = tg_get(gram, 0)
                in_body = bg_get(gram, 0)
                if in_title or in_body:
                    tf = 0.0
                    if in_title:
                        tf += tg_boost * in_title / tg_norm
                    if in_body:
                        tf += bg_boost * in_body / bg_norm
                    total += gram_weight * (tf * (K1 + 1.0) / (K1 + tf))
        total *= _title_coverage(
            self.query, {"title_terms": title_terms.counts, "title_chars": title_grams.counts}
        )
        if self.query.groups:
            total *= COORDINATION_FLOOR + (1.0 - COORDINATION_FLOOR) * matched / self.weights
            if not topic_matched and self.has_topic:
                total *= QUESTION_ONLY_SHARE
        coverage = topic_answered / topic_weight if topic_weight else 0.0
        total *= 1.0 - COVERAGE_RANK + COVERAGE_RANK * coverage
        return Scored(score=total, coverage=coverage)


def score_detail(query: ParsedQuery, doc_fields: dict[str, str], df: dict[str, int], n: int) -> Scored:
    """BM25F of one document, by the wording of its title (or similar question) that fits best;
    a word counts once however many of its alternatives match."""
    return Scorer(query, df, n).score(doc_fields)


def score(query: ParsedQuery, doc_fields: dict[str, str], df: dict[str, int], n: int) -> float:
    return score_detail(query, doc_fields, df, n).score
