"""The paperwork between the desk and the warehouse: order changes after payment (订单更改通知书)
and shipping notices (发货通知单).

A change: the customer asks in writing, the agent records what the order was and what it becomes
and what it costs the customer; a supervisor approves or refuses; once approved, the agent tells
the warehouse (物控部) to take back the old order and records who there was told and when.

A shipping notice: reviewed orders (or small orders without special requests, which need no
review) handed to the warehouse in one batch; an order goes on one notice only.
"""

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core import roles
from kefu.core.activity import activity_record
from kefu.core.types import User
from kefu.orders import rulebook
from kefu.orders.models import (
    ChangeState,
    ChangeSubject,
    Order,
    OrderChange,
    OrderState,
    ShippingNotice,
    ShippingNoticeOrder,
)

# Paid and not (wholly) shipped: what the warehouse can still change.
CHANGEABLE = (OrderState.WAIT_SELLER_SEND, OrderState.SELLER_CONSIGNED_PART)
MAX_EXTRA_COST = Decimal("99999")
MAX_NOTICE_ORDERS = 500


# --- order changes (订单更改通知书) ------------------------------------------------------------


@transaction.atomic
def order_change_request(
    *,
    order: Order,
    by: User,
    subject: str,
    before: str,
    after: str,
    customer_request: str = "",
    extra_cost: Decimal | None = None,
) -> OrderChange:
    """Record the customer's change to a paid, unshipped order, for a supervisor to approve.

    Refused when the order is unpaid (the seller changes the terms instead), shipped or closed, or
    when another change of the same order still waits for the supervisor.
    """
    roles.require_staff(by)
    before, after = (before or "").strip(), (after or "").strip()
    extra_cost = Decimal(extra_cost or 0)
    errors = {}
    if subject not in ChangeSubject.values:
        errors["subject"] = _("请选择更改项目。")
    if not before:
        errors["before"] = _("请写明更改前的内容。")
    if not after:
        errors["after"] = _("请写明更改后的内容。")
    elif after == before:
        errors["after"] = _("更改后与更改前相同。")
    if extra_cost < 0 or extra_cost > MAX_EXTRA_COST:
        errors["extra_cost"] = _("费用应在 0 到 %(max)s 元之间。") % {"max": MAX_EXTRA_COST}
    if errors:
        raise ValidationError(errors)
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.state not in CHANGEABLE:
        raise ValidationError(
            _("只有已付款、未发货的订单才填订单更改通知书（订单 %(n)s 当前：%(s)s）。")
            % {"n": order.number, "s": order.state_label}
        )
    if OrderChange.objects.filter(order=order, state=ChangeState.REQUESTED).exists():
        raise ValidationError(_("订单 %(n)s 已有一项更改等待主管批准，请先处理。") % {"n": order.number})
    try:
        with transaction.atomic():
            change = OrderChange.objects.create(
                order=order,
                subject=subject,
                before=before,
                after=after,
                customer_request=(customer_request or "").strip(),
                extra_cost=extra_cost,
                requested_by=by,
            )
    except IntegrityError as exc:  # a colleague recorded one a moment ago
        raise ValidationError(
            _("订单 %(n)s 已有一项更改等待主管批准，请先处理。") % {"n": order.number}
        ) from exc
    activity_record(
        target=order,
        actor=by,
        verb="order_change_request",
        message=f"{ChangeSubject(subject).label}：{before} → {after}",
        data={"change": change.pk, "extra_cost": str(extra_cost)},
    )
    return change


def _decide(change: OrderChange, by: User, to: str, note: str, verb: str) -> OrderChange:
    roles.require_role(by, roles.SUPERVISOR)
    note = (note or "").strip()
    if len(note) > 200:
        raise ValidationError({"note": _("意见不能超过 200 个字。")})
    change = OrderChange.objects.select_for_update().select_related("order").get(pk=change.pk)
    if change.state != ChangeState.REQUESTED:
        raise ValidationError(
            _("这项更改已经处理过（%(s)s），不能再批。") % {"s": change.get_state_display()}
        )
    change.state = to
    change.decided_by = by
    change.decided_at = timezone.now()
    change.decision_note = note
    change.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
    activity_record(target=change.order, actor=by, verb=verb, message=note, data={"change": change.pk})
    return change


@transaction.atomic
def order_change_approve(*, change: OrderChange, by: User, note: str = "") -> OrderChange:
    """The supervisor approves a requested change (主管批准); only once."""
    return _decide(change, by, ChangeState.APPROVED, note, "order_change_approve")


@transaction.atomic
def order_change_refuse(*, change: OrderChange, by: User, note: str = "") -> OrderChange:
    """The supervisor refuses a requested change, with the reason for the customer."""
    if not (note or "").strip():
        raise ValidationError({"note": _("请写明不批准的原因。")})
    return _decide(change, by, ChangeState.REFUSED, note, "order_change_refuse")


