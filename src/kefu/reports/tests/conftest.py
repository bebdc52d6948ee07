"""Fixtures of the report tests: orders placed and paid at given moments of the shop's calendar."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from kefu.orders.models import Order, OrderState

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(text: str) -> dt.datetime:
    """``at("2026-11-02 00:10")``: a moment on the shop's (Asia/Shanghai) clock."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


@pytest.fixture
def make_order(db):
    counter = iter(range(1, 10_000))

    def make(
        *,
        buyer: str,
        paid: str | None = None,
        created: str | None = None,
        amount: str = "100.00",
        shop: str = "",
    ) -> Order:
        created_at = (
            at(created)
            if created
            else (at(paid) - dt.timedelta(minutes=5) if paid else at("2026-11-01 10:00"))
        )
        return Order.objects.create(
            shop=shop,
            number=f"R{next(counter):06d}",
            buyer_nick=buyer,
            goods_amount=Decimal(amount),
            paid_amount=Decimal(amount) if paid else Decimal(0),
            state=OrderState.WAIT_SELLER_SEND if paid else OrderState.WAIT_BUYER_PAY,
            created_at=created_at,
            paid_at=at(paid) if paid else None,
        )

    return make
