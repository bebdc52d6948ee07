"""Shifts and the rota: "six on, one off", leave in the rota, gaps, hand edits, export."""

import io
from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from openpyxl import load_workbook

from kefu.core import shopsettings
from kefu.team import rules, selectors, services
from kefu.team.models import Duty, LeaveRequest, RotaEntry


@pytest.mark.parametrize(
    ("text", "start", "end_minutes"),
    [
        ("08:30-16:30", (8, 30), 990),
        ("16:00-24:00", (16, 0), 1440),
        ("16:00-0:00", (16, 0), 1440),
        ("8：30–16：30", (8, 30), 990),
    ],
)
def test_shift_hours_are_read_from_the_setting(text, start, end_minutes):
    hours = rules.parse_hours(text)
    assert (hours.start.hour, hours.start.minute) == start
    assert hours.end_minutes == end_minutes


@pytest.mark.parametrize("text", ["", "8-16", "25:00-26:00", "16:00-08:00", "abc"])
def test_bad_shift_hours_are_refused(text):
    with pytest.raises(ValidationError):
        rules.parse_hours(text)


@pytest.mark.parametrize(
    ("clock", "shifts"),
    [
        ((8, 0), []),
        ((8, 30), ["day"]),
        ((16, 10), ["day", "night"]),
        ((16, 30), ["night"]),
        ((23, 59), ["night"]),
    ],
)
def test_the_shifts_overlap_for_the_handover(db, clock, shifts):
    at = timezone.make_aware(datetime(2026, 12, 3, *clock))
    assert rules.shifts_at(at) == shifts


def _longest_run_of_work(duties: list[str]) -> int:
    longest = run = 0
    for duty in duties:
        run = run + 1 if duty in (Duty.DAY, Duty.NIGHT) else 0
        longest = max(longest, run)
    return longest


def test_a_month_is_six_on_one_off_with_rest_days_spread(team, supervisor):
    result = services.rota_generate(year=2026, month=12, by=supervisor)
    assert result.entries == 4 * 31
    assert result.gaps == []  # four people: both shifts covered every day
    rest_per_day = RotaEntry.objects.filter(duty=Duty.REST).values_list("day", flat=True)
    assert len(rest_per_day) == len(set(rest_per_day))  # never two of four off on the same day
    for user in team.values():
        duties = list(
            RotaEntry.objects.filter(user=user, day__month=12).order_by("day").values_list("duty", flat=True)
        )
        assert len(duties) == 31
        assert _longest_run_of_work(duties) == 6
        assert duties.count(Duty.REST) in (4, 5)
    # the two pre-sales agents do not rest on the same days
    li = set(RotaEntry.objects.filter(user=team["li"], duty=Duty.REST).values_list("day", flat=True))
    wang = set(RotaEntry.objects.filter(user=team["wang"], duty=Duty.REST).values_list("day", flat=True))
    assert not li & wang


def test_the_next_month_keeps_the_rhythm(team, supervisor):
    services.rota_generate(year=2026, month=11, by=supervisor)
    services.rota_generate(year=2026, month=12, by=supervisor)
    for user in team.values():
        duties = list(
            RotaEntry.objects.filter(user=user, day__range=(date(2026, 11, 1), date(2026, 12, 31)))
            .order_by("day")
            .values_list("duty", flat=True)
        )
        assert _longest_run_of_work(duties) == 6


def test_gaps_are_named_when_a_shift_has_nobody(make_user, supervisor):
    services.member_save(user=make_user("solo", "客服"), by=supervisor, group="presales")
    result = services.rota_generate(year=2026, month=12, by=supervisor)
    assert result.gaps  # one agent cannot cover two shifts
    assert "无人值班" in result.gaps[0].message


def test_no_members_is_a_clear_message(supervisor):
    with pytest.raises(ValidationError, match="还没有团队成员"):
        services.rota_generate(year=2026, month=12, by=supervisor)


def test_only_the_supervisor_makes_the_rota(team):
    with pytest.raises(PermissionDenied):
        services.rota_generate(year=2026, month=12, by=team["li"])
    assert not RotaEntry.objects.exists()


def test_hand_edits_survive_regeneration(team, supervisor):
    services.rota_generate(year=2026, month=12, by=supervisor)
    services.rota_set(user=team["li"], day=date(2026, 12, 5), duty=Duty.REST, by=supervisor)
    services.rota_generate(year=2026, month=12, by=supervisor)
    entry = RotaEntry.objects.get(user=team["li"], day=date(2026, 12, 5))
    assert (entry.duty, entry.edited) == (Duty.REST, True)


