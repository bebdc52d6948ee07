"""Sharing one set of phrases: CSV and Excel in and out, bad rows reported by line, no duplicates."""

import csv
import io

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import Workbook, load_workbook

from kefu.replies import phrase_io, selectors
from kefu.replies.models import QuickPhrase

pytestmark = pytest.mark.django_db

GOOD_CSV = "分组,快捷键,内容\n新品,xp1,亲，新品上架啦 🎉\n新品,xp2,新品第二条\n售后,sh,{买家}您好，售后问题请找我哦\n"


def _xlsx(rows: list[list]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _team(**filters):
    return QuickPhrase.objects.filter(owner__isnull=True, **filters)


def test_a_utf8_csv_lands_as_team_phrases(supervisor):
    report = phrase_io.import_file(data=GOOD_CSV.encode(), filename="p.csv", by=supervisor, team=True)
    assert (report.created, report.updated, report.errors) == (3, 0, [])
    assert _team(shortcut="xp1").get().text == "亲，新品上架啦 🎉"
    assert _team(shortcut="sh").get().group.name == "售后"


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig"])
def test_gbk_and_bom_files_are_read(supervisor, encoding):
    data = "分组,快捷键,内容\n售后,sh1,亲，收到货有问题请联系我们\n".encode(encoding)
    report = phrase_io.import_file(data=data, filename="p.csv", by=supervisor, team=True)
    assert report.created == 1
    assert _team(shortcut="sh1").get().text == "亲，收到货有问题请联系我们"


def test_english_headers_tabs_and_column_order_are_understood(agent):
    data = "text\tshortcut\tgroup\n亲，在的哦\tzd\t常用\n".encode()
    report = phrase_io.import_file(data=data, filename="p.txt", by=agent)
    assert report.created == 1
    assert QuickPhrase.objects.get(owner=agent, shortcut="zd").text == "亲，在的哦"


def test_bad_rows_are_reported_by_line_and_good_rows_still_land(supervisor):
    data = (
        "分组,快捷键,内容\n"  # line 1
        "新品,ok1,第一条好的\n"  # 2
        "新品,bad1,\n"  # 3: no text
        "\n"  # 4: blank, skipped
        "新品,有 空格,内容\n"  # 5: bad shortcut
        '新品,ok2,"跨两行的\n内容"\n'  # 6-7: one record on two lines
        "新品,ok1,与第2行同一个快捷键\n"  # 8: duplicate in the file
        f"新品,long,{'长' * 1001}\n"  # 9: too long
        "新品,ok3,最后一条好的\n"  # 10
    ).encode()
    report = phrase_io.import_file(data=data, filename="p.csv", by=supervisor, team=True)
    assert report.created == 3
    lines = [line for line, _reason in report.errors]
    assert lines == [3, 5, 8, 9]
    reasons = dict(report.errors)
    assert "请填写短语内容" in reasons[3]
    assert "快捷键" in reasons[5]
    assert "第 2 行" in reasons[8]
    assert "1000" in reasons[9]
    assert _team(shortcut="ok2").get().text == "跨两行的\n内容"
    assert _team(shortcut="ok3").exists()


def test_importing_the_same_file_twice_duplicates_nothing(supervisor):
    phrase_io.import_file(data=GOOD_CSV.encode(), filename="p.csv", by=supervisor, team=True)
    before = QuickPhrase.objects.count()
    report = phrase_io.import_file(data=GOOD_CSV.encode(), filename="p.csv", by=supervisor, team=True)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)
    assert QuickPhrase.objects.count() == before


def test_a_changed_text_updates_the_phrase_in_place_and_keeps_its_use_count(supervisor):
    phrase_io.import_file(data=GOOD_CSV.encode(), filename="p.csv", by=supervisor, team=True)
    _team(shortcut="xp1").update(use_count=7)
    changed = GOOD_CSV.replace("亲，新品上架啦 🎉", "亲，新品已上架")
    report = phrase_io.import_file(data=changed.encode(), filename="p.csv", by=supervisor, team=True)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    phrase = _team(shortcut="xp1").get()
    assert (phrase.text, phrase.use_count) == ("亲，新品已上架", 7)


