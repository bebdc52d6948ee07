"""The refund timers (超时规定), each just before and just after its deadline."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from kefu.aftersales import services
from kefu.aftersales.models import AfterSalesCase, CaseKind, CaseState, RefundChannel
from kefu.aftersales.sweep import aftersales_sweep
from kefu.aftersales.tests.conftest import work_of
from kefu.aftersales.tests.factories import OrderFactory
from kefu.core.activity import activity_list
from kefu.core.models import ActivityLog
from kefu.core.shopsettings import shop_setting_set
from kefu.core.sweeps import names, sweeps_run

pytestmark = pytest.mark.django_db
SECOND = timedelta(seconds=1)


def _backdate(case, **fields) -> AfterSalesCase:
    AfterSalesCase.objects.filter(pk=case.pk).update(**fields)
    return AfterSalesCase.objects.get(pk=case.pk)


def test_the_sweep_is_registered_with_the_core_sweeps():
    assert "aftersales" in names()


def test_seller_idle_five_days_agrees_a_return_refund(make_case):
    t0 = timezone.now() - timedelta(days=10)
    case = _backdate(make_case(kind=CaseKind.RETURN_REFUND), requested_at=t0)
    deadline = t0 + timedelta(days=5)

    assert aftersales_sweep(now=deadline - SECOND)["refund_auto_agreed"] == 0
    assert AfterSalesCase.objects.get(pk=case.pk).state == CaseState.REQUESTED

    assert aftersales_sweep(now=deadline)["refund_auto_agreed"] == 1
    case.refresh_from_db()
    assert case.state == CaseState.AWAITING_RETURN
    assert case.agreed_automatically and case.agreed_at == deadline
    item = work_of("aftersales", case)
    assert item["state"] == "waiting"
    assert parse_datetime(item["due_at"]) == deadline + timedelta(days=7), (
        "the buyer now has 7 days to send it back"
    )
    assert activity_list(target=case).filter(verb="case_auto_agree").count() == 1
    # Idempotent: a second run changes nothing.
    assert aftersales_sweep(now=deadline + SECOND)["refund_auto_agreed"] == 0
    assert activity_list(target=case).filter(verb="case_auto_agree").count() == 1


def test_seller_idle_five_days_refunds_a_refund_only_case(make_case):
    t0 = timezone.now() - timedelta(days=10)
    case = _backdate(make_case(kind=CaseKind.REFUND_ONLY, refund_requested="59.00"), requested_at=t0)
    deadline = t0 + timedelta(days=5)
    assert aftersales_sweep(now=deadline - SECOND)["refund_auto_refunded"] == 0
    assert aftersales_sweep(now=deadline)["refund_auto_refunded"] == 1
    case.refresh_from_db()
    assert case.state == CaseState.REFUNDED
    assert case.refunded_automatically
    assert case.refund_amount == Decimal("59.00")
    assert case.refund_channel == RefundChannel.PLATFORM
    assert work_of("aftersales", case)["state"] == "done"


def test_buyer_idle_seven_days_after_refusal_closes_the_refund(make_case, aftersales_agent):
    case = services.case_refuse(
        case=make_case(kind=CaseKind.REFUND_ONLY), by=aftersales_agent, reason="已发货"
    )
    t0 = timezone.now() - timedelta(days=20)
    case = _backdate(case, refused_at=t0)
    deadline = t0 + timedelta(days=7)
    assert aftersales_sweep(now=deadline - SECOND)["refund_closed_after_refusal"] == 0
    assert aftersales_sweep(now=deadline)["refund_closed_after_refusal"] == 1
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED
    assert "超时" in case.close_reason


def test_buyer_must_ship_the_return_within_seven_days(make_case, aftersales_agent):
    case = services.case_agree(case=make_case(kind=CaseKind.RETURN_REFUND), by=aftersales_agent)
    assert case.state == CaseState.AWAITING_RETURN
    t0 = timezone.now() - timedelta(days=20)
    case = _backdate(case, agreed_at=t0)
    deadline = t0 + timedelta(days=7)
    assert aftersales_sweep(now=deadline - SECOND)["refund_closed_no_return"] == 0
    assert aftersales_sweep(now=deadline)["refund_closed_no_return"] == 1
    assert AfterSalesCase.objects.get(pk=case.pk).state == CaseState.CLOSED


@pytest.mark.parametrize(("method", "days"), [("express", 10), ("surface", 30)])
def test_seller_must_confirm_the_return_in_time_or_the_refund_goes_through(
    make_case, aftersales_agent, method, days
):
    case = services.case_agree(case=make_case(kind=CaseKind.RETURN_REFUND), by=aftersales_agent)
    case = services.case_return_shipped(case=case, by=aftersales_agent, waybill="SF100200300", method=method)
    t0 = timezone.now() - timedelta(days=40)
    case = _backdate(case, return_shipped_at=t0)
    deadline = t0 + timedelta(days=days)
    assert aftersales_sweep(now=deadline - SECOND)["refund_auto_refunded_return"] == 0
    assert AfterSalesCase.objects.get(pk=case.pk).state == CaseState.RETURN_SHIPPED
    assert aftersales_sweep(now=deadline)["refund_auto_refunded_return"] == 1
    case.refresh_from_db()
    assert case.state == CaseState.REFUNDED and case.refunded_automatically


def test_the_return_confirm_due_time_follows_the_shipping_method(make_case, aftersales_agent):
    case = services.case_agree(case=make_case(), by=aftersales_agent)
    case = services.case_return_shipped(case=case, by=aftersales_agent, waybill="YZ123", method="surface")
    assert parse_datetime(work_of("aftersales", case)["due_at"]) == case.return_shipped_at + timedelta(
        days=30
    )


def test_the_timers_are_shop_settings(make_case, supervisor):
    shop_setting_set(key="refund_seller_idle_days", value=2, by=supervisor)
    t0 = timezone.now() - timedelta(days=10)
    case = _backdate(make_case(kind=CaseKind.RETURN_REFUND), requested_at=t0)
    assert aftersales_sweep(now=t0 + timedelta(days=2))["refund_auto_agreed"] == 1
    case.refresh_from_db()
    assert case.state == CaseState.AWAITING_RETURN


def test_exchanges_are_not_agreed_by_the_refund_timer(make_case):
    t0 = timezone.now() - timedelta(days=10)
    case = _backdate(make_case(kind=CaseKind.EXCHANGE), requested_at=t0)
    aftersales_sweep(now=timezone.now())
    assert AfterSalesCase.objects.get(pk=case.pk).state == CaseState.REQUESTED


def test_kefu_sweep_runs_the_aftersales_sweep(make_case):
    report = sweeps_run(only=["aftersales"])
    assert set(report["aftersales"]) >= {"refund_auto_agreed", "refund_closed_no_return"}


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_fire_each_timer_once(make_user):
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers on one file; concurrent sweeps need PostgreSQL")
    user = make_user("sweeper", "售后")
    t0 = timezone.now() - timedelta(days=10)
    cases = [
        services.case_create(
            by=user, kind=CaseKind.RETURN_REFUND, buyer_nick=f"tb_s{n}", order_number=f"9{n}"
        )
        for n in range(20)
    ]
    AfterSalesCase.objects.filter(pk__in=[c.pk for c in cases]).update(requested_at=t0)
    barrier = threading.Barrier(2)
    counts: list[int] = []

    def sweep():
        try:
            barrier.wait(timeout=10)
            counts.append(aftersales_sweep(now=timezone.now())["refund_auto_agreed"])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sum(counts) == 20
    assert AfterSalesCase.objects.filter(state=CaseState.AWAITING_RETURN).count() == 20

    assert ActivityLog.objects.filter(verb="case_auto_agree").count() == 20


@pytest.mark.parametrize(
    ("order_state", "kind", "refunded_after_two_days"),
    [
        ("WAIT_SELLER_SEND_GOODS", CaseKind.REFUND_ONLY, True),
        ("WAIT_SELLER_SEND_GOODS", CaseKind.RETURN_REFUND, True),
        ("SELLER_CONSIGNED_PART", CaseKind.REFUND_ONLY, True),
        ("WAIT_BUYER_CONFIRM_GOODS", CaseKind.REFUND_ONLY, False),
        ("TRADE_FINISHED", CaseKind.RETURN_REFUND, False),
        ("WAIT_SELLER_SEND_GOODS", CaseKind.EXCHANGE, False),
    ],
)
def test_a_refund_on_an_order_still_unshipped_two_days_later_goes_to_the_buyer(
    make_case, order_state, kind, refunded_after_two_days
):
    order = OrderFactory(state=order_state)
    t0 = timezone.now() - timedelta(days=10)
    case = _backdate(
        make_case(kind=kind, order=order, order_number=order.number, refund_requested="129.00"),
        requested_at=t0,
    )
    assert case.order_id == order.pk
    deadline = t0 + timedelta(days=2)

    assert aftersales_sweep(now=deadline - SECOND)["refund_unshipped_refunded"] == 0
    assert aftersales_sweep(now=deadline)["refund_unshipped_refunded"] == int(refunded_after_two_days)
    case.refresh_from_db()
    if refunded_after_two_days:
        assert case.state == CaseState.REFUNDED and case.refunded_automatically
        assert case.refund_amount == Decimal("129.00") and case.refund_channel == RefundChannel.PLATFORM
        assert work_of("aftersales", case)["state"] == "done"
        assert activity_list(target=case).filter(verb="case_auto_refund").count() == 1
    else:
        assert case.state == CaseState.REQUESTED


def test_the_unshipped_refund_shows_its_two_day_deadline_and_is_a_shop_setting(make_case, supervisor):
    order = OrderFactory(state="WAIT_SELLER_SEND_GOODS")
    case = make_case(kind=CaseKind.REFUND_ONLY, order=order, order_number=order.number)
    assert services.case_deadline(case) == case.requested_at + timedelta(days=2)
    shop_setting_set(key="refund_unshipped_days", value=3, by=supervisor)
    assert services.case_deadline(case) == case.requested_at + timedelta(days=3)
    assert parse_datetime(work_of("aftersales", case)["due_at"]) == case.requested_at + timedelta(days=2)
