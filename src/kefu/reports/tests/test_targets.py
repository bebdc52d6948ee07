"""The shop's targets on the charts and beside the tables: read from the settings (and a running
promotion), never written in the page's script."""

import datetime as dt
import json
import re

import pytest
from django.utils import timezone

from kefu.core import shopsettings
from kefu.team.models import Promotion

RANGE = "start=2026-11-01&end=2026-11-07&by=day"


def _charts(html: str) -> dict[str, dict]:
    """The charts' data blocks of a page by id, and each series' target by its name."""
    blocks = re.findall(r'<script id="([\w-]+)" type="application/json">(.*?)</script>', html, re.S)
    return {
        block_id: {s["name"]: s.get("target") for s in json.loads(body)["series"]}
        for block_id, body in blocks
        if "series" in json.loads(body)
    }


def test_out_of_the_box_the_charts_draw_the_default_targets(supervisor, login):
    html = login(supervisor).get(f"/desk/reports/?{RANGE}").content.decode()
    charts = _charts(html)

    assert charts["service-data"]["平均首次响应（秒）"] == {"value": 20.0, "label": "首次响应目标 20 秒"}
    assert charts["service-data"]["会话数"] is None
    assert charts["service-data-rates"] == {
        "首次响应达标率": None,
        "放弃率": {"value": 5.0, "label": "放弃率目标 5%"},
        "一次解决率": {"value": 80.0, "label": "一次解决率目标 80%"},
        "评价覆盖率": {"value": 70.0, "label": "评价覆盖率目标 70%"},
        "满意率": None,
    }
    assert "目标：首次响应 20 秒以内；放弃率 低于 5%；一次解决率 80%；评价覆盖率 70%" in html
    assert charts["sales-data"] == {
        "支付金额": None,
        "退款金额": None,
        "支付订单数": None,
        "支付买家数": None,
    }


# (setting, new value, chart, series, target drawn, the table's words, the API's targets field, value)
CHANGED = [
    (
        "chat_first_response_target_seconds",
        30,
        "service-data",
        "平均首次响应（秒）",
        30.0,
        "首次响应 30 秒以内",
        "first_response_seconds",
        30.0,
    ),
    (
        "survey_coverage_target",
        85,
        "service-data-rates",
        "评价覆盖率",
        85.0,
        "评价覆盖率 85%",
        "survey_coverage",
        "0.8500",
    ),
    (
        "report_abandon_rate_target",
        3,
        "service-data-rates",
        "放弃率",
        3.0,
        "放弃率 低于 3%",
        "abandon_rate",
        "0.0300",
    ),
    (
        "report_first_contact_resolution_target",
        90,
        "service-data-rates",
        "一次解决率",
        90.0,
        "一次解决率 90%",
        "first_contact_resolution",
        "0.9000",
    ),
]


@pytest.mark.parametrize("key, value, chart, series, drawn, words, field, api_value", CHANGED)
def test_a_changed_setting_moves_the_target_line_the_table_and_the_api(
    supervisor, login, key, value, chart, series, drawn, words, field, api_value
):
    client = login(supervisor)
    before = _charts(client.get(f"/desk/reports/?{RANGE}").content.decode())[chart][series]["value"]

    shopsettings.shop_setting_set(key=key, value=value, by=supervisor)
    html = client.get(f"/desk/reports/?{RANGE}").content.decode()
    api = client.get(f"/api/reports/service/?{RANGE}").json()

    assert before != drawn
    assert _charts(html)[chart][series]["value"] == drawn
    assert words in html
    assert api["targets"][field] == api_value


def test_during_a_promotion_the_first_response_line_is_the_promotions_target(supervisor, agent, login):
    shopsettings.shop_setting_set(key="promotion_first_response_seconds", value=240, by=supervisor)
    now = timezone.now()
    Promotion.objects.create(
        name="双十二", starts_at=now - dt.timedelta(hours=1), ends_at=now + dt.timedelta(hours=1)
    )

    html = login(supervisor).get(f"/desk/reports/?{RANGE}").content.decode()
    mine = login(agent).get(f"/desk/reports/mine/?{RANGE}").content.decode()
    api = login(supervisor).get(f"/api/reports/service/?{RANGE}").json()

    assert _charts(html)["service-data"]["平均首次响应（秒）"]["value"] == 240.0
    assert _charts(mine)["service-data"]["平均首次响应（秒）"]["value"] == 240.0
    assert (api["target_seconds"], api["targets"]["first_response_seconds"]) == (240.0, 240.0)


def test_the_survey_coverage_target_stands_beside_the_agents_and_the_kpi(supervisor, agent, login):
    shopsettings.shop_setting_set(key="survey_coverage_target", value=60, by=supervisor)
    client = login(supervisor)

    agents = client.get(f"/api/reports/sales/agents/?{RANGE}").json()
    kpi = client.get(f"/api/reports/kpi/?{RANGE}").json()
    kpi_page = client.get(f"/desk/reports/kpi/?{RANGE}").content.decode()
    mine = login(agent).get(f"/desk/reports/mine/?{RANGE}").content.decode()

    assert agents["targets"] == {"survey_coverage": "0.6000"}
    assert kpi["targets"] == {"survey_coverage": "0.6000"}
    assert "目标：评价覆盖率 60%" in kpi_page and "覆盖率目标 60%" in kpi_page
    assert "目标：评价覆盖率 60%" in mine