def test_rows_without_shortcut_are_matched_by_text(agent):
    data = "内容\n亲，在的\n亲，稍等哦\n".encode()
    phrase_io.import_file(data=data, filename="p.csv", by=agent)
    report = phrase_io.import_file(data=data, filename="p.csv", by=agent)
    assert (report.created, report.unchanged) == (0, 2)
    assert QuickPhrase.objects.filter(owner=agent).count() == 2


def test_a_file_without_shortcuts_does_not_double_phrases_that_have_one(supervisor):
    before = _team().count()
    welcome = _team(shortcut="hy").get().text
    data = f"内容\n{welcome}\n".encode()
    report = phrase_io.import_file(data=data, filename="p.csv", by=supervisor, team=True)
    assert (report.created, report.unchanged) == (0, 1)
    assert _team().count() == before


def test_an_xlsx_file_lands_with_numbers_as_shortcuts(supervisor):
    data = _xlsx(
        [
            ["分组", "快捷键", "内容"],
            ["数字", 123, "亲，编号 123 的短语"],
            [None, None, None],
            ["数字", "x", None],
        ]
    )
    report = phrase_io.import_file(data=data, filename="p.xlsx", by=supervisor, team=True)
    assert report.created == 1
    assert _team(shortcut="123").exists()
    assert [line for line, _r in report.errors] == [4]


@pytest.mark.parametrize(
    ("data", "filename", "fragment"),
    [
        (b"", "p.csv", "空"),
        ("名字,电话\n张三,123\n".encode(), "p.csv", "表头"),
        (b"PK\x03\x04 not really a zip", "p.xlsx", "Excel"),
        (b"\xd0\xcf\x11\xe0", "old.xls", ".xlsx"),
        (b"\xff\xfe\xfa\xfb\xfc" * 10, "p.csv", "编码"),
    ],
)
def test_an_unreadable_file_imports_nothing_and_says_why(supervisor, data, filename, fragment):
    before = QuickPhrase.objects.count()
    report = phrase_io.import_file(data=data, filename=filename, by=supervisor, team=True)
    assert report.fatal and fragment in report.fatal
    assert report.errors[0][0] == 1
    assert QuickPhrase.objects.count() == before


def test_an_agent_may_not_import_team_phrases(agent):
    with pytest.raises(PermissionDenied):
        phrase_io.import_file(data=GOOD_CSV.encode(), filename="p.csv", by=agent, team=True)
    assert not _team(shortcut="xp1").exists()


def test_imported_phrases_are_searchable(supervisor, agent):
    data = "分组,快捷键,内容\n尺码,cm,亲，身高一米六五体重一百一十斤建议穿M码哦\n".encode()
    phrase_io.import_file(data=data, filename="p.csv", by=supervisor, team=True)
    found = selectors.phrase_search(user=agent, text="穿什么尺码")
    assert found and found[0].shortcut == "cm"


def test_a_csv_export_reimports_to_the_same_set(supervisor):
    content, mime = phrase_io.export_file(list(selectors.phrase_export_list(scope="team")), fmt="csv")
    assert mime.startswith("text/csv")
    assert content.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads it as UTF-8
    report = phrase_io.import_file(data=content, filename="x.csv", by=supervisor, team=True)
    assert report.errors == []
    assert report.unchanged == _team().count()
    assert report.created == report.updated == 0


def test_a_gbk_export_keeps_emoji(supervisor):
    content, _mime = phrase_io.export_file(
        list(selectors.phrase_export_list(scope="team")), fmt="csv", encoding="gbk"
    )
    text = content.decode("gb18030")
    assert "😊" in text and "欢迎光临" in text
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")


def test_an_xlsx_export_has_the_columns_and_reimports(supervisor):
    phrases = list(selectors.phrase_export_list(scope="team"))
    content, _mime = phrase_io.export_file(phrases, fmt="xlsx")
    sheet = load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == ["分组", "快捷键", "内容", "使用次数"]
    assert len(rows) == len(phrases) + 1
    report = phrase_io.import_file(data=content, filename="x.xlsx", by=supervisor, team=True)
    assert (report.created, report.errors) == (0, [])


