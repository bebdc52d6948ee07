"""The shop's paper forms as Excel files: a title, the form's header lines, its table, signatures.

Numbers stay numbers and times stay times in the sheet (the warehouse sums quantities and sorts by
date in Excel), text stays text (never a formula), and every cell can be read back as it was shown
on the printed page.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django import forms
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from kefu.core.spreadsheets import text_clean

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
MONEY_FORMAT = "#,##0.00"
_THIN = Side(style="thin", color="000000")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


@dataclass
class PaperForm:
    """One form: ``fields`` are the header lines (label, value), ``columns`` and ``rows`` its table,
    ``signatures`` the lines people sign on paper (label, who signed or "")."""

    title: str
    fields: list[tuple[str, Any]] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    rows: Iterable[Sequence[Any]] = ()
    signatures: list[tuple[str, Any]] = field(default_factory=list)
    sheet_title: str = ""


def cell_value(value: Any) -> Any:
    """What a cell holds: local naive times (Excel has no time zones), numbers as numbers."""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None, microsecond=0)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, str):
        return text_clean(value)
    if value is None:
        return ""
    if isinstance(value, date | int | float | Decimal):
        return value
    return text_clean(str(value))


def _put(sheet: Any, row: int, column: int, value: Any) -> Any:
    cell = sheet.cell(row=row, column=column)
    cell.value = cell_value(value)
    if isinstance(cell.value, str) and cell.value.startswith("="):
        cell.data_type = "s"  # stays text, never a formula
    elif isinstance(cell.value, datetime):
        cell.number_format = DATETIME_FORMAT
    elif isinstance(cell.value, date):
        cell.number_format = DATE_FORMAT
    elif isinstance(cell.value, Decimal):
        cell.number_format = MONEY_FORMAT
    return cell


def paper_workbook(*forms: PaperForm) -> bytes:
    """The forms, one sheet each, laid out like the paper: the title on top, the header lines as
    label/value pairs, the table with a bold header and borders, the signature lines below."""
    book = Workbook()
    book.remove(book.active)
    for form in forms:
        sheet = book.create_sheet(text_clean(form.sheet_title or form.title)[:31] or "Sheet")
        width = max(len(form.columns), 2)
        _put(sheet, 1, 1, form.title).font = Font(bold=True, size=14)
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
        sheet.cell(row=1, column=1).alignment = Alignment(horizontal="center")
        row = 2
        for label, value in form.fields:
            _put(sheet, row, 1, label).font = Font(bold=True)
            _put(sheet, row, 2, value).alignment = Alignment(wrap_text=True, vertical="top")
            row += 1
        if form.columns:
            row += 1
            for column, label in enumerate(form.columns, start=1):
                cell = _put(sheet, row, column, label)
                cell.font = Font(bold=True)
                cell.border = _BOX
            sheet.freeze_panes = sheet.cell(row=row + 1, column=1)
            for values in form.rows:
                row += 1
                for column, value in enumerate(values, start=1):
                    _put(sheet, row, column, value).border = _BOX
        if form.signatures:
            row += 1
            for label, who in form.signatures:
                row += 1
                _put(sheet, row, 1, label).font = Font(bold=True)
                _put(sheet, row, 2, who or "")
        for column in range(1, width + 1):
            sheet.column_dimensions[get_column_letter(column)].width = 18
        sheet.page_setup.orientation = "landscape" if len(form.columns) > 7 else "portrait"
        sheet.page_setup.fitToWidth = 1
        sheet.print_options.gridLines = False
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def table_start(sheet: Any, first_column: str) -> int:
    """The row of a sheet's table header (the first row whose first cell is ``first_column``)."""
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        if row and row[0] == first_column:
            return number
    raise LookupError(first_column)


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    """An .xlsx download under a Chinese file name."""
    response = HttpResponse(data, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


class PeriodForm(forms.Form):
    """The days a register form covers (both included); by default this month up to today."""

    start = forms.DateField(label=_("从"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("到"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    MAX_DAYS = 366

    def clean(self):
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            raise forms.ValidationError(_("开始日期不能晚于结束日期。"))
        if start and end and (end - start).days >= self.MAX_DAYS:
            raise forms.ValidationError(_("一次最多一年。"))
        return data

    def period(self) -> tuple[date, date]:
        today = timezone.localdate()
        data = self.cleaned_data if self.is_valid() else {}
        end = data.get("end") or today
        start = data.get("start") or end.replace(day=1)
        return start, end

    def bounds(self) -> tuple[datetime, datetime]:
        """The period as aware times: from the first day's midnight to the midnight after the last."""
        start, end = self.period()
        first = timezone.make_aware(datetime.combine(start, time.min))
        after = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min))
        return first, after
