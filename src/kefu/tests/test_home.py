"""The front page is each person's day: counts of her own work, each a link to the list."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kefu.inbox.models import WorkItem

pytestmark = pytest.mark.django_db


def _item(n: int, **fields) -> WorkItem:
    return WorkItem.objects.create(source="question", source_id=n, title=f"问题 {n}", **fields)


def test_an_agent_sees_her_own_work_counted_and_linked(login, agent, make_user):
    colleague = make_user("xiaowang", "客服")
    past = timezone.now() - dt.timedelta(hours=2)
    _item(1, owner=agent, due_at=past)
    _item(2, owner=agent)
    _item(3, owner=colleague, due_at=past)
    _item(4)
    _item(5, required_role="主管")

    page = login(agent).get("/desk/")
    tiles = {t["key"]: t for t in page.context["tiles"]}

    assert (tiles["inbox_mine"]["count"], tiles["inbox_mine_overdue"]["count"]) == (2, 1)
    assert tiles["inbox_unassigned"]["count"] == 2
    assert tiles["inbox_mine_overdue"]["url"] == "/desk/inbox/?owner=me&due=overdue"
    assert tiles["inbox_mine_overdue"]["urgent"] is True
    assert "inbox_supervisor" not in tiles  # a supervisor's tile
    assert 'id="tile-inbox_mine_overdue"' in page.content.decode()


def test_a_supervisor_also_sees_what_waits_on_a_supervisor(login, supervisor):
    _item(1, required_role="主管")
    tiles = {t["key"]: t["count"] for t in login(supervisor).get("/desk/").context["tiles"]}
    assert tiles["inbox_supervisor"] == 1


def test_the_front_page_costs_the_same_with_many_items(login, agent, django_assert_max_num_queries):
    client = login(agent)
    client.get("/desk/")
    for n in range(30):
        _item(n, owner=agent)
    with django_assert_max_num_queries(25):
        client.get("/desk/")


@pytest.mark.parametrize(
    ("role", "staff_flag", "admin_opens"),
    [("客服", True, False), ("主管", True, False), ("售后", False, False)],
)
def test_djangos_admin_is_the_administrators_only(make_user, login, role, staff_flag, admin_opens):
    user = make_user("someone", role, is_staff=staff_flag)
    client = login(user)
    response = client.get("/admin/")
    assert (response.status_code == 200) is admin_opens
    assert "系统管理" not in client.get("/desk/").content.decode()


def test_an_administrator_has_the_admin_in_the_navigation(login, admin_user):
    client = login(admin_user)
    assert client.get("/admin/").status_code == 200
    assert "系统管理" in client.get("/desk/").content.decode()


def test_a_tile_and_its_navigation_badge_are_counted_once(login, agent):
    client = login(agent)
    client.get("/desk/")
    with CaptureQueriesContext(connection) as captured:
        client.get("/desk/")
    waiting = [
        q["sql"]
        for q in captured.captured_queries
        if "chat_conversation" in q["sql"] and "COUNT" in q["sql"].upper() and "waiting" in q["sql"]
    ]
    assert len(waiting) == 1, waiting
