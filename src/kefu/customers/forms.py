from django import forms
from django.utils.translation import gettext_lazy as _


class CustomerForm(forms.Form):
    name = forms.CharField(label=_("姓名"), required=False, max_length=64)
    buyer_nick = forms.CharField(label=_("买家会员名/旺旺"), required=False, max_length=64)
    im_id = forms.CharField(label=_("其他 IM（微信等）"), required=False, max_length=64)
    phone = forms.CharField(label=_("手机"), required=False, max_length=32)
    company = forms.CharField(label=_("公司"), required=False, max_length=120)
    address = forms.CharField(label=_("地址"), required=False, max_length=255)
    note = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=255)
