"""Factories for the orders' tests: orders in any state, with the time columns that state implies."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from kefu.orders.models import Order, OrderLine, OrderState


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    number = factory.Sequence(lambda n: f"{3100000000000000 + n}")
    buyer_nick = factory.Sequence(lambda n: f"买家{n:03d}")
    receiver_name = "张小花"
    receiver_phone = factory.Sequence(lambda n: f"1380000{n:04d}")
    receiver_province = "浙江省"
    receiver_address = "浙江省 杭州市 西湖区 文三路 100 号(310000)"
    goods_amount = Decimal("128.00")
    postage = Decimal("0.00")
    paid_amount = factory.LazyAttribute(lambda o: o.goods_amount + o.postage)
    item_count = 1
    items_summary = "玫瑰保湿面霜 50g"
    state = OrderState.WAIT_BUYER_PAY
    created_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))

    class Params:
        paid = factory.Trait(
            state=OrderState.WAIT_SELLER_SEND,
            paid_at=factory.LazyAttribute(lambda o: o.created_at + timedelta(minutes=5)),
        )
        shipped = factory.Trait(
            state=OrderState.WAIT_BUYER_CONFIRM,
            paid_at=factory.LazyAttribute(lambda o: o.created_at + timedelta(minutes=5)),
            shipped_at=factory.LazyAttribute(lambda o: o.created_at + timedelta(hours=3)),
            courier="申通快递",
            waybill=factory.Sequence(lambda n: f"77310000{n:04d}"),
        )


class OrderLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderLine

    order = factory.SubFactory(OrderFactory)
    title = "玫瑰保湿面霜 50g"
    sku = "规格：50g"
    quantity = 1
    price = Decimal("128.00")
    line_key = factory.Sequence(lambda n: f"line-{n}")
