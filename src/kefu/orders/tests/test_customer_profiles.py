"""Every order import creates or updates its buyers' profiles: the member name is the identity."""

from decimal import Decimal

import pytest

from kefu.customers.models import Customer
from kefu.customers.tests.factories import CustomerFactory
from kefu.orders.customer_profiles import contacts_of_customer
from kefu.orders.importing.importer import import_file
from kefu.orders.tests.test_import import export, row

pytestmark = pytest.mark.django_db

UNPAID = "等待买家付款"


def test_an_import_creates_one_profile_per_member_name_with_its_figures(tmp_path):
    rows = [
        row("1001", 买家会员名="小桃子", 买家实际支付金额="100.00", 联系手机="18600000001"),
        row("1002", 买家会员名="小桃子", 买家实际支付金额="23.40", 联系手机="18600000002",
            订单创建时间="2026-12-01 09:00:00", 订单付款时间="2026-12-01 09:01:00"),
        row("1003", UNPAID, 买家会员名="小桃子", 买家实际支付金额="0.00", 订单付款时间="", 联系手机="18600000001"),
        # one family, one phone, two buyers: two profiles
        row("1004", 买家会员名="桃子妈妈", 买家实际支付金额="50.00", 联系手机="18600000001"),
        row("1005", 买家会员名="", 买家实际支付金额="9.90"),
    ]  # fmt: skip
    report = import_file(export(tmp_path, rows))
    assert report.created == 5
    assert (report.customers_created, report.without_buyer) == (2, 1)
    peach = Customer.objects.get(buyer_nick="小桃子")
    assert (peach.orders_count, peach.paid_orders, peach.paid_amount) == (3, 2, Decimal("123.40"))
    assert peach.returning and peach.average_order_value == Decimal("61.70")
    assert peach.phone == "18600000002", "the latest phone first"
    assert [c["receiver_phone"] for c in contacts_of_customer(customer=peach)] == [
        "18600000002",
        "18600000001",
    ]
    mum = Customer.objects.get(buyer_nick="桃子妈妈")
    assert (mum.paid_orders, mum.returning) == (1, False)
    assert Customer.objects.count() == 2, "an order without a member name gets no profile"


def test_a_second_import_updates_the_profiles_and_keeps_what_staff_wrote(tmp_path):
    CustomerFactory(buyer_nick="小桃子", name="林小桃", note="喜欢玫瑰味", phone="13900000000", tags=["VIP"])
    import_file(export(tmp_path, [row("2001", 买家会员名="小桃子")]))
    report = import_file(
        export(tmp_path, [row("2001", 买家会员名="小桃子"), row("2002", 买家会员名="小桃子")], name="b.csv")
    )
    assert (report.customers_created, report.customers_updated) == (0, 1)
    peach = Customer.objects.get(buyer_nick="小桃子")
    assert (peach.orders_count, peach.paid_orders, peach.paid_amount) == (2, 2, Decimal("200.00"))
    assert (peach.name, peach.note, peach.tags) == ("林小桃", "喜欢玫瑰味", ["VIP"])
    assert Customer.objects.count() == 1


def test_the_profile_page_lists_the_orders_receivers_latest_first_masked_for_agents(
    tmp_path, client, agent, supervisor
):
    import_file(export(tmp_path, [row("3001", 买家会员名="小桃子", 联系手机="18612345678")]))
    url = f"/desk/customers/{Customer.objects.get(buyer_nick='小桃子').pk}/"
    client.force_login(agent)
    page = client.get(url).content.decode()
    assert "186****5678" in page and "18612345678" not in page
    client.force_login(supervisor)
    assert "18612345678" in client.get(url).content.decode()
