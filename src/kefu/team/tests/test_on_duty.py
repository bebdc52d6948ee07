"""Who is on duty now, wherever a person is chosen: the chat's transfer list, the inbox's
assignment, the front page, the handover book (through ``kefu.core.duty``)."""

import re

import pytest
from django.utils import timezone

from kefu.aftersales import services as aftersales_services
from kefu.aftersales.models import CaseKind
from kefu.chat import selectors as chat_selectors
from kefu.chat.models import AgentPresence, PresenceStatus
from kefu.core import duty, shopsettings
from kefu.team import services
from kefu.team.models import Duty


@pytest.fixture
def all_day(supervisor):
    """The day shift covers the whole day, so "now" is in it whatever the clock says."""
    shopsettings.shop_setting_set(key="team_shift_day_hours", value="00:00-24:00", by=supervisor)


@pytest.fixture
def rota_today(team, supervisor, all_day):
    """Today: 小赵 and 小钱 at work, 小王 resting, 小李 on leave."""
    today = timezone.localdate()
    for name, shift in (("zhao", Duty.DAY), ("qian", Duty.DAY), ("wang", Duty.REST), ("li", Duty.LEAVE)):
        services.rota_set(user=team[name], day=today, duty=shift, by=supervisor)
    return {team["zhao"].pk, team["qian"].pk}


def _online(*users):
    now = timezone.now()
    for user in users:
        AgentPresence.objects.update_or_create(
            user=user, defaults={"status": PresenceStatus.ONLINE, "last_seen_at": now}
        )


def test_without_a_rota_nobody_is_marked(team, login, supervisor):
    assert duty.on_duty_ids() is None
    _online(team["wang"], team["zhao"])
    colleagues = chat_selectors.colleagues_on_duty(user=team["li"])
    assert [c["name"] for c in colleagues] == ["小王", "小赵"]  # by username, as before
    assert not any(c["on_duty"] for c in colleagues)
    assert 'id="tile-team_on_duty"' not in login(supervisor).get("/desk/").content.decode()


def test_the_rota_answers_who_is_on_duty(rota_today):
    assert duty.on_duty_ids() == rota_today


def test_the_chat_transfer_list_puts_the_people_on_duty_first(team, rota_today):
    _online(team["wang"], team["zhao"], team["qian"])
    colleagues = chat_selectors.colleagues_on_duty(user=team["li"])
    assert [(c["name"], c["on_duty"]) for c in colleagues] == [
        ("小钱", True),
        ("小赵", True),
        ("小王", False),
    ]


def test_the_console_api_says_who_is_on_duty(team, rota_today, login):
    _online(team["zhao"], team["wang"])
    data = login(team["li"]).get("/api/v1/chat/staff/inbox/").json()
    assert data["colleagues"][0] == {"id": team["zhao"].pk, "name": "小赵", "on_duty": True}


def test_the_front_page_counts_the_people_on_duty(team, rota_today, login):
    body = login(team["wang"]).get("/desk/").content.decode()
    tile = re.search(r'id="tile-team_on_duty"[^>]*><strong>(\d+)</strong><span>([^<]+)<', body)
    assert tile is not None and tile.groups() == ("2", "当班客服")


def test_the_handover_page_names_who_takes_over(team, rota_today, login):
    _online(team["zhao"])
    handover = services.handover_open(day=timezone.localdate(), shift=Duty.DAY, by=team["zhao"])
    body = login(team["zhao"]).get(f"/desk/team/handovers/{handover.pk}/").content.decode()
    line = re.search(r'<p id="on-duty-now">(.*?)</p>', body, re.S)[1]
    assert "小赵" in line and "在线" in line and "小钱" in line
    assert "小王" not in line and "小李" not in line


def test_the_inbox_offers_the_people_on_duty_first_when_assigning(
    team, supervisor, make_user, rota_today, login
):
    rested = make_user("aa_sun", "售后", first_name="小孙")  # sorts before 小赵 by username
    services.member_save(user=rested, by=supervisor, group="aftersales")
    services.rota_set(user=rested, day=timezone.localdate(), duty=Duty.REST, by=supervisor)
    case = aftersales_services.case_create(
        by=team["zhao"],
        kind=CaseKind.RETURN_REFUND,
        buyer_nick="tb_chen",
        order_number="20261120000001",
        amount="129.00",
    )
    body = login(supervisor).get(f"/desk/aftersales/cases/{case.pk}/").content.decode()
    assign = re.search(r'<select name="to" aria-label="分配给">(.*?)</select>', body, re.S)[1]
    options = re.findall(r"<option [^>]*>([^<]*)</option>", assign)
    marked = [o for o in options if o.endswith(" · 当班")]
    assert sorted(marked) == ["小赵 · 当班", "小钱 · 当班"]
    assert options[: len(marked)] == marked  # at work first
    assert "小孙" in options and "小王" in options  # resting: offered, not marked


def test_a_running_shift_with_nobody_on_the_rota_is_said_clearly(team, supervisor, all_day, login):
    today = timezone.localdate()
    for user in team.values():
        services.rota_set(user=user, day=today, duty=Duty.NIGHT, by=supervisor)
    shopsettings.shop_setting_set(key="team_shift_night_hours", value="23:59-24:00", by=supervisor)

    body = login(supervisor).get("/desk/team/").content.decode()

    assert "排班上现在的白班没有人当班" in body
    assert duty.on_duty_ids() in (set(), {u.pk for u in team.values()})  # the night minute


def test_the_team_board_refreshes_itself(team, login, supervisor):
    body = login(supervisor).get("/desk/team/").content.decode()
    assert 'id="presence" hx-get="/desk/team/" hx-trigger="every 20s"' in body
    assert "排班上现在" not in body  # no rota today: nothing to warn about