@transaction.atomic
def order_change_warehouse_notify(*, change: OrderChange, by: User, contact: str = "") -> OrderChange:
    """Record that the warehouse was told of an approved change (各部门收回原订单); only once."""
    roles.require_staff(by)
    contact = " ".join((contact or "").split())
    if len(contact) > 60:
        raise ValidationError({"contact": _("仓库接收人不能超过 60 个字。")})
    change = OrderChange.objects.select_for_update().select_related("order").get(pk=change.pk)
    if change.state != ChangeState.APPROVED:
        raise ValidationError(_("主管批准后才能通知仓库。"))
    if change.warehouse_notified_at is not None:
        raise ValidationError(
            _("已于 %(t)s 通知过仓库。")
            % {"t": timezone.localtime(change.warehouse_notified_at).strftime("%m-%d %H:%M")}
        )
    change.warehouse_notified_at = timezone.now()
    change.warehouse_notified_by = by
    change.warehouse_contact = contact
    change.save(update_fields=["warehouse_notified_at", "warehouse_notified_by", "warehouse_contact"])
    activity_record(
        target=change.order,
        actor=by,
        verb="order_change_warehouse_notify",
        message=contact,
        data={"change": change.pk},
    )
    return change


def order_change_list(*, state: str | None = None, order: Order | None = None) -> QuerySet[OrderChange]:
    qs = OrderChange.objects.select_related(
        "order", "requested_by", "decided_by", "warehouse_notified_by"
    ).order_by("-requested_at", "-id")
    if state:
        qs = qs.filter(state=state)
    if order is not None:
        qs = qs.filter(order=order)
    return qs


def order_change_get(*, pk: int) -> OrderChange:
    return get_object_or_404(order_change_list(), pk=pk)


# --- shipping notices (发货通知单) -------------------------------------------------------------


def ready_to_ship_q() -> Q:
    """Paid, not shipped, on no notice yet, and either reviewed or small enough to need no review."""
    on_notice = Exists(ShippingNoticeOrder.objects.filter(order=OuterRef("pk")))
    return (
        Q(state=OrderState.WAIT_SELLER_SEND)
        & ~Q(on_notice)
        & (Q(reviewed_at__isnull=False) | rulebook.bulk_confirmable_q())
    )


def ready_to_ship() -> QuerySet[Order]:
    return Order.objects.filter(ready_to_ship_q()).order_by("paid_at", "id")


def ship_on(now: datetime) -> date:
    """Handed over before the day's cut-off, the batch leaves today; after it, tomorrow."""
    today = timezone.localdate(now)
    return today if now < rulebook.shipping_cutoff_on(today) else today + timedelta(days=1)


@transaction.atomic
def shipping_notice_create(
    *, order_ids: list[int], by: User, urgent: bool = False, note: str = ""
) -> ShippingNotice:
    """Put the chosen orders that are ready to ship on one notice for the warehouse.

    Orders not ready (unreviewed with special requests, shipped, already on a notice) are refused
    by number, so the agent sees which to look at; nothing is written then.
    """
    roles.require_staff(by)
    ids = list(dict.fromkeys(int(i) for i in order_ids))
    if not ids:
        raise ValidationError({"numbers": _("请选择要发货的订单。")})
    if len(ids) > MAX_NOTICE_ORDERS:
        raise ValidationError({"numbers": _("一张发货通知单最多 %(n)d 单。") % {"n": MAX_NOTICE_ORDERS}})
    locked = list(Order.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    ready = set(Order.objects.filter(pk__in=ids).filter(ready_to_ship_q()).values_list("pk", flat=True))
    refused = sorted(o.number for o in locked if o.pk not in ready)
    if refused or len(locked) != len(ids):
        raise ValidationError(
            {
                "numbers": _("这些订单还不能发货（未审核、已发货或已在别的发货通知单上）：%(n)s")
                % {"n": "、".join(refused) or "—"}
            }
        )
    now = timezone.now()
    notice = ShippingNotice.objects.create(
        urgent=urgent, note=(note or "").strip()[:200], created_by=by, created_at=now, ship_on=ship_on(now)
    )
    by_id = {o.pk: o for o in locked}
    try:
        with transaction.atomic():
            ShippingNoticeOrder.objects.bulk_create(
                [ShippingNoticeOrder(notice=notice, order_id=pk, position=i) for i, pk in enumerate(ids)]
            )
    except IntegrityError as exc:
        raise ValidationError({"numbers": _("有订单刚被同事放进了别的发货通知单，请刷新后重选。")}) from exc
    activity_record(target=notice, actor=by, verb="shipping_notice_create", message=str(len(ids)))
    for pk in ids:
        activity_record(target=by_id[pk], actor=by, verb="shipping_notice_add", message=notice.notice_number)
    return notice


def shipping_notice_list() -> QuerySet[ShippingNotice]:
    return (
        ShippingNotice.objects.select_related("created_by")
        .annotate(order_count=Count("entries"))
        .order_by("-created_at", "-id")
    )


def shipping_notice_get(*, pk: int) -> ShippingNotice:
    return get_object_or_404(
        ShippingNotice.objects.select_related("created_by").prefetch_related(
            Prefetch(
                "entries",
                queryset=ShippingNoticeOrder.objects.select_related("order").prefetch_related(
                    "order__lines", "order__remarks"
                ),
            )
        ),
        pk=pk,
    )
