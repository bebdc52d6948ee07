"""In Chromium, short: the customer picks 售后 and sends a picture; the agent sees the thumbnail and
the group, and hands the chat to the pre-sales team with a note."""

from io import BytesIO

import pytest
from django.db import connections
from PIL import Image
from playwright.sync_api import expect

from kefu.chat.models import Conversation
from kefu.core.shopsettings import shop_setting_set
from kefu.core.tests.browser import BROWSER_TEST

pytestmark = BROWSER_TEST


@pytest.fixture
def shop(make_user, open_hours, autoreplies):
    admin = make_user("boss", "管理员")
    make_user("xiaomei", "客服", password="pw-kefu-123", first_name="小美")
    shop_setting_set(key="chat_poll_interval_seconds", value=1, by=admin)
    shop_setting_set(key="chat_auto_assign", value=False, by=admin)


def test_a_customer_chooses_after_sales_and_sends_a_picture_the_agent_sees(
    live_server, browser, shop, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    try:
        _picture_chat(live_server, browser, tmp_path)
    finally:
        connections.close_all()


def _picture_chat(live_server, browser, tmp_path):
    photo = tmp_path / "破损.png"
    out = BytesIO()
    Image.new("RGB", (900, 600), (40, 120, 200)).save(out, "PNG")
    photo.write_bytes(out.getvalue())

    customer = browser.new_context().new_page()
    customer.goto(f"{live_server.url}/")
    customer.click(".kc-launch")
    groups = customer.locator(".kc-groups")
    expect(groups.locator("[data-group=presales]")).to_have_attribute("aria-pressed", "true")
    groups.locator("[data-group=aftersales]").click()
    customer.set_input_files(".kc-send input[type=file]", str(photo))
    thumb = customer.locator(".kc-messages .mine img.kc-image")
    expect(thumb).to_be_visible()
    assert customer.evaluate("() => document.querySelector('.kc-messages .mine img').naturalWidth") == 320
    expect(groups).to_be_hidden()
    assert Conversation.objects.get().group == "aftersales"

    agent = browser.new_context().new_page()
    agent.goto(f"{live_server.url}/desk/login/")
    agent.fill("input[name=username]", "xiaomei")
    agent.fill("input[name=password]", "pw-kefu-123")
    agent.click("button[type=submit]")
    agent.goto(f"{live_server.url}/desk/chat/")
    agent.locator("#waiting-list li").first.click()
    pane = agent.locator(".cc-pane:not([hidden])")
    expect(pane.locator(".cc-messages .theirs img.cc-image")).to_be_visible()
    expect(pane.locator("header .links")).to_contain_text("售后")

    pane.locator(".transfer select").select_option("group:presales")
    pane.locator(".transfer [name=note]").fill("客户先问尺码")
    pane.locator(".transfer button").click()
    expect(pane.locator(".cc-error")).to_contain_text("售前组")
    expect(customer.locator(".kc-messages")).to_contain_text("已为您转接售前组，请稍候。")
    conversation = Conversation.objects.get()
    assert (conversation.status, conversation.group, conversation.transfer_note) == (
        "waiting",
        "presales",
        "小美：客户先问尺码",
    )
