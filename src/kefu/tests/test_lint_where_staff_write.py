"""What a customer will read is checked as staff write it: the answer to a customer question shows
the shop's reply-check warnings under the field, in the browser, before it is saved."""

import pytest
from django.db import connections
from playwright.sync_api import expect

from kefu.core.tests.browser import BROWSER_TEST
from kefu.helpcenter import services as helpcenter_services

pytestmark = BROWSER_TEST


def test_an_answer_to_a_customer_question_is_checked_as_it_is_typed(live_server, browser, make_user):
    make_user("xiaomei", "客服", password="pw-kefu-123", first_name="小美")
    question = helpcenter_services.question_submit(title="能便宜点吗", name="李女士", phone="13800138000")
    try:
        page = browser.new_page()
        page.set_default_timeout(15_000)
        page.goto(f"{live_server.url}/desk/login/")
        page.fill("input[name=username]", "xiaomei")
        page.fill("input[name=password]", "pw-kefu-123")
        page.click("button[type=submit]")
        page.goto(f"{live_server.url}/desk/help/questions/{question.pk}/")

        answer = page.locator("textarea[name=answer]").first
        answer.fill("亲，价格是统一的，我们不能改价哦")
        answer.dispatch_event("input")
        hints = page.locator(".lint-hints").first
        expect(hints).to_contain_text("不能")
        expect(hints).to_contain_text("建议")

        answer.fill("亲，价格是统一的，两件包邮更划算哦")
        answer.dispatch_event("input")
        expect(hints).to_have_text("")
    finally:
        connections.close_all()


@pytest.mark.django_db
def test_the_check_under_a_field_is_silent_while_all_is_well(login, agent):
    client = login(agent)
    quiet = client.post("/desk/replies/lint/", {"text": "亲，两件包邮更划算哦", "inline": "1"})
    loud = client.post("/desk/replies/lint/", {"text": "我们不能改价", "inline": "1"}, HTTP_HX_REQUEST="true")
    assert quiet.content == b""
    assert "不能" in loud.content.decode()


# Where staff write text that a customer reads, and the name of that field on the page.
CUSTOMER_TEXT_FIELDS = [
    ("replies:phrase_add", "text", "agent"),
    ("replies:autoreply", "first_message-text", "supervisor"),
    ("replies:autoreply", "off_hours-text", "supervisor"),
    ("replies:autoreply", "promo-text", "supervisor"),
    ("replies:autoreply", "promo-offer", "supervisor"),
    ("customers:notices", "template", "supervisor"),
    ("team:promotions", "auto_reply", "supervisor"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("page", "field", "who"), CUSTOMER_TEXT_FIELDS)
def test_text_a_customer_will_read_is_checked_where_it_is_written(page, field, who, login, request):
    import re

    from django.urls import reverse

    html = login(request.getfixturevalue(who)).get(reverse(page)).content.decode()
    textarea = re.search(rf'<textarea[^>]*name="{field}"[^>]*>', html)
    assert textarea, f"{page} has no field {field}"
    assert "data-lint" in textarea.group(0)
