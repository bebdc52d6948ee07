"""The public pages cost the same whatever the number of articles: counts kept per category, a
directory page read from the categories it spans, views written in batches."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kefu.helpcenter import selectors, services
from kefu.helpcenter.kb_io import kb_import
from kefu.helpcenter.models import Article, Category
from kefu.helpcenter.tests.factories import ArticleFactory

HOME = reverse("helpcenter:home")


def queries_for(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params or {}).status_code == 200
    return len(captured)


def add_articles(categories, n, start=0):
    return [
        ArticleFactory(category=categories[i % 3], title=f"第{start + i}个问题", indexed=False)
        for i in range(n)
    ]


@pytest.mark.parametrize(
    "params", [{}, {"page": 2}, {"category": "first"}], ids=["home", "second page", "category"]
)
def test_the_directory_costs_the_same_for_few_and_many_articles(client, categories, params):
    add_articles(categories, 4)
    services.category_counts_refresh()
    if params.get("category") == "first":
        params = {"category": categories[0].pk}
    few = queries_for(client, HOME, params)
    add_articles(categories, 40, start=100)
    services.category_counts_refresh()
    assert queries_for(client, HOME, params) == few


def test_a_directory_page_follows_categories_in_order_newest_first(categories):
    old = ArticleFactory(category=categories[1], title="旧文章")
    new = ArticleFactory(category=categories[1], title="新文章")
    first = ArticleFactory(category=categories[0], title="第一类的文章")
    draft = ArticleFactory(category=categories[0], title="草稿", status=Article.Status.DRAFT)
    pages = [selectors.article_search(page=p, page_size=2).articles for p in (1, 2)]
    assert [[a.pk for a in page] for page in pages] == [[first.pk, new.pk], [old.pk]]
    assert draft.pk not in {a.pk for page in pages for a in page}
    assert selectors.article_search(page=1, page_size=2).total == 3


def counts(categories) -> list[int]:
    by_pk = dict(Category.objects.values_list("pk", "published_count"))
    return [by_pk[c.pk] for c in categories[:2]]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ("nothing", [2, 1]),
        ("unpublish", [1, 1]),
        ("publish the draft", [3, 1]),
        ("move to the second", [1, 2]),
        ("delete", [1, 1]),
        ("import one more", [3, 1]),
    ],
)
def test_each_category_keeps_its_number_of_published_articles(categories, supervisor, change, expected):
    a, _b = (ArticleFactory(category=categories[0], title=t) for t in ("甲", "乙"))
    ArticleFactory(category=categories[1], title="丙")
    draft = services.article_create(
        category=categories[0], title="草稿", body="正文", by=supervisor, publish=False
    )
    if change == "unpublish":
        services.article_set_published(article=a, by=supervisor, published=False)
    elif change == "publish the draft":
        services.article_set_published(article=draft, by=supervisor, published=True)
    elif change == "move to the second":
        services.article_update(article=a, by=supervisor, category=categories[1], title=a.title, body=a.body)
    elif change == "delete":
        services.article_delete(article=a, by=supervisor)
    elif change == "import one more":
        kb_import(data=f"category,title,body\n{categories[0].name},新问题,新答案\n".encode())
    assert counts(categories) == expected


def test_a_page_view_writes_nothing_until_views_are_flushed(categories, django_assert_num_queries):
    article, other = add_articles(categories, 2)
    with django_assert_num_queries(0):
        for _ in range(3):
            services.article_view_count(article_id=article.pk)
        services.article_view_count(article_id=other.pk)
    assert services.article_views_pending(article.pk) == 3
    with django_assert_num_queries(1):
        assert services.article_views_flush() == 4
    article.refresh_from_db()
    other.refresh_from_db()
    assert (article.views, other.views) == (3, 1)
    assert services.article_views_flush() == 0


def test_views_are_flushed_by_themselves_after_a_while(categories, monkeypatch):
    (article,) = add_articles(categories, 1)
    monkeypatch.setattr(services, "VIEW_FLUSH_VIEWS", 3)
    for _ in range(3):
        services.article_view_count(article_id=article.pk)
    article.refresh_from_db()
    assert article.views == 3
    assert services.article_views_pending(article.pk) == 0


def test_the_article_page_does_not_write_its_view(client, categories, django_assert_max_num_queries):
    (article,) = add_articles(categories, 1)
    url = reverse("helpcenter:article", args=[article.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    assert not [q for q in captured if q["sql"].startswith("UPDATE") and "helpcenter_article" in q["sql"]]
    assert services.article_views_pending(article.pk) == 2
