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

import secrets
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from kefu.core import roles
from kefu.search.analysis import normalize
from kefu.search.models import SearchTerm, SynonymGroup

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


# Each process keeps the table it built, with the version it was built for. Every change through
# the services below stores a new random version in ``SearchTerm`` (kind ``VERSION_KIND``), which a
# search reads with its document frequencies, in the same query: no query of its own, and a change
# made in one worker takes effect in every other at its next search.
VERSION_KIND = "_synonyms"
_cache: dict[str, object] = {}


def version_bump() -> None:
    """Tell every process its table is stale (a random number: a rolled-back change never leaves a
    version some other list was cached under)."""
    SearchTerm.objects.update_or_create(
        kind=VERSION_KIND, term="", defaults={"df": secrets.randbelow(2**31 - 1) + 1}
    )
    _cache.clear()


def synonym_map(version: int | None = None) -> SynonymTable:
    """The shop's table. ``version`` is the list's version as the caller read it (see
    ``VERSION_KIND``): the table cached for it, or the list read again. Without one the list is read
    and compared (one small query)."""
    if version is not None and _cache.get("version") == version:
        table = _cache["table"]
        assert isinstance(table, SynonymTable)
        return table
    lines = tuple(SynonymGroup.objects.order_by("id").values_list("words", flat=True))
    if _cache.get("key") != lines:
        _cache["table"] = build_table(list(lines))
        _cache["key"] = lines
    _cache["version"] = version
    table = _cache["table"]
    assert isinstance(table, SynonymTable)
    return table


def cached_map() -> tuple[SynonymTable, int | None]:
    """The table this process holds and the version it was built for, without a query (read from
    the database when the process has none yet); the caller checks the version with its own read."""
    if "table" not in _cache:
        synonym_map()
    table = _cache["table"]
    assert isinstance(table, SynonymTable)
    return table, _cache.get("version")  # type: ignore[return-value]


@transaction.atomic
def synonym_groups_replace(*, lines: list[str], by) -> int:
    """Replace the shop's synonym list, one group per line; supervisors and admins only."""
    roles.require_role(by, roles.SUPERVISOR, roles.ADMIN)
    groups = [g for g in (clean_line(line) for line in lines) if g]
    SynonymGroup.objects.all().delete()
    SynonymGroup.objects.bulk_create(SynonymGroup(words=g) for g in groups)
    version_bump()
    return len(groups)


@transaction.atomic
def synonym_defaults_add(*, by) -> int:
    """Add the shipped groups the shop's list lacks (a shop's own lines stay); returns how many."""
    roles.require_role(by, roles.SUPERVISOR, roles.ADMIN)
    have = set(SynonymGroup.objects.values_list("words", flat=True))
    missing = [g for g in dict.fromkeys(clean_line(line) for line in DEFAULT_GROUPS) if g and g not in have]
    SynonymGroup.objects.bulk_create(SynonymGroup(words=g) for g in missing)
    version_bump()
    return len(missing)
