"""The back office's front page is each person's day: a few counts, each linking to its list.

Apps register tiles in their ``AppConfig.ready``; the front page shows those the person's roles
allow, in order. ``count(request)`` returns the number (None hides the tile, e.g. nothing that
concerns this person); ``url`` is a URL name, optionally with a query string.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from kefu.core import roles


@dataclass(frozen=True)
class Tile:
    key: str
    label: Any
    count: Callable[[Any], int | None]
    url_name: str
    query: str = ""
    order: int = 100
    only_roles: tuple[str, ...] = ()
    # shown in the warning colour when the count is not zero (overdue, waiting too long)
    urgent: bool = False


_TILES: dict[str, Tile] = {}


def register_tile(
    key: str,
    label: Any,
    count: Callable[[Any], int | None],
    url_name: str,
    *,
    query: str = "",
    order: int = 100,
    only_roles: tuple[str, ...] = (),
    urgent: bool = False,
) -> None:
    _TILES[key] = Tile(key, label, count, url_name, query, order, only_roles, urgent)


def tiles(request) -> list[dict]:
    """The tiles for this person, with their numbers."""
    out = []
    for tile in sorted(_TILES.values(), key=lambda t: (t.order, t.key)):
        if tile.only_roles and not roles.has_role(request.user, *tile.only_roles):
            continue
        number = tile.count(request)
        if number is None:
            continue
        url = reverse(tile.url_name) + (f"?{tile.query}" if tile.query else "")
        out.append(
            {
                "key": tile.key,
                "label": tile.label,
                "count": number,
                "url": url,
                "urgent": tile.urgent and number > 0,
            }
        )
    return out
