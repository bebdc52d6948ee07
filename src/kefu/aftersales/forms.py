"""The input of every after-sales operation, one form each: the page validates what was posted with
it and the API validates its JSON body with the same form, so both accept and refuse alike. The
forms shape and limit input; the shop's rules live in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kefu.aftersales.models import (
    QUICK_STEPS,
    CaseKind,
    CasePhoto,
    CaseState,
    ComplaintChannel,
    Damage,
    InspectionResult,
    Rating,
    RefundChannel,
    ReviewOutcome,
    Satisfaction,
)
from kefu.core import shopsettings
from kefu.core.lint import lint_attrs
from kefu.core.uploads import MaxUploadSize
from kefu.core.worklist import Priority
from kefu.orders.models import Order, ShippingMethod

DT = {"type": "datetime-local"}
DATE = {"type": "date"}


class DateTimeLocalField(forms.DateTimeField):
    widget = forms.DateTimeInput(attrs=DT, format="%Y-%m-%dT%H:%M")
    input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"]


class OrderNumberField(forms.CharField):
    """An order number typed by the agent; linked when the shop has that order."""

    def clean(self, value):
        value = super().clean(value)
        return (value or "").strip()


class CaseFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("类型"), required=False, choices=[("", _("全部类型")), *CaseKind.choices]
    )
    state = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *CaseState.choices]
    )
    q = forms.CharField(
        label=_("订单号/运单号/会员名"), required=False, widget=forms.TextInput(attrs={"type": "search"})
    )

    def clean_q(self) -> str:
        return self.cleaned_data["q"][:60]

    def filters(self) -> dict[str, str]:
        """What the list shows; a value the list does not know shows everything rather than nothing."""
        data = self.cleaned_data if self.is_valid() else {}
        return {name: data.get(name) or "" for name in ("kind", "state", "q")}


def _exclusion_choices() -> list[tuple[str, str]]:
    exclusions = shopsettings.get("no_reason_return_exclusions")
    return [("", str(_("无（支持七天无理由）"))), *[(e, e) for e in exclusions]]


class CaseFieldsForm(forms.Form):
    """The registration, postage and eligibility lines of a case: registering and correcting it."""

    order_number = OrderNumberField(
        label=_("订单编号"),
        required=False,
        max_length=32,
        help_text=_("店铺里有这个订单时自动带出下面的信息"),
    )
    buyer_nick = forms.CharField(label=_("买家会员名/旺旺"), required=False, max_length=64)
    buyer_phone = forms.CharField(label=_("买家手机"), required=False, max_length=32)
    purchase_date = forms.DateField(label=_("购买日期"), required=False, widget=forms.DateInput(attrs=DATE))
    item_title = forms.CharField(label=_("购买产品"), required=False, max_length=200)
    quantity = forms.IntegerField(label=_("购买数量"), required=False, min_value=1, initial=1)
    amount = forms.DecimalField(
        label=_("金额（元）"), required=False, min_value=0, decimal_places=2, max_digits=12
    )
    waybill = forms.CharField(label=_("快递运单号"), required=False, max_length=64)
    reason = forms.CharField(label=_("售后原因"), required=False, max_length=200)
    details = forms.CharField(label=_("详情"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    quality_problem = forms.BooleanField(label=_("质量问题"), required=False)
    free_shipping = forms.BooleanField(label=_("卖家包邮"), required=False)
    outbound_postage = forms.DecimalField(
        label=_("发货运费（买家付的邮费）"), required=False, min_value=0, decimal_places=2, max_digits=10
    )
    return_postage = forms.DecimalField(
        label=_("退回运费"), required=False, min_value=0, decimal_places=2, max_digits=10
    )
    received_by_buyer_at = DateTimeLocalField(label=_("买家签收时间"), required=False)
    # The shop's list of goods without the 7-day promise is read when the page is drawn; the service
    # refuses a category not (or no longer) on it.
    exclusion = forms.CharField(
        label=_("不支持七天无理由的类别"),
        required=False,
        max_length=60,
        widget=forms.Select(choices=_exclusion_choices),
    )
    damage = forms.ChoiceField(label=_("商品破损"), required=False, choices=Damage.choices)
    refund_requested = forms.DecimalField(
        label=_("申请退款金额"), required=False, min_value=0, decimal_places=2, max_digits=12
    )
    return_required = forms.BooleanField(label=_("仅退款也需要买家退货"), required=False)

    def service_fields(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in CaseFieldsForm.base_fields}


class CaseEditForm(CaseFieldsForm):
    """Correcting a case: the fields, and the version the form was loaded at."""

    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class CaseForm(CaseFieldsForm):
    """Registering a case: its kind, who asked and how urgent, and the registration lines."""

    kind = forms.ChoiceField(label=_("售后类型"), choices=CaseKind.choices)
    customer_name = forms.CharField(label=_("客户姓名"), required=False, max_length=64)
    priority = forms.TypedChoiceField(
        label=_("优先级"), choices=Priority.choices, coerce=int, initial=Priority.NORMAL, required=False
    )

    field_order = ["kind", "order_number", "customer_name"]

    @property
    def order(self) -> Order | None:
        number = self.cleaned_data.get("order_number")
        return Order.objects.prefetch_related("lines").filter(number=number).first() if number else None


class RefuseForm(forms.Form):
    reason = forms.CharField(label=_("拒绝原因"), max_length=255)


class RequestModifiedForm(forms.Form):
    """After a refusal the buyer changed the request: what changed, and the new amount if any."""

    refund_requested = forms.DecimalField(
        label=_("新的退款金额（可选）"), required=False, min_value=0, decimal_places=2, max_digits=12
    )
    note = forms.CharField(label=_("说明"), required=False, max_length=500)


class ReturnShippedForm(forms.Form):
    courier = forms.CharField(label=_("退货快递"), required=False, max_length=32)
    waybill = forms.CharField(label=_("退货运单号"), max_length=64)
    # Most returns come back by express; the longer wait for surface mail must be chosen on purpose.
    method = forms.ChoiceField(
        label=_("退货方式"),
        choices=[(ShippingMethod.EXPRESS, _("快递")), (ShippingMethod.SURFACE, _("平邮"))],
        initial=ShippingMethod.EXPRESS,
        required=False,
    )

    def clean_method(self) -> str:
        return self.cleaned_data.get("method") or ShippingMethod.EXPRESS


class InspectForm(forms.Form):
    condition = forms.CharField(label=_("退货商品完整程度"), max_length=255)
    result = forms.ChoiceField(label=_("验货结果"), choices=[c for c in InspectionResult.choices if c[0]])
    photo = forms.FileField(label=_("验货照片"), required=False, validators=[MaxUploadSize("image")])


class RefundForm(forms.Form):
    amount = forms.DecimalField(label=_("退款金额（元）"), min_value=0, decimal_places=2, max_digits=12)
    channel = forms.ChoiceField(label=_("退款渠道"), choices=RefundChannel.choices)
    rights_protection = forms.BooleanField(label=_("维权退款（计入维权统计）"), required=False)


class ReshipForm(forms.Form):
    courier = forms.CharField(label=_("快递"), required=False, max_length=32)
    waybill = forms.CharField(label=_("运单号"), max_length=64)
    note = forms.CharField(label=_("说明"), required=False, max_length=500)


class ResolveForm(forms.Form):
    resolution = forms.CharField(label=_("处理结果"), widget=forms.Textarea(attrs={"rows": 3}))


class CloseForm(forms.Form):
    reason = forms.CharField(label=_("关闭原因"), max_length=255)


class MisdescriptionForm(forms.Form):
    note = forms.CharField(label=_("虚假描述情况"), max_length=255)


class PhotoForm(forms.Form):
    purpose = forms.ChoiceField(label=_("用途"), choices=CasePhoto.Purpose.choices)
    image = forms.FileField(label=_("照片"), validators=[MaxUploadSize("image")])


class ComplaintProgressForm(forms.Form):
    """The rest of the 《客户投诉反馈表》, filled as the steps go, and the contact and product lines
    that are often only learnt later."""

    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    first_judgement = forms.CharField(
        label=_("初步判定"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    promised_reply_at = DateTimeLocalField(label=_("承诺回复调查结果时间"), required=False)
    expected_handling_at = DateTimeLocalField(label=_("客户期望处理时间"), required=False)
    department = forms.CharField(
        label=_("转交部门"),
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"placeholder": _("品质部")}),
    )
    cause = forms.CharField(label=_("调查原因"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    proposed_handling = forms.CharField(
        label=_("处理意见"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    customer_informed_at = DateTimeLocalField(label=_("告知客户时间"), required=False)
    completion_date = forms.DateField(
        label=_("处理完成计划日期"), required=False, widget=forms.DateInput(attrs=DATE)
    )
    follow_up = forms.CharField(
        label=_("跟进处理结果"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    phone = forms.CharField(label=_("电话"), required=False, max_length=32)
    buyer_nick = forms.CharField(label=_("旺旺/会员名"), required=False, max_length=64)
    product = forms.CharField(label=_("产品"), required=False, max_length=200)
    product_batch = forms.CharField(label=_("生产批次号"), required=False, max_length=64)
    production_date = forms.DateField(label=_("生产日期"), required=False, widget=forms.DateInput(attrs=DATE))

    def changed_values(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.changed_data if name != "version"}


class ComplaintForm(ComplaintProgressForm):
    """Registering a complaint: who, through which channel, what they are unhappy about; the later
    lines of the form may be filled at once when they are already known."""

    version = None  # a new complaint has no earlier version to protect
    customer_name = forms.CharField(label=_("客户名称"), max_length=64)
    channel = forms.ChoiceField(label=_("投诉渠道"), choices=ComplaintChannel.choices)
    order_number = forms.CharField(label=_("订单编号"), required=False, max_length=32)
    problem = forms.CharField(label=_("不满意内容"), widget=forms.Textarea(attrs={"rows": 3}))

    field_order = [
        "customer_name",
        "phone",
        "buyer_nick",
        "channel",
        "order_number",
        "problem",
        "product",
        "product_batch",
        "production_date",
    ]


class ComplaintCloseForm(forms.Form):
    satisfaction = forms.ChoiceField(label=_("客户满意度"), choices=[c for c in Satisfaction.choices if c[0]])
    follow_up = forms.CharField(
        label=_("跟进处理结果"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class StepForm(forms.Form):
    step = forms.ChoiceField(choices=QUICK_STEPS)
    done = forms.BooleanField(required=False)


class ComplaintFilterForm(forms.Form):
    open = forms.ChoiceField(
        label=_("结案"), required=False, choices=[("", _("全部")), ("1", _("只看未结案"))]
    )


class ReviewFilterForm(forms.Form):
    # Bad reviews are settled within days: the list opens on those still waiting.
    open = forms.ChoiceField(label=_("状态"), required=False, choices=[("1", _("未处理")), ("0", _("全部"))])

    def open_only(self) -> bool:
        return not self.is_valid() or self.cleaned_data.get("open") != "0"


class ReviewForm(forms.Form):
    order_number = forms.CharField(label=_("订单编号"), required=False, max_length=32)
    buyer_nick = forms.CharField(label=_("买家会员名"), required=False, max_length=64)
    item_title = forms.CharField(label=_("宝贝"), required=False, max_length=200)
    rating = forms.ChoiceField(label=_("评价"), choices=Rating.choices, initial=Rating.BAD)
    text = forms.CharField(label=_("评价内容"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    reviewed_at = DateTimeLocalField(label=_("评价时间"))


class ReviewCloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("处理结果"), choices=[c for c in ReviewOutcome.choices if c[0]])
    public_reply = forms.CharField(
        label=_("公开解释"), required=False, widget=forms.Textarea(attrs=lint_attrs(rows=3))
    )
    note = forms.CharField(
        label=_("说明/未解决原因"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class PostponeForm(forms.Form):
    reason = forms.CharField(label=_("未能当天处理的原因"), max_length=255)
