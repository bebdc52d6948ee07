"""Promotion mode, emergency plans, the staffing forecast and the team's pages."""

import json
import re
from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kefu.chat.models import AgentPresence, Conversation, ConversationStatus, PresenceStatus
from kefu.core import promotion, shopsettings
from kefu.core.demo import demo_load
from kefu.orders.models import Order, OrderState
from kefu.team import selectors, services
from kefu.team.models import Duty, EmergencyPlan, EmergencyRun, EmergencyStep


def _t(month, day, hour=0):
    return timezone.make_aware(datetime(2026, month, day, hour, 0))


@pytest.fixture
def double11(supervisor):
    return services.promotion_save(
        by=supervisor,
        name="双十一",
        starts_at=_t(11, 10),
        ends_at=_t(11, 12),
        auto_reply="亲，双十一全场满300减40～",
    )


@pytest.mark.parametrize(
    ("at", "target", "active"),
    [((11, 9, 23), 20, False), ((11, 10, 0), 300, True), ((11, 11, 12), 300, True), ((11, 12, 0), 20, False)],
)
def test_the_first_response_target_in_force(double11, at, target, active):
    moment = _t(*at)
    assert selectors.first_response_target_at(moment) == target
    assert promotion.first_response_target(moment) == target
    assert promotion.is_promotion_active(moment) is active
    assert (promotion.promotion_auto_reply(moment) != "") is active


def test_a_promotion_of_its_own_target(supervisor):
    services.promotion_save(
        by=supervisor, name="618", starts_at=_t(6, 1), ends_at=_t(6, 19), first_response_seconds=60
    )
    assert selectors.first_response_target_at(_t(6, 18)) == 60


def test_overlapping_or_backwards_promotions_are_refused(double11, supervisor):
    with pytest.raises(ValidationError, match="重叠"):
        services.promotion_save(by=supervisor, name="预热", starts_at=_t(11, 11), ends_at=_t(11, 13))
    with pytest.raises(ValidationError, match="晚于"):
        services.promotion_save(by=supervisor, name="x", starts_at=_t(12, 2), ends_at=_t(12, 1))


def test_only_the_supervisor_plans_promotions(agent):
    with pytest.raises(PermissionDenied):
        services.promotion_save(by=agent, name="x", starts_at=_t(12, 1), ends_at=_t(12, 2))


def test_emergency_plan_started_ticked_and_recorded(supervisor, agent):
    plan = EmergencyPlan.objects.get(title="系统故障")
    run = services.emergency_start(plan=plan, by=supervisor, note="后台打不开")
    steps = list(run.step_rows.all())
    assert len(steps) == len(plan.step_list) > 3
    services.emergency_tick(step=steps[0], by=agent)
    with pytest.raises(ValidationError):
        services.emergency_tick(step=steps[0], by=supervisor)
    services.emergency_finish(run=run, by=supervisor)
    with pytest.raises(ValidationError, match="已经结束"):
        services.emergency_tick(step=steps[1], by=agent)
    assert EmergencyStep.objects.get(pk=steps[0].pk).done_by == agent
    assert EmergencyRun.objects.get().finished_at is not None


def test_the_default_plans_exist(db):
    assert set(EmergencyPlan.objects.values_list("title", flat=True)) >= {"系统故障", "快递停运", "集中投诉"}


def _chats(stamp: datetime, count: int) -> None:
    created = Conversation.objects.bulk_create(
        [Conversation(status=ConversationStatus.CLOSED) for _ in range(count)]
    )
    Conversation.objects.filter(pk__in=[c.pk for c in created]).update(created_at=stamp)


def test_double11_estimate_from_history(db):
    # last October 10 chats a day, last Double-11 60, this October 20 a day → 20 × 60 ÷ 10 = 120
    for year, per_day in ((2025, 10), (2026, 20)):
        for day in range(1, 32):
            _chats(timezone.make_aware(datetime(year, 10, day, 12)), per_day)
    _chats(
        timezone.make_aware(datetime(2025, 11, 11, 23, 30)), 60
    )  # late evening: still the 11th in Shanghai
    estimate, history = selectors.double11_volume(year=2026)
    assert history.october_avg == pytest.approx(20)
    assert history.last_october_avg == pytest.approx(10)
    assert history.last_double11 == 60
    assert estimate == pytest.approx(120)


