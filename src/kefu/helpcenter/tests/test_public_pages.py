"""The public directory, category and article pages: a fixed number of queries at any number of
articles, kept per process for visitors without a session and fresh after every change, a view
counted without a write, and the server's master loading the application before it forks."""

import gc
import re

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kefu.helpcenter import pagecache, services
from kefu.helpcenter.models import Article, SearchLog
from kefu.helpcenter.tests.factories import ArticleFactory
from kefu.search import synonyms

HOME = reverse("helpcenter:home")
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"')


def add_articles(categories, n, start=0):
    made = [
        ArticleFactory(category=categories[i % 3], title=f"第{start + i}个问题", indexed=False)
        for i in range(n)
    ]
    services.category_counts_refresh()
    return made


def page_url(page, categories, article):
    return {
        "home": HOME,
        "category": f"{HOME}?category={categories[0].pk}",
        "article": reverse("helpcenter:article", args=[article.pk]),
    }[page]


def with_session(client):
    # a visitor who voted or chatted before: their page is rendered for them
    client.cookies[settings.SESSION_COOKIE_NAME] = "a-session-the-server-does-not-know"
    return client


# (page, visitor, queries): a kept page costs the categories, the last change (and the directory's
# page size); a rendered one adds the session, the page of articles and their tags, or the article,
# its tags and its related articles (a search).
QUERY_COUNTS = [
    ("home", "new visitor", 3),
    ("category", "new visitor", 3),
    ("article", "new visitor", 2),
    ("home", "with a session", 5),
    ("category", "with a session", 5),
    ("article", "with a session", 9),
]


@pytest.mark.parametrize(("page", "visitor", "queries"), QUERY_COUNTS)
@pytest.mark.parametrize("articles", [3, 30])
def test_a_public_page_runs_the_same_queries_for_few_and_many_articles(
    client, categories, django_assert_num_queries, page, visitor, queries, articles
):
    made = add_articles(categories, articles)
    url = page_url(page, categories, made[0])
    if visitor == "with a session":
        with_session(client)
    assert client.get(url).status_code == 200  # the first request renders (and keeps) the page
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200
    assert made[0].title.encode() in response.content


@pytest.mark.parametrize("change", ["publish", "edit the title", "rename the category", "unpublish"])
def test_a_kept_page_shows_a_change_at_the_next_request(client, categories, supervisor, admin_user, change):
    article, other = add_articles(categories, 2)
    home, url = HOME, reverse("helpcenter:article", args=[article.pk])
    client.get(home)
    client.get(url)
    if change == "publish":
        services.article_create(category=categories[0], title="新上线的文章", body="正文", by=supervisor)
        assert "新上线的文章" in client.get(home).text
    elif change == "edit the title":
        services.article_update(
            article=article, by=supervisor, category=article.category, title="改过的标题", body=article.body
        )
        assert "改过的标题" in client.get(url).text
        assert "改过的标题" in client.get(home).text
    elif change == "rename the category":
        services.category_rename(category=categories[0], by=admin_user, name="改名的类别")
        assert "改名的类别" in client.get(home).text
    else:
        services.article_set_published(article=article, by=supervisor, published=False)
        assert client.get(url).status_code == 404
        assert article.title not in client.get(home).text


def test_a_kept_page_gives_each_visitor_a_token_of_their_own(categories):
    (article,) = add_articles(categories, 1)
    url = reverse("helpcenter:article", args=[article.pk])
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.get(url)  # renders and keeps the page
    page = second.get(url).text  # served from what the first one kept
    tokens = set(TOKEN.findall(page))
    assert len(tokens) == 1
    assert tokens.isdisjoint(TOKEN.findall(first.get(url).text))
    assert "\x00" not in page
    voted = second.post(
        reverse("helpcenter:article_feedback", args=[article.pk]),
        {"helpful": "true", "csrfmiddlewaretoken": tokens.pop()},
    )
    assert voted.status_code == 302
    article.refresh_from_db()
    assert article.helpful_yes == 1


def test_an_article_view_writes_no_row_and_is_counted_on_a_kept_page(client, categories):
    (article,) = add_articles(categories, 1)
    url = reverse("helpcenter:article", args=[article.pk])
    with CaptureQueriesContext(connection) as captured:
        for _ in range(3):
            assert client.get(url).status_code == 200
    writes = [q["sql"] for q in captured if not q["sql"].lstrip().upper().startswith("SELECT")]
    assert writes == []
    assert services.article_views_pending(article.pk) == 3
    assert services.article_views_flush() == 3
    article.refresh_from_db()
    assert article.views == 3


def test_searches_are_never_kept_each_is_logged(client, categories):
    add_articles(categories, 2)
    for _ in range(2):
        client.get(HOME, {"q": "问题"})
    assert SearchLog.objects.filter(query="问题").count() == 2


def test_a_missing_article_is_not_counted(client, categories):
    (article,) = add_articles(categories, 1)
    Article.objects.filter(pk=article.pk).update(status=Article.Status.DRAFT)
    assert client.get(reverse("helpcenter:article", args=[article.pk])).status_code == 404
    assert services.article_views_pending(article.pk) == 0


@pytest.mark.django_db(transaction=True)
def test_the_server_master_loads_the_app_and_tables_before_it_forks(categories):
    from kefu import gunicorn_conf

    add_articles(categories, 2)
    synonyms._cache.clear()
    assert gunicorn_conf.preload_app is True
    try:
        gunicorn_conf.on_starting(None)
        assert "table" in synonyms._cache  # the synonym table, built once for every worker
        assert pagecache._pages  # the public pages went through the whole app once
        assert gc.get_freeze_count() > 0  # kept out of the collector's reach in the workers
    finally:
        gc.unfreeze()
    assert services.article_views_pending(Article.objects.order_by("id").first().pk) == 0
