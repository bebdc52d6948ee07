"""Who is on duty now by the rota (当班), for the apps below the team.

The team app keeps the shifts and the rota and registers a provider here in its
``AppConfig.ready``. Apps below it (the chat's transfer list, the inbox's choice of whom to assign
a matter to) ask :func:`on_duty_ids` and put the people at work first, marked; without a provider,
or on a day without a rota, they get None and show their lists as before.

    provider(*, at) -> set[int] | None   # user ids at work at ``at``; None: no rota that day
"""

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, TypeVar

from django.utils import timezone

Provider = Callable[..., set[int] | None]
_PROVIDER: list[Provider] = []

T = TypeVar("T")


def register(provider: Provider) -> None:
    _PROVIDER[:] = [provider]


def on_duty_ids(*, at: datetime | None = None) -> set[int] | None:
    """The user ids the rota has at work at ``at`` (now), or None when nobody keeps a rota."""
    if not _PROVIDER:
        return None
    return _PROVIDER[0](at=at or timezone.now())


def on_duty_first(people: Iterable[T], *, ids: set[int] | None, key: Callable[[T], Any]) -> list[T]:
    """``people`` with those on duty first, each group in its given order."""
    people = list(people)
    if not ids:
        return people
    return sorted(people, key=lambda p: key(p) not in ids)
