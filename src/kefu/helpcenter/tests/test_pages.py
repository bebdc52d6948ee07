"""The help center's pages: public directory, detail, ask form, private page and the back office."""

import re

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from kefu.core import navigation, shopsettings
from kefu.helpcenter import services
from kefu.helpcenter.models import Article, Category, Question
from kefu.helpcenter.tests.factories import ArticleFactory, QuestionFactory

pytestmark = pytest.mark.django_db

HOME = reverse("helpcenter:home")
ASK = reverse("helpcenter:ask")
ASK_SUBMIT = reverse("helpcenter:ask_submit")

XSS_TITLE = "<script>alert(1)</script>"
XSS_DETAILS = "<img src=x onerror=alert(1)>"

# Each back-office page also counts the other apps' navigation badges, one query each (see
# core/tests/test_navigation.py); the caps below are this app's own queries plus those.
OTHER_APPS_BADGES = len([name for name in navigation.badge_names() if name != "new_questions"])


def ask_data(**overrides) -> dict:
    data = {
        "title": "收到的面霜漏液了怎么办",
        "details": "昨天收到的，盖子松了。",
        "name": "李女士",
        "phone": "13912345678",
        "email": "",
        "im_id": "",
        "category": "",
        "website": "",
    }
    data.update(overrides)
    return data


def results_titles(response) -> list[str]:
    """The titles in the public result list, marks removed."""
    html = response.content.decode()
    return [
        re.sub(r"</?mark>", "", t)
        for t in re.findall(r'<h3><a href="/help/articles/\d+/(?:\?s=\d+)?">(.*?)</a></h3>', html)
    ]


@pytest.fixture
def shop(categories):
    """A small help center: shipping articles in 产品订购, a warranty article in 保修条例."""
    order, warranty = categories[0], categories[1]
    return {
        "order": order,
        "warranty": warranty,
        "ship": ArticleFactory(
            category=order,
            title="几点前付款当天发货？",
            body="每天 **16:30 前付款** 的订单当天发货，之后付款的订单次日发货。",
            tags=["发货时间"],
        ),
        "courier": ArticleFactory(
            category=order, title="默认发什么快递？", body="我们默认发申通快递，可以指定顺丰。"
        ),
        "warranty_article": ArticleFactory(
            category=warranty, title="产品的保修期是多久？", body="电动美容仪保修一年，凭订单号即可保修。"
        ),
    }


# --- who may see what -----------------------------------------------------------------------

STAFF_PAGES = [
    ("staff_questions", False),
    ("staff_question", True),
    ("staff_articles", False),
    ("staff_article_add", False),
    ("staff_article_edit", True),
    ("staff_synonyms", False),
    ("staff_categories", False),
    ("staff_category_add", False),
]
ADMIN_ONLY = {"staff_categories", "staff_category_add"}


def staff_url(name: str, needs_pk: bool, *, question: Question, article: Article) -> str:
    if not needs_pk:
        return reverse(f"helpcenter:{name}")
    pk = question.pk if name == "staff_question" else article.pk
    return reverse(f"helpcenter:{name}", args=[pk])


def test_public_pages_open_without_login(client, shop):
    question = QuestionFactory()
    for url in (
        HOME,
        f"{HOME}?q=发货",
        reverse("helpcenter:article", args=[shop["ship"].pk]),
        ASK,
        reverse("helpcenter:question_status", args=[question.token]),
    ):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize(("name", "needs_pk"), STAFF_PAGES)
def test_back_office_sends_anonymous_visitors_to_login(client, shop, name, needs_pk):
    url = staff_url(name, needs_pk, question=QuestionFactory(), article=shop["ship"])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/desk/login/?next=")


@pytest.mark.parametrize(("name", "needs_pk"), STAFF_PAGES)
def test_back_office_refuses_a_logged_in_customer_without_role(make_user, login, shop, name, needs_pk):
    outsider = login(make_user("buyer"))
    url = staff_url(name, needs_pk, question=QuestionFactory(), article=shop["ship"])
    assert outsider.get(url).status_code == 403


