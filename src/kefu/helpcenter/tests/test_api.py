"""The help center's REST API under /api/v1/help/: every endpoint, who may call it, what it refuses."""

import types

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from kefu.core import ratelimit, shopsettings
from kefu.helpcenter import selectors, services
from kefu.helpcenter.models import Article, Category, Question
from kefu.helpcenter.tests.factories import ArticleFactory, QuestionFactory
from kefu.search.models import SynonymGroup

pytestmark = pytest.mark.django_db


def url(name: str, *args) -> str:
    return reverse(f"helpcenter_api:{name}", args=args)


@pytest.fixture
def api():
    """An anonymous caller (a customer, or a script without a login)."""
    return APIClient()


@pytest.fixture
def as_user():
    def make(user) -> APIClient:
        client = APIClient()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def agent_api(as_user, agent):
    return as_user(agent)


@pytest.fixture
def supervisor_api(as_user, supervisor):
    return as_user(supervisor)


@pytest.fixture
def admin_api(as_user, admin_user):
    return as_user(admin_user)


@pytest.fixture
def frozen_ratelimit_clock(monkeypatch):
    """Keep the rate limit's one-minute window from rolling over in the middle of a test."""
    monkeypatch.setattr(ratelimit, "time", types.SimpleNamespace(time=lambda: 1_800_000_030.0))


QUESTION = {"title": "敏感肌能用吗", "details": "脸上容易过敏", "name": "李女士", "phone": "13900001111"}


# --- permissions overall -----------------------------------------------------------------------


STAFF_ENDPOINTS = [
    ("get", "staff_questions", ()),
    ("get", "staff_question", (1,)),
    ("post", "staff_question_answer", (1,)),
    ("post", "staff_question_publish", (1,)),
    ("post", "staff_question_close", (1,)),
    ("get", "staff_articles", ()),
    ("post", "staff_articles", ()),
    ("get", "staff_article", (1,)),
    ("patch", "staff_article", (1,)),
    ("delete", "staff_article", (1,)),
    ("post", "staff_article_publish", (1,)),
    ("post", "staff_article_unpublish", (1,)),
    ("get", "staff_synonyms", ()),
    ("put", "staff_synonyms", ()),
    ("post", "categories", ()),
    ("patch", "category", (1,)),
    ("delete", "category", (1,)),
    ("post", "category_reorder", ()),
]


@pytest.mark.parametrize(("method", "name", "args"), STAFF_ENDPOINTS)
def test_anonymous_callers_cannot_reach_staff_endpoints(api, categories, method, name, args):
    article = ArticleFactory(category=categories[0])
    question = QuestionFactory()
    args = tuple(article.pk if "article" in name else question.pk if "question" in name else a for a in args)
    before = (
        Article.objects.count(),
        Question.objects.filter(status="new").count(),
        Category.objects.count(),
    )

    response = getattr(api, method)(url(name, *args), {}, format="json")

    assert response.status_code in (401, 403)
    assert (
        Article.objects.count(),
        Question.objects.filter(status="new").count(),
        Category.objects.count(),
    ) == before


def test_a_logged_in_user_outside_the_team_is_refused(as_user, make_user):
    response = as_user(make_user("outsider")).get(url("staff_questions"))

    assert response.status_code == 403


# --- categories --------------------------------------------------------------------------------


def test_anyone_lists_categories_in_order_with_published_counts(api, categories):
    ArticleFactory.create_batch(2, category=categories[1])
    ArticleFactory(category=categories[1], status=Article.Status.DRAFT, indexed=False)

    response = api.get(url("categories"))

    assert response.status_code == 200
    assert [c["name"] for c in response.json()] == [
        "产品订购",
        "保修条例",
        "维修保养",
        "技术支持",
        "常见问题",
    ]
    assert response.json()[1]["article_count"] == 2


def test_admin_adds_a_category(admin_api, categories):
    response = admin_api.post(url("categories"), {"name": "会员权益"}, format="json")

    assert response.status_code == 201
    assert response.json()["name"] == "会员权益"
    assert response.json()["article_count"] == 0
    assert Category.objects.filter(name="会员权益").exists()


