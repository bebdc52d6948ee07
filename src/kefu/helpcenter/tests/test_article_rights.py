"""Who decides what the public reads: an agent proposes drafts, a supervisor or an admin publishes,
takes down and deletes public articles — through the pages and the API alike."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from kefu.helpcenter.models import Article, Question
from kefu.helpcenter.tests.factories import ArticleFactory, QuestionFactory

pytestmark = pytest.mark.django_db


def _api(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def _publish(door, client, article):
    if door == "api":
        return client.post(reverse("helpcenter_api:staff_article_publish", args=[article.pk]))
    return client.post(reverse("helpcenter:staff_article_publish", args=[article.pk]))


def _unpublish(door, client, article):
    if door == "api":
        return client.post(reverse("helpcenter_api:staff_article_unpublish", args=[article.pk]))
    return client.post(reverse("helpcenter:staff_article_unpublish", args=[article.pk]))


def _delete(door, client, article):
    if door == "api":
        return client.delete(reverse("helpcenter_api:staff_article", args=[article.pk]))
    return client.post(reverse("helpcenter:staff_article_delete", args=[article.pk]))


def _client(door, login, user):
    return _api(user) if door == "api" else login(user)


@pytest.mark.parametrize("door", ["api", "page"])
def test_an_agent_cannot_publish_a_draft(door, login, agent):
    draft = ArticleFactory(status=Article.Status.DRAFT, published_at=None)

    _publish(door, _client(door, login, agent), draft)

    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT
    assert draft.published_at is None


@pytest.mark.parametrize("door", ["api", "page"])
def test_an_agent_cannot_take_a_public_article_offline(door, login, agent):
    article = ArticleFactory()

    _unpublish(door, _client(door, login, agent), article)

    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED


@pytest.mark.parametrize("door", ["api", "page"])
def test_an_agent_cannot_delete_a_public_article(door, login, agent):
    article = ArticleFactory()

    _delete(door, _client(door, login, agent), article)

    assert Article.objects.filter(pk=article.pk).exists()


@pytest.mark.parametrize("door", ["api", "page"])
def test_an_agent_may_still_throw_away_their_draft(door, login, agent):
    draft = ArticleFactory(status=Article.Status.DRAFT, published_at=None)

    _delete(door, _client(door, login, agent), draft)

    assert not Article.objects.filter(pk=draft.pk).exists()


@pytest.mark.parametrize("door", ["api", "page"])
@pytest.mark.parametrize("role_user", ["supervisor", "admin_user"])
def test_a_supervisor_or_admin_publishes_takes_down_and_deletes(door, role_user, login, request):
    user = request.getfixturevalue(role_user)
    client = _client(door, login, user)
    draft = ArticleFactory(status=Article.Status.DRAFT, published_at=None)

    _publish(door, client, draft)
    draft.refresh_from_db()
    assert draft.status == Article.Status.PUBLISHED

    _unpublish(door, client, draft)
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT

    public = ArticleFactory()
    _delete(door, client, public)
    assert not Article.objects.filter(pk=public.pk).exists()


@pytest.mark.parametrize("door", ["api", "page"])
def test_an_agent_creates_drafts_but_cannot_publish_at_once(door, login, agent, categories):
    client = _client(door, login, agent)
    fields = {"category": categories[0].pk, "title": "七天无理由退货怎么办理", "body": "在订单页申请退货。"}
    if door == "api":
        refused = client.post(
            reverse("helpcenter_api:staff_articles"), {**fields, "publish": True}, format="json"
        )
        drafted = client.post(
            reverse("helpcenter_api:staff_articles"),
            {**fields, "title": "退货地址", "publish": False},
            format="json",
        )
    else:
        refused = client.post(reverse("helpcenter:staff_article_add"), {**fields, "publish": "on"})
        drafted = client.post(
            reverse("helpcenter:staff_article_add"), {**fields, "title": "退货地址", "publish": "false"}
        )

    assert refused.status_code == 403
    assert not Article.objects.filter(title="七天无理由退货怎么办理").exists()
    assert drafted.status_code in (201, 302)
    assert Article.objects.get(title="退货地址").status == Article.Status.DRAFT


@pytest.mark.parametrize("door", ["api", "page"])
def test_an_agent_cannot_publish_a_customer_question_as_an_article(door, login, agent, categories):
    question = QuestionFactory(category=categories[0])
    data = {"title": "多久发货", "answer": "付款后 48 小时内发货。", "category": categories[0].pk}
    client = _client(door, login, agent)
    if door == "api":
        client.post(reverse("helpcenter_api:staff_question_publish", args=[question.pk]), data, format="json")
    else:
        client.post(reverse("helpcenter:staff_question_publish", args=[question.pk]), data)

    question.refresh_from_db()
    assert question.status == Question.Status.NEW
    assert not Article.objects.filter(title="多久发货").exists()


def test_the_agent_sees_no_publish_controls(login, agent, categories):
    client = login(agent)
    article = ArticleFactory()
    question = QuestionFactory(category=categories[0])

    article_page = client.get(reverse("helpcenter:staff_article_edit", args=[article.pk])).content.decode()
    question_page = client.get(reverse("helpcenter:staff_question", args=[question.pk])).content.decode()
    add_page = client.get(reverse("helpcenter:staff_article_add")).content.decode()

    assert reverse("helpcenter:staff_article_unpublish", args=[article.pk]) not in article_page
    assert reverse("helpcenter:staff_article_delete", args=[article.pk]) not in article_page
    assert reverse("helpcenter:staff_question_publish", args=[question.pk]) not in question_page
    assert 'type="checkbox" name="publish"' not in add_page


def test_the_supervisor_sees_the_publish_controls(login, supervisor, categories):
    client = login(supervisor)
    article = ArticleFactory()
    question = QuestionFactory(category=categories[0])

    article_page = client.get(reverse("helpcenter:staff_article_edit", args=[article.pk])).content.decode()
    question_page = client.get(reverse("helpcenter:staff_question", args=[question.pk])).content.decode()

    assert reverse("helpcenter:staff_article_unpublish", args=[article.pk]) in article_page
    assert reverse("helpcenter:staff_question_publish", args=[question.pk]) in question_page