def test_entered_figures_fill_missing_history(db):
    estimate, _history = selectors.double11_volume(
        year=2026, entered=selectors.VolumeHistory(october_avg=500, last_october_avg=400, last_double11=4000)
    )
    assert estimate == pytest.approx(5000)


def _orders(stamp: datetime, count: int) -> None:
    start = Order.objects.count()
    Order.objects.bulk_create(
        [
            Order(
                number=f"D11{start + i:06d}",
                buyer_nick="买家",
                state=OrderState.TRADE_FINISHED,
                created_at=stamp,
            )
            for i in range(count)
        ]
    )


def _history(kind_maker, figures: dict[str, int]) -> None:
    """``figures``: per-day counts for last October, this October, and last Double-11."""
    for year, key in ((2025, "last_october"), (2026, "october")):
        if figures.get(key):
            for day in range(1, 32):
                kind_maker(timezone.make_aware(datetime(year, 10, day, 12)), figures[key])
    if figures.get("last_double11"):
        kind_maker(timezone.make_aware(datetime(2025, 11, 11, 20)), figures["last_double11"])


@pytest.mark.parametrize(
    ("chats", "orders", "chats_estimate", "orders_estimate", "from_orders", "volume", "basis"),
    [
        # chats 2 → 4 a day, Double-11 12 (×3 of last October); orders 1 → 2, Double-11 4 (×4):
        # by chats 4 × 12 ÷ 2 = 24; orders 2 × 4 ÷ 1 = 8, at 2 chats per order → 16: chats win
        (
            {"last_october": 2, "october": 4, "last_double11": 12},
            {"last_october": 1, "october": 2, "last_double11": 4},
            24,
            8,
            16,
            24,
            "chats",
        ),
        # orders grow faster (×10 on Double-11): 2 × 10 = 20 orders, 2 chats each → 40 > 24
        (
            {"last_october": 2, "october": 4, "last_double11": 12},
            {"last_october": 1, "october": 2, "last_double11": 10},
            24,
            20,
            40,
            40,
            "orders",
        ),
        # no chat last year (a new chat service): the orders carry the estimate
        ({"october": 3}, {"last_october": 1, "october": 1, "last_double11": 5}, None, 5, 15, 15, "orders"),
        # no history at all
        ({}, {}, None, None, None, None, ""),
    ],
)
def test_double11_forecast_from_the_shops_chats_and_orders(
    db, chats, orders, chats_estimate, orders_estimate, from_orders, volume, basis
):
    _history(_chats, chats)
    _history(_orders, orders)

    forecast = selectors.double11_forecast(year=2026)

    assert forecast.chats_estimate == (pytest.approx(chats_estimate) if chats_estimate else None)
    assert forecast.orders_estimate == (pytest.approx(orders_estimate) if orders_estimate else None)
    assert forecast.chats_from_orders == (pytest.approx(from_orders) if from_orders else None)
    assert forecast.volume == (pytest.approx(volume) if volume else None)
    assert forecast.basis == basis


def test_entered_order_figures_fill_missing_history(db):
    _history(_chats, {"october": 10})
    forecast = selectors.double11_forecast(
        year=2026, orders=selectors.VolumeHistory(october_avg=5, last_october_avg=4, last_double11=40)
    )
    assert forecast.orders_estimate == pytest.approx(50)  # 5 × 40 ÷ 4
    assert forecast.chats_from_orders == pytest.approx(100)  # 2 chats per order
    assert forecast.volume == pytest.approx(100)


def test_the_staffing_page_shows_both_estimates_and_plans_on_them(supervisor, login):
    _history(_chats, {"last_october": 2, "october": 4, "last_double11": 12})
    _history(_orders, {"last_october": 1, "october": 2, "last_double11": 10})

    body = login(supervisor).get("/desk/team/staffing/?year=2026&aht=180").content.decode()

    assert 'id="estimate-chats">24<' in body
    assert 'id="estimate-orders">20<' in body
    assert "<strong>40</strong>" in body  # the plan uses the orders' figure
    assert "咨询 40 个" in body


