"""``kefu kb import|export|search``: encodings, idempotent re-import, bad rows by line number."""

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kefu.helpcenter.models import Article, Category
from kefu.helpcenter.selectors import SEARCH_KIND
from kefu.helpcenter.tests.factories import ArticleFactory
from kefu.search import services as search_services

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).parent / "data" / "sample_kb.csv"

GOOD = (
    "category,title,body\n"
    "保修条例,保修期多久,所有仪器保修一年，人为损坏除外。\n"
    "维修保养,仪器多久保养一次,建议每半年到门店做一次保养。\n"
    "保修条例,保修需要什么凭证,请提供订单号和购买凭证。\n"
)


def kb(*args) -> tuple[int, str, str]:
    """Run ``kefu kb …``; returns (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("kb", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def write(tmp_path, text: str, encoding: str = "utf-8", name: str = "kb.csv") -> str:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def snapshot() -> list[tuple[str, str, str]]:
    return sorted(Article.objects.values_list("category__name", "title", "body"))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_import_reads_utf8_utf8_bom_and_gbk(tmp_path, encoding):
    code, out, err = kb("import", write(tmp_path, GOOD, encoding))

    assert code == 0, err
    assert "新增 3 篇" in out and "新建类别 2 个" in out
    assert snapshot() == [
        ("保修条例", "保修期多久", "所有仪器保修一年，人为损坏除外。"),
        ("保修条例", "保修需要什么凭证", "请提供订单号和购买凭证。"),
        ("维修保养", "仪器多久保养一次", "建议每半年到门店做一次保养。"),
    ]
    assert set(Category.objects.values_list("name", flat=True)) == {"保修条例", "维修保养"}
    assert err == ""


def test_imported_articles_are_published_and_searchable(tmp_path):
    kb("import", write(tmp_path, GOOD))

    code, out, _ = kb("search", "保养", "--json")

    assert code == 0
    assert [r["title"] for r in json.loads(out)][0] == "仪器多久保养一次"


def test_reimport_is_idempotent_and_updates_changed_bodies(tmp_path):
    path = write(tmp_path, GOOD)
    kb("import", path)
    ids = dict(Article.objects.values_list("title", "pk"))

    code, out, _ = kb("import", path)
    assert code == 0
    assert "新增 0 篇，更新 0 篇，未变 3 篇，新建类别 0 个" in out
    assert Article.objects.count() == 3 and Category.objects.count() == 2

    changed = GOOD.replace("所有仪器保修一年", "所有仪器保修两年")
    code, out, _ = kb("import", write(tmp_path, changed, name="changed.csv"))
    assert "新增 0 篇，更新 1 篇，未变 2 篇" in out
    assert Article.objects.count() == 3
    assert Article.objects.get(title="保修期多久").body.startswith("所有仪器保修两年")
    assert dict(Article.objects.values_list("title", "pk")) == ids
    code, out, _ = kb("search", "两年", "--json")
    assert [r["id"] for r in json.loads(out)] == [ids["保修期多久"]]


def test_reimport_updates_an_existing_article_created_by_staff_and_keeps_its_tags(tmp_path, categories):
    existing = ArticleFactory(category=categories[1], title="保修期多久", body="旧的正文", tags=["质保"])

    kb("import", write(tmp_path, GOOD))

    existing.refresh_from_db()
    assert existing.body == "所有仪器保修一年，人为损坏除外。"
    assert Article.objects.filter(title="保修期多久").count() == 1
    code, out, _ = kb("search", "质保", "--json")  # the tag is still in the index after the update
    # (the other warranty article follows, through the synonym 质保 ~ 保修)
    assert [r["id"] for r in json.loads(out)][0] == existing.pk


def test_bad_rows_are_reported_by_line_and_good_rows_still_land(tmp_path):
    text = (
        "category,title,body\n"  # line 1
        "保修条例,保修期多久,保修一年。\n"  # 2
        ",没有类别,正文\n"  # 3
        "保修条例,,没有标题\n"  # 4
        "\n"  # 5: blank lines are skipped silently
        '技术支持,无法开机怎么办,"先充电两小时，\n再长按开机键三秒，\n仍无反应请联系客服。"\n'  # 6-8
        '技术支持,"多行的坏行",""\n'  # 9: no body
        f"{'长' * 51},类别太长,正文\n"  # 10
        "技术支持,指示灯闪烁,请检查充电器。\n"  # 11
    )

    code, out, err = kb("import", write(tmp_path, text))

    assert code == 1
    assert "新增 3 篇" in out and "出错 4 行" in out
    assert err.splitlines() == [
        "第 3 行：缺少类别",
        "第 4 行：缺少标题",
        "第 9 行：缺少正文",
        "第 10 行：类别名称超过 50 个字",
    ]
    assert sorted(Article.objects.values_list("title", flat=True)) == [
        "保修期多久",
        "指示灯闪烁",
        "无法开机怎么办",
    ]
    assert Article.objects.get(title="无法开机怎么办").body.count("\n") == 2


def test_a_bad_row_after_a_multiline_record_is_reported_where_it_starts(tmp_path):
    text = (
        "category,title,body\n"  # 1
        '技术支持,"标题也能\n跨行吗",正文\n'  # 2-3
        '技术支持,缺正文,"\n\n   "\n'  # 4-6: only whitespace
        "技术支持,好的,正文\n"  # 7
    )

    code, _, err = kb("import", write(tmp_path, text, "gbk"))

    assert code == 1
    assert err.splitlines() == ["第 4 行：缺少正文"]
    assert sorted(Article.objects.values_list("title", flat=True)) == ["好的", "标题也能 跨行吗"]


def test_a_missing_header_column_imports_nothing(tmp_path):
    code, out, err = kb("import", write(tmp_path, "category,title\n保修条例,保修期多久\n"))

    assert code == 2
    assert "body" in err and "表头缺少列" in err
    assert not Article.objects.exists() and not Category.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "文件是空的"), (b"\x81\x20\xff\xfe\x00binary", "编码")],
    ids=["empty", "not-text"],
)
def test_an_unreadable_file_exits_with_2(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)

    code, _, err = kb("import", str(path))

    assert code == 2
    assert message in err
    assert not Article.objects.exists()


def test_a_missing_file_exits_with_2(tmp_path):
    code, _, err = kb("import", str(tmp_path / "nope.csv"))

    assert code == 2
    assert "无法读取文件" in err


def test_the_header_may_come_in_another_order_and_case(tmp_path):
    code, _, _ = kb("import", write(tmp_path, "Title,Body,Category\n保修期多久,一年,保修条例\n"))

    assert code == 0
    assert snapshot() == [("保修条例", "保修期多久", "一年")]


def test_a_repeated_row_in_one_file_keeps_the_last(tmp_path):
    text = "category,title,body\n保修条例,保修期多久,一年\n保修条例,保修期多久,两年\n"

    kb("import", write(tmp_path, text))

    assert snapshot() == [("保修条例", "保修期多久", "两年")]


def test_export_then_import_round_trips(tmp_path, categories):
    ArticleFactory(
        category=categories[0], title="怎么下单", body='选好商品，点"立即购买"。\n\n然后付款，逗号,也没问题。'
    )
    ArticleFactory(category=categories[3], title="无法开机", body="先充电。", status="draft", indexed=False)
    before = snapshot()
    out_file = tmp_path / "export.csv"

    code, _, err = kb("export", str(out_file))
    assert code == 0 and "已导出 2 篇" in err

    Article.objects.all().delete()
    code, out, _ = kb("import", str(out_file))

    assert code == 0 and "新增 2 篇" in out
    assert snapshot() == before


def test_export_to_stdout(categories):
    ArticleFactory(category=categories[0], title="怎么下单", body="点立即购买。")

    code, out, _ = kb("export", "-")

    assert code == 0
    assert out.splitlines()[:2] == [
        "category,title,body,similar_questions",
        "产品订购,怎么下单,点立即购买。,",
    ]


def test_the_sample_knowledge_base_imports_cleanly():
    code, out, _ = kb("import", str(SAMPLE))

    assert code == 0
    assert Article.objects.count() > 0
    assert f"新增 {Article.objects.count()} 篇" in out


def test_search_json_lists_the_best_match_first(categories):
    best = ArticleFactory(category=categories[3], title="仪器无法开机怎么办", body="先充电两小时再开机。")
    other = ArticleFactory(category=categories[2], title="仪器保养", body="开机前擦干探头。")
    ArticleFactory(category=categories[0], title="怎么下单", body="点立即购买。")

    code, out, _ = kb("search", "无法开机", "--json")

    rows = json.loads(out)
    assert code == 0
    assert rows[0]["id"] == best.pk  # the title says it, the other only mentions 开机 in passing
    assert {r["id"] for r in rows} <= {best.pk, other.pk}
    assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)
    assert set(rows[0]) == {"id", "title", "category", "score"}
    assert rows[0] == {
        "id": best.pk,
        "title": "仪器无法开机怎么办",
        "category": "技术支持",
        "score": rows[0]["score"],
    }
    assert rows[0]["score"] > 0
    assert "仪器无法开机怎么办" in out  # ensure_ascii=False: readable Chinese, not \\u escapes


def test_search_with_category_and_limit(categories):
    ArticleFactory(category=categories[3], title="仪器无法开机怎么办")
    kept = ArticleFactory(category=categories[2], title="开机后如何保养")
    ArticleFactory(category=categories[2], title="开机前如何清洁")

    _, by_name, _ = kb("search", "开机", "--category", "维修保养", "--json")
    _, by_id, _ = kb("search", "开机", "--category", str(categories[2].pk), "--json", "--limit", "1")

    assert {r["category"] for r in json.loads(by_name)} == {"维修保养"}
    assert len(json.loads(by_name)) == 2
    assert len(json.loads(by_id)) == 1 and json.loads(by_id)[0]["category"] == "维修保养"
    assert kept.pk in [r["id"] for r in json.loads(by_name)]


def test_search_table_and_no_results(categories):
    ArticleFactory(category=categories[3], title="仪器无法开机怎么办")

    _, table, _ = kb("search", "开机")
    _, empty, _ = kb("search", "优惠券")

    assert "仪器无法开机怎么办" in table and "技术支持" in table
    assert "没有找到" in empty


def test_search_with_an_unknown_category_fails_clearly():
    with pytest.raises(CommandError, match="类别不存在"):
        kb("search", "开机", "--category", "不存在的类别")


def test_the_kefu_console_front_exits_with_the_commands_status(tmp_path):
    """A shop's script sees the exit status, not only call_command: 2 for a file it cannot read."""
    env = {k: v for k, v in os.environ.items() if k != "KEFU_DATABASE_URL"}
    env.update(KEFU_HOME=str(tmp_path), PYTHONPATH=str(Path(__file__).resolve().parents[3]))

    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "kefu", "kb", "import", str(tmp_path / "nope.csv")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )

    assert done.returncode == 2
    assert "无法读取文件" in done.stderr


