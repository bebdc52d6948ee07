import pytest

from kefu.orders.tests.factories import OrderFactory, OrderLineFactory


@pytest.fixture
def order_factory(db):
    return OrderFactory


@pytest.fixture
def order_line_factory(db):
    return OrderLineFactory
