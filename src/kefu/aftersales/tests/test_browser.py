"""An after-sales case end to end in Chromium: registered from an order, taken from the inbox,
agreed, returned, inspected and refunded, with the postage rule and the history on the page."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connections
from django.utils import timezone
from playwright.sync_api import expect

from kefu.aftersales import services
from kefu.aftersales.models import AfterSalesCase, CaseState
from kefu.aftersales.tests.factories import OrderFactory
from kefu.core.tests.browser import BROWSER_TEST

pytestmark = BROWSER_TEST


@pytest.fixture
def shop(make_user):

    make_user("xiaoli", "售后", password="pw-kefu-123", first_name="小李")
    return OrderFactory(
        number="20261128000123", buyer_nick="tb_chen2024", postage=Decimal("0"), paid_amount=Decimal("129.00")
    )


def test_an_aftersales_case_from_registration_to_refund(live_server, browser, shop):

    try:
        _case_from_registration_to_refund(live_server, browser, shop)
    finally:
        # Playwright's greenlet gave the ORM calls a connection of their own: close it, or
        # PostgreSQL cannot drop the test database.
        connections.close_all()


def _case_from_registration_to_refund(live_server, browser, order):

    page = browser.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/desk/login/")
    page.fill("input[name=username]", "xiaoli")
    page.fill("input[name=password]", "pw-kefu-123")
    page.click("button[type=submit]")

    # Register a no-reason return from the order number; the order's fields come with it.
    page.click("nav.mainnav >> text=工作待办")
    page.click("text=登记售后")
    page.select_option("select[name=kind]", "return_refund")
    page.fill("input[name=order_number]", order.number)
    page.fill("input[name=reason]", "不喜欢香味")
    page.fill("input[name=return_postage]", "10")
    page.click("#case-form button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("售后单已登记")
    expect(page.locator("#case-state")).to_have_text("待卖家处理")
    expect(page.locator("body")).to_contain_text("玻尿酸补水面霜 50ml")
    # Shipped free and not a quality problem: each side pays its own leg.
    expect(page.locator("#postage-payer")).to_contain_text("各自承担发货运费")
    expect(page.locator("#seller-owes")).to_have_text("¥0")

    # Back in the inbox it waits unassigned; take it there (htmx swaps the row).
    page.click("nav.mainnav >> text=工作待办")
    row = page.locator("#inbox tbody tr", has_text="玻尿酸补水面霜").first
    expect(row).to_contain_text("待领取")
    row.locator("button", has_text="领取").click()
    expect(page.locator("#inbox tbody tr", has_text="玻尿酸补水面霜").first).to_contain_text("小李")
    page.locator("#inbox a", has_text="退货退款").first.click()
    expect(page.locator("#item-owner")).to_contain_text("小李")

    # Agree, the buyer sends it back, it arrives, it is inspected, the refund is registered.
    page.click("#action-agree")
    expect(page.locator("#case-state")).to_have_text("待买家退货")
    expect(page.locator("#item-state")).to_have_text("等待买家")
    shipped = page.locator("#action-return_shipped")
    shipped.locator("input[name=waybill]").fill("SF1300998877")
    shipped.locator("input[name=courier]").fill("顺丰速运")
    shipped.locator("button[type=submit]").click()
    expect(page.locator("#case-state")).to_have_text("买家已退货，待卖家收货")
    expect(page.locator("#timeline")).to_contain_text("卖家须在此前确认收货")
    page.click("#action-receive")
    inspect = page.locator("#action-inspect")
    inspect.locator("input[name=condition]").fill("未拆封，包装完好")
    inspect.locator("select[name=result]").select_option("accepted")
    inspect.locator("button[type=submit]").click()
    expect(page.locator("#inspection")).to_contain_text("未拆封，包装完好")
    expect(page.locator("#case-state")).to_have_text("待退款")

    refund = page.locator("#action-refund")
    refund.locator("input[name=amount]").fill("999")
    refund.locator("button[type=submit]").click()
    expect(page.locator("#action-refund .errorlist")).to_contain_text("退款金额不能超过")
    expect(page.locator("#action-refund input[name=amount]")).to_have_value("999")
    refund = page.locator("#action-refund")
    refund.locator("input[name=amount]").fill("129")
    refund.locator("select[name=channel]").select_option("platform")
    refund.locator("button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("退款已登记")
    expect(page.locator("#case-state")).to_have_text("已退款")
    expect(page.locator("#refund")).to_contain_text("¥129")
    history = page.locator("#history")
    for label in ("登记售后", "领取", "同意", "买家已退货", "确认收到退货", "验货登记", "退款登记"):
        expect(history).to_contain_text(label)

    case = AfterSalesCase.objects.get()
    assert case.state == CaseState.REFUNDED and case.refund_amount == Decimal("129.00")
    assert case.order_id == order.pk


def test_saving_a_case_in_the_chinese_desk_keeps_its_dates(live_server, browser, make_user):
    """A date input in the Chinese UI is filled with the ISO date the browser understands, so
    saving another field of the form leaves 购买日期 and 买家签收时间 as they were."""
    agent = make_user("xiaozhou", "售后", password="pw-kefu-123", first_name="小周")
    case = services.case_create(
        by=agent,
        kind="return_refund",
        buyer_nick="tb_lin",
        purchase_date=dt.date(2026, 11, 20),
        received_by_buyer_at=timezone.make_aware(dt.datetime(2026, 11, 23, 14, 5)),
        reason="不喜欢香味",
    )
    try:
        page = browser.new_page(locale="zh-CN")
        page.set_default_timeout(15_000)
        page.goto(f"{live_server.url}/desk/login/")
        page.fill("input[name=username]", "xiaozhou")
        page.fill("input[name=password]", "pw-kefu-123")
        page.click("button[type=submit]")
        page.goto(f"{live_server.url}/desk/aftersales/cases/{case.pk}/")
        expect(page.locator("html")).to_have_attribute("lang", "zh-hans")

        page.click("#action-update summary")
        form = page.locator("#action-update form")
        expect(form.locator("input[name=purchase_date]")).to_have_value("2026-11-20")
        form.locator("textarea[name=details]").fill("瓶盖有裂纹，客户发来了照片")
        form.locator("button[type=submit]").click()
        expect(page.locator(".messages")).to_be_visible()

        case.refresh_from_db()
        assert case.details == "瓶盖有裂纹，客户发来了照片"
        assert case.purchase_date == dt.date(2026, 11, 20)
        assert timezone.localtime(case.received_by_buyer_at).replace(tzinfo=None) == dt.datetime(
            2026, 11, 23, 14, 5
        )
    finally:
        connections.close_all()
