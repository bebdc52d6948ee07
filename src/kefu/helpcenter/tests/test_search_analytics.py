"""Search analytics for supervisors: what customers searched (anonymised), what found nothing or
was never opened, and one click from a gap to a new article or a similar question."""

import pytest

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
