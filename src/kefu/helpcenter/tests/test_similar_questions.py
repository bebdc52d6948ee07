"""Similar questions (相似问法): other wordings of an article's question, found like its title,
imported and exported with the knowledge base, shown to staff only."""

import io
import json

import pytest
from django.core.management import call_command

from kefu.helpcenter import services
from kefu.helpcenter.kb_io import kb_export, kb_import
from kefu.helpcenter.models import Article
from kefu.helpcenter.tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

KB = (
    "category,title,body,similar_questions\n"
    '售后,收到的商品破损怎么办？,请拍照联系客服，核实后补发。,"瓶子到的时候就裂开了\n外箱压扁了"\n'
    "付款,支持货到付款吗？,暂不支持，可用支付宝或微信。,收到东西以后再付钱行不行|到付可以吗\n"
    "物流,发什么快递？,默认发中通。,\n"
)


def search(query: str) -> list[str]:
    out = io.StringIO()
    call_command("kb", "search", query, "--limit", "3", "--json", stdout=out)
    return [row["title"] for row in json.loads(out.getvalue())]


@pytest.fixture
def kb():
    report = kb_import(data=KB.encode())
    assert not report.errors and report.created == 3


@pytest.mark.parametrize(
    ("column", "cell", "expected"),
    [
        ("similar_questions", '"一\n二"', ["一", "二"]),
        ("相似问法", "一|二|一", ["一", "二"]),
        ("similar", "一；二; 三", ["一", "二", "三"]),
        ("similar_questions", "标题", []),  # the title itself is no other wording
    ],
)
def test_the_import_reads_the_similar_questions_column(column, cell, expected):
    kb_import(data=f"category,title,body,{column}\n类别,标题,正文,{cell}\n".encode())
    assert Article.objects.get().similar_list == expected


def test_a_wording_only_a_similar_question_has_finds_its_article(kb):
    assert search("瓶子到的时候就裂开了")[0] == "收到的商品破损怎么办？"
    assert search("收到东西以后再付钱行不行")[0] == "支持货到付款吗？"


def test_a_file_without_the_column_keeps_the_similar_questions(kb):
    report = kb_import(data="category,title,body\n售后,收到的商品破损怎么办？,新的正文。\n".encode())
    assert report.updated == 1
    assert Article.objects.get(title="收到的商品破损怎么办？").similar_list == [
        "瓶子到的时候就裂开了",
        "外箱压扁了",
    ]


def test_a_changed_cell_replaces_the_similar_questions_and_search_follows(kb):
    report = kb_import(
        data="category,title,body,similar_questions\n物流,发什么快递？,默认发中通。,走哪个物流公司\n".encode()
    )
    assert report.updated == 1
    assert Article.objects.get(title="发什么快递？").similar_list == ["走哪个物流公司"]
    assert search("走哪个物流公司")[0] == "发什么快递？"


def test_export_then_import_round_trips_the_similar_questions(kb):
    stream = io.StringIO()
    assert kb_export(stream=stream) == 3
    before = sorted(Article.objects.values_list("title", "similar_questions"))
    Article.objects.update(similar_questions="")
    report = kb_import(data=stream.getvalue().encode())
    assert report.updated == 2
    assert sorted(Article.objects.values_list("title", "similar_questions")) == before


def test_staff_edit_similar_questions_and_search_follows(supervisor, categories):
    article = ArticleFactory(category=categories[0], title="怎么开发票？", body="订单完成后申请。")
    services.article_update(
        article=article,
        by=supervisor,
        category=article.category,
        title=article.title,
        body=article.body,
        similar_questions=["公司报销要票据", " 公司报销要票据 ", ""],
    )
    article.refresh_from_db()
    assert article.similar_list == ["公司报销要票据"]
    assert search("公司报销要票据")[0] == "怎么开发票？"


def test_similar_questions_are_never_on_the_public_pages(client, kb):
    article = Article.objects.get(title="收到的商品破损怎么办？")
    page = client.get(f"/help/articles/{article.pk}/")
    assert page.status_code == 200
    assert "瓶子到的时候就裂开了" not in page.content.decode()
    assert "外箱压扁了" not in page.content.decode()
    listing = client.get("/", {"q": "瓶子到的时候就裂开了"})
    assert f"/help/articles/{article.pk}/" in listing.content.decode()
    assert "外箱压扁了" not in listing.content.decode()  # the article's other wording stays private
