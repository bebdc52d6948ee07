"""One operation, one form: a refused step shows the case page again with what was typed, and the
page and the API turn the same bad input away with the same field errors."""

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from kefu.aftersales import services
from kefu.aftersales.models import AfterSalesCase, CaseState, Complaint
from kefu.core.operations import form_errors
from kefu.customers.models import Satisfaction

pytestmark = pytest.mark.django_db


def _api(user) -> APIClient:
    c = APIClient()
    c.force_authenticate(user)
    return c


def test_a_refund_over_the_limit_shows_the_page_again_with_the_amount_typed(
    login, aftersales_agent, make_case
):
    case = make_case(amount="129.00")
    case = services.case_agree(case=case, by=aftersales_agent)
    case = services.case_return_shipped(case=case, by=aftersales_agent, waybill="SF1", method="express")
    case = services.case_receive(case=case, by=aftersales_agent)
    services.case_inspect(case=case, by=aftersales_agent, condition="完好", result="accepted")

    response = login(aftersales_agent).post(
        f"/desk/aftersales/cases/{case.pk}/refund/",
        {"amount": "999", "channel": "alipay", "rights_protection": "on"},
    )

    assert response.status_code == 400
    form = response.context["af"]["refund"]
    assert "退款金额不能超过" in str(form.errors["amount"])
    body = response.content.decode()
    assert 'name="amount" value="999"' in body
    assert '<option value="alipay" selected>' in body
    assert 'id="action-refund" open' in body
    case.refresh_from_db()
    assert case.state == CaseState.REFUND_PENDING and case.refund_amount is None


def test_a_refusal_after_a_colleague_agreed_keeps_the_reason_typed(login, aftersales_agent, make_case):
    case = make_case()
    services.case_agree(case=case, by=aftersales_agent)  # a colleague was quicker

    response = login(aftersales_agent).post(
        f"/desk/aftersales/cases/{case.pk}/refuse/", {"reason": "买家描述与实物不符"}
    )

    assert response.status_code == 400
    body = response.content.decode()
    assert "不能执行此操作" in body and "买家描述与实物不符" in body
    assert 'id="action-refuse" open' in body
    assert AfterSalesCase.objects.get(pk=case.pk).state == CaseState.AWAITING_RETURN


def test_the_buyers_changed_request_is_its_own_form(login, aftersales_agent, make_case):
    case = make_case()
    services.case_refuse(case=case, by=aftersales_agent, reason="已超过七天")
    client = login(aftersales_agent)

    bad = client.post(
        f"/desk/aftersales/cases/{case.pk}/request-modified/", {"refund_requested": "很多", "note": "改金额"}
    )
    assert bad.status_code == 400 and "refund_requested" in bad.context["af"]["modified"].errors
    assert 'value="改金额"' in bad.content.decode()

    ok = client.post(
        f"/desk/aftersales/cases/{case.pk}/request-modified/", {"refund_requested": "60", "note": "改金额"}
    )
    assert ok.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.REQUESTED and str(case.refund_requested) == "60.00"


def test_the_detail_pages_only_show_and_post_to_the_operations_own_urls(login, supervisor, make_case):
    case = make_case()
    complaint = services.complaint_create(
        by=supervisor, customer_name="王女士", channel="phone", problem="漏液", phone="139"
    )
    review = services.review_record(
        by=supervisor, buyer_nick="tb_r", rating="bad", reviewed_at=timezone.now()
    )
    client = login(supervisor)
    for url, operations in (
        (f"/desk/aftersales/cases/{case.pk}/", ("agree", "refuse", "close", "photos", "edit")),
        (f"/desk/aftersales/complaints/{complaint.pk}/", ("update", "sign-off", "steps", "close")),
        (f"/desk/aftersales/reviews/{review.pk}/", ("close", "postpone")),
    ):
        body = client.get(url).content.decode()
        assert 'name="action"' not in body.split('id="item-panel"')[0]
        for op in operations:
            assert f'action="{url}{op}/"' in body
        assert client.post(url).status_code == 405


CASE_BAD_INPUT = [
    ("refuse", "refuse", {"reason": ""}),
    ("return-shipped", "return_shipped", {"waybill": "", "method": "camel"}),
    ("inspect", "inspect", {"condition": "完好", "result": "looks fine"}),
    ("refund", "refund", {"amount": "十块", "channel": "platform"}),
    ("close", "close", {"reason": "太" * 256}),
    ("request-modified", "modified", {"refund_requested": "-1"}),
]