def test_approved_leave_shows_in_the_rota(team, supervisor):
    services.rota_generate(year=2026, month=12, by=supervisor)
    leave = services.leave_request(
        by=team["li"], start=date(2026, 12, 8), end=date(2026, 12, 10), reason="回家"
    )
    services.leave_decide(leave=leave, by=supervisor, approve=True)
    assert set(RotaEntry.objects.filter(user=team["li"], duty=Duty.LEAVE).values_list("day", flat=True)) == {
        date(2026, 12, 8),
        date(2026, 12, 9),
        date(2026, 12, 10),
    }
    with pytest.raises(ValidationError, match="已经处理过"):
        services.leave_decide(leave=leave, by=supervisor, approve=False)
    # regenerating keeps the leave
    services.rota_generate(year=2026, month=12, by=supervisor)
    assert RotaEntry.objects.filter(user=team["li"], duty=Duty.LEAVE).count() == 3


def test_refused_leave_leaves_the_rota_alone(team, supervisor):
    services.rota_generate(year=2026, month=12, by=supervisor)
    leave = services.leave_request(
        by=team["li"], start=date(2026, 12, 8), end=date(2026, 12, 8), reason="事假"
    )
    services.leave_decide(leave=leave, by=supervisor, approve=False)
    assert LeaveRequest.objects.get().state == "refused"
    assert not RotaEntry.objects.filter(duty=Duty.LEAVE).exists()


def test_leave_ending_before_it_starts_is_refused(team):
    with pytest.raises(ValidationError):
        services.leave_request(by=team["li"], start=date(2026, 12, 8), end=date(2026, 12, 7), reason="x")


def test_who_is_on_duty_now(team, supervisor):
    day = date(2026, 12, 3)
    services.rota_set(user=team["li"], day=day, duty=Duty.DAY, by=supervisor)
    services.rota_set(user=team["wang"], day=day, duty=Duty.NIGHT, by=supervisor)
    services.rota_set(user=team["zhao"], day=day, duty=Duty.REST, by=supervisor)
    at = lambda h, m: timezone.make_aware(datetime(2026, 12, 3, h, m))  # noqa: E731
    assert selectors.on_duty_user_ids(at=at(10, 0)) == {team["li"].pk}
    assert selectors.on_duty_user_ids(at=at(16, 15)) == {team["li"].pk, team["wang"].pk}
    assert selectors.on_duty_user_ids(at=at(20, 0)) == {team["wang"].pk}


def test_shift_hours_come_from_the_shop_settings(admin_user):
    shopsettings.shop_setting_set(key="team_shift_day_hours", value="09:00-17:00", by=admin_user)
    assert rules.shifts_at(timezone.make_aware(datetime(2026, 12, 3, 8, 45))) == []
    assert rules.shifts_at(timezone.make_aware(datetime(2026, 12, 3, 16, 45))) == ["day", "night"]


def test_rota_page_and_excel_export(team, supervisor, login):
    services.rota_generate(year=2026, month=12, by=supervisor)
    client = login(supervisor)
    page = client.get("/desk/team/rota/?year=2026&month=12")
    assert page.status_code == 200
    assert "小李" in page.content.decode()
    response = client.get("/desk/team/rota/export.xlsx?year=2026&month=12")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("客服", "分组", "12-01")
    assert len(rows) == 5
    assert {r[-1] for r in rows[1:]} <= {4, 5}


def test_an_agent_sees_only_their_own_row(team, supervisor, login):
    services.rota_generate(year=2026, month=12, by=supervisor)
    body = login(team["li"]).get("/desk/team/rota/?year=2026&month=12").content.decode()
    assert "小李" in body and "小王" not in body


def test_generate_from_the_page(team, supervisor, login):
    response = login(supervisor).post("/desk/team/rota/generate/", {"year": 2026, "month": 12})
    assert response.status_code == 302
    assert RotaEntry.objects.count() == 124


def test_rota_month_query_count(team, supervisor, django_assert_max_num_queries):
    services.rota_generate(year=2026, month=12, by=supervisor)
    days = services.month_days(2026, 12)
    with django_assert_max_num_queries(4):
        grid = selectors.rota_month(days=days)
        [c.duty for row in grid.rows for c in row.cells if c]
    assert len(grid.rows) == 4
    assert timedelta(days=30) == days[-1] - days[0]


def _days(*spans: tuple[int, int]) -> set[date]:
    return {date(2026, 12, d) for lo, hi in spans for d in range(lo, hi + 1)}


@pytest.mark.parametrize(
    ("working", "flagged"),
    [
        (_days((1, 6)), set()),  # six on: fine
        (_days((1, 7)), _days((1, 7))),  # seven in a row
        (_days((1, 6), (8, 13)), set()),  # a rest day between two sixes
        (_days((1, 3), (5, 12)), _days((5, 12))),  # only the long run is marked
        (set(), set()),
    ],
)
def test_runs_longer_than_six_on_are_found(working, flagged):
    assert rules.long_runs(working=working, days_on=6) == flagged


