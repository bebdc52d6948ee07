"""Inputs of the paperwork operations (order changes, shipping notices), for the page and the API."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from kefu.orders.forms import OrderNumbersField
from kefu.orders.models import ChangeState, ChangeSubject


class ChangeRequestForm(forms.Form):
    subject = forms.ChoiceField(label=_("更改项目"), choices=ChangeSubject.choices)
    before = forms.CharField(label=_("更改前"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    after = forms.CharField(label=_("更改后"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    customer_request = forms.CharField(
        label=_("客户更改要求（客户原话）"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("让客户用文字描述更改要求，原样贴在这里。"),
    )
    extra_cost = forms.DecimalField(
        label=_("客户需承担费用（元）"),
        required=False,
        min_value=Decimal("0"),
        max_digits=10,
        decimal_places=2,
        help_text=_("先告诉客户更改可能的结果和费用；没有费用填 0。"),
    )


class ChangeDecisionForm(forms.Form):
    note = forms.CharField(label=_("主管意见"), required=False, max_length=200)


class WarehouseNotifyForm(forms.Form):
    contact = forms.CharField(
        label=_("仓库接收人"), required=False, max_length=60, help_text=_("物控部哪位同事收到了更改")
    )


class ChangeFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部"))] + ChangeState.choices
    )


class ShippingNoticeForm(forms.Form):
    numbers = OrderNumbersField(label=_("订单编号"), max_count=500)
    urgent = forms.BooleanField(label=_("加急"), required=False)
    note = forms.CharField(label=_("备注"), required=False, max_length=200)
