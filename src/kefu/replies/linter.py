"""The reply linter: the shop's forbidden wordings (its 语言规范), checked before a message is sent.

A hit is shown with the better wording; the agent may still send (``lint_override_record`` counts
it). False alarms cost more than a missed hit (agents stop reading a linter that cries wolf), so a
wording is not a hit:

- inside quotation marks (“…” "…" 「…」 『…』 ‘…’) or a title (《…》): the agent is quoting;
- in a double negation (不能不, 不会不 = must, will surely);
- in an A-not-A question (能不能, 会不会, 可不可以);
- inside one of the phrase's exception words (不可或缺, 必不可少);
- for phrases marked "商品事实除外", when a product property follows (不会褪色, 不会过敏): that is a
  fact about the goods, not a refusal. The property words are the shop setting
  ``reply_lint_fact_words``.

Overlapping hits keep the longest wording (我不能 rather than 不能, 不可能 rather than 不可).
"""

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kefu.core import shopsettings
from kefu.replies.models import ForbiddenPhrase


@dataclass(frozen=True)
class LintHit:
    phrase: str  # the forbidden wording as found, e.g. "不能"
    start: int  # offset in the text
    end: int
    suggestion: str  # the better wording
    reason: str = ""  # short why, Chinese


@dataclass(frozen=True)
class LintRule:
    """What the linter needs of a ``ForbiddenPhrase`` row (plain data, so it can run without a query)."""

    phrase: str
    suggestion: str
    reason: str = ""
    whole_reply: bool = False
    customer_trigger: tuple[str, ...] = ()
    exceptions: tuple[str, ...] = ()
    fact_exempt: bool = False


_QUOTED = re.compile(r"“[^”]*”|「[^」]*」|『[^』]*』|‘[^’]*’|《[^》]*》|\"[^\"]*\"|＂[^＂]*＂")
# Words that may sit between the negation and the property: 不会轻易褪色, 不会出现起球, 不会引起过敏.
_FACT_FILLERS = (
    "轻易",
    "容易",
    "出现",
    "引起",
    "导致",
    "造成",
    "发生",
    "产生",
    "有",
    "再",
    "太",
    "那么",
    "很",
    "会",
)
# What a bare reply may carry around its one word and still be bare: 在的亲~ is still just 在.
_BARE_PARTICLES = "的呢啊呀哦哈滴嗯噢喔啦哟吖亲"


def _squeeze(text: str) -> str:
    """Text without spaces, punctuation, symbols and emoji: what a reply says in words."""
    return "".join(ch for ch in text if unicodedata.category(ch)[0] not in "PZSC")


def _bare(text: str) -> str:
    word = _squeeze(text)
    return word.strip(_BARE_PARTICLES)


def _inside(start: int, end: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(s <= start and end <= e for s, e in spans)


def _occurrences(text: str, word: str) -> list[tuple[int, int]]:
    out, i = [], text.find(word)
    while i != -1 and word:
        out.append((i, i + len(word)))
        i = text.find(word, i + 1)
    return out


def _is_fact(text: str, pos: int, fact_words: Sequence[str]) -> bool:
    """A product property starts at ``pos``, perhaps after a filler or two (不会轻易褪色)."""
    for _step in range(3):
        if any(w and text.startswith(w, pos) for w in fact_words):
            return True
        filler = next((f for f in _FACT_FILLERS if text.startswith(f, pos)), None)
        if filler is None:
            return False
        pos += len(filler)
    return False


def _excused(text: str, start: int, end: int, rule: LintRule, quoted, fact_words: Sequence[str]) -> bool:
    if _inside(start, end, quoted):
        return True
    phrase = rule.phrase
    if "不" in phrase and text.startswith("不", end):
        return True  # 不能不, 不会不: a double negation says "must"
    if phrase.startswith("不") and len(phrase) > 1 and start > 0 and text[start - 1] == phrase[1]:
        return True  # 能不能, 会不会, 可不可以: a question, not a refusal
    for word in rule.exceptions:
        if phrase in word and any(s <= start and end <= e for s, e in _occurrences(text, word)):
            return True
    return rule.fact_exempt and _is_fact(text, end, fact_words)


def _triggered(rule: LintRule, customer_message: str) -> bool:
    if not rule.customer_trigger:
        return True
    said = _squeeze(customer_message)
    return any(t in said for t in rule.customer_trigger)


def lint(
    text: str, *, rules: Sequence[LintRule], fact_words: Sequence[str] = (), customer_message: str = ""
) -> list[LintHit]:
    """The hits of ``rules`` in ``text``, in text order, overlaps resolved to the longest wording."""
    text = text or ""
    if not text.strip():
        return []
    quoted = [m.span() for m in _QUOTED.finditer(text)]
    candidates: list[tuple[int, int, LintRule]] = []
    for rule in rules:
        if not rule.phrase or not _triggered(rule, customer_message):
            continue
        if rule.whole_reply:
            if rule.phrase in (_squeeze(text), _bare(text)):
                start = text.find(rule.phrase)
                candidates.append((start, start + len(rule.phrase), rule))
            continue
        for start, end in _occurrences(text, rule.phrase):
            if not _excused(text, start, end, rule, quoted, fact_words):
                candidates.append((start, end, rule))
    kept: list[tuple[int, int, LintRule]] = []
    for start, end, rule in sorted(candidates, key=lambda c: (-(c[1] - c[0]), c[0])):
        if all(end <= s or start >= e for s, e, _r in kept):
            kept.append((start, end, rule))
    kept.sort(key=lambda c: c[0])
    return [
        LintHit(phrase=text[s:e], start=s, end=e, suggestion=r.suggestion, reason=r.reason)
        for s, e, r in kept
    ]


def active_rules() -> list[LintRule]:
    """The shop's switched-on forbidden phrases, as the linter reads them (one query)."""
    rows = ForbiddenPhrase.objects.filter(is_active=True).order_by("phrase")
    return [
        LintRule(
            phrase=row.phrase,
            suggestion=row.suggestion,
            reason=row.reason,
            whole_reply=row.match == ForbiddenPhrase.Match.WHOLE_REPLY,
            customer_trigger=tuple(row.customer_trigger.replace("，", " ").replace(",", " ").split()),
            exceptions=tuple(row.exception_list),
            fact_exempt=row.fact_exempt,
        )
        for row in rows
    ]


def fact_words() -> list[str]:
    value = shopsettings.get("reply_lint_fact_words")
    if isinstance(value, str):
        value = value.replace("，", ",").split(",")
    return [w.strip() for w in value or [] if w and w.strip()]


def lint_reply(text: str, *, customer_message: str = "") -> list[LintHit]:
    """Check an agent's reply against the shop's forbidden phrases.

    ``customer_message`` is the customer's latest message, so a rule that only applies as an answer
    to something (a bare 在 to 在吗) can be checked.
    """
    return lint(text, rules=active_rules(), fact_words=fact_words(), customer_message=customer_message)
