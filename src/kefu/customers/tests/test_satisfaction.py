"""Satisfaction: the customer's own 1–5 rating, once per chat, case, complaint or visit; by link, no account."""

import pytest
from django.core.exceptions import ValidationError

from kefu.customers import selectors, services
from kefu.customers.models import Satisfaction
from kefu.customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_a_chat_rating_is_stored_once(agent):
    customer = CustomerFactory()
    services.satisfaction_submit(
        kind="chat", source_id=7, score=5, comment=" 很耐心 ", agent_id=agent.pk, customer=customer
    )
    with pytest.raises(ValidationError):
        services.satisfaction_submit(kind="chat", source_id=7, score=1)
    rating = Satisfaction.objects.get()
    assert (rating.score, rating.comment, rating.customer, rating.agent) == (5, "很耐心", customer, agent)


@pytest.mark.parametrize("score", [0, 6, "x", None])
def test_a_score_outside_one_to_five_is_refused(score):
    with pytest.raises(ValidationError):
        services.satisfaction_submit(kind="case", source_id=1, score=score)
    assert not Satisfaction.objects.exists()


def test_a_customer_rates_a_complaint_through_the_link_without_an_account(client, supervisor):
    customer = CustomerFactory()
    token = services.survey_token(
        kind="complaint", source_id=42, agent_id=supervisor.pk, customer_id=customer.pk
    )
    url = f"/survey/{token}/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"score": "9"}).status_code == 400
    response = client.post(url, {"score": "2", "comment": "处理太慢"})
    assert "感谢您的评价" in response.content.decode()
    rating = Satisfaction.objects.get()
    assert (rating.kind, rating.source_id, rating.score, rating.agent, rating.customer) == (
        "complaint", 42, 2, supervisor, customer,
    )  # fmt: skip
    assert "已经评价过" in client.post(url, {"score": "5"}).content.decode()


def test_a_forged_link_is_refused(client):
    token = services.survey_token(kind="visit", source_id=1)
    assert client.get(f"/survey/{token}x/").status_code == 400
    assert client.post(f"/api/v1/customers/surveys/{token}x/", {"score": 5}).status_code == 400
    assert client.post(f"/api/v1/customers/surveys/{token}/", {"score": 4}).status_code == 201


def test_results_per_agent_and_per_kind(client, agent, supervisor, django_assert_max_num_queries):
    for i, (kind, who, score) in enumerate(
        [("chat", agent, 5), ("chat", agent, 3), ("case", supervisor, 4), ("visit", None, 1)]
    ):
        services.satisfaction_submit(kind=kind, source_id=i, score=score, agent_id=who.pk if who else None)
    with django_assert_max_num_queries(1):
        by_agent = selectors.satisfaction_results(by="agent")
    assert {(r["agent__username"], r["count"], r["average"]) for r in by_agent} == {
        ("agent", 2, 4.0), ("supervisor", 1, 4.0), (None, 1, 1.0),
    }  # fmt: skip
    by_kind = {r["kind"]: r["average"] for r in selectors.satisfaction_results(by="kind", period="month")}
    assert by_kind == {"chat": 4.0, "case": 4.0, "visit": 1.0}
    client.force_login(agent)
    assert client.get("/api/v1/customers/satisfaction/?by=kind").json()["results"]
    assert "按客服" in client.get("/desk/customers/satisfaction/").content.decode()
