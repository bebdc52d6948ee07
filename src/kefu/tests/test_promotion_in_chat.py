"""A promotion (大促) set in the team's calendar switches the chat: its greeting answers a
customer's first message and its first-response target is the console's while it runs."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from kefu.chat.models import Message
from kefu.chat.tests.conftest import set_setting
from kefu.team.models import Promotion

pytestmark = pytest.mark.django_db
API = "/api/v1/chat/"


@pytest.mark.parametrize(
    ("running", "greeting"),
    [(True, "双十一咨询量大，客服正在加急回复，请稍候～"), (False, None)],
)
def test_a_running_promotion_greets_the_customer_and_sets_the_consoles_target(
    running, greeting, login, agent
):
    set_setting("work_hours_start", "00:00")
    set_setting("work_hours_end", "00:00")
    now = timezone.now()
    start = now - dt.timedelta(hours=1) if running else now + dt.timedelta(days=3)
    Promotion.objects.create(
        name="双十一",
        starts_at=start,
        ends_at=start + dt.timedelta(days=1),
        first_response_seconds=300,
        auto_reply="双十一咨询量大，客服正在加急回复，请稍候～",
    )
    customer = Client()
    token = customer.post(f"{API}conversations/", {}, content_type="application/json").json()["conversation"][
        "token"
    ]
    customer.post(f"{API}conversations/{token}/messages/", {"text": "在吗"}, content_type="application/json")

    autos = list(Message.objects.filter(is_auto=True).values_list("text", flat=True))
    target = login(agent).get(f"{API}staff/inbox/").json()["first_response_target_seconds"]

    assert (greeting in autos) if greeting else not any("双十一" in text for text in autos)
    assert target == (300 if running else 20)
