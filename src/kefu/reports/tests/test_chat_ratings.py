"""The chats' own satisfaction: what customers rated at the end of a chat, per day, week and month,
per agent and in the KPI, read the same from the daily totals as counted live."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest

from kefu.chat.models import Conversation, ConversationStatus
from kefu.core import shopsettings
from kefu.customers.models import Satisfaction
from kefu.reports import selectors, summary
from kefu.reports.models import ServiceDay
from kefu.reports.periods import Range
from kefu.reports.tests.conftest import at

# (agent index, started, status, taken by an agent, the customer's rating or None)
CHATS = [
    (0, "2026-11-02 10:00", "closed", True, 5),
    (0, "2026-11-02 11:00", "closed", True, 4),
    (0, "2026-11-02 12:00", "closed", True, None),  # ended, the customer did not rate
    (1, "2026-11-02 13:00", "closed", True, 2),
    (1, "2026-11-02 14:00", "closed", False, None),  # closed before anyone took it: not rateable
    (1, "2026-11-02 15:00", "active", True, None),  # still going: not ended
    (0, "2026-11-03 09:00", "closed", True, 3),
    (1, "2026-11-03 23:59", "closed", True, 5),
    (0, "2026-11-09 10:00", "closed", True, None),
    (1, "2026-11-09 10:30", "closed", True, 1),
]

# day → (ended, rated, average rating, satisfied (4–5), share satisfied, coverage)
BY_DAY = {
    "2026-11-02": (4, 3, 3.67, 2, Decimal("0.6667"), Decimal("0.7500")),
    "2026-11-03": (2, 2, 4.0, 1, Decimal("0.5000"), Decimal("1.0000")),
    "2026-11-09": (2, 1, 1.0, 0, Decimal("0.0000"), Decimal("0.5000")),
}
# the week of 2 November (Monday) and of 9 November
BY_WEEK = {
    "2026-11-02": (6, 5, 3.8, 3, Decimal("0.6000"), Decimal("0.8333")),
    "2026-11-09": (2, 1, 1.0, 0, Decimal("0.0000"), Decimal("0.5000")),
}
BY_MONTH = {"2026-11-01": (8, 6, 3.33, 3, Decimal("0.5000"), Decimal("0.7500"))}
# agent index → (ended, rated, average rating, share satisfied, coverage) over 2–9 November
BY_AGENT = {
    0: (5, 3, 4.0, Decimal("0.6667"), Decimal("0.6000")),
    1: (3, 3, 2.67, Decimal("0.3333"), Decimal("1.0000")),
}

FIGURES = ("ended_chats", "rated_chats", "rating_avg", "satisfied_chats", "satisfied_rate", "survey_coverage")


@pytest.fixture
def rated_chats(agent, make_user):
    agents = [agent, make_user("agent2", "客服", first_name="小兰")]
    for index, started, status, taken, rating in CHATS:
        chat = Conversation.objects.create(
            buyer_name="访客",
            agent=agents[index],
            status=ConversationStatus.CLOSED if status == "closed" else ConversationStatus.ACTIVE,
        )
        Conversation.objects.filter(pk=chat.pk).update(
            created_at=at(started),
            session_started_at=at(started),
            taken_at=at(started) + dt.timedelta(seconds=3) if taken else None,
            first_response_at=at(started) + dt.timedelta(seconds=10) if taken else None,
            first_response_seconds=10 if taken else None,
        )
        if rating is not None:
            Satisfaction.objects.create(kind="chat", source_id=chat.pk, agent=agents[index], score=rating)
    # ratings of other things are not the chats' own
    Satisfaction.objects.create(kind="complaint", source_id=chat.pk, score=1)
    Satisfaction.objects.create(kind="visit", source_id=chat.pk + 1, score=1)
    return agents


def _figures(row: dict) -> tuple:
    return tuple(row[key] for key in FIGURES)


@pytest.mark.parametrize("use_summary", [True, False])
@pytest.mark.parametrize(
    "by, start, end, expected",
    [
        ("day", "2026-11-01", "2026-11-10", BY_DAY),
        ("week", "2026-11-02", "2026-11-15", BY_WEEK),
        ("month", "2026-11-01", "2026-11-30", BY_MONTH),
    ],
)
def test_the_service_report_counts_what_customers_rated_their_chats(
    rated_chats, by, start, end, expected, use_summary
):
    if use_summary:
        summary.summary_sweep(now=at("2026-12-01 03:00"))
    rng = Range(dt.date.fromisoformat(start), dt.date.fromisoformat(end), by)

    rows = selectors.service_report(rng=rng, use_summary=use_summary)

    found = {row["period"].isoformat(): _figures(row) for row in rows if row["chats"]}
    assert found == expected


def test_an_empty_period_has_no_average_no_share_and_no_coverage(rated_chats):
    (row,) = selectors.service_report(rng=Range(dt.date(2026, 11, 5), dt.date(2026, 11, 5), "day"))

    assert _figures(row) == (0, 0, None, 0, None, None)


@pytest.mark.parametrize("use_summary", [True, False])
def test_each_agent_sees_the_ratings_of_her_own_chats(rated_chats, use_summary):
    if use_summary:
        summary.summary_sweep(now=at("2026-12-01 03:00"))
    rng = Range(dt.date(2026, 11, 2), dt.date(2026, 11, 9), "day")

    per_agent = {
        row["agent_id"]: (
            row["ended_chats"],
            row["rated_chats"],
            row["rating_avg"],
            row["satisfied_rate"],
            row["survey_coverage"],
        )
        for row in selectors.sales_by_agent(rng=rng, use_summary=use_summary)
    }
    her_service = selectors.service_report(
        rng=Range(rng.start, rng.end, "month"), agent_ids=[rated_chats[1].pk], use_summary=use_summary
    )

    assert per_agent == {rated_chats[i].pk: BY_AGENT[i] for i in BY_AGENT}
    assert [(row["rated_chats"], row["rating_avg"]) for row in her_service] == [(3, 2.67)]


def test_the_sweep_stores_the_ratings_of_each_day_for_the_team_and_each_agent(rated_chats):
    summary.summarize_days(first=dt.date(2026, 11, 2), last=dt.date(2026, 11, 3), now=at("2026-12-01 03:00"))

    stored = {
        (row.day.isoformat(), row.agent_id): (
            row.ended_chats,
            row.rated_chats,
            row.rating_sum,
            row.satisfied_chats,
        )
        for row in ServiceDay.objects.filter(source="chats")
    }

    first, second = (a.pk for a in rated_chats)
    assert stored == {
        ("2026-11-02", 0): (4, 3, 11, 2),
        ("2026-11-02", first): (3, 2, 9, 2),
        ("2026-11-02", second): (1, 1, 2, 0),
        ("2026-11-03", 0): (2, 2, 8, 1),
        ("2026-11-03", first): (1, 1, 3, 0),
        ("2026-11-03", second): (1, 1, 5, 1),
    }


def test_a_rating_given_after_the_day_was_stored_is_counted_when_the_day_is_recounted(rated_chats):
    summary.summary_sweep(now=at("2026-11-10 03:00"))
    unrated = Conversation.objects.get(created_at=at("2026-11-09 10:00"))
    Satisfaction.objects.create(kind="chat", source_id=unrated.pk, agent=rated_chats[0], score=5)
    rng = Range(dt.date(2026, 11, 9), dt.date(2026, 11, 9), "day")

    before = selectors.service_report(rng=rng)[0]["rated_chats"]
    summary.summary_sweep(now=at("2026-11-10 04:00"))  # the recent days are stale: counted again
    (after,) = selectors.service_report(rng=rng)

    assert (before, after["rated_chats"], after["survey_coverage"]) == (1, 2, Decimal("1.0000"))
    assert selectors.service_report(rng=rng, use_summary=False) == [after]


def test_the_api_and_the_downloads_carry_the_ratings_beside_the_old_figures(rated_chats, supervisor, login):
    client = login(supervisor)
    query = "start=2026-11-02&end=2026-11-03&by=day"

    service = client.get(f"/api/reports/service/?{query}").json()
    agents = client.get(f"/api/reports/sales/agents/?{query}").json()
    kpi = client.get(f"/api/reports/kpi/?{query}").json()
    table = list(
        csv.reader(
            io.StringIO(client.get(f"/desk/reports/export/service.csv?{query}").content.decode("utf-8-sig"))
        )
    )

    first = service["rows"][0]
    assert (first["chats"], first["answered_chats"], first["in_time_rate"]) == (6, 5, "1.0000")
    assert _figures(first) == (4, 3, 3.67, 2, "0.6667", "0.7500")
    assert {row["agent"]: (row["rated_chats"], row["survey_coverage"]) for row in agents["rows"]} == {
        "小美": (3, "0.7500"),
        "小兰": (2, "1.0000"),
    }
    assert {row["agent"]: (row["rated_chats"], row["satisfied_rate"]) for row in kpi["rows"]} == {
        "小美": (3, "0.6667"),
        "小兰": (2, "0.5000"),
    }
    assert table[0][:3] == ["日期", "会话数", "已回复会话"]
    assert table[0][-6:] == [
        "已结束会话（可评价）",
        "客户评价会话",
        "平均评分",
        "满意评价（4–5分）",
        "满意率",
        "评价覆盖率",
    ]
    assert table[1][-6:] == ["4", "3", "3.67", "2", "0.6667", "0.75"]


@pytest.mark.parametrize("summarized", [False, True])
def test_the_ratings_cost_no_query_of_their_own(rated_chats, django_assert_num_queries, summarized):
    if summarized:  # the days up to 5 November stored, the rest counted live
        summary.summary_sweep(now=at("2026-11-06 03:00"))
    rng = Range(dt.date(2026, 11, 1), dt.date(2026, 11, 30), "day")

    # the settings, the promotions, the stored days' marks, then one query per source (the chats
    # with their ratings, replies, transfers, questions, answers, cases, complaints, reviews); from
    # the totals also the totals read and the promotions of the days counted live
    with shopsettings.snapshot(), django_assert_num_queries(13 if summarized else 11):
        selectors.service_report(rng=rng)
    # the stored days' marks, the agents' 催付 and their chats with the ratings (and the totals)
    with shopsettings.snapshot(), django_assert_num_queries(4 if summarized else 3):
        selectors.sales_by_agent(rng=rng)
