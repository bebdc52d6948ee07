"""Fixtures of the team tests: a small team in its groups."""

import pytest

from kefu.team import services
from kefu.team.models import AgentGroup


@pytest.fixture
def team(make_user, supervisor):
    """Two pre-sales agents, one after-sales agent, one support agent; the supervisor sets them up."""
    people = {
        "li": make_user("li", "客服", first_name="小李"),
        "wang": make_user("wang", "客服", first_name="小王"),
        "zhao": make_user("zhao", "售后", first_name="小赵"),
        "qian": make_user("qian", "客服", first_name="小钱"),
    }
    groups = {
        "li": AgentGroup.PRESALES,
        "wang": AgentGroup.PRESALES,
        "zhao": AgentGroup.AFTERSALES,
        "qian": AgentGroup.SUPPORT,
    }
    for name, user in people.items():
        services.member_save(user=user, by=supervisor, group=groups[name])
    return people
