"""Payment reminders (催付): the queue, recording a reminder in the shop's remark format, recovered orders."""

from datetime import datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from kefu.orders import reminders, rulebook, selectors
from kefu.orders.models import ReminderScript


def _today_at(hh: int, mm: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localdate(), datetime.min.time())).replace(
        hour=hh, minute=mm
    )


@pytest.mark.parametrize(("minutes", "queued"), [(9, False), (11, True)])
def test_unpaid_order_joins_the_reminder_queue_after_ten_minutes(order_factory, minutes, queued):
    now = timezone.now()
    order = order_factory(created_at=now - timedelta(minutes=minutes))
    assert (order in selectors.reminder_queue(now=now)) is queued


def test_paid_and_closed_orders_are_not_chased(order_factory):
    order_factory(paid=True, created_at=timezone.now() - timedelta(hours=2))
    order_factory(state="TRADE_CLOSED", created_at=timezone.now() - timedelta(hours=2))
    assert list(selectors.reminder_queue()) == []


def test_first_time_buyers_are_marked(order_factory):
    order_factory(buyer_nick="老顾客", paid=True, created_at=timezone.now() - timedelta(days=30))
    returning = order_factory(buyer_nick="老顾客")
    newcomer = order_factory(buyer_nick="新顾客")
    queue = {o.pk: o for o in selectors.reminder_queue()}
    assert queue[returning.pk].first_time_buyer is False
    assert queue[newcomer.pk].first_time_buyer is True


def test_recording_a_reminder_appends_a_purple_remark_in_the_shops_format(order_factory, agent):
    order = order_factory()
    reminders.reminder_record(
        order=order, by=agent, channel="phone", reason="balance", feedback="晚上充值后付款"
    )
    second = reminders.reminder_record(order=order, by=agent, channel="im", reason="balance")

    order.refresh_from_db()
    assert second.sequence == 2
    assert order.flag == "purple"
    first_remark, second_remark = order.remarks.all()
    when = timezone.localtime(first_remark.created_at).strftime("%Y-%m-%d %H:%M")
    assert first_remark.text == f"{when} 小美 第1次提醒 晚上充值后付款"
    assert first_remark.flag == "purple"
    assert second_remark.text.endswith("小美 第2次提醒 旺旺：余额不足")
    assert selectors.reminder_queue().get(pk=order.pk).reminder_count == 2


def test_a_paid_order_is_not_reminded(order_factory, agent):
    order = order_factory(paid=True)
    with pytest.raises(ValidationError, match="不需要催付"):
        reminders.reminder_record(order=order, by=agent, channel="phone", reason="price")
    assert order.reminders.count() == 0


def test_channel_and_reason_must_be_from_the_lists(order_factory, agent):
    with pytest.raises(ValidationError) as err:
        reminders.reminder_record(order=order_factory(), by=agent, channel="fax", reason="weather")
    assert set(err.value.message_dict) == {"channel", "reason"}


def test_an_order_paid_after_a_reminder_counts_as_recovered(order_factory, agent):
    now = timezone.now()
    chased = order_factory(created_at=now - timedelta(hours=2))
    reminders.reminder_record(order=chased, by=agent, channel="phone", reason="casual")
    chased.state, chased.paid_at = "WAIT_SELLER_SEND_GOODS", timezone.now() + timedelta(seconds=1)
    chased.save()
    order_factory(paid=True)  # paid without a reminder: not recovered

    recovered = selectors.reminders_recovered(start=now - timedelta(days=1), end=now + timedelta(days=1))

    assert (recovered.orders, recovered.amount) == (1, chased.paid_amount)


@pytest.mark.parametrize(
    ("hh", "mm", "inside"),
    [
        (10, 59, False),
        (11, 0, True),
        (11, 59, True),
        (12, 0, False),
        (16, 30, True),
        (19, 0, True),
        (21, 0, False),
    ],
)
def test_good_calling_windows(db, hh, mm, inside):
    assert rulebook.in_call_window(_today_at(hh, mm)) is inside


def test_next_calling_window_is_told(db):
    assert rulebook.next_call_window(_today_at(12, 30)) == _today_at(16, 0)


def test_starter_scripts_are_there_and_fill_their_placeholders(order_factory, supervisor):
    assert ReminderScript.objects.exists()
    script = reminders.script_create(
        by=supervisor, name="测试话术", text="{买家}您好，{店铺}的{宝贝}{截止时间}前付款当天发"
    )
    order = order_factory(receiver_name="林小桃", items_summary="玫瑰面霜")
    assert (
        reminders.script_render(script=script, order=order)
        == "林小桃您好，美丽小铺的玫瑰面霜16:30前付款当天发"
    )


def test_unknown_placeholders_are_refused(supervisor):
    with pytest.raises(ValidationError, match="未知的占位符"):
        reminders.script_create(by=supervisor, name="错", text="{客户名}您好")


def test_agents_cannot_change_the_teams_scripts(agent):
    with pytest.raises(Exception, match="没有权限"):
        reminders.script_create(by=agent, name="我的", text="亲")


def test_a_reminder_recorded_in_english_is_remarked_in_the_shops_language(agent_client, order_factory):
    order = order_factory()
    agent_client.cookies["django_language"] = "en"
    agent_client.post(
        reverse("orders:reminder_record", args=[order.number]),
        {"channel": "im", "reason": "balance"},
    )
    assert order.remarks.get().text.endswith("小美 第1次提醒 旺旺：余额不足")
