"""The chooser chat asks through kefu.core.routing: group, duty, limit, then fewest open chats."""

from datetime import date, datetime

import pytest
from django.utils import timezone

from kefu.core import routing
from kefu.team import selectors, services
from kefu.team.models import Duty


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
