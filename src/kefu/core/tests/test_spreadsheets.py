"""Exports never carry a formula or break on a control character; oversized .xlsx files are refused
before they are read."""

import csv
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from kefu.core.spreadsheets import (
    SpreadsheetError,
    csv_bytes,
    excerpt,
    text_clean,
    xlsx_bytes,
    xlsx_rows,
)
from kefu.core.uploads import MaxUploadSize

HOSTILE = [
    ('=HYPERLINK("http://evil","点我")', '\'=HYPERLINK("http://evil","点我")'),
    ("+86 138", "'+86 138"),
    ("-1+1", "'-1+1"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\tcmd", "'\tcmd"),
    ("普通文字", "普通文字"),
]


@pytest.mark.parametrize(("typed", "in_csv"), HOSTILE)
def test_csv_cells_that_look_like_formulas_are_written_as_text(typed, in_csv):
    data = csv_bytes(["备注"], [[typed]]).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(data)))[1] == [in_csv]


def test_xlsx_cells_that_look_like_formulas_stay_text():
    data = xlsx_bytes("售后记录", ["备注"], [[typed] for typed, _ in HOSTILE])
    sheet = load_workbook(io.BytesIO(data)).active
    values = [row[0].value for row in sheet.iter_rows(min_row=2)]
    types = [row[0].data_type for row in sheet.iter_rows(min_row=2)]
    assert values == [typed for typed, _ in HOSTILE]
    assert "f" not in types


@pytest.mark.parametrize("char", ["\x1f", "\x0b", "\x07", "\x00", "\x7f"])
def test_a_control_character_does_not_break_the_export(char):
    data = xlsx_bytes("中差评", ["说明"], [[f"坏{char}评"], [12.5]])
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet["A2"].value == "坏评" and sheet["A3"].value == 12.5
    assert text_clean(f"第一行\n第二行\t{char}") == "第一行\n第二行\t"


def _xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_rows_are_read_with_their_line_numbers():
    assert list(xlsx_rows(_xlsx([["快捷编码", "内容"], ["hi", "您好"]]))) == [
        (1, ["快捷编码", "内容"]),
        (2, ["hi", "您好"]),
    ]


def test_a_file_that_unpacks_too_big_is_refused_before_reading():
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", "A" * (3 * 1024 * 1024))
    assert len(bomb.getvalue()) < 50_000
    with pytest.raises(SpreadsheetError, match="解压后超过"):
        list(xlsx_rows(bomb.getvalue(), max_unpacked=1024 * 1024))


def test_too_many_rows_are_refused():
    with pytest.raises(SpreadsheetError, match="超过 3 行"):
        list(xlsx_rows(_xlsx([[i] for i in range(10)]), max_rows=3))


@pytest.mark.parametrize("data", [b"not a zip", b"PK\x03\x04 broken"])
def test_a_file_that_is_not_xlsx_gets_a_clear_message(data):
    with pytest.raises(SpreadsheetError, match="不是有效的 Excel"):
        list(xlsx_rows(data))


def test_an_error_quotes_only_a_short_excerpt():
    assert len(excerpt("长" * 100_000)) <= 61


def test_an_upload_over_its_ceiling_is_refused_in_megabytes(settings):

    settings.KEFU_MAX_UPLOAD_MB = {"spreadsheet": 1}
    check = MaxUploadSize("spreadsheet")
    check(SimpleUploadedFile("ok.csv", b"x" * 1024 * 1024))
    with pytest.raises(ValidationError, match="最大 1 MB"):
        check(SimpleUploadedFile("big.csv", b"x" * (1024 * 1024 + 1)))
