from django import forms
from django.utils.translation import gettext_lazy as _

from kefu.customers.models import SatisfactionKind


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


class TagsForm(forms.Form):
    tags = forms.CharField(label=_("标签"), required=False, max_length=400, help_text=_("逗号分隔"))


class MergeForm(forms.Form):
    other = forms.CharField(
        label=_("要并入的客户（会员名或编号）"), max_length=64, help_text=_("该客户的全部资料并入当前客户")
    )


class SurveyForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("满意度"),
        coerce=int,
        choices=[(5, _("5 非常满意")), (4, _("4 满意")), (3, _("3 一般")), (2, _("2 不满意")), (1, _("1 非常不满意"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("意见或建议（可不填）"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class SatisfactionForm(SurveyForm):
    """What the desk (or the chat window, through the chat app) records for one rating."""

    kind = forms.ChoiceField(label=_("类型"), choices=[])
    source_id = forms.IntegerField(label=_("来源编号"), min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = SatisfactionKind.choices
