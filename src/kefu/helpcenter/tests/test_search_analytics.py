"""Search analytics for supervisors: what customers searched (anonymised), what found nothing or
was never opened, and one click from a gap to a new article or a similar question."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kefu.core import sweeps
from kefu.core.models import ShopSetting
from kefu.helpcenter import selectors, services
from kefu.helpcenter.models import SearchLog
from kefu.helpcenter.tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def refund(categories):
    return ArticleFactory(
        category=categories[0], title="退款多久能到账？", body="原路退回，1-3个工作日到账。"
    )


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("订单 2026120312345 退款", "订单 ＊ 退款"),
        ("我的手机13800138000退款", "我的手机＊退款"),
        ("a@b.cn 退款", "＊ 退款"),
        ("  退款   多久 ", "退款 多久"),
        ("第3天", "第3天"),
    ],
)
def test_the_log_keeps_the_words_not_the_numbers_or_addresses(typed, kept):
    assert services.anonymise_query(typed) == kept


def test_a_public_search_is_logged_and_a_click_from_its_results_counted(client, refund):
    page = client.get("/", {"q": "钱什么时候退给我"})
    log = SearchLog.objects.get()
    assert (log.query, log.results, log.top_article) == ("钱什么时候退给我", 1, refund)
    assert f"/help/articles/{refund.pk}/?s={log.pk}" in page.content.decode()
    client.get(f"/help/articles/{refund.pk}/", {"s": log.pk})
    client.get(f"/help/articles/{refund.pk}/", {"s": "999999999999999999999"})  # nonsense is ignored
    log.refresh_from_db()
    assert log.clicked_article == refund


def test_a_search_with_no_answer_is_a_gap_and_becomes_a_new_article_or_a_similar_question(
    client, login, supervisor, refund
):
    client.get("/", {"q": "你们招客服吗"})
    client.get("/", {"q": "你们招客服吗"})
    client.get("/", {"q": "退钱要等几天"})  # found, never opened
    gaps = {row.query: row for row in selectors.search_stats(gaps_only=True)}
    assert (gaps["你们招客服吗"].searches, gaps["你们招客服吗"].empty) == (2, 2)
    assert gaps["退钱要等几天"].top_article_id == refund.pk

    staff = login(supervisor)
    page = staff.get("/desk/help/searches/").content.decode()
    assert "你们招客服吗" in page
    assert "/desk/help/articles/add/?title=%E4%BD%A0" in page  # one click to a new article, title filled
    staff.post("/desk/help/searches/similar/", {"query": "退钱要等几天", "article": refund.pk})
    refund.refresh_from_db()
    assert refund.similar_list == ["退钱要等几天"]


def test_agents_do_not_see_the_analytics(login, agent):
    assert login(agent).get("/desk/help/searches/").status_code == 403


def test_the_statistics_take_a_fixed_number_of_queries(refund, django_assert_max_num_queries):
    for query in ["退款", "退货", "发票", "退款"]:
        services.search_log_record(query=query, results=1, top_article_id=refund.pk)
    with django_assert_max_num_queries(2):
        rows = selectors.search_stats()
    assert [(r.query, r.searches, r.top_article_title) for r in rows][0] == ("退款", 2, "退款多久能到账？")


def test_the_api_gives_the_analytics_the_page_shows_and_turns_a_gap_into_a_similar_question(
    client, login, supervisor, agent, refund
):
    client.get("/", {"q": "你们招客服吗"})
    client.get("/", {"q": "退钱要等几天"})  # found, never opened
    api = login(supervisor)

    got = api.get("/api/v1/help/staff/search-analytics/", {"days": "7"}).json()

    assert got["days"] == 7
    assert got["totals"] == {"searches": 2, "empty": 1, "no_click": 2}
    gaps = {row["query"]: row for row in got["gaps"]}
    assert gaps["你们招客服吗"]["empty"] == 1 and gaps["你们招客服吗"]["top_article"] is None
    assert gaps["退钱要等几天"]["top_article"] == {"id": refund.pk, "title": "退款多久能到账？"}

    made = api.post(
        "/api/v1/help/staff/search-analytics/similar/",
        {"query": "退钱要等几天", "article": refund.pk},
        content_type="application/json",
    )
    assert made.status_code == 200, made.content
    refund.refresh_from_db()
    assert refund.similar_list == ["退钱要等几天"] == made.json()["similar_questions"]
    # an agent sees neither
    assert login(agent).get("/api/v1/help/staff/search-analytics/").status_code == 403


@pytest.mark.parametrize(
    ("typed", "days"),
    [("7", 7), ("366", 366), ("0", 30), ("367", 30), ("-5", 30), ("abc", 30), ("", 30), (None, 30)],
)
def test_the_period_is_whole_days_up_to_a_year(typed, days):
    assert selectors.search_analytics_days(typed) == days


def test_searches_older_than_the_shop_keeps_them_are_forgotten(refund):
    ShopSetting.objects.create(key="search_log_keep_days", value=30)
    now = timezone.now()
    for age_days, query in [(0, "今天"), (29, "上个月"), (31, "更早"), (400, "去年")]:
        log = services.search_log_record(query=query, results=0, top_article_id=None)
        SearchLog.objects.filter(pk=log.pk).update(created_at=now - timedelta(days=age_days))

    report = sweeps.sweeps_run(now=now, only=["helpcenter_search_logs"])

    assert report == {"helpcenter_search_logs": {"search_logs_forgotten": 2}}
    assert sorted(SearchLog.objects.values_list("query", flat=True)) == sorted(["今天", "上个月"])
