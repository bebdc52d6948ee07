"""The chooser chat asks through kefu.core.routing: group, duty, limit, then fewest open chats."""

from datetime import date, datetime

import pytest
from django.utils import timezone

from kefu.core import kept, routing
from kefu.team import selectors, services
from kefu.team.models import Duty, TeamMember


def _at(hour=10):
    return timezone.make_aware(datetime(2026, 12, 3, hour, 0))


def test_the_team_chooser_is_registered(db):
    assert routing.has_chooser()


def test_before_the_team_is_set_up_the_least_busy_online_agent(make_user):
    a, b = make_user("a", "客服"), make_user("b", "客服")
    assert selectors.choose_agent(group="presales", open_chats={a.pk: 2, b.pk: 1}, at=_at()) == b.pk
    assert selectors.choose_agent(group="presales", open_chats={}, at=_at()) is None


@pytest.mark.parametrize(
    ("group", "open_chats", "expected"),
    [
        # the chat's group first, fewest open chats
        ("presales", {"li": 3, "wang": 1, "zhao": 0, "qian": 0}, "wang"),
        ("aftersales", {"li": 0, "wang": 0, "zhao": 2, "qian": 0}, "zhao"),
        # a tie: the lower id (li was created first)
        ("presales", {"li": 1, "wang": 1}, "li"),
        # nobody of the group online: 辅助 helps
        ("presales", {"zhao": 0, "qian": 2}, "qian"),
        # at the limit (5): not offered
        ("presales", {"li": 5, "wang": 5, "qian": 5}, None),
        ("presales", {"li": 5, "wang": 4}, "wang"),
        # no group: any member
        ("", {"li": 3, "zhao": 1}, "zhao"),
        # after-sales chats never go to pre-sales agents
        ("aftersales", {"li": 0, "wang": 0}, None),
    ],
)
def test_routing_table(team, group, open_chats, expected):
    ids = {name: user.pk for name, user in team.items()}
    chosen = selectors.choose_agent(
        group=group, open_chats={ids[n]: c for n, c in open_chats.items()}, at=_at()
    )
    assert chosen == (ids[expected] if expected else None)


def test_a_personal_limit_overrides_the_shop_limit(team, supervisor):
    services.member_save(user=team["li"], by=supervisor, group="presales", max_chats=2)
    ids = {name: user.pk for name, user in team.items()}
    assert selectors.choose_agent(group="presales", open_chats={ids["li"]: 2}, at=_at()) is None
    services.member_save(user=team["wang"], by=supervisor, group="presales", max_chats=8)
    assert (
        selectors.choose_agent(group="presales", open_chats={ids["wang"]: 7, ids["li"]: 1}, at=_at())
        == ids["li"]
    )


def test_with_a_rota_only_agents_on_duty_get_chats(team, supervisor):
    day = date(2026, 12, 3)
    services.rota_set(user=team["li"], day=day, duty=Duty.NIGHT, by=supervisor)
    services.rota_set(user=team["wang"], day=day, duty=Duty.DAY, by=supervisor)
    ids = {name: user.pk for name, user in team.items()}
    chats = {ids["li"]: 0, ids["wang"]: 3}
    assert selectors.choose_agent(group="presales", open_chats=chats, at=_at(10)) == ids["wang"]
    assert selectors.choose_agent(group="presales", open_chats=chats, at=_at(20)) == ids["li"]


def test_chat_asks_through_the_registry(team):
    ids = {name: user.pk for name, user in team.items()}
    assert routing.choose_agent(group="aftersales", open_chats={ids["li"]: 0, ids["zhao"]: 4}) == ids["zhao"]


class _Clock:
    now = 1000.0

    def monotonic(self) -> float:
        return self.now


@pytest.mark.parametrize(
    ("how", "seconds_later", "li_gets_it"),
    [
        # the supervisor saves li's lower limit in this process: the next chat already respects it
        ("saved here", 0, False),
        # saved by another server process: the chat sockets keep the old limit a few seconds
        ("saved elsewhere", 1, True),
        ("saved elsewhere", kept.KEEP_SECONDS + 0.1, False),
    ],
)
def test_inside_the_chat_sockets_a_members_limit_changed_counts_within_seconds(
    team, supervisor, monkeypatch, how, seconds_later, li_gets_it
):
    clock = _Clock()
    monkeypatch.setattr(kept, "time", clock)
    kept.clear_all()
    ids = {name: user.pk for name, user in team.items()}
    chats = {ids["li"]: 2, ids["wang"]: 3}
    with kept.keeping():
        assert selectors.choose_agent(group="presales", open_chats=chats, at=timezone.now()) == ids["li"]
        if how == "saved here":
            services.member_save(user=team["li"], by=supervisor, group="presales", max_chats=2)
        else:
            TeamMember.objects.filter(user=team["li"]).update(max_chats=2)
        clock.now += seconds_later
        chosen = selectors.choose_agent(group="presales", open_chats=chats, at=timezone.now())
    assert chosen == (ids["li"] if li_gets_it else ids["wang"])
    # pages and the API never see the kept rows
    assert selectors.choose_agent(group="presales", open_chats=chats, at=timezone.now()) == ids["wang"]
    kept.clear_all()


def test_inside_the_chat_sockets_a_rota_set_now_counts_at_once(team, supervisor):
    kept.clear_all()
    now = timezone.now()
    today = timezone.localdate(now)
    ids = {name: user.pk for name, user in team.items()}
    chats = {ids["li"]: 0, ids["wang"]: 3}
    running = selectors.rules.shifts_at(now)
    with kept.keeping():
        assert selectors.choose_agent(group="presales", open_chats=chats, at=now) == ids["li"]
        # today's rota: li rests, wang works the shift running now (nobody at work between shifts)
        services.rota_set(user=team["li"], day=today, duty=Duty.REST, by=supervisor)
        services.rota_set(
            user=team["wang"], day=today, duty=running[0] if running else Duty.DAY, by=supervisor
        )
        chosen = selectors.choose_agent(group="presales", open_chats=chats, at=now)
    assert chosen == (ids["wang"] if running else None)
    kept.clear_all()
