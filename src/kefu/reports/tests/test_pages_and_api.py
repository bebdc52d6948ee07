"""The dashboard, an agent's own figures, the downloads and the API: who sees what, bad input."""

import datetime as dt
import io

import openpyxl
import pytest
from django.utils import timezone

from kefu.chat.models import Conversation, ConversationStatus
from kefu.reports.tests.conftest import at
from kefu.team.models import Promotion

RANGE = "start=2026-11-01&end=2026-11-07&by=day"


def test_supervisor_gets_the_sales_rows_from_the_api(make_order, supervisor, login):
    make_order(buyer="小花", paid="2026-11-03 10:00", amount="123.40")
    make_order(buyer="阿明", paid="2026-11-03 11:00", amount="0.00")

    response = login(supervisor).get(f"/api/reports/sales/?{RANGE}")

    assert response.status_code == 200
    rows = response.json()["rows"]
    assert len(rows) == 7
    third = rows[2]
    assert (
        third["period"],
        third["paid_orders"],
        third["paid_amount"],
        third["paying_buyers"],
        third["avg_order_value"],
    ) == (
        "2026-11-03",
        2,
        "123.40",
        2,
        "61.70",
    )


@pytest.mark.parametrize(
    "query, field, message",
    [
        ("start=2026-11-07&end=2026-11-01&by=day", "end", "结束日期不能早于开始日期"),
        ("start=2025-01-01&end=2026-11-01&by=day", "end", "最长一年"),
        ("start=2026-11-01&end=2026-11-07&by=year", "by", "按日"),
        ("start=2026-11-01&by=day", "end", "请填写结束日期"),
        ("start=&end=&by=day", "start", "请填写开始日期"),
        ("start=yesterday&end=2026-11-07", "start", "有效的日期"),
    ],
)
def test_a_bad_range_is_a_400_with_the_reason(supervisor, login, query, field, message):
    response = login(supervisor).get(f"/api/reports/sales/?{query}")

    assert response.status_code == 400
    assert message in " ".join(response.json()[field])


def test_an_agent_cannot_read_the_shops_sales(agent, login):
    client = login(agent)

    assert client.get(f"/api/reports/sales/?{RANGE}").status_code == 403
    assert client.get(f"/desk/reports/export/sales.xlsx?{RANGE}").status_code == 403


def _chat(agent, *, first_response: float | None, status=ConversationStatus.CLOSED, when="2026-11-02 10:00"):
    chat = Conversation.objects.create(buyer_name="访客", agent=agent, status=status)
    Conversation.objects.filter(pk=chat.pk).update(
        created_at=at(when),
        session_started_at=at(when),
        first_response_at=at(when) + dt.timedelta(seconds=first_response)
        if first_response is not None
        else None,
        first_response_seconds=first_response,
    )
    return chat


def test_an_agent_sees_only_her_own_service_figures(agent, supervisor, make_user, login):
    other = make_user("other", "客服")
    _chat(agent, first_response=10)
    _chat(agent, first_response=40)
    _chat(other, first_response=5)
    _chat(other, first_response=None)  # closed without an answer: abandoned

    mine = login(agent).get(f"/api/reports/service/?{RANGE}").json()["rows"][1]
    everyone = login(supervisor).get(f"/api/reports/service/?{RANGE}").json()["rows"][1]

    assert (mine["chats"], mine["answered_chats"], mine["in_time_chats"], mine["first_response_avg"]) == (
        2,
        2,
        1,
        25.0,
    )
    assert mine["in_time_rate"] == "0.5000"
    assert (everyone["chats"], everyone["abandoned_chats"], everyone["abandon_rate"]) == (4, 1, "0.2500")
    assert login(agent).get(f"/api/reports/service/?{RANGE}&agent={other.pk}").status_code == 403


def test_the_dashboard_shows_live_figures_charts_and_tables(make_order, supervisor, login):
    make_order(buyer="小花", paid="2026-11-03 10:00", amount="123.40")
    Conversation.objects.create(buyer_name="排队的")

    response = login(supervisor).get(f"/desk/reports/?{RANGE}")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="live-waiting">1<' in html
    assert 'data-chart="sales-data"' in html and 'id="sales-data" type="application/json"' in html
    assert "123.40" in html
    assert "kefu/vendor/echarts/echarts.min.js" in html
    assert f"/desk/reports/export/sales.xlsx?{RANGE.replace('&', '&amp;')}" in html


def test_the_dashboard_without_a_range_shows_the_last_seven_days(supervisor, login):
    today = timezone.localdate()

    html = login(supervisor).get("/desk/reports/").content.decode()

    assert f'value="{today - dt.timedelta(days=6)}"' in html and f'value="{today}"' in html
    assert f"<td>{today - dt.timedelta(days=6)}</td>" not in html  # cells carry a class
    assert f'<td class="">{today - dt.timedelta(days=6)}</td>' in html


def test_the_dashboard_with_a_bad_range_says_why(supervisor, login):
    response = login(supervisor).get("/desk/reports/?start=2026-11-07&end=2026-11-01")

    assert response.status_code == 200
    assert "结束日期不能早于开始日期" in response.content.decode()


def test_an_agent_opening_the_dashboard_sees_her_own_figures(agent, login):
    response = login(agent).get(f"/desk/reports/?{RANGE}")

    html = response.content.decode()
    assert response.status_code == 200
    assert "我的服务数据" in html and "销售（生意参谋口径）" not in html


def test_the_sales_download_is_a_real_spreadsheet(make_order, supervisor, login):
    make_order(buyer="小花", paid="2026-11-03 10:00", amount="123.40")

    response = login(supervisor).get(f"/desk/reports/export/sales.xlsx?{RANGE}")

    assert response.status_code == 200
    assert "sales-20261101-20261107.xlsx" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 8
    assert sheet["A4"].is_date and sheet["C4"].value == 123.4


def test_a_download_of_a_bad_range_is_a_400_not_a_500(supervisor, login):
    response = login(supervisor).get("/desk/reports/export/sales.csv?start=2026-11-07&end=2026-11-01")

    assert response.status_code == 400
    assert "结束日期不能早于开始日期" in response.content.decode()


def test_live_figures_count_overdue_items_and_waiting_chats(supervisor, login):
    Conversation.objects.create(buyer_name="排队的")

    data = login(supervisor).get("/api/reports/live/").json()

    assert data["waiting_chats"] == 1
    assert data["overdue_items"] == 0


def test_chats_during_a_promotion_are_judged_against_the_promotions_target(agent, supervisor, login):
    Promotion.objects.create(
        name="双十一",
        starts_at=at("2026-11-02 00:00"),
        ends_at=at("2026-11-03 00:00"),
        first_response_seconds=300,
    )
    _chat(agent, first_response=100, when="2026-11-02 10:00")  # in time during the promotion
    _chat(agent, first_response=100, when="2026-11-01 10:00")  # late on a normal day (20 s)
    _chat(agent, first_response=400, when="2026-11-02 11:00")  # late even for the promotion

    rows = login(supervisor).get(f"/api/reports/service/?{RANGE}").json()["rows"]
    by_day = {row["period"]: (row["chats"], row["in_time_chats"]) for row in rows if row["chats"]}

    assert by_day == {"2026-11-01": (1, 0), "2026-11-02": (2, 1)}
