"""The buyer card beside an order, a case and a chat: profile, last orders, open matters, in a few queries."""

from decimal import Decimal

import pytest
from django.test import RequestFactory

from kefu.aftersales import services
from kefu.aftersales.customer_card import customer_figures_refresh
from kefu.aftersales.models import REFUND_KINDS, AfterSalesCase, CaseKind
from kefu.aftersales.tests.factories import OrderFactory
from kefu.customers.models import Customer
from kefu.customers.templatetags.customers import card_html

pytestmark = pytest.mark.django_db

CARD_QUERIES = 5  # the profile by member name, the shop's settings, last orders, open cases, open complaints


@pytest.fixture
def buyer(aftersales_agent):
    for i in range(7):
        OrderFactory(buyer_nick="小桃子", buyer_message="发票抬头：杭州桃子科技有限公司" if i == 6 else "")
    Customer.objects.create(
        buyer_nick="小桃子",
        paid_orders=7,
        paid_amount=Decimal("959.00"),
        blacklisted=True,
        blacklist_reason="虚假描述",
        note="只收顺丰",
    )
    order = OrderFactory(buyer_nick="小桃子")
    case = services.case_create(by=aftersales_agent, kind=CaseKind.REFUND_ONLY, order=order, reason="少发")
    return case


def test_the_card_shows_the_buyer_in_a_fixed_number_of_queries(
    buyer, aftersales_agent, django_assert_max_num_queries
):
    request = RequestFactory().get("/")
    request.user = aftersales_agent
    with django_assert_max_num_queries(CARD_QUERIES):
        html = str(card_html(request, "小桃子"))
    assert "老客户" in html and "黑名单客户" in html and "只收顺丰" in html
    assert html.count("/desk/orders/") == 5, "the last five orders"
    assert "杭州桃子科技有限公司" in html, "the invoice title the buyer gave"
    assert "申通快递" in html, "logistics"
    assert f"/desk/aftersales/cases/{buyer.pk}/" in html, "the open case"


def test_the_card_is_on_the_order_the_case_and_the_chat_console(buyer, client, aftersales_agent):
    client.force_login(aftersales_agent)
    for url in (f"/desk/orders/{buyer.order.number}/", f"/desk/aftersales/cases/{buyer.pk}/"):
        assert 'id="buyer-card"' in client.get(url).content.decode(), url
    assert 'id="buyer-card-slot"' in client.get("/desk/chat/").content.decode()
    fragment = client.get("/desk/customers/card/", {"nick": "小桃子"}).content.decode()
    assert "只收顺丰" in fragment
    assert "新客户" in client.get("/desk/customers/card/", {"nick": "没见过"}).content.decode()


def test_refunds_and_complaints_reach_the_profile(buyer):
    assert customer_figures_refresh()["customer_figures"] == 1
    assert Customer.objects.get(buyer_nick="小桃子").refunds_count == 1
    assert customer_figures_refresh()["customer_figures"] == 0, "nothing changed, nothing written"


@pytest.mark.parametrize(
    "kinds",
    [
        (CaseKind.REFUND_ONLY,),
        (CaseKind.REFUND_ONLY, CaseKind.REFUND_ONLY, CaseKind.RESHIPMENT),
        (CaseKind.RESHIPMENT,),
    ],
)
def test_the_sweep_stores_the_refund_count_a_direct_count_gives_and_the_card_only_reads_it(
    aftersales_agent, kinds, django_assert_max_num_queries
):
    for kind in kinds:
        order = OrderFactory(buyer_nick="小杏子")
        services.case_create(by=aftersales_agent, kind=kind, order=order, reason="少发")

    customer_figures_refresh()

    customer = Customer.objects.get(buyer_nick="小杏子")
    direct = AfterSalesCase.objects.filter(customer=customer, kind__in=REFUND_KINDS).count()
    assert customer.refunds_count == direct
    request = RequestFactory().get("/")
    request.user = aftersales_agent
    with django_assert_max_num_queries(CARD_QUERIES):  # however many cases: the count is stored
        card_html(request, "小杏子")
