"""Factories of the after-sales tests: orders as the platform has them, and cases made through the
services (so the inbox item, due time and history are exactly what the services leave)."""

from decimal import Decimal

import factory
from django.utils import timezone

from kefu.orders.models import Order, OrderLine, OrderState
from kefu.orders.tests import factories as orders_factories


class OrderFactory(orders_factories.OrderFactory):
    """An order the buyer has received (after-sales starts there), with one line by default."""

    class Meta:
        model = Order
        skip_postgeneration_save = True

    number = factory.Sequence(lambda n: f"2026112{n:011d}")
    buyer_nick = factory.Sequence(lambda n: f"tb_buyer_{n}")
    receiver_name = "陈小姐"
    receiver_phone = factory.Sequence(lambda n: f"137{n:08d}")
    goods_amount = Decimal("129.00")
    postage = Decimal("8.00")
    paid_amount = Decimal("137.00")
    items_summary = "玻尿酸补水面霜 50ml"
    state = OrderState.TRADE_FINISHED
    courier = "申通快递"
    waybill = factory.Sequence(lambda n: f"7730{n:08d}")
    created_at = factory.LazyFunction(lambda: timezone.now() - timezone.timedelta(days=6))
    paid_at = factory.LazyFunction(lambda: timezone.now() - timezone.timedelta(days=6))

    @factory.post_generation
    def lines(self, create, extracted, **kwargs):
        if create:
            lines = extracted or [("玻尿酸补水面霜 50ml", 1, Decimal("129.00"))]
            for i, (title, qty, price) in enumerate(lines):
                OrderLine.objects.create(order=self, title=title, quantity=qty, price=price, line_key=f"t{i}")