def test_staffing_plan_per_half_hour_beside_the_rota(team, supervisor):
    day = date(2026, 11, 11)
    for user in team.values():
        services.rota_set(user=user, day=day, duty=Duty.DAY, by=supervisor)
    plan = selectors.staffing_plan(
        day=day, daily_volume=4800, aht=180, service_level=0.8, answer_within=20, shrinkage=0.3
    )
    assert len(plan.rows) == 48
    # no chat history: spread evenly over 08:30–24:00 (31 half hours), so ≈155 chats each
    busy = [r for r in plan.rows if r.calls > 0]
    assert len(busy) == 31
    assert busy[0].label == "08:30"
    assert busy[0].agents == 20  # 155 chats × 180 s in 30 min = 15.5 Erlangs
    assert busy[0].on_rota == 4
    assert busy[0].gap == 4 - busy[0].rostered_needed < 0
    assert plan.rows[0].agents == 0 and plan.rows[0].gap == 0


def test_measured_handling_time(db):
    now = timezone.now()
    for minutes in (2, 4):
        Conversation.objects.create(
            status=ConversationStatus.CLOSED,
            taken_at=now - timedelta(minutes=minutes + 1),
            closed_at=now - timedelta(minutes=1),
        )
    assert selectors.measured_aht(now=now) == pytest.approx(180)


@pytest.mark.parametrize(
    "url",
    [
        "/desk/team/",
        "/desk/team/rota/",
        "/desk/team/members/",
        "/desk/team/leave/",
        "/desk/team/handovers/",
        "/desk/team/staffing/",
        "/desk/team/staffing/?calls=100&minutes=30&aht=180&answer_within=20&service_level=0.8",
        "/desk/team/staffing/?calls=0&aht=180",
        "/desk/team/staffing/?year=2026&day=2026-11-11&daily_volume=3000&aht=180",
        "/desk/team/staffing/?year=2026",
        "/desk/team/promotions/",
        "/desk/team/plans/",
    ],
)
def test_pages_open_for_the_supervisor(team, supervisor, login, url):
    response = login(supervisor).get(url)
    assert response.status_code == 200


def test_staffing_page_shows_the_answer_and_the_chart(supervisor, login):
    body = login(supervisor).get("/desk/team/staffing/?calls=100&minutes=30&aht=180").content.decode()
    assert "<strong>14</strong>" in body
    body = login(supervisor).get("/desk/team/staffing/?year=2026&daily_volume=3000&aht=180").content.decode()
    assert 'data-staffing-chart="staffing-data"' in body and "staffing-table" in body
    assert "kefu/vendor/echarts/echarts.min.js" in body and "team/staffing.js" in body
    chart = json.loads(re.search(r'id="staffing-data" type="application/json">(.*?)</script>', body, re.S)[1])
    assert len(chart["x"]) == 48 and chart["x"][17] == "08:30"
    needed, rota, gap = (s["data"] for s in chart["series"])
    assert all(g == r - n for n, r, g in zip(needed, rota, gap, strict=True))
    assert min(gap) < 0  # nobody on the rota: every busy half hour is short
    body = login(supervisor).get("/desk/team/staffing/?calls=0&aht=180").content.decode()
    assert "必须大于 0" in body


def test_on_duty_api(team, login, supervisor):
    data = login(supervisor).get("/api/team/on-duty/").json()
    assert {a["username"] for a in data["agents"]} == {"li", "wang", "zhao", "qian"}
    assert all(a["status"] == "offline" for a in data["agents"])
    assert data["first_response_target_seconds"] == 20


def test_demo_loader(db):
    lines = demo_load()
    assert any("排班" in str(line) for line in lines)


def test_presence_board_reads_chat_presence_in_few_queries(team, django_assert_max_num_queries):
    now = timezone.now()
    AgentPresence.objects.create(user=team["li"], status=PresenceStatus.ONLINE, last_seen_at=now)
    AgentPresence.objects.create(user=team["wang"], status=PresenceStatus.AWAY, last_seen_at=now)
    AgentPresence.objects.create(
        user=team["zhao"], status=PresenceStatus.ONLINE, last_seen_at=now - timedelta(hours=1)
    )
    Conversation.objects.create(status=ConversationStatus.ACTIVE, agent=team["li"])
    # as in a request: the shop settings read once (one query), then members, presence, chats, rota
    with django_assert_max_num_queries(5), shopsettings.snapshot():
        board = {row.user.username: row for row in selectors.presence_board(now=now)}
    assert {name: row.status for name, row in board.items()} == {
        "li": "online",
        "wang": "away",
        "zhao": "offline",  # heartbeat too old
        "qian": "offline",
    }
    assert board["li"].open_chats == 1
