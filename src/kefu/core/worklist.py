"""Where work goes: the one door through which a thing that waits on the team enters the inbox.

The apps whose rows wait on the team (help-center questions, after-sales cases, complaints, bad
reviews; later return visits and leads) sit below the inbox and never import it. Their services
call ``work_put`` when they create or change such a row and ``work_done`` when it no longer waits,
inside their own transaction, so a rollback leaves no item behind. The inbox app registers the
implementation from its ``AppConfig.ready``; each app registers its kinds of source with
``register_source`` so the inbox can name them and link to their pages.

Without an inbox installed the calls do nothing: the lower apps work on their own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.core.types import User


class Priority(models.IntegerChoices):
    """How pressing a piece of work is; the apps that put work in the inbox name one of these."""

    LOW = 1, _("低")
    NORMAL = 2, _("普通")
    HIGH = 3, _("高")
    URGENT = 4, _("紧急")


@dataclass(frozen=True)
class Source:
    """A kind of row that puts itself in the inbox."""

    kind: str  # short and stable, stored on each item: "question", "aftersales", "complaint" ...
    label: str  # what the team calls it, shown in the inbox's type column
    url: Callable[[int], str]  # the page of one row, by its id
    model: str = ""  # "app_label.Model" of the row, so the item's history can show the row's own


class Backend(Protocol):
    def put(
        self,
        *,
        source: str,
        source_id: int,
        title: str,
        customer: Any,
        customer_label: str,
        due_at: datetime | None,
        required_role: str | None,
        priority: int | None,
        waiting: bool,
        created_at: datetime | None,
        by: User | None,
    ) -> None: ...

    def done(self, *, source: str, source_id: int, by: User | None, at: datetime | None) -> None: ...

    def owners(self, *, source: str, source_ids: list[int]) -> dict[int, str]: ...

    def infos(self, *, source: str, source_ids: list[int]) -> dict[int, dict[str, Any]]: ...


_SOURCES: dict[str, Source] = {}
_BACKEND: list[Backend] = []


def register_source(kind: str, *, label: str, url: Callable[[int], str], model: str = "") -> None:
    """Called from the owning app's ``AppConfig.ready``; registering a kind twice keeps the first."""
    _SOURCES.setdefault(kind, Source(kind=kind, label=label, url=url, model=model))


def sources() -> dict[str, Source]:
    return dict(_SOURCES)


def source(kind: str) -> Source | None:
    return _SOURCES.get(kind)


def register_backend(backend: Backend) -> None:
    """The inbox's implementation; one per process (a second registration replaces the first)."""
    _BACKEND[:] = [backend]


def work_put(
    *,
    source: str,
    source_id: int,
    title: str,
    customer: Any = None,
    customer_label: str = "",
    due_at: datetime | None = None,
    required_role: str | None = None,
    priority: int | None = None,
    waiting: bool = False,
    created_at: datetime | None = None,
    by: User | None = None,
) -> None:
    """The row ``(source, source_id)`` waits on the team: create its item, or bring it in step.

    ``due_at`` is when the next thing must happen (``None``: no deadline); ``waiting`` says the
    ball is with the buyer for now. ``required_role`` and ``priority`` are set when given and left
    as the team set them when ``None`` (an escalated item stays escalated). A finished item comes
    back open. Call it inside the service's transaction.
    """
    for backend in _BACKEND:
        backend.put(
            source=source,
            source_id=source_id,
            title=title,
            customer=customer,
            customer_label=customer_label,
            due_at=due_at,
            required_role=required_role,
            priority=priority,
            waiting=waiting,
            created_at=created_at,
            by=by,
        )


def work_done(*, source: str, source_id: int, by: User | None = None, at: datetime | None = None) -> None:
    """The row no longer waits on the team (answered, refunded, closed): its item is done."""
    for backend in _BACKEND:
        backend.done(source=source, source_id=source_id, by=by, at=at)


def work_owners(*, source: str, source_ids: list[int]) -> dict[int, str]:
    """Who holds the items of these rows (``{source_id: name}``, rows nobody holds left out), in one
    query: for a list page's or an export's "处理人" column."""
    out: dict[int, str] = {}
    for backend in _BACKEND:
        out.update(backend.owners(source=source, source_ids=source_ids))
    return out


def work_infos(*, source: str, source_ids: list[int]) -> dict[int, dict[str, Any]]:
    """The rows' items as the inbox's API shows them (``{source_id: item}``; rows with no item left
    out), in a fixed number of queries: for an API list of the rows' own app that includes them."""
    out: dict[int, dict[str, Any]] = {}
    for backend in _BACKEND:
        out.update(backend.infos(source=source, source_ids=source_ids))
    return out


def work_info(*, source: str, source_id: int) -> dict[str, Any] | None:
    """One row's item (``None``: no item, or no inbox)."""
    return work_infos(source=source, source_ids=[source_id]).get(source_id)
