"""The inbox API: the list, one item, one view per operation with the page's forms; the old
/api/v1/aftersales/ addresses answer the same."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from kefu.aftersales import services
from kefu.inbox.models import WorkItem
from kefu.inbox.tests.helpers import item_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    def make(user) -> APIClient:
        c = APIClient()
        c.force_authenticate(user)
        return c

    return make


def test_the_inbox_api_is_for_the_service_team_only(client):
    assert client.get("/api/v1/inbox/").status_code in (401, 403)
    assert client.get("/api/v1/aftersales/inbox/").status_code in (401, 403)


@pytest.mark.parametrize("base", ["/api/v1/inbox/", "/api/v1/aftersales/"])
def test_inbox_take_and_escalate(base, api, aftersales_agent, other_aftersales, supervisor, make_case):
    item = item_of(make_case())
    a = api(aftersales_agent)
    r = a.get(f"{base}?owner=unassigned" if base.endswith("inbox/") else f"{base}inbox/?owner=unassigned")
    assert [row["id"] for row in r.json()["results"]] == [item.pk]
    assert a.post(f"{base}items/{item.pk}/take/").status_code == 200
    r = api(other_aftersales).post(f"{base}items/{item.pk}/take/")
    assert r.status_code == 400 and "小李" in str(r.json())
    r = a.post(f"{base}items/{item.pk}/notes/", {"text": "买家要求加急"}, format="json")
    assert r.json()["notes"][0]["text"] == "买家要求加急"
    r = a.post(
        f"{base}items/{item.pk}/escalate/",
        {"reason": "要求赔偿", "to": supervisor.pk},
        format="json",
    )
    assert (
        r.status_code == 200 and r.json()["state"] == "escalated" and r.json()["owner"]["id"] == supervisor.pk
    )
    assert [h["verb"] for h in r.json()["history"]][-1] == "item_escalate"
    assert WorkItem.objects.get(pk=item.pk).owner == supervisor


def test_the_old_and_new_addresses_answer_the_same(api, aftersales_agent, make_case):
    item = item_of(make_case())
    a = api(aftersales_agent)
    assert a.get("/api/v1/inbox/").json() == a.get("/api/v1/aftersales/inbox/").json()
    assert (
        a.get(f"/api/v1/inbox/items/{item.pk}/").json()
        == a.get(f"/api/v1/aftersales/items/{item.pk}/").json()
    )


def test_a_bad_input_is_a_400_with_the_forms_field_names(api, aftersales_agent, supervisor, make_case):
    item = item_of(make_case())
    r = api(supervisor).post(f"/api/v1/inbox/items/{item.pk}/priority/", {"priority": 9}, format="json")
    assert r.status_code == 400 and "priority" in r.json()
    r = api(aftersales_agent).post(f"/api/v1/inbox/items/{item.pk}/escalate/", {"reason": ""}, format="json")
    assert r.status_code == 400 and "reason" in r.json()
    r = api(aftersales_agent).post(
        f"/api/v1/inbox/items/{item.pk}/assign/", {"to": supervisor.pk}, format="json"
    )
    assert r.status_code == 403
    assert WorkItem.objects.get(pk=item.pk).owner is None


def test_the_case_api_still_carries_its_item(api, aftersales_agent, make_case):
    case = make_case()
    body = api(aftersales_agent).get(f"/api/v1/aftersales/cases/{case.pk}/").json()
    assert body["item"]["id"] == item_of(case).pk and body["item"]["kind"] == "aftersales"
    review = services.review_record(
        by=aftersales_agent, buyer_nick="tb_q", rating="bad", reviewed_at=timezone.now()
    )
    body = api(aftersales_agent).get(f"/api/v1/aftersales/reviews/{review.pk}/").json()
    assert body["item"]["required_role"] == "主管"