def test_a_duplicate_category_is_a_400_in_chinese(admin_api, categories):
    response = admin_api.post(url("categories"), {"name": "保修条例"}, format="json")

    assert response.status_code == 400
    assert "已存在" in response.json()["name"][0]


def test_an_agent_cannot_manage_categories(agent_api, categories):
    ArticleFactory(category=categories[0])
    before = list(Category.objects.order_by("position").values_list("pk", "name"))

    responses = [
        agent_api.post(url("categories"), {"name": "新类别"}, format="json"),
        agent_api.patch(url("category", categories[0].pk), {"name": "改名"}, format="json"),
        agent_api.post(url("category_reorder"), {"ids": [categories[4].pk]}, format="json"),
        agent_api.delete(url("category", categories[1].pk)),
    ]

    assert [r.status_code for r in responses] == [403, 403, 403, 403]
    assert "权限" in responses[0].json()["detail"]
    assert list(Category.objects.order_by("position").values_list("pk", "name")) == before


def test_admin_renames_a_category(admin_api, categories):
    response = admin_api.patch(url("category", categories[0].pk), {"name": "订购须知"}, format="json")

    assert response.status_code == 200
    assert response.json()["name"] == "订购须知"
    categories[0].refresh_from_db()
    assert categories[0].name == "订购须知"


def test_admin_reorders_categories(admin_api, categories):
    ids = [c.pk for c in reversed(categories)]

    response = admin_api.post(url("category_reorder"), {"ids": ids}, format="json")

    assert response.status_code == 200
    assert [c["id"] for c in response.json()] == ids


def test_deleting_a_category_with_articles_needs_a_target(admin_api, categories):
    article = ArticleFactory(category=categories[0])

    refused = admin_api.delete(url("category", categories[0].pk))
    assert refused.status_code == 400
    assert "请先把文章移到其他类别" in refused.json()["detail"][0]

    bad_target = admin_api.delete(url("category", categories[0].pk) + "?move_to=999999")
    assert bad_target.status_code == 400
    assert Category.objects.filter(pk=categories[0].pk).exists()

    moved = admin_api.delete(url("category", categories[0].pk) + f"?move_to={categories[2].pk}")
    assert moved.status_code == 204
    assert not Category.objects.filter(pk=categories[0].pk).exists()
    article.refresh_from_db()
    assert article.category == categories[2]


# --- public articles -----------------------------------------------------------------------------


def test_article_list_is_paginated_and_filters_by_category(api, categories, admin_user):
    # The API pages the directory like the public page does: by the shop's setting.
    shopsettings.shop_setting_set(key="helpcenter_page_size", value=20, by=admin_user)
    ArticleFactory.create_batch(21, category=categories[0])
    ArticleFactory(category=categories[1], title="保修一年")
    ArticleFactory(category=categories[1], title="草稿", status=Article.Status.DRAFT, indexed=False)

    first = api.get(url("articles")).json()
    second = api.get(first["next"]).json()
    only_warranty = api.get(url("articles"), {"category": categories[1].pk}).json()

    assert first["count"] == 22 and len(first["results"]) == 20 and first["previous"] is None
    assert len(second["results"]) == 2 and second["next"] is None
    assert [a["title"] for a in only_warranty["results"]] == ["保修一年"]
    item = only_warranty["results"][0]
    assert item["category"] == {"id": categories[1].pk, "name": "保修条例"}
    assert item["score"] is None
    assert item["url"].endswith(reverse("helpcenter:article", args=[item["id"]]))


def test_article_search_puts_the_best_match_first_with_scores(api, categories):
    best = ArticleFactory(
        category=categories[3], title="仪器无法开机怎么办", body="请先充电两小时再长按开机键。"
    )
    weaker = ArticleFactory(category=categories[2], title="开机键失灵", body="开机键按下没反应，请联系售后。")
    ArticleFactory(category=categories[0], title="怎么下单", body="选好商品后点击立即购买。")

    response = api.get(url("articles"), {"q": "无法开机"})

    results = response.json()["results"]
    assert results[0]["id"] == best.pk  # both of the customer's words, in the title
    assert {r["id"] for r in results} <= {best.pk, weaker.pk}  # never the unrelated 怎么下单
    scores = [r["score"] for r in results]
    assert scores == sorted(scores, reverse=True) and scores[-1] > 0
    assert "开机" in results[0]["snippet"]
    assert "<mark>" in results[0]["snippet_html"]


