"""The daily totals: closed days read from what the sweep stored give the same figures as counting
the orders, chats and cases again; today is always counted live."""

import datetime as dt
from decimal import Decimal

import pytest

from kefu.aftersales.models import AfterSalesCase, CaseKind, CaseState
from kefu.chat.models import Conversation, ConversationStatus, Message, Sender
from kefu.core.activity import activity_record
from kefu.helpcenter.models import Question
from kefu.orders.models import Order, PaymentReminder
from kefu.reports import selectors, summary
from kefu.reports.models import SalesDay, SummarizedDay
from kefu.reports.periods import Range
from kefu.reports.tests.conftest import at

# (buyer, shop, placed, paid or None, amount)
ORDERS = [
    ("小花", "美丽小铺", "2026-11-02 09:00", "2026-11-02 09:05", "100.00"),
    ("小花", "美丽小铺", "2026-11-04 23:50", "2026-11-05 00:10", "35.50"),
    ("阿明", "美丽小铺", "2026-11-05 10:00", None, "60.00"),
    ("阿明", "旗舰店", "2026-11-06 10:00", "2026-11-06 18:00", "210.00"),
    ("小李", "旗舰店", "2026-11-09 08:00", "2026-11-09 08:01", "12.30"),
    ("小李", "旗舰店", "2026-11-10 07:00", None, "8.80"),
    ("老王", "美丽小铺", "2026-11-12 15:00", "2026-11-12 15:30", "99.99"),
    ("老王", "旗舰店", "2026-11-12 16:00", "2026-11-12 16:01", "1.01"),
    ("小花", "旗舰店", "2026-11-17 20:00", "2026-11-18 09:00", "77.00"),
]
# (agent index, started, first response seconds or None, closed, reply seconds)
CHATS = [
    (0, "2026-11-02 10:00", 12.0, True, [3.0, 40.5]),
    (0, "2026-11-05 11:00", None, True, []),
    (1, "2026-11-05 23:59", 25.5, True, [7.25]),
    (1, "2026-11-09 09:00", 8.0, False, [2.0]),
    (0, "2026-11-12 14:00", 61.0, True, [11.0, 1.5]),
    (1, "2026-11-18 12:00", 4.0, True, []),
]


@pytest.fixture
def shop_history(make_order, agent, make_user):
    """A fortnight of a shop written here: orders in two shops, 催付, refunds, chats with replies and
    a transfer, questions asked and answered."""
    other = make_user("agent2", "客服")
    agents = [agent, other]
    orders = []
    for buyer, shop, placed, paid, amount in ORDERS:
        order = make_order(buyer=buyer, shop=shop, created=placed, paid=paid, amount=amount)
        orders.append(order)
    PaymentReminder.objects.create(
        order=orders[1],
        sequence=1,
        channel="im",
        reason="other",
        agent=agent,
        created_at=at("2026-11-04 23:55"),
    )
    PaymentReminder.objects.create(
        order=orders[2],
        sequence=1,
        channel="im",
        reason="other",
        agent=other,
        created_at=at("2026-11-05 10:30"),
    )
    AfterSalesCase.objects.create(
        kind=CaseKind.REFUND_ONLY,
        state=CaseState.REFUNDED,
        order=orders[0],
        refund_amount=Decimal("40.00"),
        refunded_at=at("2026-11-06 11:00"),
        rights_protection=True,
    )
    for index, started, first, closed, replies in CHATS:
        chat = Conversation.objects.create(
            buyer_name=["小花", "阿明", "小李", "路人"][len(replies) % 4],
            agent=agents[index],
            status=ConversationStatus.CLOSED if closed else ConversationStatus.ACTIVE,
        )
        Conversation.objects.filter(pk=chat.pk).update(
            created_at=at(started),
            session_started_at=at(started),
            first_response_at=at(started) + dt.timedelta(seconds=first) if first is not None else None,
            first_response_seconds=first,
        )
        for seq, seconds in enumerate(replies, start=1):
            Message.objects.create(
                conversation=chat,
                seq=seq,
                sender=Sender.AGENT,
                author=agents[index],
                text="好的",
                response_seconds=seconds,
            )
        if index == 1 and first == 25.5:
            log = activity_record(target=chat, actor=other, verb="chat_transfer")
            type(log).objects.filter(pk=log.pk).update(created_at=at(started) + dt.timedelta(minutes=1))
    for n, (asked, answered) in enumerate(
        [
            ("2026-11-03 12:00", "2026-11-03 15:00"),
            ("2026-11-11 09:00", None),
            ("2026-11-16 22:00", "2026-11-17 08:00"),
        ]
    ):
        question = Question.objects.create(
            title="能退吗",
            name="客人",
            phone="13800000000",
            im_id=["阿明", "", "小花"][n],
            answered_by=agent if answered else None,
        )
        Question.objects.filter(pk=question.pk).update(
            created_at=at(asked), answered_at=at(answered) if answered else None
        )
    return agents


