"""Quick phrases, the reply linter's forbidden wordings, and the auto-reply rules."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PhraseGroup(models.Model):
    """A heading in the quick-phrase panel (欢迎语, 催付, 发货…); shared by team and personal phrases."""

    name = models.CharField(_("分组"), max_length=50, unique=True)
    position = models.PositiveIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("短语分组")
        verbose_name_plural = _("短语分组")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class QuickPhrase(models.Model):
    """A ready answer an agent inserts with ``/`` + its shortcut; ``owner`` empty = a team phrase."""

    group = models.ForeignKey(
        PhraseGroup, on_delete=models.PROTECT, related_name="phrases", verbose_name=_("分组")
    )
    text = models.TextField(_("内容"))
    shortcut = models.CharField(_("快捷键"), max_length=20, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="quick_phrases",
        verbose_name=_("所属客服"),
        help_text=_("留空为团队短语"),
    )
    use_count = models.PositiveIntegerField(_("使用次数"), default=0)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("快捷短语")
        verbose_name_plural = _("快捷短语")
        ordering = ["group__position", "group_id", "-use_count", "id"]
        constraints = [
            # One shortcut means one phrase: for the team, and for each agent's own set.
            models.UniqueConstraint(
                fields=["shortcut"],
                condition=Q(owner__isnull=True) & ~Q(shortcut=""),
                name="replies_team_shortcut_unique",
            ),
            models.UniqueConstraint(
                fields=["owner", "shortcut"],
                condition=Q(owner__isnull=False) & ~Q(shortcut=""),
                name="replies_personal_shortcut_unique",
            ),
        ]
        indexes = [models.Index(fields=["owner", "-use_count"])]

    def __str__(self) -> str:
        return f"/{self.shortcut} {self.text[:20]}" if self.shortcut else self.text[:30]

    @property
    def is_team(self) -> bool:
        return self.owner_id is None


class ForbiddenPhrase(models.Model):
    """A wording the shop's agents must not send, with the better wording (the shop's 语言规范)."""

    class Match(models.TextChoices):
        CONTAINS = "contains", _("出现即提示")
        WHOLE_REPLY = "whole", _("整条回复只有这句时提示")

    phrase = models.CharField(_("禁用说法"), max_length=50, unique=True)
    suggestion = models.CharField(_("建议说法"), max_length=200)
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    match = models.CharField(_("匹配方式"), max_length=10, choices=Match.choices, default=Match.CONTAINS)
    customer_trigger = models.CharField(
        _("客户消息包含"),
        max_length=50,
        blank=True,
        help_text=_("只在客户上一条消息包含这些字时检查，例如“在吗”；留空为总是检查"),
    )
    exceptions = models.CharField(
        _("例外词"),
        max_length=300,
        blank=True,
        help_text=_("含这些词时不算，用空格分隔，例如：不可或缺 必不可少"),
    )
    fact_exempt = models.BooleanField(
        _("商品事实除外"),
        default=False,
        help_text=_("后面紧跟商品属性（褪色、过敏、起球…）时不算，例如“不会褪色”"),
    )
    is_active = models.BooleanField(_("启用"), default=True)
    override_count = models.PositiveIntegerField(_("坚持发送次数"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("禁用说法")
        verbose_name_plural = _("禁用说法")
        ordering = ["phrase"]

    def __str__(self) -> str:
        return self.phrase

    @property
    def exception_list(self) -> list[str]:
        return [w for w in self.exceptions.replace("，", " ").replace(",", " ").split() if w]


class LintOverride(models.Model):
    """An agent sent a message despite the linter's hits: kept so a supervisor can review them."""

    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("发送内容"))
    phrases = models.JSONField(_("命中的说法"), default=list)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("坚持发送记录")
        verbose_name_plural = _("坚持发送记录")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {'、'.join(self.phrases)}"


class AutoReplyRule(models.Model):
    """One automatic reply: on the first message, when nobody answers in time, outside working hours."""

    class Trigger(models.TextChoices):
        FIRST_MESSAGE = "first_message", _("客户首条消息")
        NO_ANSWER = "no_answer", _("客服未及时回复")
        OFF_HOURS = "off_hours", _("非工作时间")

    trigger = models.CharField(_("触发"), max_length=20, choices=Trigger.choices, unique=True)
    text = models.TextField(_("回复内容"))
    is_enabled = models.BooleanField(_("启用"), default=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("自动回复")
        verbose_name_plural = _("自动回复")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.get_trigger_display()


class Promotion(models.Model):
    """Promotion mode (大促): while on, the first-message reply carries the promotion's details.

    One row: the shop runs one promotion at a time (the 双11 welcome and waiting script).
    """

    is_enabled = models.BooleanField(_("启用大促模式"), default=False)
    name = models.CharField(_("活动名称"), max_length=100, blank=True)
    starts_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    ends_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    offer = models.TextField(_("活动内容"), blank=True, help_text=_("例如：全场5折包邮，满300减30"))
    text = models.TextField(
        _("大促欢迎语"),
        help_text=_("可用 {活动名称} {活动时间} {活动内容} {买家} {店铺}"),
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("大促模式")
        verbose_name_plural = _("大促模式")

    def __str__(self) -> str:
        return self.name or str(_("大促模式"))

    def is_running(self, now=None) -> bool:
        """On, and now inside its period (an open end counts as no limit)."""
        if not self.is_enabled:
            return False
        now = now or timezone.now()
        if self.starts_at and now < self.starts_at:
            return False
        return not (self.ends_at and now >= self.ends_at)
