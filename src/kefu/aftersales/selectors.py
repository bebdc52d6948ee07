"""Reads of the inbox and the cases: querysets with their joins done, and the filters of the inbox."""

from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from kefu.aftersales.models import (
    OPEN_STATES,
    AfterSalesCase,
    BadReview,
    Complaint,
    WorkItem,
)
from kefu.core import roles


def _items() -> QuerySet[WorkItem]:
    return WorkItem.objects.select_related(
        "owner", "customer", "question", "aftersales_case", "complaint", "review", "escalated_by"
    )


def _today_end(now: datetime) -> datetime:
    local = timezone.localtime(now)
    return local.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)


def inbox_list(
    *,
    user=None,
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
        qs = qs.filter(kind=kind)
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
            | Q(aftersales_case__order_number__icontains=term)
            | Q(aftersales_case__waybill__icontains=term)
            | Q(review__order_number__icontains=term)
            | Q(customer__buyer_nick__icontains=term)
            | Q(customer__phone__contains=term)
        )
    return qs.order_by("-overdue", "due_at", "-priority", "id")


def inbox_counts(*, user, now: datetime | None = None) -> dict[str, int]:
    """The counters on the inbox page and the navigation, one query."""
    now = now or timezone.now()
    open_q = Q(state__in=OPEN_STATES)
    return WorkItem.objects.aggregate(
        open=Count("id", filter=open_q),
        mine=Count("id", filter=open_q & Q(owner=user)),
        unassigned=Count("id", filter=open_q & Q(owner__isnull=True)),
        overdue=Count("id", filter=open_q & Q(due_at__lt=now)),
        today=Count("id", filter=open_q & Q(due_at__lt=_today_end(now))),
        supervisor=Count("id", filter=open_q & Q(required_role=roles.SUPERVISOR)),
    )


def work_item_get(*, pk: int) -> WorkItem:
    return get_object_or_404(
        _items().select_related("aftersales_case__order", "aftersales_case__customer"), pk=pk
    )


def case_list(*, kind: str = "", state: str = "", q: str = "") -> QuerySet[AfterSalesCase]:
    qs = AfterSalesCase.objects.select_related("item", "item__owner", "customer", "order")
    if kind:
        qs = qs.filter(kind=kind)
    if state:
        qs = qs.filter(state=state)
    if q.strip():
        t = q.strip()
        qs = qs.filter(
            Q(order_number__icontains=t)
            | Q(waybill__icontains=t)
            | Q(return_waybill__icontains=t)
            | Q(buyer_nick__icontains=t)
            | Q(item_title__icontains=t)
        )
    return qs.order_by("-requested_at", "-id")


def case_get(*, pk: int) -> AfterSalesCase:
    return get_object_or_404(
        AfterSalesCase.objects.select_related(
            "item", "item__owner", "customer", "order", "inspected_by", "refunded_by"
        ).prefetch_related("photos"),
        pk=pk,
    )


def complaint_list(*, open_only: bool = False) -> QuerySet[Complaint]:
    qs = Complaint.objects.select_related("item", "item__owner", "customer", "signed_off_by")
    if open_only:
        qs = qs.filter(closed_at__isnull=True)
    return qs.order_by("-received_at", "-id")


def complaint_get(*, pk: int) -> Complaint:
    return get_object_or_404(complaint_list(), pk=pk)


def review_list(*, open_only: bool = False) -> QuerySet[BadReview]:
    qs = BadReview.objects.select_related("item", "item__owner", "customer", "closed_by")
    if open_only:
        qs = qs.filter(closed_at__isnull=True)
    return qs.order_by("-reviewed_at", "-id")


def review_get(*, pk: int) -> BadReview:
    return get_object_or_404(review_list(), pk=pk)


def rights_protection_refunds(*, since: datetime | None = None) -> dict:
    """The 维权退款 statistics the shop reports on: how many and how much."""
    qs = AfterSalesCase.objects.filter(rights_protection=True, refunded_at__isnull=False)
    if since:
        qs = qs.filter(refunded_at__gte=since)
    return qs.aggregate(count=Count("id"), amount=Sum("refund_amount"))


def staff_for(*, item: WorkItem) -> list:
    """Who may hold this item, in one query: the team (any role, or staff), or only those with the
    role it needs (an admin or superuser holds every role, as ``kefu.core.roles`` says)."""
    team = Q(groups__name__in=roles.ALL_ROLES) | Q(is_staff=True) | Q(is_superuser=True)
    qs = get_user_model().objects.filter(team, is_active=True)
    if item.required_role:
        qs = qs.filter(Q(groups__name__in=[item.required_role, roles.ADMIN]) | Q(is_superuser=True))
    return list(qs.distinct().order_by("username"))


def items_of_customer(*, customer) -> QuerySet[WorkItem]:
    return _items().filter(customer=customer).order_by("-created_at", "-id")


def blacklisted_case_nicks(*, cases: list[AfterSalesCase]) -> set[str]:
    """Which of these cases' buyers are blacklisted, in one query, to flag them in lists."""
    from kefu.customers.selectors import blacklisted_nicks

    return blacklisted_nicks(nicks=[c.buyer_nick for c in cases if c.buyer_nick])
