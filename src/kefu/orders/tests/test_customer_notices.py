"""Notices to the customers a logistics exception affects: selected from the orders, sent once, retried."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kefu.customers import senders, services
from kefu.customers.models import Customer, NoticeMessage
from kefu.orders.customer_profiles import profiles_refresh
from kefu.orders.tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def parcels():
    now = timezone.now()
    OrderFactory(
        shipped=True, buyer_nick="新疆慢件", receiver_province="新疆", shipped_at=now - timedelta(days=9)
    )
    OrderFactory(
        shipped=True, buyer_nick="新疆刚发", receiver_province="新疆", shipped_at=now - timedelta(days=1)
    )
    OrderFactory(
        shipped=True, buyer_nick="浙江慢件", receiver_province="浙江省", shipped_at=now - timedelta(days=9)
    )
    OrderFactory(paid=True, buyer_nick="未发货", receiver_province="新疆")
    profiles_refresh()
    Customer.objects.filter(buyer_nick="新疆慢件").update(name="王先生")


@pytest.mark.parametrize(
    ("filters", "reached"),
    [
        ({"province": "新疆"}, ["新疆刚发", "新疆慢件"]),
        ({"min_days": 7}, ["新疆慢件", "浙江慢件"]),
        ({"province": "新疆", "min_days": 7}, ["新疆慢件"]),
        ({"courier": "顺丰"}, []),
    ],
)
def test_the_notice_reaches_the_affected_customers(parcels, supervisor, filters, reached):
    notice = services.notice_create(
        by=supervisor, title="物流延误", template="亲爱的{name}：延误", filters=filters
    )
    preview = services.notice_preview(notice=notice)
    assert preview["count"] == len(reached)


def test_sent_once_per_customer_and_the_outbox_shows_it(parcels, supervisor, client):
    notice = services.notice_create(
        by=supervisor,
        title="物流延误",
        template="亲爱的{name}，包裹延误了",
        filters={"province": "新疆", "min_days": 7},
    )
    assert services.notice_send(notice=notice, by=supervisor) == {"notices_sent": 1, "notices_failed": 0}
    services.notice_send(notice=notice, by=supervisor)
    message = NoticeMessage.objects.get()
    assert (message.text, message.state) == ("亲爱的王先生，包裹延误了", "sent")
    client.force_login(supervisor)
    assert "亲爱的王先生" in client.get(f"/desk/customers/notices/{notice.pk}/").content.decode()


def test_a_failing_sender_marks_the_message_failed_and_retries_with_back_off(parcels, supervisor):
    calls = []

    def flaky(message):
        calls.append(message.pk)
        if len(calls) == 1:
            raise senders.SendError("网关超时")

    senders.register("flaky", flaky)
    notice = services.notice_create(
        by=supervisor, title="t", template="x", channel="flaky", filters={"province": "新疆", "min_days": 7}
    )
    now = timezone.now()
    services.notice_send(notice=notice, by=supervisor, now=now)
    message = NoticeMessage.objects.get()
    assert (message.state, message.last_error, message.attempts) == ("failed", "网关超时", 1)
    assert services.notices_deliver(now=now) == {"notices_sent": 0, "notices_failed": 0}, "waits its back-off"
    assert services.notices_deliver(now=now + timedelta(minutes=2))["notices_sent"] == 1
    message.refresh_from_db()
    assert (message.state, message.attempts) == ("sent", 2)


def test_a_notice_needs_a_selection(supervisor):
    with pytest.raises(ValidationError):
        services.notice_create(by=supervisor, title="t", template="x", filters={})
