"""A customer on the shop's blacklist (kefu.customers) asks like anybody else: the public form and
API answer the same, and the team sees the question marked."""

import pytest
from rest_framework.test import APIClient

from kefu.customers.models import Customer
from kefu.customers.tests.factories import BlacklistedCustomerFactory
from kefu.helpcenter import services
from kefu.helpcenter.models import Question

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "contact",
    [{"phone": "138 0013 8000"}, {"im_id": "TB_Cheater"}, {"im_id": "tb_cheater", "email": "a@b.cn"}],
)
def test_a_blacklisted_customers_question_is_kept_and_marked_for_the_team(contact):
    BlacklistedCustomerFactory(buyer_nick="tb_cheater", phone="13800138000")
    question = services.question_submit(title="退款怎么还没到", name="张三", **contact)
    question.refresh_from_db()
    assert question.from_blacklisted is True
    assert question.status == Question.Status.NEW


def test_the_public_form_does_not_tell_a_customer_she_is_on_the_blacklist(client):
    BlacklistedCustomerFactory(phone="13800138000")
    listed = client.post(
        "/help/ask/submit/", {"title": "退款怎么还没到", "name": "张三", "phone": "13800138000"}
    )
    other = client.post(
        "/help/ask/submit/", {"title": "什么时候发货", "name": "李四", "phone": "13900001111"}
    )
    assert listed.status_code == other.status_code == 302
    assert "抱歉" not in client.get(listed["Location"]).content.decode()
    assert list(Question.objects.order_by("id").values_list("from_blacklisted", flat=True)) == [True, False]


def test_the_public_api_answers_a_blacklisted_customer_like_anybody(db):
    BlacklistedCustomerFactory(im_id="", buyer_nick="tb_cheater")
    api = APIClient()
    listed = api.post(
        "/api/v1/help/questions/", {"title": "退款", "name": "张三", "im_id": "tb_cheater"}, format="json"
    )
    other = api.post(
        "/api/v1/help/questions/", {"title": "发货", "name": "李四", "im_id": "tb_honest"}, format="json"
    )
    assert listed.status_code == other.status_code == 201
    assert set(listed.json()) == set(other.json())
    assert Question.objects.get(title="退款").from_blacklisted


def test_a_customer_not_on_the_blacklist_is_not_marked():
    BlacklistedCustomerFactory(phone="13800138000", buyer_nick="tb_cheater")
    question = services.question_submit(
        title="什么时候发货", name="李四", phone="13900001111", im_id="tb_honest"
    )
    assert question.pk and not question.from_blacklisted


def test_a_question_naming_a_member_name_reaches_her_profile():
    services.question_submit(title="什么时候发货", name="李女士", im_id="tb_lily", phone="13800138000")
    customer = Customer.objects.get(buyer_nick="tb_lily")
    assert customer.last_contact_at is not None and customer.name == "李女士"
