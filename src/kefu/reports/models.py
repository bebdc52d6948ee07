"""What supervision records beside the figures: quality inspections (质检), the error log (差错登记),
rewards and penalties (奖惩), and the agents' daily, weekly and monthly work reports."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class QualityReview(models.Model):
    """One inspected chat: the checklist, the score it makes, the supervisor's comment."""

    conversation = models.OneToOneField(
        "chat.Conversation", on_delete=models.CASCADE, related_name="quality_review", verbose_name=_("会话")
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("客服")
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("质检人"),
    )
    in_time = models.BooleanField(_("响应及时"), default=True)
    wording_ok = models.BooleanField(_("无禁用语"), default=True)
    attitude_ok = models.BooleanField(_("态度良好"), default=True)
    solved = models.BooleanField(_("问题已解决"), default=True)
    # the reply linter's hits in the agent's messages, shown to the inspector as found
    lint_hits = models.JSONField(_("禁用语提示"), default=list, blank=True)
    score = models.PositiveSmallIntegerField(_("得分"))
    comment = models.TextField(_("点评"), blank=True)
    created_at = models.DateTimeField(_("质检时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("质检记录")
        verbose_name_plural = _("质检记录")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["agent", "created_at"], name="reports_quality_agent_idx")]

    def __str__(self) -> str:
        return f"#{self.conversation_id} {self.score}"


class ErrorKind(models.TextChoices):
    PRICE = "price", _("价格错误")
    PROMISE = "promise", _("承诺未兑现")
    WRONG_GOODS = "wrong_goods", _("发错货/漏发")
    ADDRESS = "address", _("地址/信息登记错误")
    ATTITUDE = "attitude", _("服务态度")
    REMARK = "remark", _("漏看备注/留言")
    OTHER = "other", _("其他")


class ErrorEntry(models.Model):
    """A staff mistake (差错登记): who was responsible, what kind, what it cost the shop."""

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("责任人")
    )
    kind = models.CharField(_("差错类型"), max_length=16, choices=ErrorKind.choices)
    occurred_on = models.DateField(_("发生日期"))
    order_number = models.CharField(_("订单编号"), max_length=32, blank=True)
    description = models.TextField(_("经过"))
    cost = models.DecimalField(_("损失金额（元）"), max_digits=10, decimal_places=2, default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("登记人"),
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("差错登记")
        verbose_name_plural = _("差错登记")
        ordering = ["-occurred_on", "-id"]
        indexes = [models.Index(fields=["agent", "occurred_on"], name="reports_error_agent_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(cost__gte=0), name="reports_error_cost_not_negative")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on}"


class Sanction(models.Model):
    """A reward or a penalty (奖惩) of a month."""

    class Kind(models.TextChoices):
        REWARD = "reward", _("奖励")
        PENALTY = "penalty", _("处罚")

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("客服")
    )
    month = models.DateField(_("月份"), help_text=_("该月第一天"))
    kind = models.CharField(_("奖惩"), max_length=8, choices=Kind.choices)
    amount = models.DecimalField(_("金额（元）"), max_digits=10, decimal_places=2, default=0)
    reason = models.CharField(_("原因"), max_length=255)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("登记人"),
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("奖惩记录")
        verbose_name_plural = _("奖惩记录")
        ordering = ["-month", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="reports_sanction_amount_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"


class WorkReportKind(models.TextChoices):
    DAY = "day", _("日报")
    WEEK = "week", _("周报表")
    MONTH = "month", _("月报表")


class WorkReport(models.Model):
    """A work report: the figures of the period as generated, what the author adds, the plan."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("填写人")
    )
    kind = models.CharField(_("类型"), max_length=8, choices=WorkReportKind.choices)
    period_start = models.DateField(_("开始日期"))
    period_end = models.DateField(_("结束日期"))
    figures = models.JSONField(_("数据"), default=dict, blank=True)
    notes = models.TextField(_("工作内容补充"), blank=True)
    plan = models.TextField(_("下期工作计划"), blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("工作报告")
        verbose_name_plural = _("工作报告")
        ordering = ["-period_start", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "kind", "period_start"], name="reports_one_report_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period_start}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


# --- the daily totals the reports read for closed days ----------------------------------------


class SalesDay(models.Model):
    """One closed shop day's sales figures from one source (payments, unpaid orders, refunds, 催付,
    conversion), for one shop or for all shops together. Filled by the reports' sweep; the report
    sums a day's rows. Today is never read from here: it is always counted live."""

    day = models.DateField(_("日期"))
    source = models.CharField(_("来源"), max_length=16)
    all_shops = models.BooleanField(_("全部店铺"), default=False)
    shop = models.CharField(_("店铺"), max_length=60, blank=True, default="")
    paid_orders = models.IntegerField(default=0)
    paid_amount = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    paying_buyers = models.IntegerField(default=0)
    unpaid_orders = models.IntegerField(default=0)
    unpaid_amount = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    refunds = models.IntegerField(default=0)
    refund_amount = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    rights_refunds = models.IntegerField(default=0)
    rights_refund_amount = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    reminders = models.IntegerField(default=0)
    recovered_orders = models.IntegerField(default=0)
    recovered_amount = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    asking_customers = models.IntegerField(default=0)
    converted_customers = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("每日销售汇总")
        verbose_name_plural = _("每日销售汇总")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "all_shops", "shop", "source"], name="reports_salesday_one_row"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.shop or '*'} {self.source}"