def test_search_can_be_limited_to_a_category(api, categories):
    ArticleFactory(category=categories[3], title="仪器无法开机怎么办")
    kept = ArticleFactory(category=categories[2], title="开机后如何保养")

    response = api.get(url("articles"), {"q": "开机", "category": categories[2].pk})

    assert [r["id"] for r in response.json()["results"]] == [kept.pk]


def test_an_invalid_filter_is_a_400(api):
    assert api.get(url("articles"), {"category": "abc"}).status_code == 400


def test_article_detail_renders_markdown_and_counts_a_view(api, categories):
    article = ArticleFactory(category=categories[0], body="**先充电**\n\n- 第一步\n- 第二步", tags=["开机"])

    first = api.get(url("article", article.pk)).json()
    second = api.get(url("article", article.pk)).json()

    assert "<strong>先充电</strong>" in first["body_html"]
    assert first["body"].startswith("**先充电**")
    assert first["tags"] == ["开机"]
    assert (first["views"], second["views"]) == (1, 2)
    services.article_views_flush()
    article.refresh_from_db()
    assert article.views == 2


def test_a_draft_article_is_not_public(api, categories):
    draft = ArticleFactory(category=categories[0], status=Article.Status.DRAFT, indexed=False)

    assert api.get(url("article", draft.pk)).status_code == 404
    assert api.post(url("article_feedback", draft.pk), {"helpful": True}, format="json").status_code == 404


def test_customers_say_whether_an_article_helped_once_each(api, categories):
    article = ArticleFactory(category=categories[0])

    api.post(url("article_feedback", article.pk), {"helpful": True}, format="json", REMOTE_ADDR="10.0.0.1")
    again = api.post(
        url("article_feedback", article.pk), {"helpful": True}, format="json", REMOTE_ADDR="10.0.0.1"
    )
    other = api.post(
        url("article_feedback", article.pk), {"helpful": False}, format="json", REMOTE_ADDR="10.0.0.2"
    )

    assert again.json() == {"helpful_yes": 1, "helpful_no": 0}
    assert other.status_code == 200
    assert other.json() == {"helpful_yes": 1, "helpful_no": 1}
    assert api.post(url("article_feedback", article.pk), {}, format="json").status_code == 400


def test_a_script_cannot_stuff_the_helpful_count_from_one_address(api, categories, settings):
    settings.KEFU_FEEDBACK_RATE_LIMIT = 3
    article = ArticleFactory(category=categories[0])

    for _ in range(10):
        api.post(
            url("article_feedback", article.pk), {"helpful": True}, format="json", REMOTE_ADDR="10.0.0.9"
        )
    # a fresh cookie each time (other visitors behind the same address) is still held by the address
    for _ in range(10):
        api.cookies.clear()
        api.get(url("article", article.pk), REMOTE_ADDR="10.0.0.9")
        api.post(
            url("article_feedback", article.pk), {"helpful": True}, format="json", REMOTE_ADDR="10.0.0.9"
        )

    article.refresh_from_db()
    assert 1 <= article.helpful_yes <= 3


# --- customer questions ---------------------------------------------------------------------------


def test_a_customer_submits_a_question_and_gets_a_private_link(api, categories, frozen_ratelimit_clock):
    response = api.post(url("question_submit"), {**QUESTION, "category": categories[0].pk}, format="json")

    assert response.status_code == 201
    question = Question.objects.get()
    body = response.json()
    assert body["token"] == question.token
    assert body["url"].endswith(reverse("helpcenter:question_status", args=[question.token]))
    assert question.category == categories[0]
    assert question.ip_address == "127.0.0.1"


def test_a_question_without_contact_is_refused_in_chinese(api, frozen_ratelimit_clock):
    response = api.post(url("question_submit"), {**QUESTION, "phone": ""}, format="json")

    assert response.status_code == 400
    assert "联系方式" in response.json()["phone"][0]
    assert not Question.objects.exists()


def test_an_unknown_category_is_refused(api, frozen_ratelimit_clock):
    response = api.post(url("question_submit"), {**QUESTION, "category": 999999}, format="json")

    assert response.status_code == 400
    assert "类别不存在" in response.json()["category"][0]


