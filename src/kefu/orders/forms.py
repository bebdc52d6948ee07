"""The orders' forms: one input definition per operation, validated alike by the page and by the
API (``kefu.core.operations.form_input``); the rules themselves live in services and rulebook."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kefu.core.uploads import MaxUploadSize
from kefu.orders.models import FlagColour, OrderState, ReminderChannel, ReminderReason, ReminderScript


class SearchForm(forms.Form):
    q = forms.CharField(label=_("订单号/买家/手机/运单号"), required=False, max_length=64)
    state = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部"))] + OrderState.choices)
    flag = forms.ChoiceField(
        label=_("旗帜"), required=False, choices=[("", _("全部"))] + [c for c in FlagColour.choices if c[0]]
    )


class VersionedForm(forms.Form):
    """Carries the order version the agent saw, so a stale save is refused instead of applied."""

    version = forms.IntegerField(
        widget=forms.HiddenInput, required=False, help_text=_("客户端看到的订单版本；已被他人修改时返回 400")
    )


class RemarkForm(VersionedForm):
    text = forms.CharField(label=_("备注"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    flag = forms.ChoiceField(
        label=_("旗帜"), required=False, choices=[("", _("不改旗帜"))] + FlagColour.choices[1:]
    )


class FlagForm(VersionedForm):
    flag = forms.ChoiceField(label=_("旗帜"), required=False, choices=FlagColour.choices)


class TransitionForm(forms.Form):
    state = forms.ChoiceField(label=_("变为"), choices=OrderState.choices)
    reason = forms.CharField(label=_("原因（关闭交易时）"), required=False, max_length=120)
    courier = forms.CharField(label=_("快递公司（发货时）"), required=False, max_length=32)
    waybill = forms.CharField(label=_("物流单号（发货时）"), required=False, max_length=64)

    def __init__(self, *args, allowed: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if allowed is not None:
            self.fields["state"].choices = [c for c in OrderState.choices if c[0] in allowed]


class GiftForm(VersionedForm):
    title = forms.CharField(label=_("赠品"), max_length=200)
    quantity = forms.IntegerField(label=_("数量"), min_value=1, max_value=99, initial=1, required=False)
    sku = forms.CharField(label=_("属性"), max_length=120, required=False)

    def clean_quantity(self) -> int:
        return self.cleaned_data["quantity"] or 1


class OrderNumbersField(forms.MultipleChoiceField):
    """Order numbers, as checked boxes on the page or a JSON list in the API."""

    def __init__(self, *, max_count: int, **kwargs):
        self.max_count = max_count
        super().__init__(**kwargs)

    def valid_value(self, value) -> bool:
        return isinstance(value, str) and value.isdigit() and len(value) <= 32

    def validate(self, value) -> None:
        super().validate(value)
        if len(value) > self.max_count:
            raise forms.ValidationError(_("一次最多 %(n)d 单。") % {"n": self.max_count})


class BulkConfirmForm(forms.Form):
    numbers = OrderNumbersField(label=_("订单编号"), max_count=500)


class CourierForm(VersionedForm):
    courier = forms.CharField(label=_("快递公司"), max_length=32)


class AddressForm(VersionedForm):
    receiver_name = forms.CharField(label=_("收货人"), max_length=64)
    receiver_phone = forms.CharField(label=_("联系手机"), max_length=32)
    receiver_address = forms.CharField(label=_("收货地址（省 市 区 详细地址）"), max_length=255)


class ReminderForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("方式"), choices=ReminderChannel.choices, initial=ReminderChannel.PHONE
    )
    reason = forms.ChoiceField(label=_("未付款原因"), choices=ReminderReason.choices)
    feedback = forms.CharField(label=_("反馈信息"), required=False, max_length=300)


class ScriptForm(forms.ModelForm):
    class Meta:
        model = ReminderScript
        fields = ["name", "channel", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"text": _("可用占位符：{买家} {宝贝} {店铺} {截止时间}")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # a script without a channel is an IM (旺旺) message, the most common reminder
        self.fields["channel"].required = False

    def clean_channel(self):
        return self.cleaned_data.get("channel") or ReminderChannel.IM

    def validate_unique(self):
        """Uniqueness is the service's to check (with the message agents read)."""


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("订单报表（ExportOrderList*.csv 或 .xlsx）"), validators=[MaxUploadSize("orders")]
    )
    lines_file = forms.FileField(
        label=_("宝贝报表（可选，ExportOrderDetailList*.csv）"),
        required=False,
        validators=[MaxUploadSize("orders")],
    )
