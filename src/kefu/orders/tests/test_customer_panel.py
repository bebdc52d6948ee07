"""The customer page shows the customer's orders: the orders app fills the page's panel slot."""

import pytest

from kefu.core import panels
from kefu.customers.tests.factories import CustomerFactory
from kefu.orders.tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


def test_a_customers_page_shows_their_orders(client, agent):
    customer = CustomerFactory(buyer_nick="tb_history")
    OrderFactory(number="20261101000042", buyer_nick="TB_History")
    OrderFactory(number="20261101000043", buyer_nick="someone_else")
    client.force_login(agent)
    body = client.get(f"/desk/customers/{customer.pk}/").content.decode()
    assert "20261101000042" in body and "20261101000043" not in body


def test_the_orders_panel_is_registered_for_the_customer_page():
    assert "customers.customer" in panels.slots()
