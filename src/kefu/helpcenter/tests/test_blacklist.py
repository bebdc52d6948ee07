"""A blacklisted customer (kefu.customers) may not submit help-center questions; others still may."""

import pytest
from django.core.exceptions import ValidationError

from kefu.customers.tests.factories import BlacklistedCustomerFactory
from kefu.helpcenter import services
from kefu.helpcenter.models import Question

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "contact",
    [{"phone": "138 0013 8000"}, {"im_id": "TB_Cheater"}, {"im_id": "tb_cheater", "email": "a@b.cn"}],
)
def test_a_blacklisted_customer_is_refused_politely_and_nothing_is_stored(contact):
    BlacklistedCustomerFactory(buyer_nick="tb_cheater", phone="13800138000")
    with pytest.raises(ValidationError) as err:
        services.question_submit(title="退款怎么还没到", name="张三", **contact)
    assert "抱歉" in " ".join(err.value.messages)
    assert not Question.objects.exists()


def test_the_public_form_keeps_what_a_blacklisted_customer_typed(client):
    BlacklistedCustomerFactory(phone="13800138000")
    response = client.post(
        "/help/ask/submit/",
        {"title": "退款怎么还没到", "name": "张三", "phone": "13800138000", "details": "订单 123"},
    )
    assert response.status_code == 400
    assert "抱歉，暂时无法受理您的提问" in response.content.decode()
    assert "订单 123" in response.content.decode()
    assert not Question.objects.exists()


def test_a_customer_not_on_the_blacklist_still_asks():
    BlacklistedCustomerFactory(phone="13800138000", buyer_nick="tb_cheater")
    question = services.question_submit(
        title="什么时候发货", name="李四", phone="13900001111", im_id="tb_honest"
    )
    assert question.pk
