"""The chat end to end in Chromium: a customer and an agent, two browser contexts, talking.

The agent goes online, takes the customer's conversation, inserts a quick phrase by its shortcut,
is warned by the reply linter and sends anyway; the customer sees every reply without reloading.
"""

import pytest
from django.db import connections
from playwright.sync_api import expect

from kefu.chat.models import Conversation, Message
from kefu.core.shopsettings import shop_setting_set
from kefu.core.tests.browser import BROWSER_TEST
from kefu.helpcenter.tests.factories import ArticleFactory
from kefu.replies.models import LintOverride, QuickPhrase
from kefu.replies.tests.factories import QuickPhraseFactory

pytestmark = BROWSER_TEST


@pytest.fixture
def shop(make_user, open_hours, autoreplies):
    admin = make_user("boss", "管理员")
    agent = make_user("xiaomei", "客服", password="pw-kefu-123", first_name="小美")
    shop_setting_set(key="chat_poll_interval_seconds", value=1, by=admin)
    # the agent takes the chat from the waiting list herself (routing is tested in test_push.py)
    shop_setting_set(key="chat_auto_assign", value=False, by=admin)
    QuickPhraseFactory(text="{买家}您好，我是客服{客服}，您的面霜今天下午就发货哦", shortcut="fhx")
    ArticleFactory(title="几点前付款当天发货？", body="每天 16:30 前付款的订单当天发货。", tags=["发货"])
    return {"agent": agent}


def test_customer_and_agent_chat_with_a_quick_phrase_and_a_linter_warning(live_server, browser, shop):
    try:
        _chat(live_server, browser)
    finally:
        # The ORM calls ran in Playwright's greenlet with a connection of their own: close it, or
        # PostgreSQL cannot drop the test database.
        connections.close_all()


def _chat(live_server, browser):
    # The agent logs in, opens the console and goes online.
    agent = browser.new_context().new_page()
    agent.set_default_timeout(15_000)
    agent.goto(f"{live_server.url}/desk/login/")
    agent.fill("input[name=username]", "xiaomei")
    agent.fill("input[name=password]", "pw-kefu-123")
    agent.click("button[type=submit]")
    agent.goto(f"{live_server.url}/desk/chat/")
    agent.click("[data-presence=online]")
    expect(agent.locator("[data-presence=online]")).to_have_class("online on")

    # A customer on the help center opens the chat window: no account, nothing to fill in.
    customer = browser.new_context().new_page()
    customer.set_default_timeout(15_000)
    customer.goto(f"{live_server.url}/")
    customer.click(".kc-launch")
    expect(customer.locator(".kc-panel")).to_be_visible()
    expect(customer.locator(".kc-notice")).to_be_hidden()  # someone is on duty
    box = customer.locator(".kc-send textarea")
    box.fill("请问今天付款今天发货吗？<b>急</b>")
    box.press("Enter")
    expect(customer.locator(".kc-messages .mine .bubble").last).to_have_text(
        "请问今天付款今天发货吗？<b>急</b>"
    )
    expect(customer.locator(".kc-messages .auto .bubble")).to_contain_text("欢迎光临")

    # The agent sees the waiting customer without reloading, takes the conversation.
    waiting = agent.locator("#waiting-list li").first
    expect(waiting).to_contain_text("请问今天付款今天发货吗？<b>急</b>")
    waiting.click()
    pane = agent.locator(".cc-pane:not([hidden])")
    expect(pane.locator(".cc-messages .theirs .bubble").first).to_have_text(
        "请问今天付款今天发货吗？<b>急</b>"
    )
    expect(agent.locator("#mine-list li")).to_have_count(1)
    expect(customer.locator(".kc-state")).to_contain_text("小美")

    # The suggested article for the customer's wording is there.
    expect(agent.locator("#suggest-articles")).to_contain_text("几点前付款当天发货？")

    # "/" plus the shortcut offers the phrase; Enter inserts it with the placeholders filled.
    reply = pane.locator("textarea")
    reply.press_sequentially("/fhx", delay=30)
    expect(pane.locator(".cc-phrases li").first).to_contain_text("/fhx")
    reply.press("Enter")
    expect(reply).to_have_value("亲您好，我是客服小美，您的面霜今天下午就发货哦")
    reply.press("Enter")
    expect(customer.locator(".kc-messages .theirs .bubble").last).to_have_text(
        "亲您好，我是客服小美，您的面霜今天下午就发货哦"
    )
    assert QuickPhrase.objects.get(shortcut="fhx").use_count == 1

    # A forbidden wording: the linter warns with the better wording; the agent sends anyway.
    reply.fill("超过16:30就不能当天发了")
    reply.press("Enter")
    lint = pane.locator(".cc-lint")
    expect(lint).to_be_visible()
    expect(lint.locator(".hits")).to_contain_text("不能")
    assert not Message.objects.filter(text="超过16:30就不能当天发了").exists()
    lint.locator(".force-btn").click()
    expect(lint).to_be_hidden()
    expect(customer.locator(".kc-messages .theirs .bubble").last).to_have_text("超过16:30就不能当天发了")
    assert LintOverride.objects.count() == 1

    # The customer answers; the agent sees it arrive.
    box.fill("好的，谢谢")
    box.press("Enter")
    expect(pane.locator(".cc-messages .theirs .bubble").last).to_have_text("好的，谢谢")

    conversation = Conversation.objects.get()
    assert conversation.agent.username == "xiaomei"
    assert conversation.first_response_seconds is not None
    assert conversation.awaiting_since is not None  # the last customer message is not answered yet

    # A reload of the help center keeps the conversation (the cookie) and the window open.
    customer.goto(f"{live_server.url}/help/ask/")
    expect(customer.locator(".kc-messages .mine .bubble").last).to_have_text("好的，谢谢")
