"""The trade lifecycle: every transition, and each timeout just before and just after its boundary."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from kefu.core import shopsettings
from kefu.core.sweeps import sweeps_run
from kefu.orders import lifecycle
from kefu.orders.models import Order, OrderState, ShippingMethod
from kefu.orders.tests.factories import OrderFactory

S = OrderState
# sorted: the targets are a set, and every test worker must collect the same list
ALLOWED = [(current, to) for current, targets in lifecycle.TRANSITIONS.items() for to in sorted(targets)]
REFUSED = [(current, to) for current in S.values for to in S.values if (current, to) not in ALLOWED]


@pytest.mark.parametrize(("current", "to"), ALLOWED)
def test_allowed_transition_moves_the_order_and_stamps_its_time(order_factory, agent, current, to):
    order = order_factory(state=current, waybill="773100000001")

    lifecycle.order_transition(order=order, to=to, by=agent, reason="买家申请退款")

    order.refresh_from_db()
    assert order.state == to
    stamp = {
        S.WAIT_SELLER_SEND: "paid_at",
        S.SELLER_CONSIGNED_PART: "shipped_at",
        S.WAIT_BUYER_CONFIRM: "shipped_at",
        S.TRADE_FINISHED: "finished_at",
        S.TRADE_CLOSED: "closed_at",
    }[to]
    assert getattr(order, stamp) is not None
    assert order.version == 2


@pytest.mark.parametrize(("current", "to"), REFUSED)
def test_illegal_transition_is_refused_and_changes_nothing(order_factory, agent, current, to):
    order = order_factory(state=current, waybill="773100000001")

    with pytest.raises(ValidationError) as err:
        lifecycle.order_transition(order=order, to=to, by=agent)

    assert "不能变为" in str(err.value)
    order.refresh_from_db()
    assert order.state == current
    assert order.version == 1


def test_shipping_without_a_waybill_is_refused(order_factory, agent):
    order = order_factory(paid=True)
    with pytest.raises(ValidationError, match="物流单号"):
        lifecycle.order_transition(order=order, to=S.WAIT_BUYER_CONFIRM, by=agent)
    order.refresh_from_db()
    assert order.state == S.WAIT_SELLER_SEND


def test_closing_keeps_the_reason(order_factory, agent):
    order = order_factory()
    lifecycle.order_transition(order=order, to=S.TRADE_CLOSED, by=agent, reason="买家不想买了")
    order.refresh_from_db()
    assert order.close_reason == "买家不想买了"


def test_someone_outside_the_team_cannot_move_an_order(order_factory, make_user):
    order = order_factory()
    outsider = make_user("visitor")
    with pytest.raises(Exception, match="客服团队"):
        lifecycle.order_transition(order=order, to=S.TRADE_CLOSED, by=outsider)


@pytest.mark.parametrize(
    ("current", "incoming", "applies"),
    [
        (S.WAIT_BUYER_PAY, S.WAIT_SELLER_SEND, True),
        (S.WAIT_SELLER_SEND, S.WAIT_SELLER_SEND, True),
        (S.WAIT_SELLER_SEND, S.WAIT_BUYER_PAY, False),
        (S.WAIT_BUYER_CONFIRM, S.WAIT_SELLER_SEND, False),
        (S.WAIT_BUYER_CONFIRM, S.TRADE_FINISHED, True),
        (S.TRADE_CLOSED, S.WAIT_BUYER_PAY, False),
        (S.TRADE_CLOSED, S.WAIT_SELLER_SEND, False),
        (S.TRADE_CLOSED, S.TRADE_FINISHED, False),
        (S.TRADE_FINISHED, S.TRADE_CLOSED, False),
        (S.TRADE_FINISHED, S.TRADE_FINISHED, True),
    ],
)
def test_an_import_never_moves_a_state_backwards(current, incoming, applies):
    assert lifecycle.import_may_apply(current, incoming) is applies


# --- the sweep -----------------------------------------------------------------------------

SECOND = timedelta(seconds=1)


@pytest.mark.parametrize(("offset", "closes"), [(-SECOND, False), (SECOND, True)])
def test_unpaid_order_closes_after_three_days(order_factory, offset, closes):
    now = timezone.now()
    order = order_factory(created_at=now - timedelta(days=3) - offset)

    changed = lifecycle.orders_sweep(now=now)

    order.refresh_from_db()
    assert (order.state == S.TRADE_CLOSED) is closes
    assert changed["unpaid_closed"] == int(closes)
    if closes:
        assert order.close_reason == lifecycle.CLOSE_REASON_UNPAID
        assert order.closed_at == order.created_at + timedelta(days=3)


def test_unpaid_timeout_counts_from_the_sellers_last_change_of_terms(order_factory):
    now = timezone.now()
    order = order_factory(created_at=now - timedelta(days=5), terms_changed_at=now - timedelta(days=2))
    lifecycle.orders_sweep(now=now)
    order.refresh_from_db()
    assert order.state == S.WAIT_BUYER_PAY


def test_payment_timeout_is_a_shop_setting(order_factory, supervisor):
    now = timezone.now()
    order = order_factory(created_at=now - timedelta(days=2))
    shopsettings.shop_setting_set(key="payment_timeout_days", value=1, by=supervisor)
    lifecycle.orders_sweep(now=now)
    order.refresh_from_db()
    assert order.state == S.TRADE_CLOSED


@pytest.mark.parametrize(
    ("method", "days"),
    [
        (ShippingMethod.EXPRESS, 10),
        (ShippingMethod.SURFACE, 30),
        (ShippingMethod.AUTO_DELIVERY, 1),
        (ShippingMethod.VIRTUAL, 3),
    ],
)
@pytest.mark.parametrize(("offset", "finishes"), [(-SECOND, False), (SECOND, True)])
def test_shipped_order_is_confirmed_automatically_after_its_timeout(
    order_factory, method, days, offset, finishes
):
    now = timezone.now()
    shipped_at = now - timedelta(days=days) - offset
    order = order_factory(shipped=True, shipping_method=method, created_at=shipped_at - timedelta(hours=3))
    Order.objects.filter(pk=order.pk).update(shipped_at=shipped_at)

    lifecycle.orders_sweep(now=now)

    order.refresh_from_db()
    assert (order.state == S.TRADE_FINISHED) is finishes
    assert order.auto_confirmed is finishes
    if finishes:
        assert order.finished_at == shipped_at + timedelta(days=days)


def test_sweep_leaves_other_states_alone(order_factory):
    now = timezone.now()
    long_ago = now - timedelta(days=90)
    paid = order_factory(paid=True, created_at=long_ago)
    finished = order_factory(state=S.TRADE_FINISHED, created_at=long_ago)
    lifecycle.orders_sweep(now=now)
    for order, state in ((paid, S.WAIT_SELLER_SEND), (finished, S.TRADE_FINISHED)):
        order.refresh_from_db()
        assert order.state == state


def test_sweep_twice_changes_nothing_the_second_time(order_factory):
    now = timezone.now()
    order_factory(created_at=now - timedelta(days=4))
    order_factory(shipped=True, created_at=now - timedelta(days=11))
    Order.objects.filter(state=S.WAIT_BUYER_CONFIRM).update(shipped_at=now - timedelta(days=11))

    first = lifecycle.orders_sweep(now=now)
    second = lifecycle.orders_sweep(now=now)

    assert first == {"unpaid_closed": 1, "auto_confirmed": 1}
    assert second == {"unpaid_closed": 0, "auto_confirmed": 0}


def test_kefu_sweep_command_runs_the_orders_sweep(order_factory, capsys):
    order = order_factory(created_at=timezone.now() - timedelta(days=4))
    call_command("sweep")
    assert "unpaid_closed 1" in capsys.readouterr().out
    order.refresh_from_db()
    assert order.state == S.TRADE_CLOSED


def test_registered_sweeps_include_orders(order_factory):
    report = sweeps_run(only=["orders"])
    assert report == {"orders": {"unpaid_closed": 0, "auto_confirmed": 0}}


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL's row locks"
)
def test_two_sweeps_at_once_close_each_order_once():
    now = timezone.now()
    OrderFactory.create_batch(50, created_at=now - timedelta(days=4))
    results: list[dict] = []

    def run():
        try:
            results.append(lifecycle.orders_sweep(now=now))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r["unpaid_closed"] for r in results) == 50
