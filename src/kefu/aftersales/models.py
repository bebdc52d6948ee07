"""After-sales cases, complaints and bad reviews.

Each row holds the shop's own registration fields. While one waits on the team its service puts it
in the inbox through ``kefu.core.worklist`` (kind "aftersales", "complaint" or "review", with the
row's id); the inbox holds the owner, priority, due time and notes, and this app never imports it.
"""

from django.conf import settings
from django.core.validators import FileExtensionValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.orders.models import ShippingMethod

# --- after-sales cases (售后) ---------------------------------------------------------------


class CaseKind(models.TextChoices):
    RETURN_REFUND = "return_refund", _("退货退款")
    REFUND_ONLY = "refund_only", _("仅退款")
    EXCHANGE = "exchange", _("换货")
    RESHIPMENT = "reshipment", _("补发")
    PROBLEM_PARCEL = "problem_parcel", _("问题件")
    RETURNED_PARCEL = "returned_parcel", _("退回件")


REFUND_KINDS = (CaseKind.RETURN_REFUND, CaseKind.REFUND_ONLY)
RETURN_KINDS = (CaseKind.RETURN_REFUND, CaseKind.EXCHANGE)


class CaseState(models.TextChoices):
    REQUESTED = "requested", _("待卖家处理")
    REFUSED = "refused", _("卖家已拒绝，等待买家")
    AWAITING_RETURN = "awaiting_return", _("待买家退货")
    RETURN_SHIPPED = "return_shipped", _("买家已退货，待卖家收货")
    RECEIVED = "received", _("已收到退货，待验货")
    REFUND_PENDING = "refund_pending", _("待退款")
    REFUNDED = "refunded", _("已退款")
    RESOLVED = "resolved", _("已处理完成")
    CLOSED = "closed", _("已关闭")


FINAL_CASE_STATES = (CaseState.REFUNDED, CaseState.RESOLVED, CaseState.CLOSED)


class Damage(models.TextChoices):
    NONE = "", _("无")
    REFUSED = "refused", _("未签收，已拒收退回")
    SIGNED_PHOTOS = "signed_photos", _("已签收，买家拍照")


class InspectionResult(models.TextChoices):
    PENDING = "", _("未验货")
    ACCEPTED = "accepted", _("合格，同意退款/换货")
    PARTIAL = "partial", _("部分合格，部分退款")
    REJECTED = "rejected", _("不合格，拒绝")


class RefundChannel(models.TextChoices):
    PLATFORM = "platform", _("平台原路退回（支付宝）")
    ALIPAY = "alipay", _("支付宝转账")
    WECHAT = "wechat", _("微信转账")
    BANK = "bank", _("银行转账")
    OTHER = "other", _("其他")