def test_a_too_long_title_is_refused(api, frozen_ratelimit_clock):
    response = api.post(url("question_submit"), {**QUESTION, "title": "问" * 121}, format="json")

    assert response.status_code == 400
    assert "120" in response.json()["title"][0]


def test_the_sixth_question_in_a_minute_is_refused_with_429(api, settings, frozen_ratelimit_clock):
    settings.KEFU_QUESTION_RATE_LIMIT = 5
    codes = [api.post(url("question_submit"), QUESTION, format="json").status_code for _ in range(6)]

    assert codes == [201] * 5 + [429]
    assert Question.objects.count() == 5
    refused = api.post(url("question_submit"), QUESTION, format="json")
    assert "频繁" in refused.json()["detail"]
    other_ip = api.post(url("question_submit"), QUESTION, format="json", REMOTE_ADDR="198.51.100.7")
    assert other_ip.status_code == 201


def test_the_honeypot_is_accepted_but_not_stored(api, frozen_ratelimit_clock):
    response = api.post(url("question_submit"), {**QUESTION, "website": "http://spam.example"}, format="json")

    assert response.status_code == 201
    assert response.json()["token"]
    assert not Question.objects.exists()
    assert api.get(url("question_status", response.json()["token"])).status_code == 404


def test_customer_text_is_stored_verbatim_and_escaped_where_rendered(
    api, supervisor_api, categories, frozen_ratelimit_clock
):
    evil_title = "<script>alert(1)</script>能退吗"
    evil_details = '<img src=x onerror="alert(2)">详情'
    token = api.post(
        url("question_submit"), {**QUESTION, "title": evil_title, "details": evil_details}, format="json"
    ).json()["token"]
    question = Question.objects.get(token=token)

    # JSON carries what the customer typed, byte for byte: escaping is the renderer's job.
    assert question.title == evil_title and question.details == evil_details
    status_json = api.get(url("question_status", token)).json()
    assert (status_json["title"], status_json["details"]) == (evil_title, evil_details)
    staff_json = supervisor_api.get(url("staff_question", question.pk)).json()
    assert staff_json["title"] == evil_title

    # Staff paste the customer's words into the answer: the rendered HTML never runs them.
    supervisor_api.post(
        url("staff_question_answer", question.pk),
        {"answer": f"{evil_title}\n\n{evil_details}"},
        format="json",
    )
    answer_html = api.get(url("question_status", token)).json()["answer_html"]
    assert "<script" not in answer_html and "onerror" not in answer_html

    article = supervisor_api.post(
        url("staff_question_publish", question.pk),
        {
            "title": "可以退吗",
            "answer": f"可以退。{evil_details}<script>alert(3)</script>",
            "category": categories[0].pk,
        },
        format="json",
    ).json()
    detail = api.get(url("article", article["id"])).json()
    assert "<script" not in detail["body_html"] and "onerror" not in detail["body_html"]
    assert "<script>alert(3)</script>" in detail["body"]
    listed = api.get(url("articles"), {"q": "可以退"}).json()["results"][0]
    assert "<script" not in listed["snippet_html"] and "<img" not in listed["snippet_html"]
    assert "&lt;img" in listed["snippet_html"]


def test_the_private_page_shows_the_individual_answer(api, agent_api, frozen_ratelimit_clock):
    token = api.post(url("question_submit"), QUESTION, format="json").json()["token"]
    assert api.get(url("question_status", token)).json()["status"] == "new"

    agent_api.post(
        url("staff_question_answer", Question.objects.get().pk), {"answer": "可以用，先试用。"}, format="json"
    )

    body = api.get(url("question_status", token)).json()
    assert body["status"] == "answered"
    assert body["answer"] == "可以用，先试用。"
    assert body["article_url"] is None
    assert "phone" not in body and "ip_address" not in body


def test_a_wrong_token_finds_nothing(api):
    QuestionFactory()

    assert api.get(url("question_status", "guessed-token")).status_code == 404


def test_a_question_never_appears_in_public_lists_or_search(api, frozen_ratelimit_clock):
    api.post(url("question_submit"), {**QUESTION, "title": "独一无二的芦荟胶问题"}, format="json")

    assert api.get(url("articles"), {"q": "芦荟胶"}).json()["count"] == 0
    assert api.get(url("articles")).json()["count"] == 0


