"""Fragments one app shows on another app's page, filled from above.

A page of a lower app (a case, a customer, later the buyer card of orders, after-sales and chat)
names a slot and the object it is about::

    {% load panels %}{% panels "aftersales.case" case %}

and every app that registered a renderer for that slot adds its fragment: the inbox its item panel
(claim, assign, hand over ...), orders the customer's orders. The lower app never imports them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

# A renderer returns a rendered template (SafeString, escaped by the template engine) or None.
Render = Callable[[HttpRequest, Any], "SafeString | None"]
_PANELS: dict[str, list[tuple[int, str, Render]]] = {}


def register(slot: str, render: Render, *, order: int = 100, name: str = "") -> None:
    """``render(request, obj) -> html | None`` (``None``: nothing to show for this object).
    ``name`` keeps a renderer from being registered twice; it defaults to the function's path."""
    key = name or f"{render.__module__}.{render.__qualname__}"
    entries = _PANELS.setdefault(slot, [])
    if all(existing != key for _order, existing, _render in entries):
        entries.append((order, key, render))
        entries.sort(key=lambda entry: entry[0])


def slots() -> list[str]:
    return list(_PANELS)


def render(slot: str, request: HttpRequest, obj: Any) -> SafeString:
    """Every registered fragment for ``slot``, in order. A fragment that is not already safe HTML
    (a rendered template) is escaped like any other value."""
    parts = [html for _order, _key, fn in _PANELS.get(slot, []) if (html := fn(request, obj))]
    return format_html_join("", "{}", ((part,) for part in parts))
