"""Reads of the orders app: search, the review queue, the end-of-day recheck, the 催付 queue."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kefu.core.activity import activity_list
from kefu.orders import rulebook
from kefu.orders.models import Order, OrderState, PaymentReminder


def order_search(*, q: str = "", state: str | None = None, flag: str | None = None) -> QuerySet[Order]:
    """By order number, buyer nick, receiver, phone or waybill — what an agent has at hand."""
    qs = Order.objects.all()
    q = (q or "").strip()
    if q:
        if q.isdigit() and len(q) >= 11:
            qs = qs.filter(Q(number=q) | Q(receiver_phone=q) | Q(waybill=q))
        else:
            qs = qs.filter(
                Q(number__startswith=q)
                | Q(buyer_nick__icontains=q)
                | Q(receiver_name=q)
                | Q(receiver_phone=q)
                | Q(waybill=q)
            )
    if state:
        qs = qs.filter(state=state)
    if flag:
        qs = qs.filter(flag=flag)
    return qs.order_by("-created_at", "-id")


def order_get(*, number: str, shop: str = "") -> Order:
    return get_object_or_404(
        Order.objects.prefetch_related("lines", "remarks__author", "reminders__agent").select_related(
            "reviewed_by"
        ),
        shop=shop,
        number=number,
    )


@dataclass
class TimelineEntry:
    at: datetime
    label: str
    detail: str = ""
    who: str = ""


def order_timeline(*, order: Order) -> list[TimelineEntry]:
    """The order's life in one list: platform times, remarks and every change made in kefu."""
    entries = [TimelineEntry(order.created_at, _("拍下订单"))]
    if order.paid_at:
        entries.append(TimelineEntry(order.paid_at, _("买家付款"), _("%(n)s 元") % {"n": order.paid_amount}))
    if order.shipped_at:
        entries.append(
            TimelineEntry(order.shipped_at, _("卖家发货"), f"{order.courier} {order.waybill}".strip())
        )
    if order.finished_at:
        entries.append(
            TimelineEntry(
                order.finished_at, _("交易成功"), _("超时自动确认收货") if order.auto_confirmed else ""
            )
        )
    if order.closed_at:
        entries.append(TimelineEntry(order.closed_at, _("交易关闭"), order.close_reason))
    for remark in order.remarks.all():
        who = remark.author.get_full_name() or remark.author.username if remark.author else ""
        entries.append(TimelineEntry(remark.created_at, _("备注"), remark.text, who))
    for entry in activity_list(target=order):
        if entry.verb == "order_remark":
            continue  # already listed as the remark itself
        who = entry.actor.get_full_name() or entry.actor.username if entry.actor else ""
        entries.append(
            TimelineEntry(entry.created_at, str(VERB_LABELS.get(entry.verb, entry.verb)), entry.message, who)
        )
    return sorted(entries, key=lambda e: e.at)


VERB_LABELS = {
    "order_transition": gettext_lazy("状态变更"),
    "order_flag": gettext_lazy("修改旗帜"),
    "order_review_confirm": gettext_lazy("审核确认"),
    "order_gift_add": gettext_lazy("添加赠品"),
    "order_courier_change": gettext_lazy("修改快递"),
    "order_address_edit": gettext_lazy("修改收货信息"),
    "order_terms_changed": gettext_lazy("修改交易条件"),
    "payment_reminder": gettext_lazy("催付"),
    "order_change_request": gettext_lazy("申请订单更改"),
    "order_change_approve": gettext_lazy("主管批准订单更改"),
    "order_change_refuse": gettext_lazy("主管不批准订单更改"),
    "order_change_warehouse_notify": gettext_lazy("订单更改已通知仓库"),
    "shipping_notice_add": gettext_lazy("编入发货通知单"),
}


# --- order review ---------------------------------------------------------------------------------


def review_queue() -> QuerySet[Order]:
    """Paid, unshipped, not yet reviewed: the oldest payment first, as it must leave first."""
    return (
        Order.objects.filter(state=OrderState.WAIT_SELLER_SEND, reviewed_at__isnull=True)
        .prefetch_related("lines")
        .order_by("paid_at", "id")
    )


def review_queue_count() -> int:
    return Order.objects.filter(state=OrderState.WAIT_SELLER_SEND, reviewed_at__isnull=True).count()


@dataclass
class RecheckRow:
    order: Order
    waited: timedelta
    late: bool  # paid before today's cut-off (or earlier) and still here


def recheck_list(*, now: datetime | None = None) -> list[RecheckRow]:
    """End-of-day recheck before the warehouse closes: every paid order not shipped, how long it has waited, and
    whether it should already have left by the shipping cut-off."""
    now = now or timezone.now()
    # one SELECT per state, so each reads its own partial index (``state IN (…)`` would read them all)
    to_ship, part_shipped = (
        Order.objects.filter(state=state, paid_at__isnull=False).order_by()
        for state in (OrderState.WAIT_SELLER_SEND, OrderState.SELLER_CONSIGNED_PART)
    )
    orders = to_ship.union(part_shipped, all=True).order_by("paid_at", "id")
    # every order here is paid (the filter above), so paid_at is set
    return [RecheckRow(o, now - o.paid_at, rulebook.should_have_shipped(o, now=now)) for o in orders]  # type: ignore[operator]


# --- payment reminders (催付) -----------------------------------------------------------------------


def reminder_queue(*, now: datetime | None = None) -> QuerySet[Order]:
    """Unpaid orders old enough to chase, with how often each was chased and whether the buyer
    has never paid this shop before (a phone call works best for them)."""
    now = now or timezone.now()
    paid_before = Order.objects.filter(buyer_nick=OuterRef("buyer_nick"), paid_at__isnull=False).exclude(
        buyer_nick=""
    )
    return (
        Order.objects.filter(
            state=OrderState.WAIT_BUYER_PAY, created_at__lte=now - rulebook.reminder_due_after()
        )
        .annotate(
            reminder_count=Count("reminders"),
            last_reminder_at=Max("reminders__created_at"),
            first_time_buyer=~Exists(paid_before),
        )
        .order_by("reminder_count", "created_at", "id")
    )


def reminder_queue_count(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    return Order.objects.filter(
        state=OrderState.WAIT_BUYER_PAY, created_at__lte=now - rulebook.reminder_due_after()
    ).count()


def _reminded_before_payment() -> Exists:
    return Exists(PaymentReminder.objects.filter(order=OuterRef("pk"), created_at__lt=OuterRef("paid_at")))


@dataclass
class Recovered:
    orders: int
    amount: Decimal


def reminders_recovered(*, start: datetime, end: datetime) -> Recovered:
    """Orders paid in [start, end) after at least one reminder: what 催付 won back."""
    row = (
        Order.objects.filter(paid_at__gte=start, paid_at__lt=end)
        .filter(_reminded_before_payment())
        .aggregate(n=Count("id"), amount=Sum("paid_amount"))
    )
    return Recovered(row["n"] or 0, row["amount"] or Decimal("0.00"))


def reminders_recovered_today(*, now: datetime | None = None) -> Recovered:
    now = now or timezone.now()
    start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    return reminders_recovered(start=start, end=start + timedelta(days=1))


def orders_of_customer(*, customer, limit: int = 20) -> list[Order]:
    """The customer's purchase history: the shop's orders under their nick or receiver phone."""
    match = Q()
    if customer.buyer_nick:
        match |= Q(buyer_nick__iexact=customer.buyer_nick)
    if customer.phone:
        match |= Q(receiver_phone=customer.phone)
    if not match:
        return []
    return list(Order.objects.filter(match).order_by("-created_at", "-id")[:limit])
