"""The back office's navigation, each app contributing its own links and counters.

Apps register in their ``AppConfig.ready`` so no app edits a shared template to appear.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from kefu.core import roles


@dataclass(frozen=True)
class Link:
    label: str
    url_name: str
    order: int = 100
    badge: str | None = None
    roles: tuple[str, ...] = ()


_BADGES: dict[str, Callable] = {}
_LINKS: list[Link] = []


def register_badge(name: str, count: Callable) -> None:
    """``count(request) -> int``, shown as ``nav_badges.<name>`` and beside links naming it."""
    _BADGES[name] = count


def register_link(
    label: str, url_name: str, *, order: int = 100, badge: str | None = None, only_roles: tuple[str, ...] = ()
) -> None:
    if not any(link.url_name == url_name for link in _LINKS):
        _LINKS.append(Link(label, url_name, order, badge, only_roles))


def badges(request) -> dict[str, int]:
    return {name: count(request) for name, count in _BADGES.items()}


def links(request, counts: dict[str, int]) -> list[dict]:
    out = []
    for link in sorted(_LINKS, key=lambda link: link.order):
        if link.roles and not roles.has_role(request.user, *link.roles):
            continue
        out.append(
            {
                "label": link.label,
                "url": reverse(link.url_name),
                "badge": counts.get(link.badge) if link.badge else None,
                "badge_name": link.badge,
                "active": request.path.startswith(reverse(link.url_name)),
            }
        )
    return out
