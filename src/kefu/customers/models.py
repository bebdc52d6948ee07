"""The shop's customers: profiles built from the orders, the blacklist, contacts and satisfaction.

A customer IS the buyer's member name (买家会员名) as the platform gives it: unique, created or
updated by every order import. Phones, receivers and addresses are what the orders said (shown
from the orders, latest first; ``phone`` is the latest order's; ``CustomerContact`` keeps those of
customers typed in by hand before), never the identity. The profile figures (orders, paid orders,
paid amount…) are stored on the row and refreshed set-based by the import, so lists and exports
read them without touching the orders. The blacklist lives on the row itself so one indexed lookup
answers "is this buyer blacklisted?". Rows without a member name are customers typed in by hand
before profiles came from orders; they are kept (the member name is unique only when given).
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class Customer(models.Model):
    name = models.CharField(_("姓名"), max_length=64, blank=True)
    buyer_nick = models.CharField(_("买家会员名/旺旺"), max_length=64, blank=True)
    im_id = models.CharField(_("其他 IM（微信等）"), max_length=64, blank=True)
    phone = models.CharField(_("手机"), max_length=32, blank=True, db_index=True)
    company = models.CharField(_("公司"), max_length=120, blank=True)
    address = models.CharField(_("地址"), max_length=255, blank=True)
    note = models.TextField(_("备注"), blank=True)

    # Misdescriptions since the last fresh start (a lift resets it); the total stays in the history.
    misdescription_count = models.PositiveIntegerField(_("虚假描述次数"), default=0)
    blacklisted = models.BooleanField(_("黑名单"), default=False, db_index=True)
    blacklisted_at = models.DateTimeField(_("加入黑名单时间"), null=True, blank=True)
    blacklist_reason = models.CharField(_("加入黑名单原因"), max_length=255, blank=True)
    blacklisted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    tags = models.JSONField(_("标签"), default=list, blank=True)

    # The profile figures, refreshed from the orders by every import (set-based, see the orders app).
    orders_count = models.PositiveIntegerField(_("订单数"), default=0)
    paid_orders = models.PositiveIntegerField(_("已付款订单数"), default=0)
    paid_amount = models.DecimalField(_("实付金额"), max_digits=14, decimal_places=2, default=0)
    first_paid_at = models.DateTimeField(_("首次付款时间"), null=True, blank=True)
    last_paid_at = models.DateTimeField(_("最近付款时间"), null=True, blank=True)
    last_order_at = models.DateTimeField(_("最近下单时间"), null=True, blank=True)
    # Refreshed by the after-sales app when a case, complaint or bad review is recorded.
    refunds_count = models.PositiveIntegerField(_("退款次数"), default=0)
    bad_reviews_count = models.PositiveIntegerField(_("中差评数"), default=0)
    complaints_count = models.PositiveIntegerField(_("投诉数"), default=0)
    # The last chat or question that named the buyer: a lead (咨询未下单) until an order follows.
    last_contact_at = models.DateTimeField(_("最近咨询时间"), null=True, blank=True, db_index=True)

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("客户")
        verbose_name_plural = _("客户")
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["buyer_nick"], condition=~models.Q(buyer_nick=""), name="customer_nick_unique"
            )
        ]
        indexes = [
            models.Index(Lower("buyer_nick"), name="customer_nick_lower"),
            models.Index(Lower("im_id"), name="customer_im_lower"),
            models.Index(fields=["last_paid_at"], name="customer_last_paid"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name or self.buyer_nick or self.im_id or self.phone or f"#{self.pk}"

    @property
    def returning(self) -> bool:
        """A returning customer (老客户) has paid for two orders or more."""
        return self.paid_orders >= 2

    @property
    def average_order_value(self) -> Decimal:
        if not self.paid_orders:
            return Decimal("0.00")
        return (self.paid_amount / self.paid_orders).quantize(Decimal("0.01"))


class CustomerContact(models.Model):
    """A receiver, phone and address known of the customer besides the orders (legacy rows, merges)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contacts")
    receiver_name = models.CharField(_("收货人"), max_length=64, blank=True)
    phone = models.CharField(_("手机"), max_length=32, blank=True)
    province = models.CharField(_("省份"), max_length=16, blank=True)
    address = models.CharField(_("地址"), max_length=255, blank=True)
    last_seen_at = models.DateTimeField(_("最近使用时间"))

    class Meta:
        verbose_name = _("收货信息")
        verbose_name_plural = _("收货信息")
        ordering = ["-last_seen_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "phone", "receiver_name", "address"], name="customer_contact_unique"
            )
        ]
        indexes = [models.Index(fields=["phone"], name="customer_contact_phone")]

    def __str__(self) -> str:
        return f"{self.receiver_name} {self.phone}"


