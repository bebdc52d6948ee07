"""Quick phrases in and out of CSV and Excel (.xlsx), so several machines and people share one set.

Reading turns a file into numbered rows (the line number a person sees in Excel or a text editor,
header = line 1); ``services.phrases_import`` validates and writes them. Accepted: CSV in UTF-8
(with or without BOM) or GBK/GB18030, comma, tab or semicolon separated; .xlsx (first sheet).
Header names in Chinese or English: 分组/group, 快捷键/shortcut, 内容/text (and a few aliases, see
``HEADERS``); other columns (使用次数 of our own export) are ignored.

Writing: the same columns plus 使用次数. CSV in UTF-8 with BOM (Excel opens it right) or, on request,
GB18030 — the superset of GBK that also holds emoji, which plain GBK cannot.
"""

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from kefu.core.spreadsheets import SpreadsheetError, csv_bytes, csv_uncell, excerpt, xlsx_append, xlsx_rows
from kefu.replies.services import ImportReport, ImportRow, phrases_import

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
HEADERS = {
    "group": ("分组", "分组名称", "分类", "组", "group", "category"),
    "shortcut": ("快捷键", "快捷编码", "编码", "快捷码", "shortcut", "code", "key"),
    "text": ("内容", "短语", "短语内容", "快捷短语", "回复内容", "话术", "text", "phrase", "content"),
}
EXPORT_HEADER = ["分组", "快捷键", "内容", "使用次数"]
ENCODINGS = {"utf-8": "utf-8-sig", "gbk": "gb18030"}


class UnreadableFile(ValueError):
    """The file as a whole cannot be read (wrong format, encoding, no header): nothing is imported."""


@dataclass
class ParsedFile:
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a shortcut typed as 123 comes back from Excel as 123.0
    return csv_uncell(str(value).strip())


def _columns(header: list[str]) -> dict[str, int]:
    names = [h.strip().lstrip("\ufeff").strip().lower() for h in header]
    found = {}
    for key, aliases in HEADERS.items():
        for i, name in enumerate(names):
            if name in aliases and key not in found:
                found[key] = i
    if "text" not in found:
        raise UnreadableFile(
            _("第 1 行应为表头，至少要有“内容”一列（可选“分组”“快捷键”）；读到的是：%(h)s")
            % {"h": excerpt("、".join(h for h in header if h)) or _("空行")}
        )
    return found


def _rows(numbered: Iterable[tuple[int, list]]) -> ParsedFile:
    parsed = ParsedFile()
    iterator = iter(numbered)
    header = None
    for _line, values in iterator:
        cells = [_cell(v) for v in values]
        if any(cells):
            header = cells
            break
    if header is None:
        raise UnreadableFile(_("文件是空的。"))
    columns = _columns(header)
    for line, values in iterator:
        cells = [_cell(v) for v in values]
        if not any(cells):
            continue
        if len(parsed.rows) >= MAX_ROWS:
            parsed.errors.append((line, _("超过 %(n)d 行的部分未导入，请分成几个文件。") % {"n": MAX_ROWS}))
            break

        def get(key: str, cells=cells) -> str:
            i = columns.get(key)
            return cells[i] if i is not None and i < len(cells) else ""

        parsed.rows.append(
            ImportRow(line=line, group=get("group"), shortcut=get("shortcut"), text=get("text"))
        )
    return parsed


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFile(_("无法识别文件编码，请另存为 UTF-8 或 GBK 编码的 CSV。"))


def _csv_lines(text: str) -> Iterable[tuple[int, list]]:
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    last = 0
    try:
        for values in reader:
            # A quoted cell may span lines; the row's number is the line it starts on.
            yield last + 1, values
            last = reader.line_num
    except csv.Error as exc:
        raise UnreadableFile(
            _("第 %(n)d 行附近的 CSV 格式有误：%(e)s") % {"n": last + 1, "e": excerpt(exc)}
        ) from None


def _xlsx_lines(data: bytes) -> Iterable[tuple[int, list]]:
    # Streamed, and a file whose cells unpack to gigabytes is refused before a cell is read.
    try:
        yield from xlsx_rows(data)
    except SpreadsheetError as exc:
        raise UnreadableFile(str(exc)) from None


def read_file(*, data: bytes, filename: str = "") -> ParsedFile:
    """The numbered rows of a CSV or .xlsx file; raises ``UnreadableFile`` for a file beyond reading."""
    if len(data) > MAX_BYTES:
        raise UnreadableFile(_("文件太大（最大 5 MB）。"))
    name = (filename or "").lower()
    if name.endswith(".xls"):
        raise UnreadableFile(_("不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 或 CSV。"))
    if data[:2] == b"PK" or name.endswith(".xlsx"):
        return _rows(_xlsx_lines(data))
    return _rows(_csv_lines(_decode(data)))


def import_file(*, data: bytes, filename: str, by, team: bool = False) -> ImportReport:
    """Read and import one file; unreadable as a whole → one error on line 1 and nothing imported."""
    try:
        parsed = read_file(data=data, filename=filename)
    except UnreadableFile as exc:
        report = ImportReport()
        report.add_error(1, str(exc))
        report.fatal = str(exc)
        return report
    report = ImportReport()
    phrases_import(rows=parsed.rows, by=by, team=team, report=report)
    report.errors.extend(parsed.errors)
    report.errors.sort()
    return report


def export_rows(phrases) -> list[list]:
    return [[p.group.name, p.shortcut, p.text, p.use_count] for p in phrases]


def export_csv(phrases, *, encoding: str = "utf-8") -> bytes:
    return csv_bytes(EXPORT_HEADER, export_rows(phrases), encoding=ENCODINGS.get(encoding, "utf-8-sig"))


def export_xlsx(phrases) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "快捷短语"
    sheet.append(EXPORT_HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in export_rows(phrases):
        xlsx_append(sheet, row)
    for column, width in zip("ABCD", (14, 12, 80, 10), strict=True):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=2, min_col=3, max_col=3):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def export_file(phrases, *, fmt: str, encoding: str = "utf-8") -> tuple[bytes, str]:
    """(content, MIME type) for ``fmt`` "csv" or "xlsx"."""
    if fmt == "xlsx":
        return export_xlsx(phrases), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    charset = "gb18030" if encoding == "gbk" else "utf-8"
    return export_csv(phrases, encoding=encoding), f"text/csv; charset={charset}"
