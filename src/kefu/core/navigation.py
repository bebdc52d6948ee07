"""The back office's navigation, each app contributing its own links and counters.

Apps register in their ``AppConfig.ready`` so no app edits a shared template to appear.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

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


def badge_names() -> list[str]:
    return list(_BADGES)


def badges(request) -> dict[str, int]:
    """Every counter, counted once per request (the top bar and the front page share them)."""
    cached = getattr(request, "_kefu_badges", None)
    if cached is None:
        cached = request._kefu_badges = {name: count(request) for name, count in _BADGES.items()}
    return cached


def badge_count(name: str) -> Callable:
    """``count(request)`` of the counter ``name``, from the request's shared counts (for a front-page
    tile that shows the same number as a navigation badge)."""
    return lambda request: badges(request)[name]


# The back office's sections, by the URL namespace a link lives in, in the order of a working day.
SECTIONS = {
    "chat": _("咨询"),
    "inbox": _("待办"),
    "aftersales": _("售后"),
    "orders": _("订单"),
    "customers": _("客户"),
    "replies": _("话术"),
    "helpcenter": _("帮助中心"),
    "team": _("团队"),
    "reports": _("报表"),
    "core": _("设置"),
}
# Links outside the apps' own namespaces, and the section they belong to.
_SECTION_OF = {"admin": "core"}


def sections(nav_links: list[dict]) -> list[dict]:
    """The links grouped by section, so two dozen links stay findable in the top bar."""
    grouped: dict[str, list[dict]] = {}
    for link in nav_links:
        grouped.setdefault(link["section"], []).append(link)
    order = list(SECTIONS)
    return [
        {"key": key, "label": SECTIONS.get(key, key), "links": grouped[key]}
        for key in sorted(grouped, key=lambda k: order.index(k) if k in order else len(order))
    ]


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
                "section": _SECTION_OF.get(link.url_name.partition(":")[0], link.url_name.partition(":")[0]),
            }
        )
    return out