# --- staff: questions -----------------------------------------------------------------------------


def test_staff_list_questions_newest_first_with_filters(agent_api, categories):
    old = QuestionFactory(category=categories[0])
    answered = QuestionFactory(category=categories[1], status=Question.Status.ANSWERED)
    new = QuestionFactory(category=categories[0])

    everything = agent_api.get(url("staff_questions")).json()
    only_new = agent_api.get(url("staff_questions"), {"status": "new"}).json()
    in_category = agent_api.get(url("staff_questions"), {"category": categories[1].pk}).json()

    assert [q["id"] for q in everything["results"]] == [new.pk, answered.pk, old.pk]
    assert [q["id"] for q in only_new["results"]] == [new.pk, old.pk]
    assert [q["id"] for q in in_category["results"]] == [answered.pk]
    assert everything["results"][0]["phone"] == "13800138000"
    assert agent_api.get(url("staff_questions"), {"status": "bogus"}).status_code == 400


def test_staff_see_a_question_with_similar_articles(agent_api, categories):
    article = ArticleFactory(category=categories[3], title="仪器无法开机怎么办")
    question = QuestionFactory(title="我的仪器无法开机")

    body = agent_api.get(url("staff_question", question.pk)).json()

    assert body["title"] == "我的仪器无法开机"
    assert body["similar_articles"][0]["id"] == article.pk
    assert agent_api.get(url("staff_question", 999999)).status_code == 404


