"""The pages: a case from registration to refund through forms, complaints, reviews,
customers and the blacklist flag; permissions as the pages show them."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kefu.aftersales import services
from kefu.aftersales.models import AfterSalesCase, CaseKind, CaseState, Complaint
from kefu.aftersales.tests.conftest import work_of
from kefu.aftersales.tests.factories import OrderFactory
from kefu.customers.tests.factories import BlacklistedCustomerFactory

pytestmark = pytest.mark.django_db


def test_a_case_from_registration_to_refund_through_the_pages(login, aftersales_agent):
    order = OrderFactory(number="20261125000777", buyer_nick="tb_chen")
    client = login(aftersales_agent)
    response = client.post(
        "/desk/aftersales/cases/new/",
        {"kind": "return_refund", "order_number": "20261125000777", "reason": "不喜欢", "priority": 2},
    )
    case = AfterSalesCase.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/desk/aftersales/cases/{case.pk}/"
    assert case.order == order and case.item_title == "玻尿酸补水面霜 50ml"
    page = client.get(f"/desk/aftersales/cases/{case.pk}/").content.decode()
    assert "买家承担来回运费" in page and "同意退货" in page
    url = f"/desk/aftersales/cases/{case.pk}/"
    assert client.post(f"{url}agree/").status_code == 302
    assert (
        client.post(f"{url}return-shipped/", {"waybill": "SF778899", "method": "express"}).status_code == 302
    )
    assert client.post(f"{url}receive/").status_code == 302
    photo = SimpleUploadedFile("return.png", b"\x89PNG\r\n\x1a\n", content_type="image/png")
    assert (
        client.post(
            f"{url}inspect/", {"condition": "未拆封", "result": "accepted", "photo": photo}
        ).status_code
        == 302
    )
    # A bad amount keeps the form with the error beside the field.
    bad = client.post(f"{url}refund/", {"amount": "999", "channel": "platform"})
    assert bad.status_code == 400 and "退款金额不能超过" in bad.content.decode()
    assert client.post(f"{url}refund/", {"amount": "129", "channel": "platform"}).status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.REFUNDED and case.photos.count() == 1
    page = client.get(url).content.decode()
    assert "退款登记" in page and "¥129" in page
    assert client.get(f"/desk/aftersales/photos/{case.photos.get().pk}/").status_code == 200


def test_the_case_form_keeps_what_was_typed_on_error(login, agent):
    response = login(agent).post(
        "/desk/aftersales/cases/new/", {"kind": "refund_only", "item_title": "面膜一盒"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "面膜一盒" in body and "请填写订单编号" in body
    assert not AfterSalesCase.objects.exists()


def test_a_blacklisted_buyer_is_flagged_on_the_case_and_the_list(login, aftersales_agent, make_case):
    BlacklistedCustomerFactory(buyer_nick="tb_cheater")
    case = make_case(buyer_nick="tb_cheater")
    client = login(aftersales_agent)
    assert 'id="blacklist-flag"' in client.get(f"/desk/aftersales/cases/{case.pk}/").content.decode()
    assert "flag-black" in client.get("/desk/aftersales/cases/").content.decode()


def test_an_agent_sees_no_refund_button_and_is_refused(login, agent, make_case):
    case = make_case()
    client = login(agent)
    response = client.post(f"/desk/aftersales/cases/{case.pk}/agree/", follow=True)
    assert "没有权限" in response.content.decode()
    assert AfterSalesCase.objects.get(pk=case.pk).state == CaseState.REQUESTED


def test_a_complaint_page_walks_the_steps(login, aftersales_agent, supervisor):
    client = login(aftersales_agent)
    response = client.post(
        "/desk/aftersales/complaints/new/",
        {"customer_name": "王女士", "phone": "13900002222", "channel": "phone", "problem": "面霜漏液"},
    )
    complaint = Complaint.objects.get()
    url = f"/desk/aftersales/complaints/{complaint.pk}/"
    assert response["Location"] == url
    page = client.get(url).content.decode()
    for step in ("安抚买家", "查明原因", "表明立场", "全力解决", "真诚道歉", "感谢理解", "部门领导签字"):
        assert step in page
    r = client.post(f"{url}steps/", {"step": "calm", "done": "on"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and 'id="quick-steps"' in r.content.decode()
    assert (
        client.post(
            f"{url}update/",
            {
                "first_judgement": "运输挤压",
                "department": "品质部",
                "promised_reply_at": "2026-12-01T17:00",
            },
        ).status_code
        == 302
    )
    complaint.refresh_from_db()
    assert complaint.first_judgement == "运输挤压" and complaint.quick_steps == ["calm"]
    # Only a supervisor signs.
    client.post(f"{url}sign-off/")
    assert Complaint.objects.get().signed_off_at is None
    login(supervisor).post(f"{url}sign-off/")
    assert Complaint.objects.get().signed_off_by == supervisor
    bad = client.post(f"{url}close/", {"satisfaction": "satisfied"})
    assert bad.status_code == 400 and "处理意见" in bad.content.decode()


def test_an_agent_cannot_close_a_bad_review_from_the_page(login, agent, supervisor):
    review = services.review_record(by=agent, buyer_nick="tb_r", rating="bad", reviewed_at=timezone.now())
    url = f"/desk/aftersales/reviews/{review.pk}/"
    page = login(agent).get(url).content.decode()
    assert "客服无权处理中差评" in page and 'id="review-close"' not in page
    login(agent).post(f"{url}close/", {"outcome": "changed"})
    review.refresh_from_db()
    assert review.closed_at is None
    login(supervisor).post(f"{url}close/", {"outcome": "changed"})
    review.refresh_from_db()
    assert review.closed_at and work_of("review", review)["state"] == "done"


def test_review_form_records_and_lists(login, agent):
    client = login(agent)
    response = client.post(
        "/desk/aftersales/reviews/new/",
        {
            "buyer_nick": "tb_new",
            "rating": "neutral",
            "text": "一般般",
            "reviewed_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 302
    assert "一般般" in client.get("/desk/aftersales/reviews/").content.decode()


def test_pages_need_the_service_team(client, make_user):
    assert client.get("/desk/aftersales/cases/").status_code == 302
    outsider = make_user("visitor")
    client.force_login(outsider)
    assert client.get("/desk/aftersales/cases/").status_code == 403
    assert client.get("/desk/customers/").status_code == 403


def test_the_complaint_form_saves_each_line_filled_and_keeps_the_rest(login, aftersales_agent):
    complaint = services.complaint_create(
        by=aftersales_agent, customer_name="王女士", channel="phone", problem="漏液", phone="13900002222"
    )
    complaint = services.complaint_update(
        complaint=complaint, by=aftersales_agent, first_judgement="运输挤压"
    )
    url = f"/desk/aftersales/complaints/{complaint.pk}/"
    page = login(aftersales_agent).get(url).content.decode()
    assert "运输挤压" in page
    login(aftersales_agent).post(
        f"{url}update/",
        {"first_judgement": "运输挤压", "department": "品质部", "cause": "外箱受压"},
    )
    complaint.refresh_from_db()
    assert (complaint.first_judgement, complaint.department, complaint.cause) == (
        "运输挤压",
        "品质部",
        "外箱受压",
    )


def test_a_case_photo_over_the_image_ceiling_is_refused(login, aftersales_agent, make_case, settings):
    settings.KEFU_MAX_UPLOAD_MB = {**settings.KEFU_MAX_UPLOAD_MB, "image": 1}
    case = make_case(kind=CaseKind.RESHIPMENT, damage="signed_photos")
    big = SimpleUploadedFile(
        "broken.jpg", b"\xff\xd8" + b"\0" * (1024 * 1024 + 10), content_type="image/jpeg"
    )
    response = login(aftersales_agent).post(
        f"/desk/aftersales/cases/{case.pk}/photos/", {"purpose": "damage", "image": big}
    )
    assert response.status_code in (302, 400)
    assert case.photos.count() == 0


def test_a_complaint_record_and_a_case_can_be_printed(login, aftersales_agent, make_case):
    complaint = services.complaint_create(
        by=aftersales_agent, customer_name="王女士", channel="phone", problem="漏液", phone="139"
    )
    client = login(aftersales_agent)
    for url in (f"/desk/aftersales/complaints/{complaint.pk}/", f"/desk/aftersales/cases/{make_case().pk}/"):
        assert "data-print" in client.get(url).content.decode()
    stylesheet = (Path(settings.BASE_DIR) / "core" / "static" / "kefu" / "kefu.css").read_text()
    printing = stylesheet[stylesheet.rindex("@media print") :]
    assert ".topbar" in printing and ".no-print" in printing
