"""Orders as the shop platform shows them: the trade, its states, lines, remarks and reminders.

The state values are the platform's own API codes; their labels are the exact strings the seller
center prints, so an import can map either and every page shows what agents already know.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OrderState(models.TextChoices):
    WAIT_BUYER_PAY = "WAIT_BUYER_PAY", _("等待买家付款")
    WAIT_SELLER_SEND = "WAIT_SELLER_SEND_GOODS", _("买家已付款，等待卖家发货")
    SELLER_CONSIGNED_PART = "SELLER_CONSIGNED_PART", _("卖家部分发货")
    WAIT_BUYER_CONFIRM = "WAIT_BUYER_CONFIRM_GOODS", _("卖家已发货，等待买家确认")
    TRADE_FINISHED = "TRADE_FINISHED", _("交易成功")
    TRADE_CLOSED = "TRADE_CLOSED", _("交易关闭")


class ShippingMethod(models.TextChoices):
    """How the goods travel; it decides the auto-confirm timeout (10 / 30 / 1 / 3 days)."""

    EXPRESS = "express", _("快递")
    SURFACE = "surface", _("平邮")
    AUTO_DELIVERY = "auto", _("自动发货")
    VIRTUAL = "virtual", _("虚拟物品")


class FlagColour(models.TextChoices):
    """The platform's remark flags; what each colour means is a shop setting."""

    NONE = "", _("无")
    RED = "red", _("红旗")
    YELLOW = "yellow", _("黄旗")
    GREEN = "green", _("绿旗")
    BLUE = "blue", _("蓝旗")
    PURPLE = "purple", _("紫旗")


