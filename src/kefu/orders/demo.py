"""The demo shop's orders: the sample seller-center export, brought up to date so every queue has work."""

from datetime import timedelta
from pathlib import Path

from django.utils import timezone

from kefu.orders.customer_profiles import profiles_refresh
from kefu.orders.importing.importer import import_file
from kefu.orders.models import Order, OrderState

SAMPLE = Path(__file__).parent / "tests" / "data"


def load() -> str:
    started = timezone.now()
    orders = import_file(SAMPLE / "ExportOrderList201605241230.csv")
    lines = import_file(SAMPLE / "ExportOrderDetailList201605241230.csv")
    # The sample is from 2016: each order is moved to a few hours before now (each a little
    # earlier than the next), so the review, recheck and 催付 queues show them. The sample's own
    # times keep their distance from the order's creation; the times the import filled in itself
    # (shipping and closing in this old layout, "now" at import) land halfway between the order's
    # new creation time and now, never in the future.
    now = timezone.now()
    for i, order in enumerate(Order.objects.order_by("created_at", "id")):
        created = now - timedelta(hours=2 + i * 3)
        shift = created - order.created_at
        for name in ("created_at", "paid_at", "shipped_at", "finished_at", "closed_at"):
            value = getattr(order, name)
            if value is None:
                continue
            moved = value + shift if value < started else created + (now - created) / 2
            setattr(order, name, min(moved, now))
        if order.state == OrderState.WAIT_BUYER_CONFIRM and order.shipped_at is None:
            order.shipped_at = now - timedelta(days=1)
        order.save()
    profiles_refresh()  # the buyers' first and last payments, moved with their orders
    return f"{orders.created} 个订单，{lines.lines} 行宝贝"
