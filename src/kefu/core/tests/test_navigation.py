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


def test_links_are_grouped_by_section_in_the_days_order(agent_client):
    response = agent_client.get("/desk/")
    keys = [section["key"] for section in response.context["nav_sections"]]
    assert keys[:4] == ["chat", "inbox", "aftersales", "orders"]
    assert keys.index("helpcenter") > keys.index("orders")
    assert all(link["section"] == s["key"] for s in response.context["nav_sections"] for link in s["links"])
