"""The ask page and the API are two doors to one operation: they accept and refuse alike."""

import types

import pytest
from django.core.exceptions import NON_FIELD_ERRORS
from django.urls import reverse
from rest_framework.test import APIClient

from kefu.core import ratelimit, shopsettings
from kefu.helpcenter import selectors
from kefu.helpcenter.models import Question
from kefu.helpcenter.tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

ASK_SUBMIT = reverse("helpcenter:ask_submit")
API_SUBMIT = reverse("helpcenter_api:question_submit")
QUESTION = {"title": "敏感肌能用吗", "details": "脸上容易过敏", "name": "李女士", "phone": "13900001111"}


@pytest.fixture(autouse=True)
def frozen_ratelimit_clock(monkeypatch):
    """Keep the rate limit's one-minute window from rolling over in the middle of a test."""
    monkeypatch.setattr(ratelimit, "time", types.SimpleNamespace(time=lambda: 1_800_000_030.0))


def page_errors(client, data) -> tuple[int, dict[str, list[str]]]:
    response = client.post(ASK_SUBMIT, data)
    form = response.context["form"] if response.context and "form" in response.context else None
    errors = {} if form is None else {k: list(v) for k, v in form.errors.items()}
    return response.status_code, errors


def api_errors(api, data) -> tuple[int, dict[str, list[str]]]:
    response = api.post(API_SUBMIT, data, format="json")
    return response.status_code, (response.json() if response.status_code >= 400 else {})


@pytest.mark.parametrize(
    ("case", "data"),
    [
        ("missing title", {**QUESTION, "title": ""}),
        ("no contact", {**QUESTION, "phone": ""}),
        ("title too long", {**QUESTION, "title": "问" * 121}),
    ],
)
def test_page_and_api_refuse_a_bad_question_with_the_same_field_errors(client, case, data):
    page_status, page = page_errors(client, data)
    api_status, api = api_errors(APIClient(), data)

    assert (page_status, api_status) == (400, 400)
    assert page and page == api
    assert not Question.objects.exists()


def test_page_and_api_both_pretend_success_for_a_filled_hidden_field(client):
    data = {**QUESTION, "website": "http://spam.example"}

    page = client.post(ASK_SUBMIT, data)
    api = APIClient().post(API_SUBMIT, data, format="json")

    assert page.status_code == 200 and "问题已提交" in page.content.decode()
    assert api.status_code == 201 and api.json()["token"]
    assert not Question.objects.exists()


def test_page_and_api_refuse_over_the_rate_limit_with_the_same_message(client, settings):
    settings.KEFU_QUESTION_RATE_LIMIT = 1
    assert client.post(ASK_SUBMIT, QUESTION).status_code == 302

    page = client.post(ASK_SUBMIT, {**QUESTION, "title": "第二个问题"})
    api = APIClient().post(API_SUBMIT, {**QUESTION, "title": "第三个问题"}, format="json")

    assert (page.status_code, api.status_code) == (429, 429)
    assert list(page.context["form"].errors[NON_FIELD_ERRORS]) == [api.json()["detail"]]
    assert "频繁" in api.json()["detail"]
    assert list(Question.objects.values_list("title", flat=True)) == ["敏感肌能用吗"]


def test_the_rate_limit_counts_page_and_api_submissions_together(client, settings):
    settings.KEFU_QUESTION_RATE_LIMIT = 3
    api = APIClient()

    codes = [
        client.post(ASK_SUBMIT, QUESTION).status_code,
        api.post(API_SUBMIT, QUESTION, format="json").status_code,
        client.post(ASK_SUBMIT, QUESTION).status_code,
        api.post(API_SUBMIT, QUESTION, format="json").status_code,
        client.post(ASK_SUBMIT, QUESTION).status_code,
    ]

    assert codes == [302, 201, 302, 429, 429]
    assert Question.objects.count() == 3


def test_page_and_api_list_the_same_page_with_the_same_snippets(client, categories, admin_user):
    shopsettings.shop_setting_set(key="helpcenter_page_size", value=3, by=admin_user)
    for i in range(5):
        ArticleFactory(
            category=categories[0], title=f"发货说明{i}", body=f"**16:30** 前付款当天发货，第{i}条。"
        )

    page = client.get(reverse("helpcenter:home"), {"q": "发货"})
    api = APIClient().get(reverse("helpcenter_api:articles"), {"q": "发货"}).json()

    rows = page.context["rows"]
    assert len(rows) == len(api["results"]) == selectors.article_page_size() == 3
    assert [r["article"].pk for r in rows] == [a["id"] for a in api["results"]]
    assert [str(r["snippet"]) for r in rows] == [a["snippet_html"] for a in api["results"]]
    assert all("**" not in a["snippet"] and "<mark>发货</mark>" in a["snippet_html"] for a in api["results"])
