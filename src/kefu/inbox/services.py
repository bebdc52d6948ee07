"""Writes of the inbox: the team's operations on an item (take, assign, hand over, escalate,
priority, internal notes) and the implementation behind ``kefu.core.worklist``, through which the
apps below put their rows in the inbox and take them out, inside their own transactions.
"""

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core import roles
from kefu.core.activity import activity_record
from kefu.core.types import User
from kefu.inbox.models import Priority, WorkItem, WorkNote, WorkState


def name_of(user: User | None) -> str:
    return (user.get_full_name() or user.username) if user else _("系统")


def _require_open(item: WorkItem) -> None:
    if item.state == WorkState.DONE:
        raise ValidationError(_("该事项已完成，不能再修改。"))


def _locked_item(item: WorkItem) -> WorkItem:
    return WorkItem.objects.select_for_update().get(pk=item.pk)


def may_hold(user: Any, item: WorkItem) -> bool:
    """Whether ``user`` may own ``item``: on the team, and holding the role it needs (if any)."""
    return roles.is_staff_member(user) and (
        not item.required_role or roles.has_role(user, item.required_role)
    )


# --- the team's operations --------------------------------------------------------------------


def work_item_take(*, item: WorkItem, by: User) -> WorkItem:
    """Take an unowned item. Race-free: one conditional UPDATE ... WHERE owner IS NULL, so of two
    agents clicking at once exactly one gets it and the other is told who did."""
    roles.require_staff(by)
    if not may_hold(by, item):
        raise ValidationError(_("该事项只能由%(role)s处理。") % {"role": item.required_role})
    with transaction.atomic():
        taken = (
            WorkItem.objects.filter(pk=item.pk, owner__isnull=True)
            .exclude(state=WorkState.DONE)
            .update(
                owner=by,
                state=Case(When(state=WorkState.NEW, then=Value(WorkState.OPEN)), default=F("state")),
                updated_at=timezone.now(),
            )
        )
        item.refresh_from_db()
        if not taken:
            if item.state == WorkState.DONE:
                raise ValidationError(_("该事项已完成。"))
            raise ValidationError(_("已被 %(who)s 领取。") % {"who": name_of(item.owner)})
        activity_record(target=item, actor=by, verb="item_take", message=name_of(by))
    return item


@transaction.atomic
def work_item_assign(*, item: WorkItem, to: User | None, by: User) -> WorkItem:
    """A supervisor gives an item to a team member (who must hold the role the item needs)."""
    roles.require_role(by, roles.SUPERVISOR)
    item = _locked_item(item)
    _require_open(item)
    if to is None or not may_hold(to, item):
        raise ValidationError({"owner": _("请选择可以处理该事项的客服。")})
    before = item.owner
    item.owner = to
    if item.state == WorkState.NEW:
        item.state = WorkState.OPEN
    item.save(update_fields=["owner", "state", "updated_at"])
    activity_record(
        target=item,
        actor=by,
        verb="item_assign",
        message=f"{name_of(before) if before else '—'} → {name_of(to)}",
    )
    return item


@transaction.atomic
def work_item_hand_over(*, item: WorkItem, to: User | None, by: User, note: str = "") -> WorkItem:
    """The owner (or a supervisor) hands the item to a colleague, with a note for them."""
    roles.require_staff(by)
    item = _locked_item(item)
    _require_open(item)
    is_supervisor = roles.has_role(by, roles.SUPERVISOR)
    if item.owner_id != by.pk and not is_supervisor:
        raise ValidationError(_("只有负责人或主管可以转交该事项。"))
    fields = ["owner", "state", "updated_at"]
    if (
        item.state == WorkState.ESCALATED
        and is_supervisor
        and item.source != "review"
        and to is not None
        and roles.is_staff_member(to)
        and not roles.has_role(to, roles.SUPERVISOR)
    ):
        # The supervisor decided and hands the matter back to an agent: no longer escalated.
        item.state = WorkState.OPEN
        item.required_role = ""
        fields.append("required_role")
    if to is None or not may_hold(to, item):
        raise ValidationError({"owner": _("请选择可以处理该事项的客服。")})
    if to.pk == item.owner_id:
        raise ValidationError({"owner": _("该事项已经由 %(who)s 负责。") % {"who": name_of(to)}})
    before = item.owner
    item.owner = to
    if item.state == WorkState.NEW:
        item.state = WorkState.OPEN
    item.save(update_fields=fields)
    if note.strip():
        WorkNote.objects.create(item=item, author=by, text=note.strip())
    activity_record(
        target=item,
        actor=by,
        verb="item_hand_over",
        message=f"{name_of(before) if before else '—'} → {name_of(to)}",
        data={"note": note.strip()},
    )
    return item


