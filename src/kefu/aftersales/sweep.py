"""The after-sales sweep (registered with ``kefu.core.sweeps``): the platform's refund timers,
the inbox's overdue marks and the help-center questions' inbox items.

Each timer is one transaction: lock the due rows (``skip_locked``, so a second sweep running at the
same moment takes other rows or none), one conditional UPDATE of the cases, one of their items, one
bulk insert of history. Running it again changes nothing.
"""

from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from kefu.aftersales import rules
from kefu.aftersales.models import (
    OPEN_STATES,
    AfterSalesCase,
    CaseKind,
    CaseState,
    RefundChannel,
    WorkItem,
    WorkState,
)
from kefu.aftersales.services import inbox_sync_questions
from kefu.core.models import ActivityLog
from kefu.orders.models import ShippingMethod


def _fire(
    *, now: datetime, due: Q, state: str, changes: dict, item_changes: dict, verb: str, message: str
) -> int:
    if not AfterSalesCase.objects.filter(due, state=state).exists():
        return 0  # most minutes nothing is due: then no write transaction (SQLite's lock) at all
    with transaction.atomic():
        rows = list(
            AfterSalesCase.objects.filter(due, state=state)
            .select_for_update(skip_locked=True)
            .values_list("id", "item_id")
        )
        if not rows:
            return 0
        case_ids = [case_id for case_id, _item in rows]
        item_ids = [item_id for _case, item_id in rows]
        changed = AfterSalesCase.objects.filter(id__in=case_ids, state=state).update(**changes)
        WorkItem.objects.filter(id__in=item_ids).update(updated_at=now, **item_changes)
        content_type = ContentType.objects.get_for_model(WorkItem)
        ActivityLog.objects.bulk_create(
            ActivityLog(content_type=content_type, object_id=str(item_id), verb=verb, message=message)
            for item_id in item_ids
        )
        return changed


def aftersales_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """``{label: count}`` of what the timers did, for ``kefu sweep`` and the huey task."""
    now = now or timezone.now()
    done = {"state": WorkState.DONE, "closed_at": now, "due_at": None, "overdue": False}
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
    # Seller idle 5 days, a return needed → agreed; the buyer now has 7 days to send it back.
    report["refund_auto_agreed"] = _fire(
        now=now,
        due=seller_idle & (Q(kind=CaseKind.RETURN_REFUND) | Q(return_required=True)),
        state=CaseState.REQUESTED,
        changes={"state": CaseState.AWAITING_RETURN, "agreed_at": now, "agreed_automatically": True},
        item_changes={
            "state": WorkState.WAITING,
            "due_at": rules.return_ship_deadline(now),
            "overdue": False,
        },
        verb="case_auto_agree",
        message="卖家超时未处理，系统自动同意退货退款",
    )
    # Seller idle 5 days, no return needed → the platform refunds the buyer.
    report["refund_auto_refunded"] = _fire(
        now=now,
        due=seller_idle & Q(kind=CaseKind.REFUND_ONLY, return_required=False),
        state=CaseState.REQUESTED,
        changes=refunded,
        item_changes=done,
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
        item_changes=done,
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
        item_changes=done,
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
        item_changes=done,
        verb="case_auto_refund",
        message="卖家超时未确认收到退货，平台自动退款给买家",
    )
    report.update(inbox_sync_questions(now=now))
    open_items = WorkItem.objects.filter(state__in=OPEN_STATES)
    report["marked_overdue"] = open_items.filter(overdue=False, due_at__lt=now).update(overdue=True)
    report["overdue_cleared"] = (
        WorkItem.objects.filter(overdue=True)
        .filter(Q(due_at__isnull=True) | Q(due_at__gte=now) | Q(state=WorkState.DONE))
        .update(overdue=False)
    )
    return report