@pytest.mark.parametrize(("name", "needs_pk"), STAFF_PAGES)
def test_agent_uses_the_back_office_but_not_category_management(agent, login, shop, name, needs_pk):
    url = staff_url(name, needs_pk, question=QuestionFactory(), article=shop["ship"])
    expected = 403 if name in ADMIN_ONLY else 200
    assert login(agent).get(url).status_code == expected


@pytest.mark.parametrize(("name", "needs_pk"), STAFF_PAGES)
def test_admin_opens_every_back_office_page(admin_user, login, shop, name, needs_pk):
    url = staff_url(name, needs_pk, question=QuestionFactory(), article=shop["ship"])
    assert login(admin_user).get(url).status_code == 200


def test_category_link_is_shown_to_admins_only(agent, admin_user, login):
    categories_url = reverse("helpcenter:staff_categories")
    assert categories_url not in login(agent).get(reverse("helpcenter:staff_questions")).content.decode()
    assert categories_url in login(admin_user).get(reverse("helpcenter:staff_questions")).content.decode()


def test_agent_cannot_change_categories_by_posting(agent, login, categories):
    response = login(agent).post(
        reverse("helpcenter:staff_category_rename", args=[categories[0].pk]), {"name": "改掉"}
    )
    assert response.status_code == 403
    categories[0].refresh_from_db()
    assert categories[0].name == "产品订购"


# --- public directory and search ------------------------------------------------------------


def test_search_highlights_the_words_in_title_and_snippet(client, shop):
    response = client.get(HOME, {"q": "发货"})
    html = response.content.decode()
    assert "几点前付款当天<mark>发货</mark>？" in html
    # the snippet is plain text: Markdown marks are gone, the word is marked
    snippet = re.search(r'<p class="snippet">(.*?)</p>', html).group(1)
    assert "**" not in snippet and "<strong>" not in snippet
    assert "<mark>发货</mark>" in snippet
    assert results_titles(response)[0] == "几点前付款当天发货？"


def test_search_title_opens_the_detail_page(client, shop):
    response = client.get(HOME, {"q": "保修"})
    link = reverse("helpcenter:article", args=[shop["warranty_article"].pk])
    assert f'href="{link}?s=' in response.content.decode()  # the search's log id, to count the click
    detail = client.get(link)
    assert "<h1>产品的保修期是多久？</h1>" in detail.content.decode()
    assert "电动美容仪保修一年" in detail.content.decode()


def test_search_escapes_what_the_customer_typed(client, shop):
    response = client.get(HOME, {"q": "<b>发货</b>"})
    html = response.content.decode()
    assert "<b>发货</b>" not in html
    assert "&lt;b&gt;发货&lt;/b&gt;" in html


def test_category_filter_shows_only_that_category(client, shop):
    response = client.get(HOME, {"category": shop["warranty"].pk})
    assert results_titles(response) == ["产品的保修期是多久？"]
    searched = client.get(HOME, {"q": "发货", "category": shop["warranty"].pk})
    assert "几点前付款当天发货？" not in results_titles(searched)


def test_sidebar_counts_published_articles_per_category(client, shop):
    ArticleFactory(category=shop["order"], title="草稿文章", status=Article.Status.DRAFT, indexed=False)
    html = client.get(HOME).content.decode()
    assert re.search(r"产品订购 <span class=\"count\">2</span>", html)
    assert re.search(r"保修条例 <span class=\"count\">1</span>", html)
    assert "草稿文章" not in html


def test_directory_is_paginated_by_the_shop_setting(
    client, admin_user, categories, django_assert_max_num_queries
):
    shopsettings.shop_setting_set(key="helpcenter_page_size", value=2, by=admin_user)
    for i in range(5):
        ArticleFactory(
            category=categories[0], title=f"退货流程第{i}步", body=f"退货说明 {i}", tags=["退货", "售后"]
        )
    with django_assert_max_num_queries(8):
        first = client.get(HOME)
    assert len(results_titles(first)) == 2
    assert "?page=2" in first.content.decode()
    last = client.get(HOME, {"page": 3})
    assert len(results_titles(last)) == 1
    beyond = client.get(HOME, {"page": 99})
    assert results_titles(beyond) == results_titles(last)
    seen = (
        set(results_titles(first))
        | set(results_titles(client.get(HOME, {"page": 2})))
        | set(results_titles(last))
    )
    assert len(seen) == 5


