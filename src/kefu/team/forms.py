"""The team's inputs, shared by the pages and the API."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from kefu.core.lint import lint_attrs
from kefu.team.models import WORKING_DUTIES, AgentGroup, Duty


class ErlangForm(forms.Form):
    calls = forms.FloatField(label=_("时段咨询量"), help_text=_("一个时段内的咨询（来电）个数"))
    minutes = forms.FloatField(label=_("时段长度（分钟）"), initial=30, required=False)
    aht = forms.FloatField(label=_("平均处理时长（秒）"))
    answer_within = forms.FloatField(label=_("应答时限（秒）"), initial=20, required=False)
    service_level = forms.FloatField(
        label=_("服务水平目标"), initial=0.8, required=False, help_text=_("0–1，例如 0.8")
    )
    shrinkage = forms.FloatField(label=_("缺勤率"), required=False, help_text=_("0–1，可不填"))

    def clean(self):
        data = super().clean()
        for name, default in (("minutes", 30.0), ("answer_within", 20.0), ("service_level", 0.8)):
            if data.get(name) is None and name not in self.errors:
                data[name] = default
        return data


class MemberForm(forms.Form):
    user = forms.ModelChoiceField(queryset=get_user_model().objects.filter(is_active=True), label=_("客服"))
    group = forms.ChoiceField(choices=AgentGroup.choices, label=_("分组"))
    max_chats = forms.IntegerField(label=_("同时接待上限"), required=False, min_value=1, max_value=50)
    active = forms.BooleanField(label=_("在职"), required=False, initial=True)


class MonthForm(forms.Form):
    year = forms.IntegerField(label=_("年"), min_value=2000, max_value=2100)
    month = forms.IntegerField(label=_("月"), min_value=1, max_value=12)


class RotaSetForm(forms.Form):
    user = forms.ModelChoiceField(queryset=get_user_model().objects.filter(is_active=True), label=_("客服"))
    day = forms.DateField(label=_("日期"))
    duty = forms.ChoiceField(choices=Duty.choices, label=_("班次"))


class RotaCellForm(forms.Form):
    user = forms.ModelChoiceField(queryset=get_user_model().objects.filter(is_active=True), label=_("客服"))
    day = forms.DateField(label=_("日期"))
    edit = forms.BooleanField(required=False)


class LeaveForm(forms.Form):
    start = forms.DateField(label=_("开始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("结束日期"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("事由"), max_length=200)


class LeaveDecideForm(forms.Form):
    approve = forms.BooleanField(label=_("批准"), required=False)


class HandoverOpenForm(forms.Form):
    day = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    shift = forms.ChoiceField(choices=[(d, Duty(d).label) for d in WORKING_DUTIES], label=_("班次"))


class HandoverSubmitForm(forms.Form):
    notes = forms.CharField(label=_("交接说明"), widget=forms.Textarea(attrs={"rows": 4}), required=False)


class PromotionForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=60)
    starts_at = forms.DateTimeField(
        label=_("开始时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label=_("结束时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    first_response_seconds = forms.IntegerField(label=_("首次响应目标（秒）"), required=False, min_value=1)
    auto_reply = forms.CharField(
        label=_("大促自动回复"), widget=forms.Textarea(attrs=lint_attrs(rows=3)), required=False
    )
    expected_chats = forms.IntegerField(label=_("预计每日咨询量"), required=False, min_value=1)


class EmergencyStartForm(forms.Form):
    note = forms.CharField(label=_("情况说明"), max_length=200, required=False)


class StaffingForm(forms.Form):
    """The Double-11 forecast: the history the shop has, figures typed in where it has none."""

    year = forms.IntegerField(label=_("年份"), min_value=2000, max_value=2100)
    day = forms.DateField(label=_("测算日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    october_avg = forms.FloatField(label=_("今年10月日均咨询量"), required=False, min_value=0)
    last_october_avg = forms.FloatField(label=_("去年10月日均咨询量"), required=False, min_value=0)
    last_double11 = forms.FloatField(label=_("去年双十一咨询量"), required=False, min_value=0)
    orders_october_avg = forms.FloatField(label=_("今年10月日均订单量"), required=False, min_value=0)
    orders_last_october_avg = forms.FloatField(label=_("去年10月日均订单量"), required=False, min_value=0)
    orders_last_double11 = forms.FloatField(label=_("去年双十一订单量"), required=False, min_value=0)
    daily_volume = forms.FloatField(label=_("直接指定当日咨询量"), required=False, min_value=0)
    aht = forms.FloatField(label=_("平均处理时长（秒）"), required=False, min_value=1)