def test_a_personal_export_holds_only_ones_own(agent, make_user):
    from .factories import QuickPhraseFactory

    QuickPhraseFactory(owner=agent, text="我的")
    QuickPhraseFactory(owner=make_user("xiaoli", "客服"), text="别人的")
    assert [p.text for p in selectors.phrase_export_list(user=agent, scope="mine")] == ["我的"]


FORMULA_LIKE = ['=HYPERLINK("http://x","领券")', "+86 138", "-满100减10", "@所有人", "\t=1", "\r=1"]


@pytest.mark.parametrize("text", FORMULA_LIKE)
def test_a_phrase_that_looks_like_a_formula_exports_as_text(supervisor, text):
    from .factories import QuickPhraseFactory

    QuickPhraseFactory(text=text, shortcut="fx")
    phrases = [p for p in selectors.phrase_export_list(scope="team") if p.shortcut == "fx"]
    csv_text = phrase_io.export_file(phrases, fmt="csv")[0].decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(csv_text)))[1][2] == "'" + text
    sheet = load_workbook(io.BytesIO(phrase_io.export_file(phrases, fmt="xlsx")[0])).active
    assert sheet["C2"].data_type == "s" and sheet["C2"].value.strip() == text.strip()
    if text == text.strip():
        # Our own CSV export re-imports to the same text, without the protective quote.
        report = phrase_io.import_file(data=csv_text.encode(), filename="x.csv", by=supervisor, team=True)
        assert (report.unchanged, report.errors) == (1, [])


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_control_character_in_a_phrase_does_not_break_the_download(login, supervisor, fmt):
    from .factories import QuickPhraseFactory

    QuickPhraseFactory(text="亲\x1f，在\x0b的\x07哦", shortcut="zd")
    response = login(supervisor).get(f"/desk/replies/phrases/export/?format={fmt}&scope=team")
    assert response.status_code == 200
    if fmt == "csv":
        assert "亲，在的哦" in response.content.decode("utf-8-sig")
    else:
        rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
        assert [r[2] for r in rows if r[1] == "zd"] == ["亲，在的哦"]


def _xlsx_bomb(unpacked_mb: int) -> bytes:
    """A real workbook whose one cell unpacks to ``unpacked_mb`` MB: small on the wire."""
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(_xlsx([["分组", "快捷键", "内容"], ["新品", "xp", "X"]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bomb:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                head, tail = data.split(b"<v>X</v>") if b"<v>X</v>" in data else data.split(b"<t>X</t>")
                with bomb.open(info.filename, "w", force_zip64=True) as member:
                    member.write(head + b"<t>")
                    chunk = b"A" * (1024 * 1024)
                    for _ in range(unpacked_mb):
                        member.write(chunk)
                    member.write(b"</t>" + tail)
            else:
                bomb.writestr(info, data)
    return out.getvalue()


def test_an_xlsx_that_unpacks_to_hundreds_of_megabytes_is_refused_before_reading(supervisor):
    data = _xlsx_bomb(210)
    assert len(data) < 2 * 1024 * 1024
    report = phrase_io.import_file(data=data, filename="p.xlsx", by=supervisor, team=True)
    assert "解压后" in report.fatal
    assert not _team(shortcut="xp").exists()


def test_a_bad_header_is_quoted_in_a_short_excerpt(supervisor):
    data = ("名字," * 200_000 + "电话\n张三,123\n").encode()
    report = phrase_io.import_file(data=data, filename="p.csv", by=supervisor, team=True)
    assert "表头" in report.fatal and len(report.fatal) < 300


def test_an_import_over_the_spreadsheet_ceiling_is_refused(login, supervisor, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.KEFU_MAX_UPLOAD_MB = {**settings.KEFU_MAX_UPLOAD_MB, "spreadsheet": 1}
    body = GOOD_CSV + "新品,pad,亲" + "哦" * (1024 * 1024) + "\n"
    upload = SimpleUploadedFile("p.csv", body.encode(), content_type="text/csv")
    response = login(supervisor).post("/desk/replies/phrases/import/", {"file": upload, "scope": "team"})
    assert "最大 1 MB" in response.content.decode()
    assert not _team(shortcut="xp1").exists()
