"""Reads of the inbox: the list with its filters and counters, one item, who may hold it."""

from datetime import datetime, timedelta
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from kefu.aftersales.models import AfterSalesCase, BadReview
from kefu.core import roles, worklist
from kefu.core.models import ActivityLog
from kefu.core.types import User
from kefu.inbox.models import OPEN_STATES, WorkItem


def _matching_sources(term: str) -> QuerySet[WorkItem, Any]:
    """Items whose after-sales case or review carries this order or waybill number: what an agent
    types when a buyer quotes one."""
    cases = AfterSalesCase.objects.filter(Q(order_number__icontains=term) | Q(waybill__icontains=term))
    reviews = BadReview.objects.filter(order_number__icontains=term)
    return WorkItem.objects.filter(
        Q(source="aftersales", source_id__in=cases.values("pk"))
        | Q(source="review", source_id__in=reviews.values("pk"))
    ).values("pk")


def _items() -> QuerySet[WorkItem]:
    return WorkItem.objects.select_related("owner", "customer", "escalated_by")


def _today_end(now: datetime) -> datetime:
    local = timezone.localtime(now)
    return local.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)


def inbox_list(
    *,
    user: User | None = None,
    kind: str = "",
    owner: str = "",
    state: str = "",
    due: str = "",
    q: str = "",
    now: datetime | None = None,
) -> QuerySet[WorkItem]:
    """The one list of what waits on the team, most pressing first (overdue, then the nearest due).

    ``owner``: "me", "unassigned", "supervisor" (needs a supervisor) or a user id; ``state``: one
    state, "open" (all not done, the default) or "all"; ``due``: "today" or "overdue".
    """
    now = now or timezone.now()
    qs = _items()
    if kind:
        qs = qs.filter(source=kind)
    if state in ("", "open"):
        qs = qs.filter(state__in=OPEN_STATES)
    elif state != "all":
        qs = qs.filter(state=state)
    if owner == "me" and user is not None:
        qs = qs.filter(owner=user)
    elif owner == "unassigned":
        qs = qs.filter(owner__isnull=True)
    elif owner == "supervisor":
        qs = qs.filter(required_role=roles.SUPERVISOR)
    elif owner.isdigit():
        qs = qs.filter(owner_id=int(owner))
    if due == "overdue":
        qs = qs.filter(state__in=OPEN_STATES, due_at__lt=now)
    elif due == "today":
        qs = qs.filter(state__in=OPEN_STATES, due_at__lt=_today_end(now))
    if q.strip():
        term = q.strip()
        qs = qs.filter(
            Q(title__icontains=term)
            | Q(customer_label__icontains=term)
            | Q(pk__in=_matching_sources(term))
            | Q(customer__buyer_nick__icontains=term)
            | Q(customer__phone__contains=term)
        )
    return qs.order_by("-overdue", "due_at", "-priority", "id")


def inbox_counts(*, user: User, now: datetime | None = None) -> dict[str, int]:
    """The counters on the inbox page and the navigation, one query."""
    now = now or timezone.now()
    open_q = Q(state__in=OPEN_STATES)
    return WorkItem.objects.aggregate(
        open=Count("id", filter=open_q),
        mine=Count("id", filter=open_q & Q(owner=user)),
        unassigned=Count("id", filter=open_q & Q(owner__isnull=True)),
        overdue=Count("id", filter=open_q & Q(due_at__lt=now)),
        mine_overdue=Count("id", filter=open_q & Q(owner=user) & Q(due_at__lt=now)),
        today=Count("id", filter=open_q & Q(due_at__lt=_today_end(now))),
        supervisor=Count("id", filter=open_q & Q(required_role=roles.SUPERVISOR)),
    )


def work_item_get(*, pk: int) -> WorkItem:
    return get_object_or_404(_items(), pk=pk)


def staff_for(*, item: WorkItem) -> list[User]:
    """Who may hold this item, in one query: the team (any role, or staff), or only those with the
    role it needs (an admin or superuser holds every role, as ``kefu.core.roles`` says)."""
    team = Q(groups__name__in=roles.ALL_ROLES) | Q(is_staff=True) | Q(is_superuser=True)
    qs = get_user_model().objects.filter(team, is_active=True)
    if item.required_role:
        qs = qs.filter(Q(groups__name__in=[item.required_role, roles.ADMIN]) | Q(is_superuser=True))
    return list(qs.distinct().order_by("username"))


def item_of_source(*, source: str, source_id: int) -> WorkItem | None:
    return _items().filter(source=source, source_id=source_id).first()


def items_of_customer(*, customer: Any) -> QuerySet[WorkItem]:
    return _items().filter(customer=customer).order_by("-created_at", "-id")


def item_history(*, item: WorkItem) -> QuerySet[ActivityLog]:
    """The item's own history and that of the row it stands for (its app records there)."""
    found = Q(content_type=ContentType.objects.get_for_model(WorkItem), object_id=str(item.pk))
    source = worklist.source(item.source)
    if source and source.model:
        model = ContentType.objects.get_for_model(apps.get_model(source.model))
        found |= Q(content_type=model, object_id=str(item.source_id))
    return ActivityLog.objects.filter(found).select_related("actor")
