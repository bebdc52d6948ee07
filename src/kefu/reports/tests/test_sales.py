"""The sales report: the seller center's figures on the shop's calendar, by day, week and month."""

import datetime as dt
import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from kefu.aftersales.models import AfterSalesCase, CaseKind, CaseState
from kefu.chat.models import Conversation
from kefu.core.shopsettings import shop_setting_set
from kefu.orders.models import PaymentReminder
from kefu.reports import selectors, summary
from kefu.reports.periods import Range
from kefu.reports.tests.conftest import at


def sales(start: str, end: str, by: str = "day", **kw) -> list[dict]:
    return selectors.sales_report(
        rng=Range(dt.date.fromisoformat(start), dt.date.fromisoformat(end), by), **kw
    )


def test_paid_orders_count_on_the_day_they_were_paid_in_shanghai(make_order):
    make_order(buyer="小花", paid="2026-11-01 23:30", amount="100.00")  # 15:30 UTC, still the 1st
    make_order(buyer="小花", paid="2026-11-02 00:10", amount="50.50")  # 16:10 UTC on the 1st, the 2nd here
    make_order(buyer="阿明", paid="2026-11-02 09:00", amount="20.00")
    make_order(buyer="未付", created="2026-11-02 10:00", amount="88.00")

    first, second = sales("2026-11-01", "2026-11-02")

    assert (first["period"], first["paid_orders"], first["paid_amount"], first["paying_buyers"]) == (
        dt.date(2026, 11, 1),
        1,
        Decimal("100.00"),
        1,
    )
    assert (second["paid_orders"], second["paid_amount"], second["paying_buyers"]) == (2, Decimal("70.50"), 2)
    assert second["avg_order_value"] == Decimal("35.25")
    assert (second["unpaid_orders"], second["unpaid_amount"]) == (1, Decimal("88.00"))


@pytest.mark.parametrize(
    "by, periods",
    [
        ("day", ["2026-11-29", "2026-11-30", "2026-12-01", "2026-12-02"]),
        ("week", ["2026-11-23", "2026-11-30"]),  # Sunday 29th is in the week of Monday 23rd
        ("month", ["2026-11-01", "2026-12-01"]),
    ],
)
def test_periods_are_named_by_their_first_day(make_order, by, periods):
    make_order(buyer="甲", paid="2026-11-29 12:00", amount="10.00")  # a Sunday
    make_order(buyer="乙", paid="2026-11-30 00:00", amount="20.00")  # the Monday after
    make_order(buyer="甲", paid="2026-12-01 23:59", amount="30.00")

    rows = sales("2026-11-29", "2026-12-02", by)

    assert [r["period"].isoformat() for r in rows] == periods
    assert sum(r["paid_amount"] for r in rows) == Decimal("60.00")
    if by == "week":
        assert [(r["paid_orders"], r["paying_buyers"]) for r in rows] == [(1, 1), (2, 2)]
    if by == "month":
        assert [(r["paid_orders"], r["paid_amount"]) for r in rows] == [
            (2, Decimal("30.00")),
            (1, Decimal("30.00")),
        ]


def test_a_buyer_paying_twice_in_a_week_is_one_paying_buyer(make_order):
    make_order(buyer="小花", paid="2026-11-03 10:00", amount="30.00")
    make_order(buyer="小花", paid="2026-11-05 10:00", amount="30.00")

    (week,) = sales("2026-11-02", "2026-11-08", "week")

    assert (week["paid_orders"], week["paying_buyers"], week["avg_order_value"]) == (2, 1, Decimal("60.00"))


def test_refunds_are_reported_beside_payments_not_taken_off(make_order):
    order = make_order(buyer="小花", paid="2026-11-01 10:00", amount="100.00")
    for amount, rights in (("40.00", False), ("15.00", True)):
        AfterSalesCase.objects.create(
            kind=CaseKind.REFUND_ONLY,
            state=CaseState.REFUNDED,
            order=order,
            refund_amount=Decimal(amount),
            refunded_at=at("2026-11-02 11:00"),
            rights_protection=rights,
        )

    first, second = sales("2026-11-01", "2026-11-02")

    assert first["paid_amount"] == Decimal("100.00")
    assert (second["refunds"], second["refund_amount"]) == (2, Decimal("55.00"))
    assert (second["rights_refunds"], second["rights_refund_amount"]) == (1, Decimal("15.00"))


def test_reminded_orders_paid_afterwards_are_recovered(make_order, agent):
    chased = make_order(buyer="甲", created="2026-11-01 09:00", paid="2026-11-01 12:00", amount="66.00")
    late = make_order(buyer="乙", created="2026-11-01 09:00", paid="2026-11-01 10:00", amount="10.00")
    PaymentReminder.objects.create(
        order=chased, sequence=1, channel="im", reason="other", agent=agent, created_at=at("2026-11-01 11:00")
    )
    PaymentReminder.objects.create(
        order=chased,
        sequence=2,
        channel="phone",
        reason="other",
        agent=agent,
        created_at=at("2026-11-01 11:30"),
    )
    # reminded after it was paid: not recovered by the reminder
    PaymentReminder.objects.create(
        order=late, sequence=1, channel="im", reason="other", agent=agent, created_at=at("2026-11-01 11:00")
    )

    (day,) = sales("2026-11-01", "2026-11-01")
    (mine,) = selectors.sales_by_agent(rng=Range(dt.date(2026, 11, 1), dt.date(2026, 11, 1)))

    assert (day["reminders"], day["recovered_orders"], day["recovered_amount"]) == (3, 1, Decimal("66.00"))
    assert (mine["agent_id"], mine["reminders"], mine["recovered_orders"], mine["recovered_amount"]) == (
        agent.pk,
        3,
        1,
        Decimal("66.00"),
    )


