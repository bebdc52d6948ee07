"""Fixtures of the chat's tests: shop hours, auto-reply texts, clients for customers and agents."""

import datetime as dt

import pytest
from django.utils import timezone

from kefu.chat import caches
from kefu.core.models import ShopSetting
from kefu.replies.models import AutoReplyRule


def set_setting(key: str, value) -> None:
    ShopSetting.objects.update_or_create(key=key, defaults={"value": value})


@pytest.fixture(autouse=True)
def _fresh_caches():
    """What the sockets keep between messages starts empty in every test."""
    caches.clear()
    yield
    caches.clear()


@pytest.fixture
def open_hours(db):
    """The team works around the clock (equal start and end), so every test time is inside."""
    set_setting("work_hours_start", "00:00")
    set_setting("work_hours_end", "00:00")


@pytest.fixture
def off_hours(db):
    """Working hours that exclude the present moment: from one hour ahead to two hours ahead."""
    now = timezone.localtime()
    set_setting("work_hours_start", (now + dt.timedelta(hours=1)).strftime("%H:%M"))
    set_setting("work_hours_end", (now + dt.timedelta(hours=2)).strftime("%H:%M"))


@pytest.fixture
def autoreplies(db):
    """Known texts for the three auto-reply rules, all switched on; ``no_answer`` after 20 s."""
    texts = {
        "first_message": "{买家}您好，欢迎光临，客服马上就来！",
        "no_answer": "亲，客服正在忙，请稍等片刻~",
        "off_hours": "现在是非工作时间，请留言。",
    }
    for trigger, text in texts.items():
        AutoReplyRule.objects.update_or_create(trigger=trigger, defaults={"text": text, "is_enabled": True})
    set_setting("autoreply_no_answer_seconds", 20)
    return texts


@pytest.fixture
def colleague(make_user):
    return make_user("xiaowang", "客服", first_name="小王")
