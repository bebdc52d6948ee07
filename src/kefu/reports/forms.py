"""The report's input: one form for the page, the API and the command line."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.reports.periods import DAY, MONTH, WEEK, Range, range_check

BY_CHOICES = [(DAY, _("按日")), (WEEK, _("按周")), (MONTH, _("按月"))]
FORMAT_CHOICES = [("json", "JSON"), ("csv", "CSV"), ("xlsx", "Excel (.xlsx)")]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class RangeForm(forms.Form):
    """A date range of the shop's days, how to group it, and optionally one shop."""

    start = forms.DateField(label=_("开始日期"), widget=DateInput, required=False)
    end = forms.DateField(label=_("结束日期"), widget=DateInput, required=False)
    by = forms.CharField(label=_("汇总"), required=False, widget=forms.Select(choices=BY_CHOICES))
    shop = forms.CharField(label=_("店铺"), required=False, max_length=60)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            data["range"] = range_check(
                start=data.get("start"), end=data.get("end"), by=data.get("by") or DAY
            )
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                for message in messages:
                    self.add_error(field, message)
        return data

    @property
    def range(self) -> Range:
        return self.cleaned_data["range"]


def default_range_data(days: int = 30) -> dict[str, str]:
    """The page's first view: the last ``days`` days up to today, by day."""
    end = timezone.localdate()
    return {"start": (end - dt.timedelta(days=days - 1)).isoformat(), "end": end.isoformat(), "by": DAY}