def test_staff_answer_individually(agent_api, agent):
    question = QuestionFactory()

    response = agent_api.post(
        url("staff_question_answer", question.pk), {"answer": "明天发货"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["status"] == "answered"
    assert response.json()["answered_by"] == agent.username
    assert (
        agent_api.post(url("staff_question_answer", question.pk), {"answer": ""}, format="json").status_code
        == 400
    )


def test_staff_publish_a_question_as_an_article(api, supervisor_api, categories):
    question = QuestionFactory(category=categories[0], title="什么时候发货啊？？")

    response = supervisor_api.post(
        url("staff_question_publish", question.pk),
        {"title": "下单后多久发货", "answer": "16:30 前付款当天发货。", "tags": ["发货"]},
        format="json",
    )

    assert response.status_code == 201
    article = response.json()
    assert article["title"] == "下单后多久发货"
    assert article["category"]["id"] == categories[0].pk
    assert article["tags"] == ["发货"]
    assert article["status"] == "published"
    question.refresh_from_db()
    assert question.status == Question.Status.PUBLISHED and question.article_id == article["id"]
    assert (
        api.get(url("question_status", question.token))
        .json()["article_url"]
        .endswith(reverse("helpcenter:article", args=[article["id"]]))
    )
    assert [r["id"] for r in api.get(url("articles"), {"q": "发货"}).json()["results"]] == [article["id"]]

    again = supervisor_api.post(
        url("staff_question_publish", question.pk), {"title": "再发一次", "answer": "答复"}, format="json"
    )
    assert again.status_code == 400
    assert "已经发布" in again.json()["detail"][0]
    assert Article.objects.count() == 1


def test_publishing_without_a_category_asks_for_one(agent_api):
    question = QuestionFactory(category=None)

    response = agent_api.post(
        url("staff_question_publish", question.pk), {"title": "标题", "answer": "答复"}, format="json"
    )

    assert response.status_code == 400
    assert "类别" in response.json()["category"][0]
    assert not Article.objects.exists()


def test_staff_close_a_question(agent_api):
    question = QuestionFactory()

    response = agent_api.post(url("staff_question_close", question.pk))

    assert response.status_code == 200
    assert response.json()["status"] == "closed"


# --- staff: articles ------------------------------------------------------------------------------


def test_staff_article_lifecycle(api, supervisor_api, supervisor, categories):
    created = supervisor_api.post(
        url("staff_articles"),
        {"category": categories[1].pk, "title": "保修期多久", "body": "保修**一年**。", "tags": ["保修"]},
        format="json",
    )
    assert created.status_code == 201
    article_id = created.json()["id"]
    assert "<strong>一年</strong>" in created.json()["body_html"]
    assert created.json()["url"].endswith(reverse("helpcenter:article", args=[article_id]))

    duplicate = supervisor_api.post(
        url("staff_articles"),
        {"category": categories[1].pk, "title": "保修期多久", "body": "另一篇"},
        format="json",
    )
    assert duplicate.status_code == 400
    assert "同名" in duplicate.json()["title"][0]

    patched = supervisor_api.patch(url("staff_article", article_id), {"body": "保修两年。"}, format="json")
    assert patched.status_code == 200
    assert patched.json()["body"] == "保修两年。"
    assert patched.json()["title"] == "保修期多久" and patched.json()["tags"] == ["保修"]
    assert patched.json()["updated_by"] == supervisor.username

    unpublished = supervisor_api.post(url("staff_article_unpublish", article_id))
    assert unpublished.json()["status"] == "draft" and unpublished.json()["url"] is None
    assert api.get(url("article", article_id)).status_code == 404
    assert api.get(url("articles"), {"q": "保修"}).json()["count"] == 0
    assert supervisor_api.get(url("staff_article", article_id)).json()["status"] == "draft"

    republished = supervisor_api.post(url("staff_article_publish", article_id))
    assert republished.json()["status"] == "published"
    assert [r["id"] for r in api.get(url("articles"), {"q": "保修"}).json()["results"]] == [article_id]

    assert supervisor_api.delete(url("staff_article", article_id)).status_code == 204
    assert not Article.objects.filter(pk=article_id).exists()
    assert api.get(url("articles"), {"q": "保修"}).json()["count"] == 0


def test_staff_article_list_includes_drafts_and_filters(agent_api, categories):
    ArticleFactory(category=categories[0], title="已发布")
    ArticleFactory(category=categories[1], title="草稿", status=Article.Status.DRAFT, indexed=False)

    everything = agent_api.get(url("staff_articles")).json()
    drafts = agent_api.get(url("staff_articles"), {"status": "draft"}).json()
    by_category = agent_api.get(url("staff_articles"), {"category": categories[0].pk}).json()

    assert everything["count"] == 2
    assert [a["title"] for a in drafts["results"]] == ["草稿"]
    assert [a["title"] for a in by_category["results"]] == ["已发布"]


def test_moving_an_article_to_an_unknown_category_is_refused(agent_api, categories):
    article = ArticleFactory(category=categories[0])

    response = agent_api.patch(url("staff_article", article.pk), {"category": 999999}, format="json")

    assert response.status_code == 400
    article.refresh_from_db()
    assert article.category == categories[0]


# --- staff: synonyms ------------------------------------------------------------------------------


def test_the_team_reads_synonyms_and_supervisors_replace_them(agent_api, as_user, supervisor, categories):
    article = ArticleFactory(category=categories[0], title="快递几天到", body="一般三天送达")

    groups = agent_api.get(url("staff_synonyms")).json()["groups"]
    assert all(isinstance(g, list) for g in groups)

    refused = agent_api.put(url("staff_synonyms"), {"groups": [["甲", "乙"]]}, format="json")
    assert refused.status_code == 403
    assert SynonymGroup.objects.count() == len(groups)

    response = as_user(supervisor).put(
        url("staff_synonyms"), {"groups": [["物流", "快递"], ["单独"]]}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["groups"] == [["物流", "快递"]]
    assert [a.pk for a in selectors.article_search(q="物流").articles] == [article.pk]


# --- query counts do not grow with the page ------------------------------------------------------


def queries_for(client, path, params=None) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path, params or {}).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("articles", {}),
        ("articles", {"q": "客服"}),
        ("staff_articles", {}),
        ("staff_questions", {}),
        ("categories", {}),
    ],
)
def test_list_endpoints_use_a_fixed_number_of_queries(agent_api, agent, make_user, categories, name, params):
    def add(n):
        for i in range(n):
            ArticleFactory(category=categories[i % 3], tags=[f"标签{i}"], updated_by=agent)
            QuestionFactory(category=categories[i % 3], answered_by=agent)

    add(2)
    queries_for(agent_api, url(name), params)  # warm: the search's synonym table is kept per process
    few = queries_for(agent_api, url(name), params)
    add(6)
    many = queries_for(agent_api, url(name), params)

    assert many == few
