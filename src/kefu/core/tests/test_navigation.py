"""The navigation every back-office page carries: grouped by section, each counter one query."""

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from kefu.core import navigation


@pytest.mark.parametrize("name", navigation.badge_names())
def test_each_navigation_counter_costs_one_query(name, agent):
    """Besides reading the shop settings it depends on, a counter is a single COUNT."""
    request = RequestFactory().get("/desk/")
    request.user = agent
    with CaptureQueriesContext(connection) as queries:
        count = navigation._BADGES[name](request)
    own = [q["sql"] for q in queries.captured_queries if "core_shopsetting" not in q["sql"]]
    assert isinstance(count, int)
    assert len(own) <= 1, own


def test_links_are_grouped_by_section_in_the_days_order(login, supervisor):
    response = login(supervisor).get("/desk/")
    keys = [section["key"] for section in response.context["nav_sections"]]
    assert keys[:4] == ["chat", "inbox", "aftersales", "orders"]
    assert keys.index("helpcenter") > keys.index("orders")
    assert all(link["section"] == s["key"] for s in response.context["nav_sections"] for link in s["links"])


@pytest.mark.parametrize(
    ("role", "sees", "does_not_see"),
    [
        (
            "客服",
            {"在线咨询", "工作待办", "订单", "订单审核", "催付", "客户", "快捷短语", "交接本"},
            {"售后单", "投诉", "店铺设置", "报表", "自动回复", "系统管理", "人力测算"},
        ),
        (
            "售后",
            {"工作待办", "售后单", "投诉", "中差评", "订单", "客户", "快捷短语"},
            {"订单审核", "催付", "店铺设置", "报表", "系统管理"},
        ),
        (
            "主管",
            {"售后单", "订单审核", "报表", "团队", "人力测算", "店铺设置", "自动回复", "搜索分析"},
            {"系统管理"},
        ),
    ],
)
def test_each_role_sees_its_own_work_in_the_navigation(make_user, login, role, sees, does_not_see):
    response = login(make_user("someone", role)).get("/desk/")
    labels = {str(link["label"]) for link in response.context["nav_links"]}
    assert sees <= labels
    assert not (does_not_see & labels)
