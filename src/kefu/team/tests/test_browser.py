"""The team in Chromium: the supervisor generates the month's rota, the day shift hands over, the
night shift takes over item by item, and the staffing calculator answers."""

import os

import pytest
from django.db import connections
from django.utils import timezone
from playwright.sync_api import expect

from kefu.chat.models import Conversation, ConversationStatus
from kefu.core.tests.browser import BROWSER_TEST

pytestmark = BROWSER_TEST

SHOTS = os.environ.get("KEFU_SCREENSHOTS")  # a folder: save what the pages look like


@pytest.fixture
def shop(team, supervisor):
    Conversation.objects.create(
        buyer_name="小红", status=ConversationStatus.WAITING, awaiting_since=timezone.now()
    )
    return team


def test_rota_handover_and_staffing(live_server, browser, shop):
    try:
        _walk(live_server, browser)
    finally:
        connections.close_all()


def _login(browser, live_server, username):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/desk/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pw-kefu-123")
    page.click("button[type=submit]")
    return page


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def _walk(live_server, browser):
    boss = _login(browser, live_server, "supervisor")
    boss.goto(f"{live_server.url}/desk/team/rota/")
    boss.on("dialog", lambda dialog: dialog.accept())
    boss.click("#rota-generate")
    expect(boss.locator("#rota tbody tr")).to_have_count(4)
    expect(boss.locator("#rota tbody")).to_contain_text("休息")
    # a day changed in place: click 小李's first cell, choose 请假; the grid redraws
    first = boss.locator("#rota tbody tr", has_text="小李").locator("td.duty").first
    first.locator("button").click()
    boss.locator("#rota td.duty select[name=duty]").select_option("leave")
    expect(boss.locator("#rota tbody tr", has_text="小李").locator("td.duty").first).to_contain_text("请假")
    expect(boss.locator("#rota tbody tr", has_text="小李").locator("td.duty.edited").first).to_be_visible()
    _shot(boss, "rota")

    day_agent = _login(browser, live_server, "li")
    day_agent.goto(f"{live_server.url}/desk/team/handovers/")
    day_agent.select_option("select[name=shift]", "day")
    day_agent.click("#handover-open button[type=submit]")
    expect(day_agent.locator("#handover-items")).to_contain_text("小红")
    day_agent.fill("textarea[name=notes]", "小红问的是发票")
    day_agent.click("#handover-submit button[type=submit]")
    expect(day_agent.locator(".handover-notes")).to_contain_text("小红问的是发票")

    boss.goto(f"{live_server.url}/desk/team/")
    expect(boss.locator("#unacknowledged")).to_contain_text("白班")

    night_agent = _login(browser, live_server, "wang")
    night_agent.goto(day_agent.url)
    night_agent.click("text=确认接手")
    expect(night_agent.locator("#handover-items")).to_contain_text("wang")
    boss.goto(f"{live_server.url}/desk/team/")
    expect(boss.locator("#unacknowledged")).to_contain_text("所有交接都已确认")

    boss.goto(f"{live_server.url}/desk/team/staffing/")
    boss.fill("#erlang-form input[name=calls]", "100")
    boss.fill("#erlang-form input[name=aht]", "180")
    boss.click("#erlang-form button[type=submit]")
    expect(boss.locator("#erlang-result")).to_contain_text("14")
    boss.goto(f"{live_server.url}/desk/team/staffing/?year=2026&day=2026-11-11&daily_volume=3000&aht=180")
    expect(boss.locator("#staffing-table tbody tr")).to_have_count(48)
    expect(boss.locator("[data-staffing-chart] canvas")).to_have_count(1)  # ECharts drew it
    _shot(boss, "staffing")
