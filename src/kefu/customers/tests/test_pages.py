"""The customers' pages: the purchase history beside the cases."""

import pytest

from kefu.customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_a_customers_page_shows_their_orders(client, agent):
    from kefu.aftersales.tests.factories import OrderFactory

    customer = CustomerFactory(buyer_nick="tb_history")
    OrderFactory(number="20261101000042", buyer_nick="TB_History")
    OrderFactory(number="20261101000043", buyer_nick="someone_else")
    client.force_login(agent)
    body = client.get(f"/desk/customers/{customer.pk}/").content.decode()
    assert "20261101000042" in body and "20261101000043" not in body