def test_search_results_are_paginated_and_keep_the_query(
    client, admin_user, categories, django_assert_max_num_queries
):
    shopsettings.shop_setting_set(key="helpcenter_page_size", value=2, by=admin_user)
    for i in range(5):
        ArticleFactory(category=categories[0], title=f"退货流程第{i}步", body="退货需要保持吊牌完好。")
    with django_assert_max_num_queries(12):
        response = client.get(HOME, {"q": "退货"})
    html = response.content.decode()
    assert len(results_titles(response)) == 2
    assert "q=%E9%80%80%E8%B4%A7&amp;page=2" in html
    assert len(results_titles(client.get(HOME, {"q": "退货", "page": 3}))) == 1


def test_empty_search_offers_to_ask_a_question(client, shop):
    html = client.get(HOME, {"q": "宇宙飞船"}).content.decode()
    assert "没有找到与“宇宙飞船”相关的文章" in html
    assert f"{ASK}?title=%E5%AE%87%E5%AE%99%E9%A3%9E%E8%88%B9" in html


def test_unpublished_article_is_not_public(client, shop, admin_user):
    services.article_set_published(article=shop["ship"], by=admin_user, published=False)
    assert client.get(reverse("helpcenter:article", args=[shop["ship"].pk])).status_code == 404
    assert "几点前付款当天发货？" not in results_titles(client.get(HOME, {"q": "发货"}))


# --- article detail ---------------------------------------------------------------------------


def test_article_page_renders_markdown_and_counts_views(client, shop):
    url = reverse("helpcenter:article", args=[shop["ship"].pk])
    html = client.get(url).content.decode()
    assert "<strong>16:30 前付款</strong>" in html
    assert "这篇文章有帮助吗？" in html
    assert "发货时间" in html  # tag
    assert "产品订购" in html
    client.get(url)
    services.article_views_flush()
    shop["ship"].refresh_from_db()
    assert shop["ship"].views == 2


def test_article_page_lists_related_articles_but_not_itself(client, shop):
    ArticleFactory(category=shop["order"], title="付款后多久发货？", body="一般 24 小时内发货。")
    response = client.get(reverse("helpcenter:article", args=[shop["ship"].pk]))
    related = response.context["related"]
    assert related and shop["ship"] not in related
    assert len(related) <= 5
    assert "付款后多久发货？" in [a.title for a in related]


