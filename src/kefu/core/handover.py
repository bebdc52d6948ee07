"""What a shift leaves open, gathered for the handover book (交接本).

The team app writes the handover book but sits beside the inbox, so it cannot read the inbox.
Each app that knows of open matters registers a provider here in its ``AppConfig.ready``; the
team app calls :func:`open_matters` when a shift hands over, and snapshots what it gets.

    provider(*, now) -> list[Matter]

``ref`` identifies the matter ("work:12", "chat:7") and must be unique per matter: the team
stores each once per handover page, so opening the page again adds only what is new.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from kefu.core.shopsettings import define

DUE_SOON_HOURS = "handover_due_soon_hours"
define(DUE_SOON_HOURS, 4, label="交接：多少小时内到期的待办列入交接本", help_text="已超时的待办总是列入")


@dataclass(frozen=True)
class Matter:
    kind: str
    ref: str
    title: str
    url: str = ""
    due_at: datetime | None = None


Provider = Callable[..., list[Matter]]
_PROVIDERS: dict[str, Provider] = {}


def register(name: str, provider: Provider) -> None:
    _PROVIDERS[name] = provider


def names() -> list[str]:
    return list(_PROVIDERS)


def open_matters(*, now: datetime) -> list[Matter]:
    out: list[Matter] = []
    for provider in _PROVIDERS.values():
        out.extend(provider(now=now))
    return out