def test_conversion_counts_customers_who_ordered_within_the_setting_days_after_asking(make_order, admin_user):
    shop_setting_set(key="report_conversion_days", value=2, by=admin_user)
    for name in ("下单了", "太晚了", "没下单"):
        chat = Conversation.objects.create(buyer_name=name)
        Conversation.objects.filter(pk=chat.pk).update(created_at=at("2026-11-01 10:00"))
    make_order(buyer="下单了", created="2026-11-02 09:00")
    make_order(buyer="太晚了", created="2026-11-04 09:00")

    (day,) = sales("2026-11-01", "2026-11-01")

    assert (day["asking_customers"], day["converted_customers"]) == (3, 1)
    assert day["conversion_rate"] == Decimal("0.3333")


def test_one_shop_only(make_order):
    make_order(buyer="甲", paid="2026-11-01 10:00", amount="10.00", shop="旗舰店")
    make_order(buyer="乙", paid="2026-11-01 10:00", amount="20.00", shop="专营店")

    (day,) = sales("2026-11-01", "2026-11-01", shop="专营店")

    assert (day["paid_orders"], day["paid_amount"]) == (1, Decimal("20.00"))


@pytest.mark.parametrize("summarized", [False, True])
def test_the_report_is_a_fixed_number_of_queries(make_order, django_assert_max_num_queries, summarized):
    for n in range(20):
        make_order(buyer=f"b{n}", paid=f"2026-11-{1 + n % 9:02d} 10:00")
    if summarized:  # the days up to 14 November stored, the rest counted live
        summary.summary_sweep(now=at("2026-11-15 03:00"))
    # the stored days' marks, one query per source (counted live), the totals read, and for a
    # week the distinct buyers and askers counted over the whole week
    with django_assert_max_num_queries(13 if summarized else 9):
        sales("2026-11-01", "2026-11-30", "week")


# --- the command line ----------------------------------------------------------------------------


def run_report(*args: str) -> str:
    out = io.StringIO()
    call_command("report", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_command_prints_the_rows_as_json_with_money_as_strings(make_order):
    make_order(buyer="小花", paid="2026-11-03 10:00", amount="123.40")
    make_order(buyer="阿明", paid="2026-11-04 10:00", amount="0.00")

    data = json.loads(
        run_report(
            "sales", "--start", "2026-11-01", "--end", "2026-11-30", "--by", "week", "--format", "json"
        )
    )

    assert [row["period"] for row in data["rows"]] == [
        "2026-10-26",
        "2026-11-02",
        "2026-11-09",
        "2026-11-16",
        "2026-11-23",
        "2026-11-30",
    ]
    week = data["rows"][1]
    assert week["paid_orders"] == 2
    assert week["paid_amount"] == "123.40"
    assert week["paying_buyers"] == 2
    assert week["avg_order_value"] == "61.70"
    assert list(week)[:5] == ["period", "paid_orders", "paid_amount", "paying_buyers", "avg_order_value"]


def test_command_writes_excel_with_date_and_number_cells(make_order, tmp_path):
    make_order(buyer="小花", paid="2026-11-03 10:00", amount="123.40")
    target = tmp_path / "sales.xlsx"

    run_report(
        "sales", "--start", "2026-11-03", "--end", "2026-11-04", "--format", "xlsx", "--output", str(target)
    )

    sheet = openpyxl.load_workbook(target).active
    header = [c.value for c in sheet[1]]
    assert header[:5] == ["日期", "支付订单数", "支付金额", "支付买家数", "客单价"]
    first = sheet[2]
    assert first[0].is_date and first[0].value.date() == dt.date(2026, 11, 3)
    assert first[1].data_type == "n" and first[1].value == 1
    assert first[2].data_type == "n" and float(first[2].value) == 123.4


def test_command_writes_csv_with_chinese_headers(make_order, tmp_path):
    make_order(buyer="小花", paid="2026-11-03 10:00", amount="123.40")
    target = tmp_path / "sales.csv"

    run_report(
        "sales", "--start", "2026-11-03", "--end", "2026-11-03", "--format", "csv", "--output", str(target)
    )

    lines = target.read_bytes().decode("utf-8-sig").splitlines()
    assert lines[0].startswith("日期,支付订单数,支付金额,支付买家数,客单价")
    assert lines[1].startswith("2026-11-03,1,123.40,1,123.40")


@pytest.mark.parametrize(
    "start, end, by, message",
    [
        ("2026-11-10", "2026-11-01", "day", "结束日期不能早于开始日期"),
        ("2025-01-01", "2026-11-01", "day", "最长一年"),
        ("2026-11-01", "2026-11-10", "year", "day（按日）、week（按周）或 month（按月）"),
        ("2026-11-01", "", "day", "请填写结束日期"),
        ("2026-13-01", "2026-11-10", "day", "有效的日期"),
    ],
)
def test_command_refuses_a_bad_range_with_the_reason(db, start, end, by, message):
    with pytest.raises(CommandError, match=message):
        run_report("sales", "--start", start, "--end", end, "--by", by)