def test_article_feedback_is_counted_once_per_visitor(shop):
    article = shop["ship"]
    url = reverse("helpcenter:article_feedback", args=[article.pk])
    visitor = Client()
    response = visitor.post(url, {"helpful": "true"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "感谢您的反馈" in response.content.decode()
    assert "<html" not in response.content.decode()  # a partial for htmx
    visitor.post(url, {"helpful": "true"}, headers={"HX-Request": "true"})
    Client().post(url, {"helpful": "false"})  # without htmx: back to the article
    article.refresh_from_db()
    assert (article.helpful_yes, article.helpful_no) == (1, 1)
    assert "感谢您的反馈" in visitor.get(reverse("helpcenter:article", args=[article.pk])).content.decode()


def test_article_feedback_needs_post(client, shop):
    response = client.get(reverse("helpcenter:article_feedback", args=[shop["ship"].pk]))
    assert response.status_code == 405
    shop["ship"].refresh_from_db()
    assert shop["ship"].helpful_yes == 0


# --- asking a question ------------------------------------------------------------------------


def test_ask_form_has_csrf_honeypot_and_live_suggestions(client, shop):
    html = client.get(ASK).content.decode()
    assert "csrfmiddlewaretoken" in html
    assert 'name="website"' in html and 'class="hp"' in html
    assert f'hx-get="{reverse("helpcenter:ask_suggest")}"' in html
    assert 'hx-trigger="keyup changed delay:300ms' in html


def test_ask_suggest_shows_matching_articles_up_to_the_setting(client, admin_user, categories):
    for i in range(7):
        ArticleFactory(category=categories[0], title=f"发货问题{i}", body="发货说明")
    response = client.get(reverse("helpcenter:ask_suggest"), {"title": "发货"})
    assert response.content.decode().count("/help/articles/") == 5
    shopsettings.shop_setting_set(key="helpcenter_ask_suggestions", value=3, by=admin_user)
    response = client.get(reverse("helpcenter:ask_suggest"), {"title": "发货"})
    assert response.content.decode().count("/help/articles/") == 3
    assert client.get(reverse("helpcenter:ask_suggest"), {"title": "宇宙飞船"}).content.decode().strip() == ""


def test_asking_leads_to_the_private_page_with_a_bookmark_notice(client, categories):
    response = client.post(ASK_SUBMIT, ask_data(category=categories[1].pk))
    question = Question.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("helpcenter:question_status", args=[question.token]) + "?new=1"
    html = client.get(response["Location"]).content.decode()
    assert "请收藏这个链接" in html
    assert question.token in html
    assert "收到的面霜漏液了怎么办" in html and "待处理" in html
    assert question.category == categories[1] and question.ip_address == "127.0.0.1"


def test_private_page_needs_the_exact_token(client):
    question = QuestionFactory()
    # one character off (a random token may end in "x" itself: then it is off by "y")
    wrong = question.token[:-1] + ("y" if question.token.endswith("x") else "x")
    assert client.get(reverse("helpcenter:question_status", args=[question.token])).status_code == 200
    assert client.get(reverse("helpcenter:question_status", args=[wrong])).status_code == 404


def test_submitted_question_is_never_shown_publicly(client, shop):
    client.post(
        ASK_SUBMIT, ask_data(title="鸵鸟蛋面膜可以退吗", details="开封三天的鸵鸟蛋面膜", name="赵先生")
    )
    assert Question.objects.filter(title="鸵鸟蛋面膜可以退吗").exists()
    searched = client.get(HOME, {"q": "鸵鸟蛋面膜可以退吗"})
    assert "鸵鸟蛋面膜可以退吗" not in results_titles(searched)
    for response in (
        searched,
        client.get(HOME, {"q": "面膜 开封"}),
        client.get(HOME),
        client.get(reverse("helpcenter:ask_suggest"), {"title": "鸵鸟蛋面膜"}),
        client.get(reverse("helpcenter:article", args=[shop["ship"].pk])),
    ):
        html = response.content.decode()
        assert "开封三天" not in html and "赵先生" not in html
    assert "鸵鸟蛋" not in client.get(HOME).content.decode()
    assert (
        "鸵鸟蛋"
        not in client.get(reverse("helpcenter:ask_suggest"), {"title": "鸵鸟蛋面膜"}).content.decode()
    )


def test_honeypot_pretends_success_and_stores_nothing(client):
    response = client.post(ASK_SUBMIT, ask_data(website="http://spam.example"))
    assert response.status_code == 200
    assert "问题已提交" in response.content.decode()
    assert not Question.objects.exists()


@override_settings(KEFU_QUESTION_RATE_LIMIT=5)
def test_sixth_question_in_a_minute_is_refused_and_keeps_what_was_typed(client):
    for i in range(5):
        assert client.post(ASK_SUBMIT, ask_data(title=f"问题{i}")).status_code == 302
    response = client.post(ASK_SUBMIT, ask_data(title="第六个问题", details="还想再问一下"))
    html = response.content.decode()
    assert response.status_code == 429
    assert "提交得太频繁" in html
    assert 'value="第六个问题"' in html and "还想再问一下" in html
    assert Question.objects.count() == 5


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"phone": ""}, "phone", "请至少留下一种联系方式"),
        ({"title": ""}, "title", "请填写问题标题"),
        ({"name": ""}, "name", "请填写您的称呼"),
        ({"title": "长" * 121}, "title", "不能超过 120 个字"),
        ({"details": "长" * 2001}, "details", "不能超过 2000 个字"),
        ({"email": "not-an-email"}, "email", "请填写正确的邮箱地址"),
    ],
)
def test_bad_question_is_refused_in_chinese_and_keeps_the_input(client, overrides, field, message):
    data = ask_data(**overrides)
    response = client.post(ASK_SUBMIT, data)
    assert response.status_code == 400
    assert message in "".join(response.context["form"].errors[field])
    html = response.content.decode()
    assert message in html
    kept = 'value="13912345678"' if field != "phone" else 'value="李女士"'
    assert kept in html  # what was typed stays
    if field in ("title", "details"):
        assert data[field][:50] in html
    assert not Question.objects.exists()


