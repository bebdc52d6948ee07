"""Marking the customer's words in titles and snippets, with the text escaped first.

Terms are matched on the normalised text (full-width → half-width, lower case, as the index sees it)
and the marks are put on the original characters, so 'ＳＫＵ' is found by 'sku' and shown as typed.
"""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from kefu.search.analysis import normalize


def _pattern(terms: list[str]) -> re.Pattern | None:
    terms = sorted({normalize(t) for t in terms if t and t.strip()}, key=len, reverse=True)
    if not terms:
        return None
    return re.compile("|".join(re.escape(t) for t in terms))


def _normalized_with_offsets(text: str) -> tuple[str, list[int]]:
    """``normalize(text)`` character by character, and for each of its characters the index of the
    original character it came from (NFKC may turn one character into several: ㈱ → (株))."""
    pieces, origin = [], []
    for index, ch in enumerate(text):
        piece = normalize(ch)
        pieces.append(piece)
        origin.extend([index] * len(piece))
    return "".join(pieces), origin


def _spans(text: str, pattern: re.Pattern) -> list[tuple[int, int]]:
    """Where the terms occur, as (start, end) offsets in the original ``text``."""
    normalized, origin = _normalized_with_offsets(text)
    spans = []
    for match in pattern.finditer(normalized):
        if match.end() > match.start():
            start, end = origin[match.start()], origin[match.end() - 1] + 1
            if spans and start < spans[-1][1]:
                continue
            spans.append((start, end))
    return spans


def highlight(text: str, terms: list[str]) -> SafeString:
    """``text`` escaped, with each occurrence of a term wrapped in <mark>."""
    text = text or ""
    pattern = _pattern(terms)
    if pattern is None:
        return escape(text)
    out, last = [], 0
    for start, end in _spans(text, pattern):
        out.append(escape(text[last:start]))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        last = end
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece above is escaped


def snippet(text: str, terms: list[str], length: int = 120) -> SafeString:
    """A window of ``text`` around the first hit, highlighted; the start of the text if none."""
    plain = " ".join((text or "").split())
    pattern = _pattern(terms)
    start = 0
    if pattern is not None and (spans := _spans(plain, pattern)):
        start = max(0, spans[0][0] - length // 3)
    piece = plain[start : start + length]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + length < len(plain) else ""
    return mark_safe(f"{prefix}{highlight(piece, terms)}{suffix}")  # noqa: S308 - highlight escapes