class CustomerMerge(models.Model):
    """Two profiles merged by hand: what the merged one was, and who merged it."""

    kept = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="merges")
    merged_id = models.BigIntegerField(_("被合并客户编号"))
    merged_nick = models.CharField(_("被合并会员名"), max_length=64, blank=True)
    merged_data = models.JSONField(_("被合并资料"), default=dict)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    merged_at = models.DateTimeField(_("合并时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("客户合并记录")
        verbose_name_plural = _("客户合并记录")
        ordering = ["-merged_at", "-id"]

    def __str__(self) -> str:
        return f"{self.merged_nick or self.merged_id} → {self.kept_id}"


class CustomerExport(models.Model):
    """Every export of customer data: who, when, what format, how many rows (隐私)."""

    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    channel = models.CharField(_("途径"), max_length=16)  # cli, api, page
    format = models.CharField(_("格式"), max_length=8)
    rows = models.PositiveIntegerField(_("行数"), default=0)
    filters = models.JSONField(_("条件"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("客户导出记录")
        verbose_name_plural = _("客户导出记录")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.format} {self.rows}"


class SatisfactionKind(models.TextChoices):
    CHAT = "chat", _("在线咨询")
    CASE = "case", _("售后")
    COMPLAINT = "complaint", _("投诉")
    VISIT = "visit", _("回访")


class Satisfaction(models.Model):
    """One rating (1–5) the customer gave, once per conversation, case, complaint or visit."""

    kind = models.CharField(_("类型"), max_length=12, choices=SatisfactionKind.choices)
    source_id = models.BigIntegerField(_("来源编号"))
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("客服"),
    )
    customer = models.ForeignKey(
        Customer,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="satisfactions",
        verbose_name=_("客户"),
    )
    score = models.PositiveSmallIntegerField(_("评分"))
    comment = models.CharField(_("意见"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("满意度")
        verbose_name_plural = _("满意度")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "source_id"], name="satisfaction_once_per_source"),
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="satisfaction_score_1_to_5"
            ),
        ]
        indexes = [models.Index(fields=["created_at"], name="satisfaction_created")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.source_id}: {self.score}"