def test_any_one_contact_is_enough(client):
    assert client.post(ASK_SUBMIT, ask_data(phone="", im_id="tb_lixiaojie")).status_code == 302
    assert Question.objects.get().im_id == "tb_lixiaojie"


# --- escaping customer text -------------------------------------------------------------------


def test_customer_markup_comes_out_escaped_on_staff_and_private_pages(client, agent, login):
    client.post(ASK_SUBMIT, ask_data(title=XSS_TITLE, details=XSS_DETAILS, name=XSS_DETAILS, im_id=XSS_TITLE))
    question = Question.objects.get()
    staff = login(agent)
    pages = [
        staff.get(reverse("helpcenter:staff_questions")),
        staff.get(reverse("helpcenter:staff_question", args=[question.pk])),
        client.get(reverse("helpcenter:question_status", args=[question.token])),
    ]
    for response in pages:
        html = response.content.decode()
        assert "<script>alert(1)</script>" not in html
        assert "<img src=x onerror" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "&lt;img src=x onerror=alert(1)&gt;" in html


# --- back office: questions -------------------------------------------------------------------


def test_question_list_is_newest_first_and_filters(agent, login, categories, django_assert_max_num_queries):
    old = QuestionFactory(title="旧问题", category=categories[0])
    new = QuestionFactory(title="新问题", category=categories[1])
    done = QuestionFactory(title="已答复的问题", status=Question.Status.ANSWERED, answer="好的")
    for i in range(15):
        QuestionFactory(title=f"批量问题{i}", category=categories[2])
    staff = login(agent)
    url = reverse("helpcenter:staff_questions")
    staff.get(url)  # session and user warm-up
    with django_assert_max_num_queries(12 + OTHER_APPS_BADGES):
        response = staff.get(url)
    page = list(response.context["page"])
    assert page[0].title == "批量问题14" and page.index(new) < page.index(old)
    assert list(staff.get(url, {"status": "answered"}).context["page"]) == [done]
    assert list(staff.get(url, {"category": categories[1].pk}).context["page"]) == [new]
    assert '<span class="badge" id="badge-new_questions">17</span>' in response.content.decode()


def test_answer_page_prefills_title_but_never_the_answer(supervisor, login):
    question = QuestionFactory(title="面霜可以带上飞机吗", details="客户原话：我要出差")
    html = login(supervisor).get(reverse("helpcenter:staff_question", args=[question.pk])).content.decode()
    assert "单独答复" in html and "编辑后发布为文章" in html
    assert 'value="面霜可以带上飞机吗"' in html
    publish_form = html[html.index('id="publish-form"') :]
    answer_area = re.search(r'<textarea name="answer"[^>]*>(.*?)</textarea>', publish_form, re.S).group(1)
    assert answer_area.strip() == ""
    assert "13800138000" in html  # the customer's contact


