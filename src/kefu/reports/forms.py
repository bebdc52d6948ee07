"""The report's input: one form for the page, the API and the command line."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.core import roles
from kefu.reports.models import ErrorKind, Sanction, WorkReportKind
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


def default_range_data(days: int = 7) -> dict[str, str]:
    """The page's first view: the last ``days`` days up to today, by day."""
    end = timezone.localdate()
    return {"start": (end - dt.timedelta(days=days - 1)).isoformat(), "end": end.isoformat(), "by": DAY}


def staff_choices():
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=[roles.AGENT, roles.AFTERSALES, roles.SUPERVISOR])
        .distinct()
        .order_by("username")
    )


class AgentField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.username


class QualitySampleForm(forms.Form):
    agent = AgentField(label=_("客服"), queryset=get_user_model().objects.none(), required=False)
    only = forms.ChoiceField(
        label=_("筛选"),
        required=False,
        choices=[
            ("", _("随机")),
            ("slow", _("首次响应超时")),
            ("lint", _("忽略了用语提醒")),
            ("abandoned", _("未回复即结束")),
        ],
    )
    size = forms.IntegerField(label=_("抽取数量"), min_value=1, max_value=50, initial=10, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agent"].queryset = staff_choices()


class QualityReviewForm(forms.Form):
    in_time = forms.BooleanField(label=_("响应及时"), required=False)
    wording_ok = forms.BooleanField(label=_("无禁用语"), required=False)
    attitude_ok = forms.BooleanField(label=_("态度良好"), required=False)
    solved = forms.BooleanField(label=_("问题已解决"), required=False)
    comment = forms.CharField(label=_("点评"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ErrorForm(forms.Form):
    agent = AgentField(label=_("责任人"), queryset=get_user_model().objects.none())
    kind = forms.ChoiceField(label=_("差错类型"), choices=ErrorKind.choices)
    occurred_on = forms.DateField(label=_("发生日期"), widget=DateInput)
    order_number = forms.CharField(label=_("订单编号"), required=False, max_length=32)
    description = forms.CharField(label=_("经过"), widget=forms.Textarea(attrs={"rows": 3}))
    cost = forms.DecimalField(
        label=_("损失金额（元）"), min_value=0, max_digits=10, decimal_places=2, initial=0, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agent"].queryset = staff_choices()

    def clean_cost(self):
        return self.cleaned_data.get("cost") or Decimal(0)


class SanctionForm(forms.Form):
    agent = AgentField(label=_("客服"), queryset=get_user_model().objects.none())
    month = forms.DateField(label=_("月份"), widget=DateInput, help_text=_("该月任意一天"))
    kind = forms.ChoiceField(label=_("奖惩"), choices=Sanction.Kind.choices)
    amount = forms.DecimalField(label=_("金额（元）"), min_value=0, max_digits=10, decimal_places=2)
    reason = forms.CharField(label=_("原因"), max_length=255)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agent"].queryset = staff_choices()


class WorkReportOpenForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=WorkReportKind.choices, initial=WorkReportKind.DAY)
    day = forms.DateField(label=_("日期"), widget=DateInput, help_text=_("报告期内任意一天"))


class WorkReportForm(forms.Form):
    notes = forms.CharField(label=_("工作内容补充"), required=False, widget=forms.Textarea(attrs={"rows": 5}))
    plan = forms.CharField(label=_("下期工作计划"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