class AfterSalesCase(models.Model):
    kind = models.CharField(_("售后类型"), max_length=20, choices=CaseKind.choices)
    state = models.CharField(
        _("售后状态"), max_length=20, choices=CaseState.choices, default=CaseState.REQUESTED
    )
    # Bumped by every save: an editor who loaded an older version is told what changed since.
    version = models.PositiveIntegerField(default=1, editable=False)
    customer = models.ForeignKey(
        "customers.Customer",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="aftersales_cases",
    )
    buyer_nick = models.CharField(_("买家会员名"), max_length=64, blank=True)
    buyer_phone = models.CharField(_("买家手机"), max_length=32, blank=True)

    # The registration lines the shop writes down for every case: copied from the order when there is one.
    order = models.ForeignKey(
        "orders.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="aftersales_cases"
    )
    order_number = models.CharField(_("订单编号"), max_length=32, blank=True)
    purchase_date = models.DateField(_("购买日期"), null=True, blank=True)
    item_title = models.CharField(_("购买产品"), max_length=200, blank=True)
    quantity = models.PositiveIntegerField(_("购买数量"), default=1)
    amount = models.DecimalField(_("金额"), max_digits=12, decimal_places=2, null=True, blank=True)
    waybill = models.CharField(_("快递运单号"), max_length=64, blank=True)
    details = models.TextField(_("详情"), blank=True)
    reason = models.CharField(_("售后原因"), max_length=200, blank=True)

    # Postage: who pays each leg of a return depends on these (7天无理由退换货——来回运费问题).
    quality_problem = models.BooleanField(_("质量问题"), default=False)
    free_shipping = models.BooleanField(_("卖家包邮"), default=False)
    outbound_postage = models.DecimalField(
        _("发货运费"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("买家下单时付的邮费"),
    )
    return_postage = models.DecimalField(
        _("退回运费"), max_digits=10, decimal_places=2, null=True, blank=True, help_text=_("买家寄回的运费")
    )

    # 7-day no-reason return.
    received_by_buyer_at = models.DateTimeField(_("买家签收时间"), null=True, blank=True)
    exclusion = models.CharField(_("不支持七天无理由的类别"), max_length=60, blank=True)

    damage = models.CharField(_("商品破损"), max_length=16, choices=Damage.choices, blank=True, default="")
    misdescribed = models.BooleanField(_("客户虚假描述"), default=False)
    misdescription_note = models.CharField(_("虚假描述说明"), max_length=255, blank=True)

    # Refund timers: when each side acted, so the platform's deadlines can be computed (超时规定).
    requested_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    refund_requested = models.DecimalField(
        _("申请退款金额"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    return_required = models.BooleanField(_("需要退货"), default=False)
    agreed_at = models.DateTimeField(_("同意时间"), null=True, blank=True)
    agreed_automatically = models.BooleanField(_("卖家超时自动同意"), default=False)
    refused_at = models.DateTimeField(_("拒绝时间"), null=True, blank=True)
    refuse_reason = models.CharField(_("拒绝原因"), max_length=255, blank=True)
    return_shipped_at = models.DateTimeField(_("买家退货时间"), null=True, blank=True)
    return_method = models.CharField(
        _("退货方式"), max_length=10, choices=ShippingMethod.choices, default=ShippingMethod.EXPRESS
    )
    return_courier = models.CharField(_("退货快递"), max_length=32, blank=True)
    return_waybill = models.CharField(_("退货运单号"), max_length=64, blank=True)
    received_at = models.DateTimeField(_("卖家收货时间"), null=True, blank=True)

    # Inspection on receipt (检查登记).
    inspection_condition = models.CharField(_("退货完整程度"), max_length=255, blank=True)
    inspection_result = models.CharField(
        _("验货结果"), max_length=12, choices=InspectionResult.choices, blank=True, default=""
    )
    inspected_at = models.DateTimeField(_("验货时间"), null=True, blank=True)
    inspected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    # Refund registration (退款登记).
    refund_amount = models.DecimalField(_("退款金额"), max_digits=12, decimal_places=2, null=True, blank=True)
    refund_channel = models.CharField(_("退款渠道"), max_length=12, choices=RefundChannel.choices, blank=True)
    refunded_at = models.DateTimeField(_("退款时间"), null=True, blank=True)
    refunded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    refunded_automatically = models.BooleanField(_("超时自动退款"), default=False)
    rights_protection = models.BooleanField(_("维权退款"), default=False, help_text=_("计入维权退款统计"))

    # Exchange / reshipment.
    reship_courier = models.CharField(_("补发/换货快递"), max_length=32, blank=True)
    reship_waybill = models.CharField(_("补发/换货运单号"), max_length=64, blank=True)
    resolution = models.TextField(_("处理结果"), blank=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    close_reason = models.CharField(_("关闭原因"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("售后单")
        verbose_name_plural = _("售后单")
        ordering = ["-requested_at", "-id"]
        indexes = [
            models.Index(fields=["state", "requested_at"]),
            models.Index(fields=["state", "refused_at"]),
            models.Index(fields=["state", "agreed_at"]),
            models.Index(fields=["state", "return_shipped_at"]),
            models.Index(fields=["order_number"]),
            models.Index(fields=["rights_protection", "refunded_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.order_number or ''}".strip()

    @property
    def is_refund(self) -> bool:
        return self.kind in REFUND_KINDS

    @property
    def needs_return(self) -> bool:
        return self.kind in RETURN_KINDS or (self.kind == CaseKind.REFUND_ONLY and self.return_required)

    @property
    def is_final(self) -> bool:
        return self.state in FINAL_CASE_STATES


def _photo_path(instance, filename: str) -> str:
    return f"aftersales/{timezone.now():%Y/%m}/{instance.case_id}-{filename}"


class CasePhoto(models.Model):
    """Photos the shop keeps as evidence: damage found on delivery (签收后拍照) and the inspection of a
    return."""

    class Purpose(models.TextChoices):
        DAMAGE = "damage", _("破损照片")
        INSPECTION = "inspection", _("验货照片")

    case = models.ForeignKey(AfterSalesCase, on_delete=models.CASCADE, related_name="photos")
    purpose = models.CharField(_("用途"), max_length=12, choices=Purpose.choices)
    image = models.FileField(
        _("照片"),
        upload_to=_photo_path,
        validators=[FileExtensionValidator(["jpg", "jpeg", "png", "webp", "gif"])],
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("售后照片")
        verbose_name_plural = _("售后照片")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.image.name


# --- complaints (投诉) ------------------------------------------------------------------------


class ComplaintChannel(models.TextChoices):
    PHONE = "phone", _("电话")
    FAX = "fax", _("传真")
    RETURN = "return", _("退货")
    EMAIL = "email", _("邮件")
    IM = "im", _("旺旺/在线")


class Satisfaction(models.TextChoices):
    NONE = "", _("未回访")
    SATISFIED = "satisfied", _("满意")
    PARTLY = "partly", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


QUICK_STEPS = [
    ("calm", _("安抚买家")),
    ("cause", _("查明原因")),
    ("position", _("表明立场")),
    ("solve", _("全力解决")),
    ("apologise", _("真诚道歉")),
    ("thank", _("感谢理解")),
]


class Complaint(models.Model):
    """The shop's 《客户投诉反馈表》, one row per complaint."""

    # Bumped by every save: an editor who loaded an older version is told what changed since.
    version = models.PositiveIntegerField(default=1, editable=False)

    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="complaints"
    )
    order = models.ForeignKey(
        "orders.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="complaints"
    )
    customer_name = models.CharField(_("客户名称"), max_length=64)
    phone = models.CharField(_("电话"), max_length=32, blank=True)
    buyer_nick = models.CharField(_("旺旺/会员名"), max_length=64, blank=True)
    channel = models.CharField(_("投诉渠道"), max_length=8, choices=ComplaintChannel.choices)
    problem = models.TextField(_("不满意内容"))
    product = models.CharField(_("产品"), max_length=200, blank=True)
    product_batch = models.CharField(_("生产批次号"), max_length=64, blank=True)
    production_date = models.DateField(_("生产日期"), null=True, blank=True)
    received_at = models.DateTimeField(_("接到投诉时间"), default=timezone.now)
    first_judgement = models.TextField(_("初步判定"), blank=True)
    promised_reply_at = models.DateTimeField(_("承诺回复调查结果时间"), null=True, blank=True)
    expected_handling_at = models.DateTimeField(_("客户期望处理时间"), null=True, blank=True)
    department = models.CharField(_("转交部门"), max_length=60, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("部门领导签字"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    signed_off_at = models.DateTimeField(_("签字时间"), null=True, blank=True)
    cause = models.TextField(_("调查原因"), blank=True)
    proposed_handling = models.TextField(_("处理意见"), blank=True)
    customer_informed_at = models.DateTimeField(_("告知客户时间"), null=True, blank=True)
    completion_date = models.DateField(_("处理完成计划日期"), null=True, blank=True)
    follow_up = models.TextField(_("跟进处理结果"), blank=True)
    satisfaction = models.CharField(
        _("客户满意度"), max_length=12, choices=Satisfaction.choices, blank=True, default=""
    )
    quick_steps = models.JSONField(_("快速处理步骤"), default=list, blank=True)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("客户投诉")
        verbose_name_plural = _("客户投诉")
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.customer_name}：{self.problem[:30]}"


# --- bad reviews (中差评) ----------------------------------------------------------------------


class Rating(models.TextChoices):
    NEUTRAL = "neutral", _("中评")
    BAD = "bad", _("差评")


class ReviewOutcome(models.TextChoices):
    OPEN = "", _("处理中")
    CHANGED = "changed", _("买家已修改/删除评价")
    EXPLAINED = "explained", _("已公开解释回复")
    UNRESOLVED = "unresolved", _("未解决")


class BadReview(models.Model):
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="bad_reviews"
    )
    order = models.ForeignKey(
        "orders.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="bad_reviews"
    )
    order_number = models.CharField(_("订单编号"), max_length=32, blank=True)
    buyer_nick = models.CharField(_("买家会员名"), max_length=64)
    item_title = models.CharField(_("宝贝"), max_length=200, blank=True)
    rating = models.CharField(_("评价"), max_length=8, choices=Rating.choices)
    text = models.TextField(_("评价内容"), blank=True)
    reviewed_at = models.DateTimeField(_("评价时间"))
    final_due_at = models.DateTimeField(_("最迟处理期限"))
    change_deadline = models.DateTimeField(_("买家可修改评价截止"))
    # When it must be settled this time: 18:30 of the day it is handled, later when postponed.
    settle_by = models.DateTimeField(_("本次处理期限"), null=True, blank=True)
    postponed_count = models.PositiveSmallIntegerField(_("延期次数"), default=0)
    outcome = models.CharField(
        _("处理结果"), max_length=12, choices=ReviewOutcome.choices, blank=True, default=""
    )
    public_reply = models.TextField(_("公开解释"), blank=True)
    outcome_note = models.TextField(_("说明/未解决原因"), blank=True)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("中差评")
        verbose_name_plural = _("中差评")
        ordering = ["-reviewed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_rating_display()} {self.buyer_nick}"
