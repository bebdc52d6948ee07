from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from kefu.core import segments
from kefu.core.lint import lint_attrs
from kefu.customers import senders
from kefu.customers.models import CustomerGroup, SatisfactionKind, VisitOutcome


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
        choices=[
            (5, _("5 非常满意")),
            (4, _("4 满意")),
            (3, _("3 一般")),
            (2, _("2 不满意")),
            (1, _("1 非常不满意")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("意见或建议（可不填）"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SatisfactionForm(SurveyForm):
    """What the desk (or the chat window, through the chat app) records for one rating."""

    kind = forms.ChoiceField(label=_("类型"), choices=[])
    source_id = forms.IntegerField(label=_("来源编号"), min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = SatisfactionKind.choices


class GroupForm(forms.Form):
    """A saved filter (all conditions together) or a static list of member names."""

    name = forms.CharField(label=_("分组名称"), max_length=60)
    kind = forms.ChoiceField(
        label=_("类型"), choices=[("filter", _("保存的筛选")), ("static", _("固定名单"))], initial="filter"
    )
    lost_days = forms.IntegerField(
        label=_("流失客户：多少天未购买"), required=False, min_value=1, max_value=3650
    )
    min_paid_amount = forms.DecimalField(
        label=_("高价值客户：累计实付不少于（元）"),
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
    )
    returning = forms.BooleanField(label=_("只要老客户"), required=False)
    nicks = forms.CharField(
        label=_("会员名（固定名单，每行一个）"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # what the apps above offer (bought in a month, bought product X …)
        for segment in segments.all_segments():
            self.fields[f"seg_{segment.key}"] = forms.CharField(
                label=segment.label, required=False, max_length=60, help_text=segment.help_text
            )

    def filters(self) -> dict:
        data = self.cleaned_data
        out: dict = {}
        if data.get("lost_days"):
            out["lost_days"] = data["lost_days"]
        if data.get("min_paid_amount") is not None:
            out["min_paid_amount"] = str(data["min_paid_amount"])
        if data.get("returning"):
            out["returning"] = True
        for segment in segments.all_segments():
            value = (data.get(f"seg_{segment.key}") or "").strip()
            if value:
                out[segment.key] = value
        return out


class VisitPlanForm(forms.Form):
    group = forms.ModelChoiceField(label=_("客户分组"), queryset=None)
    plan = forms.CharField(label=_("回访计划名称"), max_length=60, help_text=_("同一计划每位客户只回访一次"))
    reason = forms.CharField(label=_("回访原因"), max_length=200, required=False)
    agent = forms.ModelChoiceField(label=_("回访客服（可不选）"), queryset=None, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = CustomerGroup.objects.order_by("name")
        self.fields["agent"].queryset = (
            get_user_model()
            .objects.filter(is_active=True, groups__isnull=False)
            .distinct()
            .order_by("username")
        )


class VisitRecordForm(forms.Form):
    outcome = forms.ChoiceField(label=_("回访结果"), choices=VisitOutcome.choices)
    note = forms.CharField(
        label=_("回访记录"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


NOTICE_TEMPLATE = "亲爱的{name}，您好！由于物流原因，您购买的宝贝可能会晚几天送达，给您带来不便非常抱歉。我们正在跟快递公司积极联系，有任何进展会第一时间通知您。"


class NoticeForm(forms.Form):
    title = forms.CharField(label=_("通知标题"), max_length=100, initial=_("物流异常通知"))
    template = forms.CharField(
        label=_("通知内容"),
        initial=NOTICE_TEMPLATE,
        # what the buyers receive: written in Chinese whatever language the desk speaks
        widget=forms.Textarea(attrs=lint_attrs(rows=4, lang="zh-hans")),
        help_text=_("占位符：{name} 客户称呼，{nick} 会员名"),
    )
    channel = forms.ChoiceField(label=_("发送方式"), choices=[])
    group = forms.ModelChoiceField(label=_("客户分组（可不选）"), queryset=None, required=False)
    courier = forms.CharField(label=_("物流公司"), max_length=32, required=False)
    province = forms.CharField(label=_("省份"), max_length=16, required=False)
    shipped_from = forms.DateField(label=_("发货日期从"), required=False)
    shipped_to = forms.DateField(label=_("发货日期到"), required=False)
    min_days = forms.IntegerField(label=_("发货已超过几天未收货"), required=False, min_value=1, max_value=90)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labels = {"outbox": _("发件箱（客服复制发送）"), "email": _("电子邮件"), "sms": _("短信")}
        self.fields["channel"].choices = [(name, labels.get(name, name)) for name in senders.names()]
        self.fields["group"].queryset = CustomerGroup.objects.order_by("name")

    def filters(self) -> dict:
        data = self.cleaned_data
        out = {}
        for key in ("courier", "province", "shipped_from", "shipped_to", "min_days"):
            value = data.get(key)
            if value not in (None, ""):
                out[key] = value.isoformat() if hasattr(value, "isoformat") else value
        return out