def _set(user, by, duties: dict[int, str]) -> None:
    for day, duty in duties.items():
        services.rota_set(user=user, day=date(2026, 12, day), duty=duty, by=by)


def test_a_run_crossing_into_the_month_counts(team, supervisor):
    # 27–30 November and 1–3 December: seven days running across the months
    for d in range(27, 31):
        services.rota_set(user=team["li"], day=date(2026, 11, d), duty=Duty.DAY, by=supervisor)
    _set(team["li"], supervisor, {1: Duty.DAY, 2: Duty.NIGHT, 3: Duty.DAY, 4: Duty.REST})
    grid = selectors.rota_month(days=services.month_days(2026, 12), user=team["li"])
    assert grid.rows[0].long_run_days == _days((1, 3))
    assert selectors.working_run(user_id=team["li"].pk, day=date(2026, 12, 2)) == 7
    assert selectors.working_run(user_id=team["li"].pk, day=date(2026, 12, 4)) == 0


def test_a_cell_opens_as_a_choice_for_the_supervisor_only(team, supervisor, login):
    _set(team["li"], supervisor, {5: Duty.DAY})
    url = f"/desk/team/rota/cell/?user={team['li'].pk}&day=2026-12-05&edit=1"
    body = login(supervisor).get(url, HTTP_HX_REQUEST="true").content.decode()
    assert body.startswith("<td") and 'name="duty"' in body
    assert '<option value="day" selected>' in body
    assert login(team["li"]).get(url).status_code == 403
    assert RotaEntry.objects.get(user=team["li"]).duty == Duty.DAY


def test_changing_a_cell_in_place_redraws_the_grid_and_warns_of_a_broken_rhythm(team, supervisor, login):
    _set(team["li"], supervisor, {d: Duty.DAY for d in range(1, 7)} | {7: Duty.REST})
    client = login(supervisor)

    response = client.post(
        "/desk/team/rota/set/",
        {"user": team["li"].pk, "day": "2026-12-07", "duty": "night"},
        HTTP_HX_REQUEST="true",
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="rota-wrap"' in body and 'class="rota-warning"' in body and "连续上班 7 天" in body
    assert f'id="rota-{team["li"].pk}-20261207" class="duty duty-night edited warn"' in body
    assert f'id="rota-work-{team["li"].pk}">7<' in body
    assert RotaEntry.objects.get(user=team["li"], day=date(2026, 12, 7)).duty == Duty.NIGHT

    # back to rest: the warning goes
    body = client.post(
        "/desk/team/rota/set/",
        {"user": team["li"].pk, "day": "2026-12-07", "duty": "rest"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert 'class="rota-warning"' not in body and " warn" not in body


def test_a_bad_choice_in_the_grid_is_said_and_changes_nothing(team, supervisor, login):
    _set(team["li"], supervisor, {7: Duty.REST})
    body = (
        login(supervisor)
        .post(
            "/desk/team/rota/set/",
            {"user": team["li"].pk, "day": "2026-12-07", "duty": "holiday"},
            HTTP_HX_REQUEST="true",
        )
        .content.decode()
    )
    assert 'id="rota-wrap"' in body and 'class="errorlist"' in body
    assert RotaEntry.objects.get(user=team["li"]).duty == Duty.REST


def test_the_day_s_count_follows_a_change(team, supervisor, login):
    _set(team["li"], supervisor, {9: Duty.DAY})
    _set(team["wang"], supervisor, {9: Duty.NIGHT})
    body = (
        login(supervisor)
        .post(
            "/desk/team/rota/set/",
            {"user": team["wang"].pk, "day": "2026-12-09", "duty": "leave"},
            HTTP_HX_REQUEST="true",
        )
        .content.decode()
    )
    assert 'id="rota-count-20261209" class="short">1/0<' in body
    assert "12-09 晚班无人值班" in body


def test_rota_set_through_the_api(team, supervisor, login):
    _set(team["li"], supervisor, {d: Duty.DAY for d in range(1, 7)})
    response = login(supervisor).post(
        "/api/team/rota/set/",
        {"user": team["li"].pk, "day": "2026-12-07", "duty": "day"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json() | {"user": None} == {
        "user": None,
        "day": "2026-12-07",
        "duty": "day",
        "edited": True,
        "working_run": 7,
        "days_on": 6,
        "breaks_rhythm": True,
    }
    refused = login(team["li"]).post(
        "/api/team/rota/set/",
        {"user": team["li"].pk, "day": "2026-12-08", "duty": "day"},
        content_type="application/json",
    )
    assert refused.status_code == 403
    assert not RotaEntry.objects.filter(day=date(2026, 12, 8)).exists()
