"""The replies pages in Chromium: the live reply check, a phrase added and found, promotion mode on."""

from kefu.core.tests.browser import BROWSER_TEST
from kefu.replies.models import QuickPhrase
from kefu.replies.selectors import autoreply_text

pytestmark = BROWSER_TEST


def _login(browser, live_server, username):
    page = browser.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/desk/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pw-kefu-123")
    page.click("button[type=submit]")
    return page


def test_an_agent_checks_a_reply_as_she_types_and_keeps_her_own_phrase(live_server, browser, make_user):
    from django.db import connections

    make_user("xiaomei", "客服", first_name="小美")
    try:
        _agent_flow(live_server, browser)
    finally:
        connections.close_all()


def _agent_flow(live_server, browser):
    from playwright.sync_api import expect

    page = _login(browser, live_server, "xiaomei")
    page.goto(f"{live_server.url}/desk/replies/lint/")  # the check page (no longer a tab of hers)
    page.fill("input[name=customer_message]", "在吗")
    page.locator("textarea[name=text]").press_sequentially("在", delay=20)
    expect(page.locator("#lint-result")).to_contain_text("您好，请问有什么可以帮助您的吗？")
    page.locator("textarea[name=text]").fill("")
    page.locator("textarea[name=text]").press_sequentially("亲，这个我不能改哦", delay=20)
    expect(page.locator("#lint-result mark.hit")).to_have_text("我不能")
    expect(page.locator("#lint-result")).to_contain_text("看看我能帮您做些什么")
    page.locator("textarea[name=text]").fill("")
    page.locator("textarea[name=text]").press_sequentially("这款面料不会褪色，请放心", delay=20)
    expect(page.locator("#lint-result")).to_contain_text("没有发现禁用说法")

    page.click("nav.mainnav >> text=快捷短语")
    page.click("text=+ 新建短语")
    expect(page.locator("input[name=scope]")).to_have_count(0)  # an agent only makes her own
    page.locator("textarea[name=text]").press_sequentially("这个不能改", delay=20)
    expect(page.locator("#phrase-lint")).to_contain_text("看看我能为您做些什么")
    page.fill("textarea[name=text]", "亲，我是{客服}，有问题随时找我哦😊")
    expect(page.locator("#phrase-lint")).to_contain_text("没有发现禁用说法")
    page.fill("input[name=shortcut]", "wo")
    page.fill("input[name=group]", "自我介绍")
    page.click("form.form button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("已添加快捷短语")
    page.click("text=我的短语")
    expect(page.locator("section.panel h2").first).to_contain_text("自我介绍")
    assert QuickPhrase.objects.get(shortcut="wo").owner.username == "xiaomei"


def test_a_supervisor_switches_on_promotion_mode(live_server, browser, make_user):
    from django.db import connections

    make_user("wang", "主管", first_name="王主管")
    try:
        _supervisor_flow(live_server, browser)
    finally:
        connections.close_all()


def _supervisor_flow(live_server, browser):
    from playwright.sync_api import expect

    page = _login(browser, live_server, "wang")
    page.click("nav.mainnav >> text=自动回复")
    form = page.locator("#promotion form")
    form.locator("input[name=promo-is_enabled]").check()
    form.locator("input[name=promo-name]").fill("双11大促")
    form.locator("textarea[name=promo-offer]").fill("全场5折包邮")
    form.locator("textarea[name=promo-text]").fill("亲，{活动名称}进行中：{活动内容}！")
    form.locator("button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("大促模式已保存")
    expect(page.locator("#promotion .preview")).to_have_text("亲，双11大促进行中：全场5折包邮！")
    expect(page.locator("#promotion .on-off")).to_have_text("进行中")
    assert autoreply_text(trigger="first_message") == "亲，双11大促进行中：全场5折包邮！"
