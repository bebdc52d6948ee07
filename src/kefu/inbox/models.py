"""The one inbox: every thing that waits on the team has one ``WorkItem`` row.

The row says which thing it stands for (``source`` and ``source_id``: a customer question, an
after-sales case, a complaint, a bad review ...), and holds what the team does with it: state,
owner, priority, due time, overdue mark, escalation and internal notes. The things themselves live
in their own apps and put themselves here through ``kefu.core.worklist``.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.core import worklist
from kefu.core.worklist import Priority

__all__ = ["OPEN_STATES", "Priority", "WorkItem", "WorkNote", "WorkState"]


class WorkState(models.TextChoices):
    NEW = "new", _("待领取")
    OPEN = "open", _("处理中")
    WAITING = "waiting", _("等待买家")
    ESCALATED = "escalated", _("已升级主管")
    DONE = "done", _("已完成")


OPEN_STATES = (WorkState.NEW, WorkState.OPEN, WorkState.WAITING, WorkState.ESCALATED)


class WorkItem(models.Model):
    # What the item stands for: a kind registered with kefu.core.worklist and the row's id there.
    source = models.CharField(_("类型"), max_length=20)
    source_id = models.PositiveBigIntegerField(_("来源编号"))
    state = models.CharField(_("状态"), max_length=12, choices=WorkState.choices, default=WorkState.NEW)
    title = models.CharField(_("摘要"), max_length=200)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("客户"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="work_items",
    )
    customer_label = models.CharField(_("客户"), max_length=120, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("负责人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="work_items",
    )
    # Empty: anyone on the team may take it; "主管": only a supervisor (bad reviews, escalations).
    required_role = models.CharField(_("需要的角色"), max_length=12, blank=True)
    priority = models.PositiveSmallIntegerField(
        _("优先级"), choices=Priority.choices, default=Priority.NORMAL
    )
    due_at = models.DateTimeField(_("截止时间"), null=True, blank=True)
    overdue = models.BooleanField(_("已超时"), default=False)
    escalated_at = models.DateTimeField(_("升级时间"), null=True, blank=True)
    escalated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    escalation_reason = models.CharField(_("升级原因"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    closed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("待办")
        verbose_name_plural = _("待办")
        ordering = ["due_at", "-priority", "id"]
        indexes = [
            models.Index(fields=["state", "due_at"], name="inbox_item_state_due"),
            models.Index(fields=["owner", "state"], name="inbox_item_owner_state"),
            models.Index(fields=["source", "state"], name="inbox_item_source_state"),
        ]
        constraints = [
            # One item per thing: a second put of the same row updates the first.
            models.UniqueConstraint(fields=["source", "source_id"], name="inbox_item_one_per_source"),
        ]

    def __str__(self) -> str:
        return f"[{self.source_label}] {self.title}"

    @property
    def source_label(self) -> str:
        found = worklist.source(self.source)
        return str(found.label) if found else self.source

    # The API and templates called the source "kind" before it was generic.
    @property
    def kind(self) -> str:
        return self.source

    def get_kind_display(self) -> str:
        return self.source_label

    @property
    def is_open(self) -> bool:
        return self.state != WorkState.DONE

    @property
    def is_overdue(self) -> bool:
        """Live, not only the sweep's mark: a page never shows a late item as on time."""
        return self.is_open and self.due_at is not None and self.due_at < timezone.now()


class WorkNote(models.Model):
    """An internal note on an item: never shown to the customer."""

    item = models.ForeignKey(WorkItem, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("内部备注"))
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("内部备注")
        verbose_name_plural = _("内部备注")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.text[:40]
