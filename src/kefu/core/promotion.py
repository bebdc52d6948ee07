"""Whether a big promotion (大促) is on, for the apps below the team.

The team app keeps the promotions (date ranges set ahead) and registers a provider here in its
``AppConfig.ready``. An app below the team (chat switching its auto-reply, a console colouring a
late first response) asks :func:`is_promotion_active`, :func:`first_response_target` or
:func:`promotion_auto_reply`; without a provider no promotion is ever on and the normal target
(the chat's ``chat_first_response_target_seconds`` setting) holds.

Provider protocol (an object with three methods, each taking an aware datetime ``at``)::

    active(at) -> bool
    first_response_seconds(at) -> int | None   # None: not in a promotion
    auto_reply(at) -> str                       # "" when none is set
"""

from datetime import datetime
from typing import Protocol

from django.utils import timezone

from kefu.core import shopsettings


class PromotionProvider(Protocol):
    def active(self, at: datetime) -> bool: ...
    def first_response_seconds(self, at: datetime) -> int | None: ...
    def auto_reply(self, at: datetime) -> str: ...


_PROVIDER: list[PromotionProvider] = []


def register(provider: PromotionProvider) -> None:
    _PROVIDER[:] = [provider]


def is_promotion_active(at: datetime | None = None) -> bool:
    return bool(_PROVIDER) and _PROVIDER[0].active(at or timezone.now())


def first_response_target(at: datetime | None = None) -> int:
    """The first-response target in seconds in force at ``at``: the promotion's during one,
    otherwise the shop's normal target."""
    if _PROVIDER:
        seconds = _PROVIDER[0].first_response_seconds(at or timezone.now())
        if seconds is not None:
            return seconds
    try:
        return int(shopsettings.get("chat_first_response_target_seconds"))
    except KeyError:  # the chat app's settings are not loaded (a core-only test)
        return 20


def promotion_auto_reply(at: datetime | None = None) -> str:
    """The promotion's auto-reply text at ``at`` ("" outside a promotion or when none is set)."""
    return _PROVIDER[0].auto_reply(at or timezone.now()) if _PROVIDER else ""
