"""Two people editing one article: the later save from an older form is refused and told what
changed; a published article's text is changed only by those who may publish."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from kefu.core import shopsettings
from kefu.helpcenter import services
from kefu.helpcenter.models import Article
from kefu.helpcenter.tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def _fields(article: Article, **changes) -> dict:
    return {"category": article.category, "title": article.title, "body": article.body, **changes}


def test_a_save_from_a_form_loaded_before_a_colleagues_save_is_refused(categories, supervisor, make_user):
    colleague = make_user("wang", "主管", first_name="王主管")
    article = ArticleFactory(category=categories[0], body="七天无理由退货。")
    loaded = article.version

    services.article_update(article=article, by=colleague, version=loaded, **_fields(article, body="新正文"))
    with pytest.raises(ValidationError) as err:
        services.article_update(
            article=article, by=supervisor, version=loaded, **_fields(article, title="新标题")
        )

    message = " ".join(err.value.messages)
    assert "王主管" in message and "正文" in message
    article.refresh_from_db()
    assert (article.title, article.body) != ("新标题", "七天无理由退货。")
    assert article.body == "新正文"


def test_publishing_moves_the_version_on(categories, supervisor):
    article = ArticleFactory(category=categories[0], status=Article.Status.DRAFT, indexed=False)
    loaded = article.version
    services.article_set_published(article=article, by=supervisor, published=True)
    with pytest.raises(ValidationError):
        services.article_update(article=article, by=supervisor, version=loaded, **_fields(article, body="x"))


@pytest.mark.parametrize(
    ("status", "may_edit"),
    [(Article.Status.DRAFT, True), (Article.Status.PUBLISHED, False)],
)
def test_an_agent_edits_drafts_but_not_what_customers_read(categories, agent, status, may_edit):
    article = ArticleFactory(category=categories[0], status=status, body="原文", indexed=False)
    if may_edit:
        services.article_update(article=article, by=agent, **_fields(article, body="改过"))
    else:
        with pytest.raises(PermissionDenied):
            services.article_update(article=article, by=agent, **_fields(article, body="改过"))
    article.refresh_from_db()
    assert article.body == ("改过" if may_edit else "原文")


def test_the_edit_page_keeps_the_text_and_says_who_changed_it(categories, supervisor, make_user, login):
    colleague = make_user("li", "主管", first_name="李主管")
    article = ArticleFactory(category=categories[0], body="原文")
    client = login(supervisor)
    url = reverse("helpcenter:staff_article_edit", args=[article.pk])
    form = client.get(url).context["form"]
    services.article_update(article=article, by=colleague, **_fields(article, title="李改的标题"))

    post = {
        "category": article.category_id,
        "title": article.title,
        "body": "我写的正文",
        "version": form["version"].value(),
    }
    response = client.post(url, post)

    page = response.content.decode()
    assert response.status_code == 400
    assert "李主管" in page and "我写的正文" in page
    # told what changed, a second save goes through on purpose
    again = client.post(url, {**post, "version": response.context["form"].data["version"]})
    assert again.status_code == 302
    article.refresh_from_db()
    assert article.body == "我写的正文"


def test_the_api_refuses_a_stale_version_with_the_reason(categories, supervisor, login):
    article = ArticleFactory(category=categories[0])
    client = login(supervisor)
    url = reverse("helpcenter_api:staff_article", args=[article.pk])
    first = client.patch(url, {"body": "一", "version": article.version}, content_type="application/json")
    stale = client.patch(url, {"body": "二", "version": article.version}, content_type="application/json")
    assert first.status_code == 200 and first.json()["version"] == article.version + 1
    assert stale.status_code == 400
    article.refresh_from_db()
    assert article.body == "一"


def test_the_shop_may_let_agents_publish_directly(categories, agent, supervisor):
    article = ArticleFactory(category=categories[0], status=Article.Status.DRAFT, indexed=False)
    with pytest.raises(PermissionDenied):
        services.article_set_published(article=article, by=agent, published=True)

    shopsettings.shop_setting_set(key="helpcenter_agents_publish", value=True, by=supervisor)
    services.article_set_published(article=article, by=agent, published=True)
    services.article_update(article=article, by=agent, **_fields(article, body="客服改的"))

    article.refresh_from_db()
    assert article.is_published and article.body == "客服改的"