RANGES = [
    ("2026-11-01", "2026-11-20", "day"),
    ("2026-11-01", "2026-11-20", "week"),
    ("2026-11-01", "2026-11-30", "month"),
    ("2026-11-04", "2026-11-13", "day"),
    ("2026-11-04", "2026-11-13", "week"),
]


def _range(start: str, end: str, by: str) -> Range:
    return Range(dt.date.fromisoformat(start), dt.date.fromisoformat(end), by)


@pytest.mark.parametrize("start,end,by", RANGES)
@pytest.mark.parametrize("shop", [None, "美丽小铺", "旗舰店"])
def test_sales_from_the_daily_totals_equal_the_orders_counted_again(shop_history, start, end, by, shop):
    # counted up to 2026-11-10: later days are not summarized yet and are counted live
    summary.summary_sweep(now=at("2026-11-11 03:00"))
    rng = _range(start, end, by)

    assert (
        SummarizedDay.objects.filter(day__lte=dt.date(2026, 11, 10)).count() == SummarizedDay.objects.count()
    )
    assert SalesDay.objects.filter(all_shops=True, paid_orders__gt=0).exists()
    assert selectors.sales_report(rng=rng, shop=shop) == selectors.sales_report(
        rng=rng, shop=shop, use_summary=False
    )


@pytest.mark.parametrize("start,end,by", RANGES)
@pytest.mark.parametrize("who", [None, 0, 1])
def test_service_and_agent_figures_from_the_daily_totals_equal_the_chats_counted_again(
    shop_history, start, end, by, who
):
    summary.summary_sweep(now=at("2026-11-11 03:00"))
    rng = _range(start, end, by)
    agent_ids = None if who is None else [shop_history[who].pk]

    assert selectors.service_report(rng=rng, agent_ids=agent_ids) == selectors.service_report(
        rng=rng, agent_ids=agent_ids, use_summary=False
    )
    assert selectors.sales_by_agent(rng=rng, agent_ids=agent_ids) == selectors.sales_by_agent(
        rng=rng, agent_ids=agent_ids, use_summary=False
    )


def test_closed_days_are_read_from_the_totals_until_they_are_counted_again(shop_history):
    summary.summary_sweep(now=at("2026-11-30 03:00"))
    rng = _range("2026-11-02", "2026-11-02", "day")
    # an order of 2 November changed behind the sweep's back (no import, no recent day)
    Order.objects.filter(paid_at__date="2026-11-02").update(paid_amount=Decimal("1.00"))

    (stored,) = selectors.sales_report(rng=rng)
    (live,) = selectors.sales_report(rng=rng, use_summary=False)
    assert (stored["paid_amount"], live["paid_amount"]) == (Decimal("100.00"), Decimal("1.00"))

    summary.summarize_days(first=rng.start, last=rng.end, now=at("2026-11-30 04:00"))
    assert selectors.sales_report(rng=rng)[0]["paid_amount"] == Decimal("1.00")


def test_the_sweep_recounts_recent_days_only_when_stale_and_never_stores_today(shop_history):
    runs = [summary.summary_sweep(now=at("2026-11-20 03:00"))["days_summarized"] for _run in range(13)]
    again = summary.summary_sweep(now=at("2026-11-20 03:05"))
    later = summary.summary_sweep(now=at("2026-11-20 04:00"))

    # the history is filled a month per run, the newest first
    assert runs[0] == summary.DAYS_PER_RUN and sum(runs) == summary.HISTORY_DAYS and runs[-1] == 0
    assert SummarizedDay.objects.filter(day__gte=dt.date(2026, 10, 20)).count() == summary.DAYS_PER_RUN
    assert again["days_summarized"] == 0  # nothing stale five minutes later
    assert later["days_summarized"] == 7  # the last week, every quarter of an hour
    assert not SummarizedDay.objects.filter(day__gte=dt.date(2026, 11, 20)).exists()


def test_a_late_payment_is_recounted_on_its_recent_day(shop_history):
    summary.summary_sweep(now=at("2026-11-11 03:00"))
    unpaid = Order.objects.get(buyer_nick="小李", paid_at__isnull=True)
    Order.objects.filter(pk=unpaid.pk).update(paid_at=at("2026-11-10 09:00"), paid_amount=Decimal("8.80"))

    summary.summary_sweep(now=at("2026-11-11 04:00"))
    (day,) = selectors.sales_report(rng=_range("2026-11-10", "2026-11-10", "day"))

    assert (day["paid_orders"], day["paid_amount"], day["unpaid_orders"]) == (1, Decimal("8.80"), 0)