def test_reindex_rebuilds_a_lost_index_from_the_published_articles(categories):
    shown = ArticleFactory(category=categories[3], title="仪器无法开机怎么办", body="先充电两小时再开机。")
    ArticleFactory(category=categories[3], title="开机草稿", body="开机", status=Article.Status.DRAFT)
    search_services.clear_kind(kind=SEARCH_KIND)
    assert json.loads(kb("search", "开机", "--json")[1]) == []

    code, out, _ = kb("reindex")

    assert code == 0
    assert "1 篇" in out
    assert [r["id"] for r in json.loads(kb("search", "开机", "--json")[1])] == [shown.pk]


@pytest.mark.parametrize(
    "body", ['=HYPERLINK("http://x","点我")', "+86 400 800", "- 先充电\n- 再开机", "@客服", "\t=1"]
)
def test_a_body_that_looks_like_a_formula_exports_as_text_and_round_trips(tmp_path, categories, body):
    ArticleFactory(category=categories[0], title="无法开机", body=body)
    out_file = tmp_path / "export.csv"

    assert kb("export", str(out_file))[0] == 0

    rows = list(csv.reader(io.StringIO(out_file.read_text(encoding="utf-8"))))
    assert rows[1][2] == "'" + body
    Article.objects.all().delete()
    assert kb("import", str(out_file))[0] == 0
    assert Article.objects.get(title="无法开机").body == body


def test_a_control_character_in_an_article_does_not_break_the_export(categories):
    ArticleFactory(category=categories[0], title="怎么\x1f下单", body="点\x0b立即购买\x07。")

    code, out, _ = kb("export", "-")

    assert code == 0
    assert out.splitlines()[1] == "产品订购,怎么下单,点立即购买。,"
