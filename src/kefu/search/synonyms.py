"""The shop's synonym list: a customer's wording is expanded to the words articles use.

One group per line. Words separated by spaces (or commas) stand for each other (物流 快递); with
``=>`` the words on the left expand to those on the right only (碎了 裂了 => 破损): a colloquial
wording finds the article's word, while a search for the article's word is not widened.

A key of two characters or more is also found inside the customer's text, not only as one of its
segmented words, since a colloquial phrase is often cut differently (起红疹子 → 起红 / 疹子, yet
红疹子 is found). Expansions weigh less than the customer's own words (``scoring.SYNONYM_WEIGHT``).

The default list (``data/synonyms_zh.txt``) covers the wordings of Chinese online shops: damage,
missing items, refunds, returns, shipping, payment, invoices, promotions, authenticity, skin
reactions, usage, sizes, warranty. Shops edit it on the synonyms page.
"""

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from kefu.core import roles
from kefu.search.analysis import normalize
from kefu.search.models import SynonymGroup

DEFAULT_FILE = Path(__file__).parent / "data" / "synonyms_zh.txt"
ONE_WAY = "=>"
# Longest key looked for inside the customer's text.
MAX_PHRASE = 10


def read_default_lines(path: Path = DEFAULT_FILE) -> list[str]:
    """The shipped list's groups, comments and blank lines left out."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [" ".join(line.split()) for line in lines if line.strip() and not line.lstrip().startswith("#")]


DEFAULT_GROUPS = read_default_lines()


def parse_line(line: str) -> tuple[list[str], list[str], bool]:
    """(left words, right words, one-way) of one group; a symmetric group has its words on both sides."""
    text = normalize(line).replace("，", " ").replace(",", " ").replace("、", " ")
    if ONE_WAY in text:
        left, _, right = text.partition(ONE_WAY)
        return left.split(), right.replace(ONE_WAY, " ").split(), True
    words = text.split()
    return words, words, False


def clean_line(line: str) -> str:
    """A line as stored, or "" when it says nothing (fewer than two words, an empty side)."""
    left, right, one_way = parse_line(line)
    if one_way:
        return f"{' '.join(left)} {ONE_WAY} {' '.join(right)}" if left and right else ""
    return " ".join(left) if len(set(left)) >= 2 else ""


@dataclass(frozen=True)
class SynonymTable:
    """word → the words it may stand for, and the keys long enough to be looked for inside a text."""

    expansions: dict[str, frozenset[str]]
    max_length: int

    def get(self, word: str, default=()):
        return self.expansions.get(word, default)

    def phrases_in(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, key) of every key of two characters or more found in ``text``."""
        found = []
        longest = min(self.max_length, MAX_PHRASE)
        for start in range(len(text)):
            for length in range(2, min(longest, len(text) - start) + 1):
                key = text[start : start + length]
                if key in self.expansions:
                    found.append((start, start + length, key))
        return found


def build_table(lines: list[str]) -> SynonymTable:
    out: dict[str, set[str]] = {}
    for line in lines:
        left, right, _one_way = parse_line(line)
        for word in left:
            out.setdefault(word, set()).update(w for w in right if w != word)
    expansions = {word: frozenset(others) for word, others in out.items() if others}
    return SynonymTable(expansions=expansions, max_length=max((len(w) for w in expansions), default=0))


_cache: dict[str, object] = {}


def synonym_map() -> SynonymTable:
    """The shop's table, built again only when the list changed (one small query per search)."""
    lines = tuple(SynonymGroup.objects.order_by("id").values_list("words", flat=True))
    if _cache.get("key") != lines:
        _cache["table"] = build_table(list(lines))
        _cache["key"] = lines
    table = _cache["table"]
    assert isinstance(table, SynonymTable)
    return table


@transaction.atomic
def synonym_groups_replace(*, lines: list[str], by) -> int:
    """Replace the shop's synonym list, one group per line; supervisors and admins only."""
    roles.require_role(by, roles.SUPERVISOR, roles.ADMIN)
    groups = [g for g in (clean_line(line) for line in lines) if g]
    SynonymGroup.objects.all().delete()
    SynonymGroup.objects.bulk_create(SynonymGroup(words=g) for g in groups)
    _cache.clear()
    return len(groups)


@transaction.atomic
def synonym_defaults_add(*, by) -> int:
    """Add the shipped groups the shop's list lacks (a shop's own lines stay); returns how many."""
    roles.require_role(by, roles.SUPERVISOR, roles.ADMIN)
    have = set(SynonymGroup.objects.values_list("words", flat=True))
    missing = [g for g in dict.fromkeys(clean_line(line) for line in DEFAULT_GROUPS) if g and g not in have]
    SynonymGroup.objects.bulk_create(SynonymGroup(words=g) for g in missing)
    _cache.clear()
    return len(missing)
