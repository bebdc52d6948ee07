"""The demo shop's orders: the sample seller-center export, brought up to date so every queue has work."""

from datetime import timedelta
from pathlib import Path

from django.utils import timezone

from kefu.orders.importer import import_file
from kefu.orders.models import Order, OrderState

SAMPLE = Path(__file__).parent / "tests" / "data"


def load() -> str:
    orders = import_file(SAMPLE / "ExportOrderList201605241230.csv")
    lines = import_file(SAMPLE / "ExportOrderDetailList201605241230.csv")
    # The sample is from 2016: move it to today so the review, recheck and 催付 queues show it.
    now = timezone.now()
    for i, order in enumerate(Order.objects.order_by("created_at", "id")):
        shift = now - timedelta(hours=2 + i * 3) - order.created_at
        for name in ("created_at", "paid_at", "shipped_at", "finished_at", "closed_at"):
            value = getattr(order, name)
            if value is not None:
                setattr(order, name, value + shift)
        if order.state == OrderState.WAIT_BUYER_CONFIRM and order.shipped_at is None:
            order.shipped_at = now - timedelta(days=1)
        order.save()
    return f"{orders.created} 个订单，{lines.lines} 行宝贝"
