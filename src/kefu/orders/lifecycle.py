"""The Taobao trade lifecycle in one place: which state may follow which, and the timeouts.

Pages, the API, imports and the sweep all ask this module; nothing else knows the order of states.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import DateTimeField, ExpressionWrapper, F, Func, Value
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kefu.core import roles, shopsettings
from kefu.core.activity import activity_record
from kefu.orders.models import Order, OrderState, ShippingMethod

logger = logging.getLogger("kefu.orders")

S = OrderState

TRANSITIONS: dict[str, set[str]] = {
    S.WAIT_BUYER_PAY: {S.WAIT_SELLER_SEND, S.TRADE_CLOSED},
    S.WAIT_SELLER_SEND: {S.SELLER_CONSIGNED_PART, S.WAIT_BUYER_CONFIRM, S.TRADE_CLOSED},
    S.SELLER_CONSIGNED_PART: {S.WAIT_BUYER_CONFIRM, S.TRADE_CLOSED},
    S.WAIT_BUYER_CONFIRM: {S.TRADE_FINISHED, S.TRADE_CLOSED},
    S.TRADE_FINISHED: set(),
    S.TRADE_CLOSED: set(),
}

# How far along a trade is; an import may move an order forward (or sideways), never back.
STATE_RANK: dict[str, int] = {
    S.WAIT_BUYER_PAY: 0,
    S.WAIT_SELLER_SEND: 1,
    S.SELLER_CONSIGNED_PART: 2,
    S.WAIT_BUYER_CONFIRM: 3,
    S.TRADE_FINISHED: 9,
    S.TRADE_CLOSED: 9,
}
FINAL_STATES = frozenset({S.TRADE_FINISHED, S.TRADE_CLOSED})
PAID_STATES = frozenset({S.WAIT_SELLER_SEND, S.SELLER_CONSIGNED_PART, S.WAIT_BUYER_CONFIRM, S.TRADE_FINISHED})

CLOSE_REASON_UNPAID = "买家未付款（超时自动关闭）"

CONFIRM_TIMEOUT_RULE = {
    ShippingMethod.EXPRESS: "confirm_timeout_express_days",
    ShippingMethod.SURFACE: "confirm_timeout_surface_days",
    ShippingMethod.AUTO_DELIVERY: "confirm_timeout_auto_delivery_days",
    ShippingMethod.VIRTUAL: "confirm_timeout_virtual_days",
}


def can_transition(current: str, to: str) -> bool:
    return to in TRANSITIONS.get(current, set())


def import_may_apply(current: str, incoming: str) -> bool:
    """An export row may change an order only if it is not older than what kefu knows.

    A final state is final: once closed or finished (by kefu's sweep or a later export), an older
    export cannot reopen the order.
    """
    if current in FINAL_STATES:
        return incoming == current
    return STATE_RANK[incoming] >= STATE_RANK[current]


def payment_timeout() -> timedelta:
    """Unpaid this long after the order (or the seller's last change of terms) → 交易关闭."""
    return timedelta(days=int(shopsettings.get("payment_timeout_days")))


def confirm_timeout(shipping_method: str) -> timedelta:
    """Shipped and not confirmed this long → 交易成功 (10 express / 30 surface / 1 auto / 3 virtual)."""
    return timedelta(days=int(shopsettings.get(CONFIRM_TIMEOUT_RULE[shipping_method])))


def payment_deadline(order: Order) -> datetime | None:
    if order.state != S.WAIT_BUYER_PAY:
        return None
    return (order.terms_changed_at or order.created_at) + payment_timeout()


def confirm_deadline(order: Order) -> datetime | None:
    if order.state != S.WAIT_BUYER_CONFIRM or order.shipped_at is None:
        return None
    return order.shipped_at + confirm_timeout(order.shipping_method)


def _stamp_fields(to: str, now: datetime) -> dict:
    """The time column each state sets when an order enters it."""
    return {
        S.WAIT_SELLER_SEND: {"paid_at": now},
        S.SELLER_CONSIGNED_PART: {"shipped_at": now},
        S.WAIT_BUYER_CONFIRM: {"shipped_at": now},
        S.TRADE_FINISHED: {"finished_at": now},
        S.TRADE_CLOSED: {"closed_at": now},
    }.get(to, {})


@transaction.atomic
def order_transition(
    *,
    order: Order,
    to: str,
    by,
    reason: str = "",
    at: datetime | None = None,
    courier: str = "",
    waybill: str = "",
) -> Order:
    """Move an order to ``to`` if the platform allows it; refuses an illegal step with the reason.

    Shipping needs a waybill number; closing keeps the reason. Locks the row so two agents cannot
    both move the same order.
    """
    roles.require_staff(by)
    if to not in STATE_RANK:
        raise ValidationError({"state": _("未知的订单状态：%(s)s") % {"s": to}})
    order = Order.objects.select_for_update().get(pk=order.pk)
    if not can_transition(order.state, to):
        raise ValidationError(
            {
                "state": _("订单 %(n)s 当前为“%(cur)s”，不能变为“%(to)s”。")
                % {"n": order.number, "cur": order.state_label, "to": OrderState(to).label}
            }
        )
    now = at or timezone.now()
    fields = {"state": to, **_stamp_fields(to, now)}
    if to in (S.WAIT_BUYER_CONFIRM, S.SELLER_CONSIGNED_PART):
        courier = (courier or order.courier).strip()
        waybill = (waybill or order.waybill).strip()
        if not waybill:
            raise ValidationError({"waybill": _("发货需要填写物流单号。")})
        fields.update(courier=courier, waybill=waybill)
        if order.shipped_at and to == S.WAIT_BUYER_CONFIRM and order.state == S.SELLER_CONSIGNED_PART:
            fields["shipped_at"] = now
    if to == S.TRADE_CLOSED:
        with translation.override(settings.LANGUAGE_CODE):  # the order's record, in the shop's language
            fields["close_reason"] = (reason or "").strip() or _("卖家关闭交易")
    old = order.state
    for name, value in fields.items():
        setattr(order, name, value)
    order.version += 1
    order.save(update_fields=[*fields, "version", "updated_at"])
    activity_record(
        target=order,
        actor=by,
        verb="order_transition",
        message=f"{OrderState(old).label} → {OrderState(to).label}",
        data={"from": old, "to": to, "reason": reason},
    )
    return order


class Later(Func):
    """``column + delta`` (whole seconds), computed by the database itself.

    Django adds a duration to a time on SQLite through a Python function called once per row,
    which made a catch-up sweep of 160 000 orders spend most of its time in Python. SQLite's own
    ``strftime`` shifts the seconds, and the fraction the text had is kept as it was.
    """

    output_field = DateTimeField()

    def __init__(self, column: str, delta: timedelta):
        self.delta = delta
        super().__init__(F(column))

    def as_sql(self, compiler, connection, **extra):
        (column,) = self.get_source_expressions()
        return compiler.compile(ExpressionWrapper(column + Value(self.delta), output_field=DateTimeField()))

    def as_sqlite(self, compiler, connection, **extra):
        column, params = compiler.compile(self.get_source_expressions()[0])
        seconds = int(self.delta.total_seconds())
        sql = (
            f"(strftime('%%Y-%%m-%%d %%H:%%M:%%S', {column}, '{seconds:+d} seconds') || substr({column}, 20))"
        )
        return sql, params * 2


def orders_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Apply the platform's timeouts to every order at once: set-based UPDATEs, idempotent.

    Each UPDATE names the state it expects in its WHERE, so two sweeps running at once (or a sweep
    racing an agent) change each order at most once.
    """
    now = now or timezone.now()
    # One UPDATE per index range rather than one with ORs: each WHERE is ``state = … AND time <= …``,
    # which the (state, created_at) / (state, shipped_at) indexes answer directly, so a sweep with
    # nothing due reads no order rows at all (an OR made SQLite visit every unpaid/shipped order).
    timeout = payment_timeout()
    unpaid = Order.objects.filter(state=S.WAIT_BUYER_PAY)
    close = {
        "state": S.TRADE_CLOSED,
        "close_reason": CLOSE_REASON_UNPAID,
        "version": F("version") + 1,
        "updated_at": now,
    }
    closed = unpaid.filter(terms_changed_at__isnull=True, created_at__lte=now - timeout).update(
        closed_at=Later("created_at", timeout), **close
    )
    closed += unpaid.filter(terms_changed_at__isnull=False, terms_changed_at__lte=now - timeout).update(
        closed_at=Later("terms_changed_at", timeout), **close
    )
    finished = 0
    for method in ShippingMethod.values:
        days = confirm_timeout(method)
        finished += Order.objects.filter(
            state=S.WAIT_BUYER_CONFIRM, shipping_method=method, shipped_at__lte=now - days
        ).update(
            state=S.TRADE_FINISHED,
            finished_at=Later("shipped_at", days),
            auto_confirmed=True,
            version=F("version") + 1,
            updated_at=now,
        )
    if closed or finished:
        logger.info("orders sweep: %d unpaid closed, %d auto-confirmed", closed, finished)
    return {"unpaid_closed": closed, "auto_confirmed": finished}