def test_answering_individually_shows_on_the_private_page(client, agent, login):
    question = QuestionFactory(title="我的订单什么时候到")
    staff = login(agent)
    response = staff.post(
        reverse("helpcenter:staff_question_answer", args=[question.pk]),
        {"answer": "您好，您的订单已从杭州发出，预计明天送达。"},
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.status == Question.Status.ANSWERED and question.answered_by == agent
    html = client.get(reverse("helpcenter:question_status", args=[question.token])).content.decode()
    assert "预计明天送达" in html and "已单独答复" in html
    assert results_titles(client.get(HOME, {"q": "订单什么时候到"})) == []


def test_empty_answer_is_refused_and_keeps_the_other_form(supervisor, login):
    question = QuestionFactory()
    response = login(supervisor).post(
        reverse("helpcenter:staff_question_publish", args=[question.pk]),
        {"title": "改好的标题", "answer": "", "category": ""},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "请填写答复内容" in html and "请选择类别" in html
    assert 'value="改好的标题"' in html
    question.refresh_from_db()
    assert question.status == Question.Status.NEW and not Article.objects.exists()


def test_publishing_a_question_creates_an_article_found_by_search(client, supervisor, login, categories):
    question = QuestionFactory(
        title="面霜能不能带上飞机啊？？", details="我下周出差，客户原话不应公开", category=None
    )
    staff = login(supervisor)
    response = staff.post(
        reverse("helpcenter:staff_question_publish", args=[question.pk]),
        {
            "title": "面霜可以带上飞机吗？",
            "answer": "可以。单瓶不超过 **100ml** 的面霜可以随身携带。",
            "category": categories[4].pk,
            "tags": "乘机，出行",
        },
    )
    assert response.status_code == 302
    question.refresh_from_db()
    article = question.article
    assert question.status == Question.Status.PUBLISHED
    assert (article.title, article.category) == ("面霜可以带上飞机吗？", categories[4])
    assert sorted(t.name for t in article.tags.all()) == ["乘机", "出行"]
    assert "客户原话" not in article.body
    assert "面霜可以带上飞机吗？" in results_titles(client.get(HOME, {"q": "飞机 面霜"}))
    private = client.get(reverse("helpcenter:question_status", args=[question.token])).content.decode()
    assert reverse("helpcenter:article", args=[article.pk]) in private


def test_publishing_twice_is_refused(supervisor, login, categories):
    question = QuestionFactory()
    staff = login(supervisor)
    url = reverse("helpcenter:staff_question_publish", args=[question.pk])
    data = {
        "title": "发货时间说明",
        "answer": "16:30 前付款当天发。",
        "category": categories[0].pk,
    }
    staff.post(url, data)
    response = staff.post(url, {**data, "title": "另一个标题"})
    assert Article.objects.count() == 1
    assert response.status_code in (200, 400)
    assert "发布为文章" in response.content.decode()


def test_closing_a_question(agent, login):
    question = QuestionFactory()
    response = login(agent).post(reverse("helpcenter:staff_question_close", args=[question.pk]))
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.status == Question.Status.CLOSED


# --- back office: categories ------------------------------------------------------------------


def test_admin_adds_a_category_and_a_duplicate_is_refused(admin_user, login, categories):
    staff = login(admin_user)
    url = reverse("helpcenter:staff_category_add")
    assert staff.post(url, {"name": "会员积分", "description": "积分和等级"}).status_code == 302
    assert Category.objects.filter(name="会员积分").exists()
    response = staff.post(url, {"name": "产品订购", "description": "重复的"})
    assert response.status_code == 400
    assert "已存在" in response.content.decode() and 'value="重复的"' in response.content.decode()
    assert Category.objects.filter(name="产品订购").count() == 1


def test_category_rename_inline_with_htmx(admin_user, login, categories):
    staff = login(admin_user)
    url = reverse("helpcenter:staff_category_rename", args=[categories[0].pk])
    response = staff.post(
        url,
        {"name": "下单购买"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert 'id="category-' in response.content.decode() and "已保存" in response.content.decode()
    categories[0].refresh_from_db()
    assert categories[0].name == "下单购买"
    clash = staff.post(
        url,
        {"name": "保修条例"},
        headers={"HX-Request": "true"},
    )
    assert clash.status_code == 200  # htmx swaps only 2xx answers into the row
    assert '<ul class="errorlist">' in clash.content.decode() and "已存在" in clash.content.decode()
    assert 'value="保修条例"' in clash.content.decode()
    categories[0].refresh_from_db()
    assert categories[0].name == "下单购买"


def test_category_move_up_and_down(admin_user, login, categories, django_assert_max_num_queries):
    staff = login(admin_user)
    url = reverse("helpcenter:staff_categories")
    staff.post(reverse("helpcenter:staff_category_move_up", args=[categories[2].pk]))
    staff.post(reverse("helpcenter:staff_category_move_down", args=[categories[0].pk]))
    staff.get(url)
    with django_assert_max_num_queries(8 + OTHER_APPS_BADGES):
        response = staff.get(url)
    names = [c.name for c in response.context["categories"]]
    assert names == ["维修保养", "产品订购", "保修条例", "技术支持", "常见问题"]


def test_category_delete_is_refused_while_it_holds_articles(admin_user, login, shop):
    staff = login(admin_user)
    response = staff.post(
        reverse("helpcenter:staff_category_delete", args=[shop["order"].pk]),
        follow=True,
    )
    assert "还有 2 篇文章" in response.content.decode()
    assert Category.objects.filter(pk=shop["order"].pk).exists()


def test_category_delete_moves_the_articles_first(client, admin_user, login, shop):
    staff = login(admin_user)
    response = staff.post(
        reverse("helpcenter:staff_category_delete", args=[shop["order"].pk]),
        {"move_to": shop["warranty"].pk},
        follow=True,
    )
    assert "已移到“保修条例”" in response.content.decode()
    assert not Category.objects.filter(pk=shop["order"].pk).exists()
    shop["ship"].refresh_from_db()
    assert shop["ship"].category == shop["warranty"]
    found = client.get(HOME, {"q": "发货", "category": shop["warranty"].pk})
    assert "几点前付款当天发货？" in results_titles(found)


def test_empty_category_is_deleted_directly(admin_user, login, categories):
    login(admin_user).post(reverse("helpcenter:staff_category_delete", args=[categories[3].pk]))
    assert not Category.objects.filter(pk=categories[3].pk).exists()


# --- back office: articles --------------------------------------------------------------------


def test_preview_renders_markdown_safely(agent, login):
    response = login(agent).post(
        reverse("helpcenter:staff_preview"), {"body": "**加粗**\n\n<script>alert(1)</script>"}
    )
    html = response.content.decode()
    assert "<strong>加粗</strong>" in html
    assert "<script>" not in html


def test_submit_article_publishes_it(client, supervisor, login, categories):
    response = login(supervisor).post(
        reverse("helpcenter:staff_article_add"),
        {
            "category": categories[3].pk,
            "title": "美容仪充不进电怎么办",
            "body": "先换一根数据线试试。",
            "tags": "充电 美容仪",
            "publish": "on",
        },
    )
    article = Article.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "helpcenter:staff_article_edit", args=[article.pk]
    )
    assert article.is_published and article.created_by == supervisor
    assert "美容仪充不进电怎么办" in results_titles(client.get(HOME, {"q": "充电"}))


def test_submit_article_as_draft_keeps_it_private(client, agent, login, categories):
    login(agent).post(
        reverse("helpcenter:staff_article_add"),
        # what the page sends with the box unticked: the hidden "false", no "on"
        {"category": categories[3].pk, "title": "草稿：新品说明", "body": "待补充", "publish": "false"},
    )
    article = Article.objects.get()
    assert not article.is_published
    assert client.get(reverse("helpcenter:article", args=[article.pk])).status_code == 404


def test_submit_article_errors_keep_the_input(supervisor, login, shop):
    response = login(supervisor).post(
        reverse("helpcenter:staff_article_add"),
        {"category": shop["order"].pk, "title": "默认发什么快递？", "body": "重复的标题，正文要留着"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "该类别下已有同名文章" in html and "重复的标题，正文要留着" in html
    assert Article.objects.count() == 3


def test_edit_unpublish_publish_and_delete_an_article(client, supervisor, login, shop):
    staff = login(supervisor)
    article = shop["courier"]
    url = reverse("helpcenter:staff_article_edit", args=[article.pk])
    staff.post(
        url,
        {
            "category": shop["order"].pk,
            "title": "默认发哪家快递？",
            "body": "默认申通。",
            "tags": "快递",
        },
    )
    article.refresh_from_db()
    assert article.title == "默认发哪家快递？"
    staff.post(reverse("helpcenter:staff_article_unpublish", args=[article.pk]))
    assert client.get(reverse("helpcenter:article", args=[article.pk])).status_code == 404
    staff.post(reverse("helpcenter:staff_article_publish", args=[article.pk]))
    assert client.get(reverse("helpcenter:article", args=[article.pk])).status_code == 200
    assert "确定删除文章" in staff.get(url).content.decode()
    response = staff.post(reverse("helpcenter:staff_article_delete", args=[article.pk]))
    assert response["Location"] == reverse("helpcenter:staff_articles")
    assert not Article.objects.filter(pk=article.pk).exists()
    assert "默认发哪家快递？" not in results_titles(client.get(HOME, {"q": "快递"}))


def test_staff_article_directory_searches_filters_and_shows_counts(
    agent, login, shop, django_assert_max_num_queries
):
    Article.objects.filter(pk=shop["ship"].pk).update(views=42, helpful_yes=7, helpful_no=2)
    ArticleFactory(
        category=shop["warranty"], title="草稿：保修卡", status=Article.Status.DRAFT, indexed=False
    )
    for i in range(25):
        ArticleFactory(category=shop["warranty"], title=f"保养小贴士{i}", tags=["保养"])
    staff = login(agent)
    url = reverse("helpcenter:staff_articles")
    staff.get(url)
    with django_assert_max_num_queries(12 + OTHER_APPS_BADGES):
        response = staff.get(url, {"q": "发货"})
    html = response.content.decode()
    assert "几点前付款当天发货？" in html and ">42<" in html and "7 / 2" in html
    drafts = staff.get(url, {"status": "draft"})
    assert [a.title for a in drafts.context["page"]] == ["草稿：保修卡"]
    order_only = staff.get(url, {"category": shop["order"].pk})
    assert {a.title for a in order_only.context["page"]} == {"几点前付款当天发货？", "默认发什么快递？"}
    with django_assert_max_num_queries(12 + OTHER_APPS_BADGES):
        full = staff.get(url)
    assert len(full.context["page"]) == 20 and full.context["page"].has_next()


# --- back office: synonyms --------------------------------------------------------------------


def test_agent_sees_synonyms_but_cannot_save_them(agent, login):
    staff = login(agent)
    html = staff.get(reverse("helpcenter:staff_synonyms")).content.decode()
    assert "邮费 运费 快递费" in html and "readonly" in html
    assert staff.post(reverse("helpcenter:staff_synonyms"), {"text": "a b"}).status_code == 403


def test_supervisor_saves_synonyms_and_search_uses_them(client, supervisor, login, categories):
    ArticleFactory(category=categories[2], title="乳霜怎么保存", body="放在阴凉处。")
    assert results_titles(client.get(HOME, {"q": "面油"})) == []
    response = login(supervisor).post(
        reverse("helpcenter:staff_synonyms"), {"text": "物流 快递\n面油 乳霜\n单个词"}
    )
    assert response.status_code == 302
    assert "乳霜怎么保存" in results_titles(client.get(HOME, {"q": "面油"}))
    html = login(supervisor).get(reverse("helpcenter:staff_synonyms")).content.decode()
    assert "面油 乳霜" in html and "单个词" not in html


def test_a_vote_on_the_page_and_one_through_the_api_from_the_same_browser_count_once(shop):
    article = shop["ship"]
    visitor = Client()
    visitor.post(reverse("helpcenter:article_feedback", args=[article.pk]), {"helpful": "true"})
    visitor.post(
        reverse("helpcenter_api:article_feedback", args=[article.pk]),
        {"helpful": True},
        content_type="application/json",
    )
    article.refresh_from_db()
    assert article.helpful_yes == 1


def test_a_customer_who_found_an_article_helpful_after_a_search_teaches_it_her_words(client, shop):
    article = shop["warranty_article"]
    link = reverse("helpcenter:article", args=[article.pk])
    html = client.get(HOME, {"q": "美容仪坏了保修吗"}).content.decode()
    log_id = re.search(rf'href="{link}\?s=(\d+)"', html).group(1)

    client.get(link, {"s": log_id})
    client.post(reverse("helpcenter:article_feedback", args=[article.pk]), {"helpful": "true"})

    proposals = list(article.similar_proposals.values_list("text", "source", "status"))
    assert proposals == [("美容仪坏了保修吗", "search_helpful", "pending")]
