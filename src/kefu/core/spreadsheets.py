"""Spreadsheets in and out, safely, for every import and export of the desk.

Out: a cell never becomes a formula (a buyer's nick ``=HYPERLINK(...)`` stays text when the
supervisor opens the register in Excel or WPS), and a stray control character in a case or a phrase
cannot make the whole export fail.

In: an .xlsx is a zip; one whose cells unpack to gigabytes, or that holds more rows than any shop
sends, is refused before it is read, and it is read in streaming mode so memory stays flat.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

# Every C0 control character but tab, line feed and carriage return, and DEL: XML (so .xlsx) cannot
# hold them, and nobody types them on purpose.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# What spreadsheet programs read as the start of a formula in a text cell.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

MAX_XLSX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_XLSX_ROWS = 1_100_000
EXCERPT = 60


class SpreadsheetError(ValueError):
    """The file cannot be read; the message is for the person who sent it."""


def text_clean(value: str) -> str:
    """The text without control characters (kept: tab, line breaks)."""
    return _CONTROL.sub("", value)


def excerpt(value: Any, limit: int = EXCERPT) -> str:
    """A short quote of what the file held, for an error message (never the whole cell)."""
    text = text_clean(str(value)).replace("\n", " ")
    return text if len(text) <= limit else text[:limit] + "…"


def csv_cell(value: Any) -> Any:
    if isinstance(value, str):
        value = text_clean(value)
        if value.startswith(_FORMULA_START):
            return "'" + value
    return value


def csv_uncell(value: str) -> str:
    """What ``csv_cell`` wrote, read back: our own export re-imported does not grow a ``'``."""
    if value.startswith("'") and value[1:].startswith(_FORMULA_START):
        return value[1:]
    return value


def csv_bytes(header: list[str], rows: Iterable[Iterable[Any]], *, encoding: str = "utf-8-sig") -> bytes:
    """A CSV export: safe cells, UTF-8 with BOM by default so Excel opens Chinese text right."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([csv_cell(c) for c in header])
    for row in rows:
        writer.writerow([csv_cell(c) for c in row])
    return out.getvalue().encode(encoding, errors="replace")


def xlsx_append(sheet: Any, row: Iterable[Any]) -> None:
    """Append a row whose text cells stay text."""
    values = [text_clean(v) if isinstance(v, str) else v for v in row]
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and cell.value.startswith("="):
            cell.data_type = "s"  # stored as a string, not as a formula


def xlsx_bytes(title: str, header: list[str], rows: Iterable[Iterable[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = text_clean(title)[:31] or "Sheet1"
    xlsx_append(sheet, header)
    for row in rows:
        xlsx_append(sheet, row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


XlsxSource = bytes | Path | BinaryIO


def _opened(source: XlsxSource) -> Any:
    """What zipfile and openpyxl read: a file on disk by its path (never loaded whole), bytes
    through a buffer, an open binary file from its start."""
    if isinstance(source, bytes | bytearray):
        return io.BytesIO(source)
    if isinstance(source, Path):
        return str(source)
    source.seek(0)
    return source


def xlsx_check(data: XlsxSource, *, max_unpacked: int = MAX_XLSX_UNPACKED_BYTES) -> None:
    """Refuse, before reading a single cell, an .xlsx that is not a zip or that unpacks too big."""
    try:
        with zipfile.ZipFile(_opened(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, EOFError) as exc:
        raise SpreadsheetError(_("这不是有效的 Excel（.xlsx）文件。")) from exc
    if unpacked > max_unpacked:
        raise SpreadsheetError(
            _("Excel 文件解压后超过 %(mb)d MB，无法导入；请另存为 CSV 或拆分成几个文件。")
            % {"mb": max_unpacked // (1024 * 1024)}
        )


def xlsx_rows(
    data: XlsxSource, *, max_rows: int = MAX_XLSX_ROWS, max_unpacked: int = MAX_XLSX_UNPACKED_BYTES
) -> Iterator[tuple[int, list[Any]]]:
    """``(line number, cells)`` of the first sheet, streamed; refuses an oversized file first.
    Give a file on disk by its ``Path``: it is read as it streams, never held in memory whole."""
    xlsx_check(data, max_unpacked=max_unpacked)
    try:
        book = load_workbook(_opened(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a damaged file
        raise SpreadsheetError(_("无法读取 Excel 文件：%(error)s") % {"error": excerpt(exc)}) from exc
    try:
        sheet = book.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > max_rows:
                raise SpreadsheetError(_("文件超过 %(n)d 行，无法导入；请拆分成几个文件。") % {"n": max_rows})
            yield number, list(row)
    finally:
        book.close()