@transaction.atomic
def work_item_escalate(*, item: WorkItem, by: User, reason: str, to: User | None = None) -> WorkItem:
    """Escalate to a supervisor (a named one, or any): from now only a supervisor holds the item,
    and its priority is at least high. (提高处理问题的服务人员的级别)"""
    roles.require_staff(by)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写升级原因。")})
    if to is not None and not roles.has_role(to, roles.SUPERVISOR):
        raise ValidationError({"to": _("只能升级给主管。")})
    item = _locked_item(item)
    _require_open(item)
    if item.state == WorkState.ESCALATED:
        raise ValidationError(_("该事项已经升级给主管了。"))
    item.state = WorkState.ESCALATED
    item.required_role = roles.SUPERVISOR
    item.owner = to
    item.priority = max(item.priority, Priority.HIGH)
    item.escalated_at = timezone.now()
    item.escalated_by = by
    item.escalation_reason = reason[:255]
    item.save(
        update_fields=[
            "state",
            "required_role",
            "owner",
            "priority",
            "escalated_at",
            "escalated_by",
            "escalation_reason",
            "updated_at",
        ]
    )
    activity_record(
        target=item, actor=by, verb="item_escalate", message=reason, data={"to": name_of(to) if to else ""}
    )
    return item


@transaction.atomic
def work_item_set_priority(*, item: WorkItem, by: User, priority: int) -> WorkItem:
    roles.require_staff(by)
    if priority not in Priority.values:
        raise ValidationError({"priority": _("优先级无效。")})
    item = _locked_item(item)
    _require_open(item)
    before = item.priority
    item.priority = priority
    item.save(update_fields=["priority", "updated_at"])
    activity_record(
        target=item,
        actor=by,
        verb="item_priority",
        message=f"{Priority(before).label} → {Priority(priority).label}",
    )
    return item


@transaction.atomic
def work_note_add(*, item: WorkItem, by: User, text: str) -> WorkNote:
    """An internal note: the team sees it on the item, the customer never does."""
    roles.require_staff(by)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("请填写备注内容。")})
    if len(text) > 2000:
        raise ValidationError({"text": _("备注不能超过 2000 个字。")})
    note = WorkNote.objects.create(item=item, author=by, text=text)
    WorkItem.objects.filter(pk=item.pk).update(updated_at=timezone.now())
    activity_record(target=item, actor=by, verb="item_note", message=text[:200])
    return note


# --- the door for the apps below (kefu.core.worklist) ------------------------------------------


def _state_after_put(item: WorkItem, *, waiting: bool) -> str:
    if item.state == WorkState.ESCALATED:
        return WorkState.ESCALATED  # stays with the supervisor until they hand it back
    if waiting:
        return WorkState.WAITING
    return WorkState.OPEN if item.owner_id else WorkState.NEW


def work_item_put(
    *,
    source: str,
    source_id: int,
    title: str,
    customer: Any = None,
    customer_label: str = "",
    due_at: datetime | None = None,
    required_role: str | None = None,
    priority: int | None = None,
    waiting: bool = False,
    created_at: datetime | None = None,
    by: User | None = None,
) -> WorkItem:
    """Create the item of ``(source, source_id)`` or bring it in step with its row. Called by the
    row's service inside its transaction (through ``kefu.core.worklist.work_put``); the unique
    (source, source_id) keeps one item per row even when two requests put it at once."""
    now = timezone.now()
    with transaction.atomic():
        item = WorkItem.objects.select_for_update().filter(source=source, source_id=source_id).first()
        created = item is None
        if item is None:
            item = WorkItem(
                source=source,
                source_id=source_id,
                created_at=created_at or now,
                priority=priority or Priority.NORMAL,
                required_role=required_role or "",
            )
        else:
            if priority is not None:
                item.priority = priority
            if required_role is not None and item.state != WorkState.ESCALATED:
                item.required_role = required_role
        item.title = title[:200]
        if customer is not None:
            item.customer = customer
        if customer_label or created:
            item.customer_label = (customer_label or "")[:120]
        item.state = _state_after_put(item, waiting=waiting)
        item.closed_at = None
        item.due_at = due_at
        item.overdue = bool(due_at and due_at < now)
        if created:
            try:
                with transaction.atomic():
                    item.save()
            except IntegrityError:
                # Someone put the same row a moment ago: bring theirs in step instead.
                return work_item_put(
                    source=source,
                    source_id=source_id,
                    title=title,
                    customer=customer,
                    customer_label=customer_label,
                    due_at=due_at,
                    required_role=required_role,
                    priority=priority,
                    waiting=waiting,
                    created_at=created_at,
                    by=by,
                )
        else:
            item.save()
    return item


def work_item_done(*, source: str, source_id: int, by: User | None = None, at: datetime | None = None) -> int:
    """The row no longer waits on the team: its item (if any) is done. Conditional, so a second
    call changes nothing."""
    at = at or timezone.now()
    return (
        WorkItem.objects.filter(source=source, source_id=source_id)
        .exclude(state=WorkState.DONE)
        .update(state=WorkState.DONE, closed_at=at, overdue=False, due_at=None, updated_at=at)
    )
