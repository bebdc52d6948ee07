"""The help center end to end in Chromium: a customer asks, a supervisor publishes, the customer finds it."""

import re

import pytest

from kefu.core.roles import ADMIN
from kefu.core.tests.browser import BROWSER_TEST
from kefu.helpcenter import services
from kefu.helpcenter.models import Article, Question

pytestmark = BROWSER_TEST


@pytest.fixture
def stocked(make_user):
    """A shop's help center stocked through the services, and an agent who can log in."""
    admin = make_user("boss", ADMIN)
    agent = make_user("xiaomei", "主管", password="pw-kefu-123", first_name="小美")
    order = services.category_create(name="产品订购", by=admin)
    faq = services.category_create(name="常见问题", by=admin)
    services.article_create(
        category=order, title="几点前付款当天发货？", body="每天 **16:30 前付款** 的订单当天发货。", by=admin
    )
    services.article_create(
        category=order, title="默认发什么快递？", body="默认申通快递，可指定顺丰。", by=admin
    )
    services.article_create(
        category=faq, title="面霜的保质期是多久？", body="未开封三年，开封后一年内用完。", by=admin
    )
    return {"agent": agent, "faq": faq}


def test_customer_asks_agent_publishes_customer_finds_it(live_server, browser, stocked):
    from django.db import connections

    try:
        _customer_asks_agent_publishes_customer_finds_it(live_server, browser, stocked)
    finally:
        # Playwright's sync API runs this test in a greenlet with its own context, so the ORM calls
        # above opened a connection of their own: close it, or PostgreSQL cannot drop the test database.
        connections.close_all()


def _customer_asks_agent_publishes_customer_finds_it(live_server, browser, stocked):
    from playwright.sync_api import expect

    customer = browser.new_page()
    customer.set_default_timeout(15_000)

    # The customer searches first and finds nothing about taking cream on a plane.
    customer.goto(f"{live_server.url}/")
    customer.fill("input[name=q]", "发货")
    customer.press("input[name=q]", "Enter")
    expect(customer.locator(".results mark").first).to_have_text("发货")
    expect(customer.locator(".results h3 a").first).to_contain_text("几点前付款当天发货")

    customer.fill("input[name=q]", "飞机")
    customer.press("input[name=q]", "Enter")
    expect(customer.locator(".empty")).to_contain_text("没有找到")
    customer.click("text=提交问题，客服为您解答")

    # While typing the title, articles that may already answer it show up.
    title = customer.locator("input[name=title]")
    expect(title).to_have_value("飞机")
    title.fill("")
    title.press_sequentially("面霜保质期多久，能带上飞机吗", delay=20)
    expect(customer.locator("#suggestions")).to_contain_text("面霜的保质期是多久？")

    customer.fill("textarea[name=details]", "下周出差，想带一瓶 50ml 的面霜。")
    customer.fill("input[name=name]", "陈小姐")
    customer.fill("input[name=im_id]", "tb_chen2024")
    customer.click("form.form button[type=submit]")
    expect(customer.locator(".notice")).to_contain_text("请收藏这个链接")
    private_url = customer.url
    assert re.search(r"/help/q/[\w-]{20,}/", private_url)
    expect(customer.locator(".status")).to_have_text("待处理")
    question = Question.objects.get()
    assert question.title == "面霜保质期多久，能带上飞机吗"

    # An agent logs in, opens the question and publishes it with an edited title and answer.
    staff = browser.new_page()
    staff.set_default_timeout(15_000)
    staff.goto(f"{live_server.url}/desk/login/")
    staff.fill("input[name=username]", "xiaomei")
    staff.fill("input[name=password]", "pw-kefu-123")
    staff.click("button[type=submit]")
    staff.click("nav.mainnav >> text=客户问题")
    expect(staff.locator("#badge-new_questions")).to_have_text("1")
    staff.click("text=面霜保质期多久，能带上飞机吗")
    publish = staff.locator("#publish-form")
    expect(publish.locator("input[name=title]")).to_have_value("面霜保质期多久，能带上飞机吗")
    expect(publish.locator("textarea[name=answer]")).to_have_value("")
    publish.locator("input[name=title]").fill("面霜可以带上飞机吗？")
    publish.locator("textarea[name=answer]").fill("可以。单瓶不超过 **100ml** 的面霜可以随身带上飞机。")
    publish.locator("select[name=category]").select_option(label="常见问题")
    publish.locator("text=预览").click()
    expect(staff.locator("#publish-preview strong")).to_have_text("100ml")
    publish.locator("button[type=submit]").click()
    expect(staff.locator(".messages")).to_contain_text("已发布为文章")
    article = Article.objects.get(title="面霜可以带上飞机吗？")
    assert article.category == stocked["faq"]

    # Back on the private page the customer is pointed to the article, and search now finds it.
    customer.goto(private_url)
    expect(customer.locator(".status")).to_have_text("已发布为文章")
    customer.goto(f"{live_server.url}/")
    customer.fill("input[name=q]", "飞机")
    customer.press("input[name=q]", "Enter")
    first = customer.locator(".results h3 a").first
    expect(first).to_have_text("面霜可以带上飞机吗？")
    first.click()
    expect(customer.locator(".article-body strong")).to_have_text("100ml")
    expect(customer.locator("body")).not_to_contain_text("下周出差")

    # And tells us it helped.
    customer.click("button[value=true]")
    expect(customer.locator("#feedback")).to_contain_text("感谢您的反馈")
    article.refresh_from_db()
    assert article.helpful_yes == 1
