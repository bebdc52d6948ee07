"""The after-sales sweep (registered with ``kefu.core.sweeps``): the platform's refund timers.

Each timer is one transaction: lock the due rows (``skip_locked``, so a second sweep running at the
same moment takes other rows or none), one conditional UPDATE of the cases, the inbox told of each
changed case through ``kefu.core.worklist``, one bulk insert of history. Running it again changes
nothing. The inbox's own overdue marks are the inbox's sweep.
"""

from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from kefu.aftersales import rules
from kefu.aftersales.models import AfterSalesCase, CaseKind, CaseState, RefundChannel
from kefu.aftersales.services import UNSHIPPED_ORDER_STATES, case_work_put
from kefu.core.models import ActivityLog
from kefu.orders.models import ShippingMethod


def _fire(*, now: datetime, due: Q, state: str, changes: dict, verb: str, message: str) -> int:
    if not AfterSalesCase.objects.filter(due, state=state).exists():
        return 0  # most minutes nothing is due: then no write transaction (SQLite's lock) at all
    with transaction.atomic():
        case_ids = list(
            AfterSalesCase.objects.filter(due, state=state)
            .select_for_update(skip_locked=True, of=("self",))  # the cases, not the orders joined
            .values_list("id", flat=True)
        )
        if not case_ids:
            return 0
        changed = AfterSalesCase.objects.filter(id__in=case_ids, state=state).update(
            **changes, version=F("version") + 1
        )
        for case in AfterSalesCase.objects.filter(id__in=case_ids).select_related("customer", "order"):
            case_work_put(case=case, by=None)
        content_type = ContentType.objects.get_for_model(AfterSalesCase)
        ActivityLog.objects.bulk_create(
            ActivityLog(content_type=content_type, object_id=str(case_id), verb=verb, message=message)
            for case_id in case_ids
        )
        return changed


def aftersales_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """``{label: count}`` of what the timers did, for ``kefu sweep`` and the huey task."""
    now = now or timezone.now()
    refunded = {
        "state": CaseState.REFUNDED,
        "refunded_at": now,
        "refunded_automatically": True,
        "refund_channel": RefundChannel.PLATFORM,
        "refund_amount": F("refund_requested"),
        "closed_at": now,
    }
    report = {}
    seller_idle = Q(
        kind__in=(CaseKind.RETURN_REFUND, CaseKind.REFUND_ONLY),
        requested_at__lte=now - rules.setting_days("refund_seller_idle_days"),
    )
    # Paid but not shipped 2 days after the refund request → the platform refunds the buyer, whatever
    # else the request asked for: the goods never left.
    report["refund_unshipped_refunded"] = _fire(
        now=now,
        due=Q(
            kind__in=(CaseKind.RETURN_REFUND, CaseKind.REFUND_ONLY),
            order__state__in=UNSHIPPED_ORDER_STATES,
            requested_at__lte=now - rules.setting_days("refund_unshipped_days"),
        ),
        state=CaseState.REQUESTED,
        changes=refunded,
        verb="case_auto_refund",
        message="买家申请退款后卖家超时未发货，平台自动退款给买家",
    )
    # Seller idle 5 days, a return needed → agreed; the buyer now has 7 days to send it back.
    report["refund_auto_agreed"] = _fire(
        now=now,
        due=seller_idle & (Q(kind=CaseKind.RETURN_REFUND) | Q(return_required=True)),
        state=CaseState.REQUESTED,
        changes={"state": CaseState.AWAITING_RETURN, "agreed_at": now, "agreed_automatically": True},
        verb="case_auto_agree",
        message="卖家超时未处理，系统自动同意退货退款",
    )
    # Seller idle 5 days, no return needed → the platform refunds the buyer.
    report["refund_auto_refunded"] = _fire(
        now=now,
        due=seller_idle & Q(kind=CaseKind.REFUND_ONLY, return_required=False),
        state=CaseState.REQUESTED,
        changes=refunded,
        verb="case_auto_refund",
        message="卖家超时未处理，平台自动退款给买家",
    )
    # Buyer idle 7 days after the refusal → the refund is closed, the trade goes on.
    report["refund_closed_after_refusal"] = _fire(
        now=now,
        due=Q(kind__in=(CaseKind.RETURN_REFUND, CaseKind.REFUND_ONLY))
        & Q(refused_at__lte=now - rules.setting_days("refund_buyer_idle_after_refusal_days")),
        state=CaseState.REFUSED,
        changes={
            "state": CaseState.CLOSED,
            "closed_at": now,
            "close_reason": "卖家拒绝后买家超时未操作，退款关闭",
        },
        verb="case_auto_close",
        message="卖家拒绝后买家超时未操作，退款关闭",
    )
    # Buyer did not send the return within 7 days of the agreement → the refund is closed.
    report["refund_closed_no_return"] = _fire(
        now=now,
        due=Q(kind__in=(CaseKind.RETURN_REFUND, CaseKind.REFUND_ONLY))
        & Q(agreed_at__lte=now - rules.setting_days("refund_return_ship_days")),
        state=CaseState.AWAITING_RETURN,
        changes={"state": CaseState.CLOSED, "closed_at": now, "close_reason": "买家超时未退货，退款关闭"},
        verb="case_auto_close",
        message="买家超时未退货，退款关闭",
    )
    # Seller did not confirm the return within 10 days (express) / 30 days (surface) → refunded.
    not_confirmed = Q(
        return_method=ShippingMethod.SURFACE,
        return_shipped_at__lte=now - rules.return_confirm_days(ShippingMethod.SURFACE),
    ) | (
        ~Q(return_method=ShippingMethod.SURFACE)
        & Q(return_shipped_at__lte=now - rules.return_confirm_days(ShippingMethod.EXPRESS))
    )
    report["refund_auto_refunded_return"] = _fire(
        now=now,
        due=Q(kind__in=(CaseKind.RETURN_REFUND, CaseKind.REFUND_ONLY)) & not_confirmed,
        state=CaseState.RETURN_SHIPPED,
        changes=refunded,
        verb="case_auto_refund",
        message="卖家超时未确认收到退货，平台自动退款给买家",
    )
    return report