class ServiceDay(models.Model):
    """One closed shop day's service figures from one source (chats and their ratings, replies,
    transfers, questions, after-sales, complaints, bad reviews, an agent's 催付), for the whole team
    (``agent_id`` 0) or for one agent. Averages are kept as sum and count so days add up."""

    day = models.DateField(_("日期"))
    source = models.CharField(_("来源"), max_length=16)
    agent_id = models.IntegerField(_("客服"), default=0, help_text=_("0 表示全体"))
    chats = models.IntegerField(default=0)
    answered_chats = models.IntegerField(default=0)
    in_time_chats = models.IntegerField(default=0)
    first_response_sum = models.FloatField(default=0)
    first_response_count = models.IntegerField(default=0)
    abandoned_chats = models.IntegerField(default=0)
    closed_chats = models.IntegerField(default=0)
    resolved_first_contact = models.IntegerField(default=0)
    response_sum = models.FloatField(default=0)
    response_count = models.IntegerField(default=0)
    transfers = models.IntegerField(default=0)
    questions = models.IntegerField(default=0)
    questions_answered = models.IntegerField(default=0)
    cases = models.IntegerField(default=0)
    complaints = models.IntegerField(default=0)
    complaints_satisfied = models.IntegerField(default=0)
    complaints_unsatisfied = models.IntegerField(default=0)
    bad_reviews = models.IntegerField(default=0)
    bad_reviews_changed = models.IntegerField(default=0)
    bad_reviews_explained = models.IntegerField(default=0)
    bad_reviews_unresolved = models.IntegerField(default=0)
    # the chats' own satisfaction (the customer's 1–5 at the end), by the day the chat started
    ended_chats = models.IntegerField(default=0)
    rated_chats = models.IntegerField(default=0)
    rating_sum = models.IntegerField(default=0)
    satisfied_chats = models.IntegerField(default=0)
    reminders = models.IntegerField(default=0)
    recovered_orders = models.IntegerField(default=0)
    recovered_amount = models.DecimalField(max_digits=16, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("每日服务汇总")
        verbose_name_plural = _("每日服务汇总")
        constraints = [
            models.UniqueConstraint(fields=["day", "agent_id", "source"], name="reports_serviceday_one_row")
        ]
        indexes = [models.Index(fields=["agent_id", "day"], name="reports_serviceday_agent_idx")]

    def __str__(self) -> str:
        return f"{self.day} {self.agent_id} {self.source}"


class SummarizedDay(models.Model):
    """A closed day whose totals are in SalesDay and ServiceDay, and when they were counted."""

    day = models.DateField(_("日期"), unique=True)
    computed_at = models.DateTimeField(_("汇总时间"))

    class Meta:
        verbose_name = _("已汇总的日期")
        verbose_name_plural = _("已汇总的日期")

    def __str__(self) -> str:
        return str(self.day)
