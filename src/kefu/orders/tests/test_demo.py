"""The demo shop's orders are of today: queues have work, and nothing happened in the future."""

from datetime import timedelta

from django.utils import timezone

from kefu.orders import demo
from kefu.orders.models import Order, OrderState

TIMES = ("created_at", "paid_at", "shipped_at", "finished_at", "closed_at")


def test_demo_orders_are_dated_from_today_and_never_after_now(db):
    before = timezone.now()
    demo.load()
    after = timezone.now()

    orders = list(Order.objects.all())
    assert orders
    for order in orders:
        times = {name: getattr(order, name) for name in TIMES if getattr(order, name) is not None}
        assert all(before - timedelta(days=3) <= t <= after for t in times.values()), (order.number, times)
        assert all(t >= order.created_at for t in times.values())
    shipped = [o for o in orders if o.state == OrderState.WAIT_BUYER_CONFIRM]
    assert shipped and all(o.shipped_at is not None for o in shipped)
