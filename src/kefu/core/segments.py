"""Customer filters that need another app's data, offered from above (saved customer groups).

The customers app keeps saved filters (客户分组: bought in a month, bought product X …) but sits
below orders and never reads the order table. An app above registers a filter once::

    segments.register("bought_in_month", label=_("某月购买"), nicks=lambda value: <QuerySet of nicks>)

``nicks(value)`` returns a values-queryset (one column: the buyer's member name) that the customers
app turns into ``buyer_nick__in=…`` — a subquery, never a Python list of names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet


@dataclass(frozen=True)
class Segment:
    key: str
    label: Any
    nicks: Callable[[Any], QuerySet]
    help_text: Any = ""
    # False: the filter takes a dict of its own (e.g. a notice's logistics filter), not a group's text
    for_groups: bool = True


_SEGMENTS: dict[str, Segment] = {}


def register(
    key: str, *, label: Any, nicks: Callable[[Any], QuerySet], help_text: Any = "", for_groups: bool = True
) -> None:
    _SEGMENTS[key] = Segment(key=key, label=label, nicks=nicks, help_text=help_text, for_groups=for_groups)


def get(key: str) -> Segment | None:
    return _SEGMENTS.get(key)


def all_segments() -> list[Segment]:
    """The filters a customer group may use."""
    return [segment for segment in _SEGMENTS.values() if segment.for_groups]
