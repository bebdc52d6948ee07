import re

import pytest

from kefu.core import shopsettings

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get("/desk/settings/")
    assert response.status_code == 302
    assert "/desk/login/" in response["Location"]


def test_an_agent_sees_the_rules_but_cannot_change_them(client, agent):
    client.force_login(agent)
    page = client.get("/desk/settings/")
    assert page.status_code == 200
    assert "helpcenter_page_size" in page.content.decode()
    assert client.post("/desk/settings/", {"rule-helpcenter_page_size": "30"}).status_code == 403
    assert shopsettings.get("helpcenter_page_size") == 10


def test_a_supervisor_changes_a_rule(client, supervisor):
    client.force_login(supervisor)
    response = client.post("/desk/settings/", {"rule-helpcenter_page_size": "30"})
    assert response.status_code == 302
    assert shopsettings.get("helpcenter_page_size") == 30


def test_a_bad_value_is_refused_and_the_typed_text_kept(client, supervisor):
    client.force_login(supervisor)
    response = client.post("/desk/settings/", {"rule-helpcenter_page_size": "三十"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "无效" in body and 'value="三十"' in body
    assert shopsettings.get("helpcenter_page_size") == 10


def test_a_request_reads_the_shops_settings_once(client, supervisor, django_assert_max_num_queries):
    shopsettings.shop_setting_set(key="helpcenter_page_size", value=30, by=supervisor)
    client.force_login(supervisor)
    client.get("/desk/settings/")  # warm the session and the caches
    with django_assert_max_num_queries(12) as captured:
        page = client.get("/desk/settings/")
    assert page.status_code == 200
    assert 'value="30"' in page.content.decode()
    reads = [q["sql"] for q in captured.captured_queries if "core_shopsetting" in q["sql"]]
    assert len(reads) == 1, reads


def test_inside_a_snapshot_each_setting_is_read_once_and_a_save_is_seen(
    supervisor, django_assert_num_queries
):
    with shopsettings.snapshot():
        with django_assert_num_queries(1):
            for _ in range(20):
                assert shopsettings.get("helpcenter_page_size") == 10
                shopsettings.get("shop_name")
        shopsettings.shop_setting_set(key="helpcenter_page_size", value=25, by=supervisor)
        assert shopsettings.get("helpcenter_page_size") == 25
    assert shopsettings.get("helpcenter_page_size") == 25


def _page_as_loaded(client) -> dict:
    """Every input of the settings page as the browser would send it back untouched."""
    html = client.get("/desk/settings/").content.decode()
    data = dict(re.findall(r'name="((?:rule|was)-[a-z_0-9]+)" value="([^"]*)"', html))
    data.update({name: "on" for name in re.findall(r'name="(rule-[a-z_0-9]+)" checked', html)})
    return data


def test_a_stale_settings_page_never_undoes_a_colleagues_change(client, supervisor, admin_user):
    client.force_login(supervisor)
    loaded = _page_as_loaded(client)
    # meanwhile the admin raises the page size
    shopsettings.shop_setting_set(key="helpcenter_page_size", value=20, by=admin_user)

    # the supervisor saves another rule from the page opened before
    response = client.post("/desk/settings/", {**loaded, "rule-shop_name": "美丽小铺旗舰店"})
    assert response.status_code == 302
    assert shopsettings.get("shop_name") == "美丽小铺旗舰店"
    assert shopsettings.get("helpcenter_page_size") == 20, "the untouched rule keeps the colleague's value"

    # and changing the very rule the colleague changed is refused, saying who set what
    response = client.post("/desk/settings/", {**loaded, "rule-helpcenter_page_size": "15"})
    assert response.status_code == 400
    assert "20" in response.content.decode() and "管理员" in response.content.decode()
    assert shopsettings.get("helpcenter_page_size") == 20


def test_a_save_with_one_bad_value_saves_nothing(client, supervisor):
    client.force_login(supervisor)
    loaded = _page_as_loaded(client)
    response = client.post(
        "/desk/settings/", {**loaded, "rule-shop_name": "新店名", "rule-helpcenter_page_size": "三十"}
    )
    assert response.status_code == 400
    assert shopsettings.get("shop_name") != "新店名"


def test_settings_are_grouped_by_area_with_their_default_and_who_changed_them(client, supervisor, make_user):
    boss = make_user("boss", "主管", first_name="王店长")
    shopsettings.shop_setting_set(key="payment_timeout_days", value=5, by=boss)
    client.force_login(supervisor)
    page = client.get("/desk/settings/")
    body = page.content.decode()
    sections = [s["area"] for s in page.context["sections"]]

    assert sections.index("orders") < sections.index("chat") < sections.index("core")
    orders = next(s for s in page.context["sections"] if s["area"] == "orders")
    row = next(r for r in orders["rows"] if r["rule"].key == "payment_timeout_days")
    assert (row["value"], row["default"], row["changed"], row["changed_by"]) == ("5", "3", True, boss)
    assert "王店长" in body and "订单与发货" in body
    assert "payment_timeout_days" not in body.replace('name="rule-payment_timeout_days"', "").replace(
        'id="rule-payment_timeout_days"', ""
    ).replace('for="rule-payment_timeout_days"', "").replace('name="was-payment_timeout_days"', "")


@pytest.mark.parametrize(
    ("key", "label", "unit"),
    [
        ("x_wait_days", "等待", "天"),
        ("x_wait_minutes", "等待", "分钟"),
        ("x_wait_seconds", "等待（秒）", ""),
        ("x_threshold", "阈值", ""),
    ],
)
def test_a_rules_unit_comes_from_its_name_unless_the_label_says_it(key, label, unit):
    rule = shopsettings.define(key, 1, label=label)
    try:
        assert rule.unit == unit and rule.area == "core"
    finally:
        shopsettings._RULES.pop(key)
