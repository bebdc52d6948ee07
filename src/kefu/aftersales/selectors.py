"""Reads of the cases, complaints and bad reviews: querysets with their joins done."""

from datetime import datetime

from django.db.models import Count, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404

from kefu.aftersales.models import AfterSalesCase, BadReview, Complaint
from kefu.customers.selectors import blacklisted_nicks


def case_list(*, kind: str = "", state: str = "", q: str = "") -> QuerySet[AfterSalesCase]:
    qs = AfterSalesCase.objects.select_related("customer", "order")
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
            "customer", "order", "inspected_by", "refunded_by"
        ).prefetch_related("photos"),
        pk=pk,
    )


def complaint_list(*, open_only: bool = False) -> QuerySet[Complaint]:
    qs = Complaint.objects.select_related("customer", "signed_off_by")
    if open_only:
        qs = qs.filter(closed_at__isnull=True)
    return qs.order_by("-received_at", "-id")


def complaint_get(*, pk: int) -> Complaint:
    return get_object_or_404(complaint_list(), pk=pk)


def review_list(*, open_only: bool = False) -> QuerySet[BadReview]:
    qs = BadReview.objects.select_related("customer", "closed_by")
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


def blacklisted_case_nicks(*, cases: list[AfterSalesCase]) -> set[str]:
    """Which of these cases' buyers are blacklisted, in one query, to flag them in lists."""
    return blacklisted_nicks(nicks=[c.buyer_nick for c in cases if c.buyer_nick])