@pytest.mark.parametrize(("path", "name", "payload"), CASE_BAD_INPUT, ids=[c[0] for c in CASE_BAD_INPUT])
def test_page_and_api_turn_away_the_same_case_input_alike(
    login, aftersales_agent, make_case, path, name, payload
):
    case = make_case()

    page = login(aftersales_agent).post(f"/desk/aftersales/cases/{case.pk}/{path}/", payload)
    api = _api(aftersales_agent).post(f"/api/v1/aftersales/cases/{case.pk}/{path}/", payload, format="json")

    assert page.status_code == 400 and api.status_code == 400
    page_errors = form_errors(page.context["af"][name])
    assert page_errors and api.json() == page_errors
    assert AfterSalesCase.objects.get(pk=case.pk).state == CaseState.REQUESTED


def test_page_and_api_turn_away_the_same_complaint_and_review_input_alike(login, supervisor):
    complaint = services.complaint_create(
        by=supervisor, customer_name="王女士", channel="phone", problem="漏液", phone="139"
    )
    review = services.review_record(
        by=supervisor, buyer_nick="tb_r", rating="bad", reviewed_at=timezone.now()
    )
    client, api = login(supervisor), _api(supervisor)
    for page_url, api_url, payload, context_key in (
        (
            f"/desk/aftersales/complaints/{complaint.pk}/close/",
            f"/api/v1/aftersales/complaints/{complaint.pk}/close/",
            {"satisfaction": "so-so"},
            "close_form",
        ),
        (
            f"/desk/aftersales/complaints/{complaint.pk}/update/",
            f"/api/v1/aftersales/complaints/{complaint.pk}/",
            {"promised_reply_at": "明天下午"},
            "progress",
        ),
        (
            f"/desk/aftersales/reviews/{review.pk}/close/",
            f"/api/v1/aftersales/reviews/{review.pk}/close/",
            {"outcome": "forgotten"},
            "close_form",
        ),
        (
            f"/desk/aftersales/reviews/{review.pk}/postpone/",
            f"/api/v1/aftersales/reviews/{review.pk}/postpone/",
            {"reason": ""},
            "postpone_form",
        ),
    ):
        page = client.post(page_url, payload)
        send = api.patch if api_url.endswith(f"/complaints/{complaint.pk}/") else api.post
        answer = send(api_url, payload, format="json")
        assert page.status_code == 400 and answer.status_code == 400, page_url
        assert answer.json() == form_errors(page.context[context_key]), page_url
    assert Complaint.objects.get(pk=complaint.pk).closed_at is None
    review.refresh_from_db()
    assert review.closed_at is None and review.postponed_count == 0


def test_the_api_still_takes_the_complaint_lines_known_at_registration(aftersales_agent):
    r = _api(aftersales_agent).post(
        "/api/v1/aftersales/complaints/",
        {
            "customer_name": "李先生",
            "buyer_nick": "tb_li",
            "channel": "phone",
            "problem": "少发一支",
            "first_judgement": "仓库漏发",
            "department": "仓库",
        },
        format="json",
    )
    assert r.status_code == 201, r.json()
    assert (r.json()["first_judgement"], r.json()["department"]) == ("仓库漏发", "仓库")


def test_closing_a_complaint_records_the_follow_up_from_the_page(login, aftersales_agent):
    complaint = services.complaint_create(
        by=aftersales_agent, customer_name="王女士", channel="phone", problem="漏液", phone="139"
    )
    services.complaint_update(complaint=complaint, by=aftersales_agent, proposed_handling="补发一支")
    r = login(aftersales_agent).post(
        f"/desk/aftersales/complaints/{complaint.pk}/close/",
        {"satisfaction": "satisfied", "follow_up": "已补发"},
    )
    assert r.status_code == 302
    complaint.refresh_from_db()
    assert complaint.closed_at and complaint.follow_up == "已补发"

    # the closed complaint offers the customer's own survey: her score reaches the figures
    page = login(aftersales_agent).get(f"/desk/aftersales/complaints/{complaint.pk}/")
    survey = page.context["survey_url"]
    assert survey and survey in page.content.decode()
    answered = Client().post(survey, {"score": "4", "comment": "处理很快"})
    assert answered.status_code in (200, 302)
    assert Satisfaction.objects.filter(kind="complaint", source_id=complaint.pk, score=4).exists()


def test_the_case_page_offers_the_shops_exclusions_and_refuses_others(login, aftersales_agent, make_case):
    case = make_case()
    client = login(aftersales_agent)
    page = client.get(f"/desk/aftersales/cases/{case.pk}/").content.decode()
    assert '<option value="定制商品">定制商品</option>' in page

    bad = client.post(
        f"/desk/aftersales/cases/{case.pk}/edit/", {"order_number": case.order_number, "exclusion": "奢侈品"}
    )
    assert bad.status_code == 400 and "exclusion" in bad.context["edit_form"].errors
    assert (
        client.post(
            f"/desk/aftersales/cases/{case.pk}/edit/",
            {"order_number": case.order_number, "exclusion": "定制商品"},
        ).status_code
        == 302
    )
    case.refresh_from_db()
    assert case.exclusion == "定制商品"
