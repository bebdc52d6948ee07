"""A mistyped or tampered address never costs a server error: a page number, category or group
that is not a small positive number, or a ``null`` where a yes/no belongs, is a 400/404 or is
ignored, never a 500."""

import pytest
from django.test import Client

from kefu.aftersales import services as aftersales_services
from kefu.aftersales.models import ComplaintChannel
from kefu.customers.tests.factories import CustomerFactory
from kefu.helpcenter.tests.factories import ArticleFactory
from kefu.replies.tests.factories import ForbiddenPhraseFactory, PhraseGroupFactory

pytestmark = pytest.mark.django_db

LIST_ADDRESSES = [
    # the back office
    "/desk/orders/",
    "/desk/orders/review/",
    "/desk/orders/recheck/",
    "/desk/orders/reminders/",
    "/desk/orders/scripts/",
    "/desk/inbox/",
    "/desk/aftersales/cases/",
    "/desk/aftersales/complaints/",
    "/desk/aftersales/reviews/",
    "/desk/aftersales/cases/export/",
    "/desk/customers/",
    "/desk/chat/history/",
    "/desk/chat/learned/",
    "/desk/replies/phrases/",
    "/desk/replies/groups/",
    "/desk/replies/forbidden/",
    "/desk/replies/phrases/export/",
    "/desk/help/categories/",
    "/desk/help/questions/",
    "/desk/help/articles/",
    # the API
    "/api/v1/orders/",
    "/api/v1/orders/review/",
    "/api/v1/orders/recheck/",
    "/api/v1/orders/reminders/",
    "/api/v1/orders/scripts/",
    "/api/v1/inbox/",
    "/api/v1/aftersales/cases/",
    "/api/v1/aftersales/complaints/",
    "/api/v1/aftersales/reviews/",
    "/api/v1/customers/",
    "/api/v1/chat/staff/conversations/",
    "/api/v1/chat/staff/suggestion-uses/",
    "/api/v1/chat/staff/phrases/",
    "/api/v1/replies/phrases/",
    "/api/v1/replies/phrases/search/",
    "/api/v1/replies/groups/",
    "/api/v1/replies/forbidden/",
    "/api/v1/replies/autoreplies/",
    "/api/v1/help/categories/",
    "/api/v1/help/articles/",
    "/api/v1/help/staff/questions/",
    "/api/v1/help/staff/articles/",
    # what buyers see
    "/",
    "/help/ask/",
    "/help/ask/suggest/",
]

BAD_VALUES = [
    "page=99999999999999999999999",
    "category=99999999999999999999&group=99999999999999999999",
    "limit=99999999999999999999&after=99999999999999999999",
    "page=abc&category=-3&group=abc&limit=abc",
]


@pytest.fixture
def supervisor_client(supervisor) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(supervisor)
    return client


@pytest.mark.parametrize("value", BAD_VALUES)
@pytest.mark.parametrize("address", LIST_ADDRESSES)
def test_a_bad_list_parameter_is_never_a_server_error(supervisor_client, address, value):
    response = supervisor_client.get(f"{address}?{value}")
    assert response.status_code < 500, f"{address}?{value} → {response.status_code}"


@pytest.fixture
def patch_addresses(supervisor) -> dict[str, str]:
    case = aftersales_services.case_create(
        by=supervisor, kind="return_refund", buyer_nick="tb_chen", order_number="20261120000001", amount="129"
    )
    complaint = aftersales_services.complaint_create(
        by=supervisor,
        customer_name="陈女士",
        channel=ComplaintChannel.values[0],
        problem="发错货",
        phone="13800000000",
    )
    return {
        "case": f"/api/v1/aftersales/cases/{case.pk}/",
        "complaint": f"/api/v1/aftersales/complaints/{complaint.pk}/",
        "customer": f"/api/v1/customers/{CustomerFactory().pk}/",
        "article": f"/api/v1/help/staff/articles/{ArticleFactory().pk}/",
        "group": f"/api/v1/replies/groups/{PhraseGroupFactory().pk}/",
        "forbidden": f"/api/v1/replies/forbidden/{ForbiddenPhraseFactory().pk}/",
    }


@pytest.mark.parametrize(
    ("target", "body"),
    [
        ("case", {"quality_problem": None, "free_shipping": None}),
        ("case", {"quality_problem": 99999999999999999999}),
        ("complaint", {"done": None}),
        ("customer", {"blacklisted": None}),
        ("article", {"publish": None}),
        ("article", {"category": 99999999999999999999}),
        ("group", {"move": None}),
        ("group", {"move": 99999999999999999999}),
        ("forbidden", {"is_active": None, "fact_exempt": None}),
    ],
)
def test_a_null_or_huge_value_in_a_patch_is_never_a_server_error(
    supervisor_client, patch_addresses, target, body
):
    response = supervisor_client.patch(patch_addresses[target], body, content_type="application/json")
    assert response.status_code < 500, f"{target} {body} → {response.status_code}"
