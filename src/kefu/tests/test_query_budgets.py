"""Every back-office page and API list stays within a query budget on a shop full of data: the count
does not grow with the rows (a page of fifty orders costs what a page of five does)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kefu.aftersales import services
from kefu.aftersales.models import AfterSalesCase, BadReview, CaseKind, Complaint
from kefu.core import demo
from kefu.customers.models import Customer
from kefu.orders.models import Order, OrderState
from kefu.orders.tests.factories import OrderFactory, OrderLineFactory

BUDGET = 40

PAGES = [
    "/desk/",
    "/desk/inbox/",
    "/desk/orders/",
    "/desk/orders/review/",
    "/desk/orders/recheck/",
    "/desk/orders/reminders/",
    "/desk/orders/scripts/",
    "/desk/orders/import/",
    "/desk/orders/{order}/",
    "/desk/aftersales/cases/",
    "/desk/aftersales/cases/{case}/",
    "/desk/aftersales/cases/new/",
    "/desk/aftersales/complaints/",
    "/desk/aftersales/complaints/{complaint}/",
    "/desk/aftersales/reviews/",
    "/desk/aftersales/reviews/{review}/",
    "/desk/customers/",
    "/desk/customers/{customer}/",
    "/desk/customers/groups/",
    "/desk/customers/leads/",
    "/desk/customers/visits/",
    "/desk/customers/notices/",
    "/desk/customers/satisfaction/",
    "/desk/customers/card/?nick={nick}",
    "/desk/chat/",
    "/desk/chat/history/",
    "/desk/chat/learned/",
    "/desk/replies/phrases/",
    "/desk/replies/groups/",
    "/desk/replies/forbidden/",
    "/desk/replies/autoreply/",
    "/desk/help/questions/",
    "/desk/help/articles/",
    "/desk/help/categories/",
    "/desk/settings/",
    "/api/v1/orders/",
    "/api/v1/orders/review/",
    "/api/v1/orders/reminders/",
    "/api/v1/inbox/",
    "/api/v1/aftersales/cases/",
    "/api/v1/aftersales/complaints/",
    "/api/v1/aftersales/reviews/",
    "/api/v1/customers/",
    "/api/v1/customers/satisfaction/",
    "/api/v1/chat/staff/conversations/",
    "/api/v1/replies/phrases/",
    "/api/v1/help/staff/questions/",
    "/api/v1/help/staff/articles/",
]


@pytest.mark.django_db
def test_every_back_office_page_and_list_stays_within_its_query_budget(client, make_user):
    demo.demo_load()
    ids = {
        "order": Order.objects.order_by("pk").values_list("number", flat=True).first(),
        "case": AfterSalesCase.objects.order_by("pk").values_list("pk", flat=True).first(),
        "complaint": Complaint.objects.order_by("pk").values_list("pk", flat=True).first(),
        "review": BadReview.objects.order_by("pk").values_list("pk", flat=True).first(),
        "customer": Customer.objects.order_by("pk").values_list("pk", flat=True).first(),
        "nick": Order.objects.order_by("pk").values_list("buyer_nick", flat=True).first(),
    }
    client.force_login(make_user("lead", "主管", "管理员"))  # sees every page
    client.get("/desk/")  # the session settles on the first visit
    before = _measure(client, ids)
    assert {url: status for url, (status, _n) in before.items() if status != 200} == {}
    assert {url: n for url, (_status, n) in before.items() if n > BUDGET} == {}

    # twenty more orders with lines and cases on them: no page may cost more for it
    by = make_user("xiaoli", "售后")
    for _ in range(20):
        order = OrderFactory(state=OrderState.WAIT_SELLER_SEND)
        OrderLineFactory(order=order)
        services.case_create(by=by, kind=CaseKind.REFUND_ONLY, order=order, order_number=order.number)
    after = _measure(client, ids)
    grew = {url: (before[url][1], n) for url, (_status, n) in after.items() if n > before[url][1] + 1}
    assert grew == {}


def _measure(client, ids) -> dict[str, tuple[int, int]]:
    measured = {}
    for page in PAGES:
        url = page.format(**ids)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        measured[url] = (response.status_code, len(queries))
    return measured