class CustomerGroup(models.Model):
    """A group of customers: a static list, or a saved filter evaluated when used."""

    STATIC = "static"
    FILTER = "filter"
    KINDS = [(STATIC, _("固定名单")), (FILTER, _("保存的筛选"))]

    name = models.CharField(_("分组名称"), max_length=60, unique=True)
    kind = models.CharField(_("类型"), max_length=8, choices=KINDS, default=FILTER)
    # {"lost_days": 90, "min_paid_amount": "1000", "returning": true, "tag": "VIP", and what the apps
    # above offer through kefu.core.segments, e.g. "bought_in_month": "2026-11", "bought_product": "面霜"}
    filters = models.JSONField(_("筛选条件"), default=dict, blank=True)
    members = models.ManyToManyField(Customer, blank=True, related_name="static_groups")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("客户分组")
        verbose_name_plural = _("客户分组")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class VisitOutcome(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    UNSATISFIED = "unsatisfied", _("不满意")
    SUGGESTION = "suggestion", _("有建议")
    PROBLEM = "problem", _("有问题（转待办）")
    UNREACHED = "unreached", _("未联系上")


class ReturnVisit(models.Model):
    """One return visit (回访) to make: planned from a group or by hand, done by phone or IM."""

    OPEN = "open"
    DONE = "done"
    STATES = [(OPEN, _("待回访")), (DONE, _("已回访"))]

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="visits")
    plan = models.CharField(_("回访计划"), max_length=60)
    reason = models.CharField(_("回访原因"), max_length=200, blank=True)
    state = models.CharField(_("状态"), max_length=8, choices=STATES, default=OPEN, db_index=True)
    outcome = models.CharField(_("回访结果"), max_length=12, choices=VisitOutcome.choices, blank=True)
    note = models.TextField(_("回访记录"), blank=True)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    done_at = models.DateTimeField(_("回访时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("回访")
        verbose_name_plural = _("回访")
        ordering = ["state", "-created_at", "-id"]
        constraints = [
            # a plan visits a customer once
            models.UniqueConstraint(fields=["customer", "plan"], name="visit_once_per_plan")
        ]

    def __str__(self) -> str:
        return f"{self.plan}: {self.customer_id}"


class Notice(models.Model):
    """A notice to affected customers (e.g. a logistics exception), from a template with placeholders."""

    title = models.CharField(_("通知标题"), max_length=100)
    template = models.TextField(_("通知模板"), help_text=_("占位符：{name} 客户称呼，{nick} 会员名"))
    channel = models.CharField(_("发送方式"), max_length=16, default="outbox")
    # which customers: {"courier": "申通快递", "province": "新疆", "shipped_from": "2026-11-01",
    # "shipped_to": "2026-11-30", "min_days": 7} (logistics exception, offered by the orders app)
    filters = models.JSONField(_("筛选条件"), default=dict, blank=True)
    group = models.ForeignKey(
        CustomerGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("客户通知")
        verbose_name_plural = _("客户通知")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class NoticeMessage(models.Model):
    """One message to a customer, with its delivery state: a notice's (never two per customer per
    notice), or a single message another app sends to someone who left a contact (an answer to
    their question): then ``notice`` is empty and the address, subject and source are its own."""

    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    STATES = [(PENDING, _("待发送")), (SENT, _("已发送")), (FAILED, _("发送失败"))]

    notice = models.ForeignKey(
        Notice, null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
    customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.CASCADE, related_name="notices"
    )
    channel = models.CharField(_("发送方式"), max_length=16)
    subject = models.CharField(_("标题"), max_length=100, blank=True)
    phone = models.CharField(_("手机"), max_length=20, blank=True)
    email = models.EmailField(_("邮箱"), blank=True)
    # what the single message is about, e.g. ("question", 12): shown in the outbox
    source = models.CharField(_("来源"), max_length=24, blank=True)
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    text = models.TextField(_("内容"))
    state = models.CharField(_("状态"), max_length=8, choices=STATES, default=PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.CharField(_("失败原因"), max_length=255, blank=True)
    next_try_at = models.DateTimeField(_("下次尝试"), null=True, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知消息")
        verbose_name_plural = _("通知消息")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "customer"], name="notice_once_per_customer")
        ]
        indexes = [models.Index(fields=["state", "next_try_at"], name="notice_message_due")]

    def __str__(self) -> str:
        return f"{self.notice_id or self.source}→{self.customer_id or self.email or self.phone} {self.state}"

    @property
    def title(self) -> str:
        return self.subject or (self.notice.title if self.notice_id else "")

    @property
    def to_phone(self) -> str:
        return self.phone or (self.customer.phone if self.customer_id else "")

    @property
    def to_email(self) -> str:
        if self.email:
            return self.email
        im_id = self.customer.im_id if self.customer_id else ""
        return im_id if "@" in (im_id or "") else ""
