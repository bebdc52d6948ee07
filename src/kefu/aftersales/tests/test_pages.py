"""The pages: the inbox, a case from registration to refund through forms, complaints, reviews,
customers and the blacklist flag; permissions as the pages show them."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kefu.aftersales import services
from kefu.aftersales.models import AfterSalesCase, CaseKind, CaseState, Complaint, WorkItem, WorkState
from kefu.aftersales.tests.factories import OrderFactory
from kefu.customers.tests.factories import BlacklistedCustomerFactory
from kefu.helpcenter.tests.factories import QuestionFactory

pytestmark = pytest.mark.django_db


def test_the_inbox_lists_every_kind_and_a_new_question_at_once(
    login, aftersales_agent, make_case, supervisor
):
    make_case(kind=CaseKind.RESHIPMENT, item_title="面霜补发")
    services.complaint_create(
        by=aftersales_agent, customer_name="王女士", channel="phone", problem="漏液", phone="139"
    )
    services.review_record(
        by=aftersales_agent, buyer_nick="tb_r", rating="bad", text="太慢", reviewed_at=timezone.now()
    )
    QuestionFactory(title="什么时候发货呀")
    response = login(aftersales_agent).get("/desk/aftersales/")
    body = response.content.decode()
    assert response.status_code == 200
    for text in ("面霜补发", "投诉：漏液", "差评：太慢", "什么时候发货呀", "需主管"):
        assert text in body
    assert 'id="badge-inbox_waiting"' in body


def test_the_inbox_filters_by_kind_and_overdue(login, aftersales_agent, make_case):
    late = make_case(kind=CaseKind.PROBLEM_PARCEL, item_title="超时的问题件").item
    WorkItem.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(hours=2))
    make_case(kind=CaseKind.RESHIPMENT, item_title="按时的补发")
    client = login(aftersales_agent)
    body = client.get("/desk/aftersales/?due=overdue").content.decode()
    assert "超时的问题件" in body and "按时的补发" not in body and "已超时" in body
    body = client.get("/desk/aftersales/?kind=complaint").content.decode()
    assert "超时的问题件" not in body


def test_taking_from_the_inbox_with_htmx_swaps_the_row(login, aftersales_agent, make_case):
    item = make_case().item
    response = login(aftersales_agent).post(
        f"/desk/aftersales/items/{item.pk}/action/", {"action": "take"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert f'id="item-{item.pk}"' in response.content.decode() and "小李" in response.content.decode()
    assert WorkItem.objects.get(pk=item.pk).owner == aftersales_agent


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
    assert review.closed_at and review.item.state == WorkState.DONE


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


def test_customer_pages_and_the_supervisors_lift(login, agent, supervisor):
    customer = BlacklistedCustomerFactory(name="赵先生")
    assert "赵先生" in login(agent).get("/desk/customers/?blacklisted=1").content.decode()
    url = f"/desk/customers/{customer.pk}/"
    assert "只有主管" in login(agent).get(url).content.decode()
    login(agent).post(url, {"action": "lift", "reason": "误判"})
    customer.refresh_from_db()
    assert customer.blacklisted
    login(supervisor).post(url, {"action": "lift", "reason": "核实误判"})
    customer.refresh_from_db()
    assert not customer.blacklisted


def test_pages_need_the_service_team(client, make_user):
    assert client.get("/desk/aftersales/").status_code == 302
    outsider = make_user("visitor")
    client.force_login(outsider)
    assert client.get("/desk/aftersales/").status_code == 403
    assert client.get("/desk/customers/").status_code == 403


def test_the_demo_desk_loads_cases_of_each_kind_and_a_blacklisted_customer():
    from kefu.aftersales import demo
    from kefu.customers.selectors import blacklist_entry_for

    report = demo.load()
    assert "售后单" in report
    kinds = set(AfterSalesCase.objects.values_list("kind", flat=True))
    assert kinds == set(CaseKind.values)
    assert blacklist_entry_for(buyer_nick="tb_trouble") is not None
    assert Complaint.objects.count() == 2


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
