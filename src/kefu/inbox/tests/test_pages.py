"""The inbox page: every kind of item, filters, taking with htmx, the item panel on the pages of the
apps below (its buttons post to one view per operation and come back), and a GET that writes nothing."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kefu.aftersales import services
from kefu.aftersales.models import CaseKind
from kefu.helpcenter import services as help_services
from kefu.inbox.models import WorkItem, WorkState
from kefu.inbox.tests.helpers import item_of

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
    help_services.question_submit(title="什么时候发货呀", name="张女士", phone="13800138000")
    response = login(aftersales_agent).get("/desk/inbox/")
    body = response.content.decode()
    assert response.status_code == 200
    for text in ("面霜补发", "投诉：漏液", "差评：太慢", "什么时候发货呀", "需主管"):
        assert text in body
    assert 'id="badge-inbox_waiting"' in body


def test_the_inbox_filters_by_kind_and_overdue(login, aftersales_agent, make_case):
    late = item_of(make_case(kind=CaseKind.PROBLEM_PARCEL, item_title="超时的问题件"))
    WorkItem.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(hours=2))
    make_case(kind=CaseKind.RESHIPMENT, item_title="按时的补发")
    client = login(aftersales_agent)
    body = client.get("/desk/inbox/?due=overdue").content.decode()
    assert "超时的问题件" in body and "按时的补发" not in body and "已超时" in body
    body = client.get("/desk/inbox/?kind=complaint").content.decode()
    assert "超时的问题件" not in body


def test_taking_from_the_inbox_with_htmx_swaps_the_row(login, aftersales_agent, make_case):
    item = item_of(make_case())
    response = login(aftersales_agent).post(f"/desk/inbox/items/{item.pk}/take/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert f'id="item-{item.pk}"' in response.content.decode() and "小李" in response.content.decode()
    assert WorkItem.objects.get(pk=item.pk).owner == aftersales_agent


def test_opening_the_inbox_writes_nothing(login, aftersales_agent, make_case):
    make_case()
    help_services.question_submit(title="发货时间", name="张女士", phone="13800138000")
    client = login(aftersales_agent)
    client.get("/desk/inbox/")  # the session and the like settle on the first visit
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/desk/inbox/?owner=unassigned")
    assert response.status_code == 200 and "发货时间" in response.content.decode()
    writes = [
        q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []


def test_the_old_inbox_address_redirects(login, aftersales_agent):
    response = login(aftersales_agent).get("/desk/aftersales/?owner=me")
    assert response.status_code == 302 and response["Location"] == "/desk/inbox/?owner=me"


def test_the_case_page_shows_the_item_panel_and_its_buttons_come_back(
    login, aftersales_agent, supervisor, make_case
):
    case = make_case(item_title="面霜漏液")
    item = item_of(case)
    page = f"/desk/aftersales/cases/{case.pk}/"
    client = login(aftersales_agent)
    body = client.get(page).content.decode()
    assert 'id="item-panel"' in body and f"/desk/inbox/items/{item.pk}/take/" in body
    response = client.post(f"/desk/inbox/items/{item.pk}/take/", {"next": page})
    assert response.status_code == 302 and response["Location"] == page
    response = client.post(f"/desk/inbox/items/{item.pk}/note/", {"text": "买家要求加急", "next": page})
    assert response["Location"] == page and item.notes.get().text == "买家要求加急"
    client.post(f"/desk/inbox/items/{item.pk}/priority/", {"priority": 4, "next": page})
    client.post(
        f"/desk/inbox/items/{item.pk}/escalate/", {"reason": "要求赔偿", "to": supervisor.pk, "next": page}
    )
    item.refresh_from_db()
    assert item.priority == 4 and item.state == WorkState.ESCALATED and item.owner == supervisor
    body = login(supervisor).get(page).content.decode()
    assert "升级给主管" in body and "添加内部备注" in body, "the case's and the item's history together"
    login(supervisor).post(
        f"/desk/inbox/items/{item.pk}/hand-over/",
        {"to": aftersales_agent.pk, "note": "同意补偿", "next": page},
    )
    item.refresh_from_db()
    assert item.owner == aftersales_agent and item.state == WorkState.OPEN


def test_an_operation_refused_by_the_service_says_why_and_changes_nothing(
    login, agent, aftersales_agent, make_case
):
    item = item_of(make_case())
    response = login(agent).post(
        f"/desk/inbox/items/{item.pk}/assign/", {"to": aftersales_agent.pk}, follow=True
    )
    assert "权限" in response.content.decode() or response.status_code == 403
    assert WorkItem.objects.get(pk=item.pk).owner is None


def test_complaint_and_review_pages_show_the_item_panel(login, aftersales_agent, supervisor):
    complaint = services.complaint_create(
        by=aftersales_agent, customer_name="王女士", channel="phone", problem="漏液", phone="139"
    )
    review = services.review_record(
        by=aftersales_agent, buyer_nick="tb_r", rating="bad", text="太慢", reviewed_at=timezone.now()
    )
    client = login(supervisor)
    for url, item in (
        (f"/desk/aftersales/complaints/{complaint.pk}/", item_of(complaint)),
        (f"/desk/aftersales/reviews/{review.pk}/", item_of(review)),
    ):
        body = client.get(url).content.decode()
        assert 'id="item-panel"' in body and f"/desk/inbox/items/{item.pk}/" in body


def test_the_customer_page_lists_their_work_items(login, aftersales_agent, make_case):
    case = make_case(item_title="面霜补发", kind=CaseKind.RESHIPMENT)
    body = login(aftersales_agent).get(f"/desk/customers/{case.customer_id}/").content.decode()
    assert 'id="customer-work-items"' in body and "面霜补发" in body
