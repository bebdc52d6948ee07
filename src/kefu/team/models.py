"""The team's records: who belongs to which group, the rota, leave, the handover book, promotions
and emergency plans."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AgentGroup(models.TextChoices):
    PRESALES = "presales", _("售前")
    AFTERSALES = "aftersales", _("售后")
    SUPPORT = "support", _("辅助")


class TeamMember(models.Model):
    """An agent's place in the team: their group and, if it differs from the shop's, their limit
    of concurrent chats. Staff without a row are not in the rota and get no routed chats from the
    team's chooser (when the team has members at all)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_member", verbose_name=_("客服")
    )
    group = models.CharField(
        _("分组"), max_length=12, choices=AgentGroup.choices, default=AgentGroup.PRESALES
    )
    max_chats = models.PositiveSmallIntegerField(
        _("同时接待上限"), null=True, blank=True, help_text=_("留空则按店铺设置")
    )
    active = models.BooleanField(_("在职"), default=True)

    class Meta:
        verbose_name = _("团队成员")
        verbose_name_plural = _("团队成员")
        ordering = ["group", "user__username"]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_group_display()})"


class Duty(models.TextChoices):
    DAY = "day", _("白班")
    NIGHT = "night", _("晚班")
    REST = "rest", _("休息")
    LEAVE = "leave", _("请假")


WORKING_DUTIES = (Duty.DAY, Duty.NIGHT)


class RotaEntry(models.Model):
    """One agent on one day: which shift, or rest or leave."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rota_entries")
    day = models.DateField(_("日期"))
    duty = models.CharField(_("班次"), max_length=8, choices=Duty.choices)
    edited = models.BooleanField(_("手工调整"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("排班")
        verbose_name_plural = _("排班")
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="team_rota_one_per_day")]
        indexes = [models.Index(fields=["day", "duty"], name="team_rota_day_duty")]

    def __str__(self) -> str:
        return f"{self.user} {self.day} {self.get_duty_display()}"


class LeaveState(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REFUSED = "refused", _("已拒绝")


class LeaveRequest(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="leave_requests"
    )
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))
    reason = models.CharField(_("事由"), max_length=200)
    state = models.CharField(_("状态"), max_length=10, choices=LeaveState.choices, default=LeaveState.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("请假申请")
        verbose_name_plural = _("请假申请")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="team_leave_end_after_start")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.start}–{self.end}"


class Handover(models.Model):
    """The handover book's page of one shift on one day (交接本). Exactly one per shift and day, so
    whoever writes first and the sweep that closes a forgotten shift all land on the same page."""

    day = models.DateField(_("日期"))
    shift = models.CharField(
        _("班次"), max_length=8, choices=[(Duty.DAY, _("白班")), (Duty.NIGHT, _("晚班"))]
    )
    notes = models.TextField(_("交接说明"), blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(_("交班时间"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("全部确认时间"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("交接本")
        verbose_name_plural = _("交接本")
        ordering = ["-day", "-shift"]
        constraints = [models.UniqueConstraint(fields=["day", "shift"], name="team_handover_one_per_shift")]

    def __str__(self) -> str:
        return f"{self.day} {self.get_shift_display()}"


class HandoverItem(models.Model):
    """One open matter the shift leaves, as it stood at the handover (a snapshot: the page still
    says what was handed over after the matter itself moves on)."""

    handover = models.ForeignKey(Handover, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("类型"), max_length=20)
    ref = models.CharField(max_length=40, help_text="kind:id of the matter, unique per page")
    title = models.CharField(_("事项"), max_length=200)
    url = models.CharField(max_length=300, blank=True)
    due_at = models.DateTimeField(_("截止时间"), null=True, blank=True)
    note = models.TextField(_("备注"), blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("交接事项")
        verbose_name_plural = _("交接事项")
        ordering = ["due_at", "id"]
        constraints = [models.UniqueConstraint(fields=["handover", "ref"], name="team_handover_item_once")]

    def __str__(self) -> str:
        return self.title


class Promotion(models.Model):
    """A big promotion (大促): from its start to its end the first-response target, the auto-reply
    and the staffing plan are the promotion's."""

    name = models.CharField(_("名称"), max_length=60)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    first_response_seconds = models.PositiveIntegerField(
        _("首次响应目标（秒）"), null=True, blank=True, help_text=_("留空则按店铺设置的大促目标")
    )
    auto_reply = models.TextField(
        _("大促自动回复"), blank=True, help_text=_("客户第一条消息时发送，写上活动内容")
    )
    expected_chats = models.PositiveIntegerField(_("预计每日咨询量"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("大促")
        verbose_name_plural = _("大促")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="team_promotion_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.name


class EmergencyPlan(models.Model):
    """An emergency plan (应急预案): the steps the team takes, one per line."""

    title = models.CharField(_("名称"), max_length=60, unique=True)
    steps = models.TextField(_("步骤"), help_text=_("每行一个步骤"))
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("应急预案")
        verbose_name_plural = _("应急预案")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def step_list(self) -> list[str]:
        return [line.strip() for line in self.steps.splitlines() if line.strip()]


class EmergencyRun(models.Model):
    """One time a plan was started: its steps copied, ticked off one by one, recorded."""

    plan = models.ForeignKey(EmergencyPlan, on_delete=models.PROTECT, related_name="runs")
    note = models.CharField(_("情况说明"), max_length=200, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("应急处置")
        verbose_name_plural = _("应急处置")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.plan} {self.started_at:%Y-%m-%d %H:%M}"


class EmergencyStep(models.Model):
    run = models.ForeignKey(EmergencyRun, on_delete=models.CASCADE, related_name="step_rows")
    position = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=200)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["run", "position"], name="team_emergency_step_once")]

    def __str__(self) -> str:
        return self.text