class Order(models.Model):
    shop = models.CharField(_("店铺"), max_length=60, blank=True, default="")
    number = models.CharField(_("订单编号"), max_length=32)
    buyer_nick = models.CharField(_("买家会员名"), max_length=64, blank=True)
    buyer_im = models.CharField(_("买家旺旺"), max_length=64, blank=True)
    receiver_name = models.CharField(_("收货人姓名"), max_length=64, blank=True)
    receiver_phone = models.CharField(_("联系手机"), max_length=32, blank=True)
    receiver_province = models.CharField(_("省份"), max_length=16, blank=True)
    receiver_address = models.CharField(_("收货地址"), max_length=255, blank=True)

    goods_amount = models.DecimalField(_("买家应付货款"), max_digits=12, decimal_places=2, default=0)
    postage = models.DecimalField(_("买家应付邮费"), max_digits=10, decimal_places=2, default=0)
    paid_amount = models.DecimalField(_("买家实际支付金额"), max_digits=12, decimal_places=2, default=0)
    item_count = models.PositiveIntegerField(_("宝贝总数量"), default=0)

    state = models.CharField(
        _("订单状态"), max_length=32, choices=OrderState.choices, default=OrderState.WAIT_BUYER_PAY
    )
    shipping_method = models.CharField(
        _("运送方式"), max_length=10, choices=ShippingMethod.choices, default=ShippingMethod.EXPRESS
    )
    courier = models.CharField(_("物流公司"), max_length=32, blank=True)
    waybill = models.CharField(_("物流单号"), max_length=64, blank=True)

    created_at = models.DateTimeField(_("订单创建时间"))
    paid_at = models.DateTimeField(_("订单付款时间"), null=True, blank=True)
    shipped_at = models.DateTimeField(_("发货时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("交易成功时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("交易关闭时间"), null=True, blank=True)
    close_reason = models.CharField(_("订单关闭原因"), max_length=120, blank=True)

    terms_changed_at = models.DateTimeField(
        _("卖家最后修改交易条件时间"), null=True, blank=True, help_text=_("未付款超时从此时起重新计算")
    )
    auto_confirmed = models.BooleanField(_("超时自动确认收货"), default=False)
    items_summary = models.CharField(_("宝贝标题"), max_length=255, blank=True)
    platform_remark = models.TextField(_("平台订单备注"), blank=True)

    buyer_message = models.TextField(_("买家留言"), blank=True)
    flag = models.CharField(_("旗帜"), max_length=8, choices=FlagColour.choices, blank=True, default="")
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    # no index: never searched by, and every imported row would pay for it
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    # Every kefu write bumps it; a page sends back the version it showed, so two agents editing
    # the same order cannot overwrite each other without seeing it.
    version = models.PositiveIntegerField(default=1)
    # Digest of the export row last applied: re-importing the same file changes nothing.
    import_digest = models.CharField(max_length=32, blank=True, default="")

    class Meta:
        verbose_name = _("订单")
        verbose_name_plural = _("订单")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["shop", "number"], name="order_number_unique_in_shop")]
        indexes = [
            models.Index(fields=["created_at"]),
            models.Index(fields=["buyer_nick"]),
            models.Index(fields=["receiver_phone"]),
            models.Index(fields=["waybill"]),
            # Each waiting state's queue by its own clock, partial: an order has an entry only while
            # it waits there (about one order in five), so an import writes far fewer index entries
            # and a sweep that moves an order on deletes one instead of rewriting three. A query
            # uses one by naming its state with ``=`` (SQLite also when the state is a parameter).
            models.Index(
                fields=["created_at"],
                condition=models.Q(state=OrderState.WAIT_BUYER_PAY),
                name="order_unpaid_idx",
            ),
            models.Index(
                fields=["shipping_method", "shipped_at"],
                condition=models.Q(state=OrderState.WAIT_BUYER_CONFIRM),
                name="order_confirm_due_idx",
            ),
            models.Index(
                fields=["paid_at"],
                condition=models.Q(state=OrderState.WAIT_SELLER_SEND),
                name="order_to_ship_idx",
            ),
            models.Index(
                fields=["paid_at"],
                condition=models.Q(state=OrderState.SELLER_CONSIGNED_PART),
                name="order_part_shipped_idx",
            ),
            # The reports' sales figures, each read from its index alone (no row visits): the orders
            # paid in a range of days with what they sum and count, and the orders placed and never
            # paid (下单未付款). Both partial, so neither can be mistaken for the other's question.
            models.Index(
                fields=["paid_at", "paid_amount", "buyer_nick"],
                condition=models.Q(paid_at__isnull=False),
                name="order_paid_report_idx",
            ),
            models.Index(
                fields=["created_at", "goods_amount", "postage", "paid_at"],
                condition=models.Q(paid_at__isnull=True),
                name="order_unpaid_report_idx",
            ),
            # the few orders whose terms the seller changed: the sweep's second range
            models.Index(
                fields=["terms_changed_at"],
                condition=models.Q(terms_changed_at__isnull=False),
                name="order_terms_changed_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def state_label(self) -> str:
        return OrderState(self.state).label

    @property
    def is_paid(self) -> bool:
        return self.paid_at is not None

    @property
    def amount_due(self):
        """What the buyer owes (货款 + 邮费); the export's 实际支付金额 is 0 until they pay."""
        return self.goods_amount + self.postage

    @property
    def gift_count(self) -> int:
        return sum(1 for line in self.lines.all() if line.is_gift)


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    title = models.CharField(_("宝贝标题"), max_length=200)
    sku = models.CharField(_("销售属性"), max_length=120, blank=True)
    quantity = models.PositiveIntegerField(_("数量"), default=1)
    price = models.DecimalField(_("价格"), max_digits=10, decimal_places=2, default=0)
    is_gift = models.BooleanField(_("赠品"), default=False)
    # 子订单编号 of the line export, or a key made from title and spec (``gift:…`` for gifts added in
    # kefu): re-imports update a line, never add it twice.
    line_key = models.CharField(max_length=64, default="")
    outer_code = models.CharField(_("商家编码"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("宝贝")
        verbose_name_plural = _("宝贝")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["order", "line_key"], name="order_line_key_unique")]

    def __str__(self) -> str:
        return f"{self.title} × {self.quantity}"


class OrderRemark(models.Model):
    """Every remark is kept; the seller-center 订单备注 is their concatenation."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="remarks")
    text = models.TextField(_("备注"))
    flag = models.CharField(_("旗帜"), max_length=8, choices=FlagColour.choices, blank=True, default="")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("订单备注")
        verbose_name_plural = _("订单备注")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:40]


class ReminderChannel(models.TextChoices):
    IM = "im", _("旺旺")
    SMS = "sms", _("短信")
    PHONE = "phone", _("电话")


class ReminderReason(models.TextChoices):
    """Why the buyer has not paid, as agents sort the answers they hear (分析原因)."""

    UNFAMILIAR = "unfamiliar", _("不熟悉购物流程")
    PAYMENT_PROBLEM = "payment_problem", _("支付/证书问题")
    BALANCE = "balance", _("余额不足")
    CASUAL = "casual", _("随手拍下")
    SHOP_PROBLEM = "shop_problem", _("店铺自身问题")
    ATTITUDE = "attitude", _("客服服务态度")
    PRICE = "price", _("价格问题")
    OTHER = "other", _("其他")


class PaymentReminder(models.Model):
    """One 催付: who chased which unpaid order, how, and what the buyer said."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="reminders")
    sequence = models.PositiveIntegerField(_("提醒次数"))
    channel = models.CharField(_("方式"), max_length=8, choices=ReminderChannel.choices)
    reason = models.CharField(_("未付款原因"), max_length=20, choices=ReminderReason.choices)
    feedback = models.TextField(_("反馈信息"), blank=True)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("催付记录")
        verbose_name_plural = _("催付记录")
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["order", "sequence"], name="reminder_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.order.number} #{self.sequence}"


class ReminderScript(models.Model):
    """A 催付 script (话术) with placeholders {买家} {宝贝} {店铺} {截止时间}."""

    name = models.CharField(_("名称"), max_length=60, unique=True)
    channel = models.CharField(
        _("方式"), max_length=8, choices=ReminderChannel.choices, default=ReminderChannel.IM
    )
    text = models.TextField(_("话术"))
    position = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("催付话术")
        verbose_name_plural = _("催付话术")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class OrderImport(models.Model):
    """One upload of a seller-center export, with its progress and the rows it refused."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("导入中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")
        # The worker running it stopped (killed, restarted, the machine went down): what was
        # imported stays; the job can be resumed from its stored files.
        INTERRUPTED = "interrupted", _("已中断")

    file = models.FileField(upload_to="order-imports/")
    lines_file = models.FileField(upload_to="order-imports/", blank=True)
    original_name = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    total_bytes = models.PositiveBigIntegerField(default=0)
    done_bytes = models.PositiveBigIntegerField(default=0)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    lines = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True, help_text="前 500 条出错的行：[行号, 原因]")
    message = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # The running import's sign of life, written with its progress: a job silent for longer than
    # KEFU_IMPORT_STALLED_MINUTES lost its worker.
    beat_at = models.DateTimeField(null=True, blank=True)
    # host:pid of the process running it, so a restarted worker knows its predecessor's jobs died.
    worker = models.CharField(max_length=120, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("订单导入")
        verbose_name_plural = _("订单导入")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.original_name or str(self.pk)

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(100 * self.done_bytes / self.total_bytes) if self.total_bytes else 0


# --- paper forms the desk keeps: order changes after payment, shipping notices ------------------


class ChangeSubject(models.TextChoices):
    """What part of a paid order the customer asks to change."""

    GOODS = "goods", _("宝贝/数量")
    SPEC = "spec", _("规格/颜色")
    ADDRESS = "address", _("收货信息")
    COURIER = "courier", _("快递")
    DELIVERY = "delivery", _("发货时间")
    OTHER = "other", _("其他")


class ChangeState(models.TextChoices):
    REQUESTED = "requested", _("待主管批准")
    APPROVED = "approved", _("已批准")
    REFUSED = "refused", _("未批准")


class OrderChange(models.Model):
    """订单更改通知书: a paid order the customer wants changed, in the customer's own words, what it
    was and what it becomes, what it costs the customer, who approved it and when the warehouse
    (物控部) was told to take back the old order."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="changes", verbose_name=_("订单"))
    subject = models.CharField(_("更改项目"), max_length=10, choices=ChangeSubject.choices)
    before = models.TextField(_("更改前"))
    after = models.TextField(_("更改后"))
    customer_request = models.TextField(_("客户更改要求（客户原话）"), blank=True)
    extra_cost = models.DecimalField(_("客户需承担费用（元）"), max_digits=10, decimal_places=2, default=0)
    state = models.CharField(
        _("状态"), max_length=10, choices=ChangeState.choices, default=ChangeState.REQUESTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办客服"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("批准人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("批准时间"), null=True, blank=True)
    decision_note = models.CharField(_("主管意见"), max_length=200, blank=True)
    warehouse_contact = models.CharField(_("仓库接收人"), max_length=60, blank=True)
    warehouse_notified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("通知仓库的客服"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    warehouse_notified_at = models.DateTimeField(_("通知仓库时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("订单更改通知书")
        verbose_name_plural = _("订单更改通知书")
        ordering = ["-requested_at", "-id"]
        constraints = [
            # one change waits for the supervisor at a time: a second one would be decided on an
            # order the first may already have changed
            models.UniqueConstraint(
                fields=["order"],
                condition=models.Q(state="requested"),
                name="order_change_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.order.number} {self.get_subject_display()}"

    @property
    def notice_number(self) -> str:
        return f"GG{timezone.localtime(self.requested_at):%Y%m%d}-{self.pk:04d}"


class ShippingNotice(models.Model):
    """发货通知单: a batch of reviewed orders handed to the warehouse (物控部) to pack and ship."""

    urgent = models.BooleanField(_("加急"), default=False)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("编制人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("转物控部时间"), default=timezone.now, db_index=True)
    ship_on = models.DateField(_("发货日期"))

    class Meta:
        verbose_name = _("发货通知单")
        verbose_name_plural = _("发货通知单")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.notice_number

    @property
    def notice_number(self) -> str:
        return f"FH{timezone.localtime(self.created_at):%Y%m%d}-{self.pk:04d}"


class ShippingNoticeOrder(models.Model):
    notice = models.ForeignKey(ShippingNotice, on_delete=models.CASCADE, related_name="entries")
    order = models.OneToOneField(
        Order, on_delete=models.CASCADE, related_name="shipping_notice_entry", verbose_name=_("订单")
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("发货通知单订单")
        verbose_name_plural = _("发货通知单订单")
        ordering = ["notice", "position", "id"]

    def __str__(self) -> str:
        return f"{self.notice_id}:{self.order_id}"
