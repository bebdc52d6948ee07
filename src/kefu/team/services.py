"""The team's writes: members, rota, leave, the handover book, promotions, emergency plans.

Each service checks the role (the rota, leave decisions, promotions and plans are the
supervisor's; every agent writes and acknowledges handovers and ticks emergency steps), owns its
transaction and leaves a history entry.
"""

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core import roles, shopsettings
from kefu.core.activity import activity_record
from kefu.core.types import User
from kefu.team import rules, selectors
from kefu.team.models import (
    WORKING_DUTIES,
    AgentGroup,
    Duty,
    EmergencyPlan,
    EmergencyRun,
    EmergencyStep,
    Handover,
    HandoverItem,
    LeaveRequest,
    LeaveState,
    Promotion,
    RotaEntry,
    TeamMember,
)


def _supervisor(by: User) -> None:
    roles.require_role(by, roles.SUPERVISOR)


# --- members --------------------------------------------------------------------------------


def member_save(
    *, user: User, by: User, group: str, max_chats: int | None = None, active: bool = True
) -> TeamMember:
    """Put an agent in a group (and set their own chat limit); creates the row the first time."""
    _supervisor(by)
    if group not in AgentGroup.values:
        raise ValidationError({"group": _("请选择分组。")})
    if not roles.is_staff_member(user):
        raise ValidationError({"user": _("只能把客服团队成员加入排班。")})
    with transaction.atomic():
        member, _created = TeamMember.objects.update_or_create(
            user=user, defaults={"group": group, "max_chats": max_chats or None, "active": active}
        )
        activity_record(target=member, actor=by, verb="team_member_save", message=member.get_group_display())
    return member


# --- rota ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RotaGap:
    day: date
    duty: str

    @property
    def message(self) -> str:
        return _("%(day)s %(shift)s无人值班") % {
            "day": self.day.strftime("%m-%d"),
            "shift": Duty(self.duty).label,
        }


@dataclass(frozen=True)
class RotaResult:
    entries: int
    gaps: list[RotaGap]


def month_days(year: int, month: int) -> list[date]:
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        raise ValidationError({"month": _("请选择有效的年月。")})
    return [date(year, month, d) for d in range(1, calendar.monthrange(year, month)[1] + 1)]


def rota_generate(*, year: int, month: int, by: User) -> RotaResult:
    """The month's rota for every active member: "six on, one off" with rest days spread over the
    team, day and night shifts alternating by week, approved leave as leave.

    Entries adjusted by hand are kept; every other entry of the month is written anew. Returns
    the days and shifts nobody covers, so the page can warn before the rota is printed.
    """
    _supervisor(by)
    days = month_days(year, month)
    members = list(TeamMember.objects.filter(active=True).select_related("user").order_by("group", "user_id"))
    if not members:
        raise ValidationError(_("还没有团队成员：请先在“团队成员”中把客服加入分组。"))
    days_on = int(shopsettings.get("team_days_on"))
    if days_on < 1:
        raise ValidationError(_("连续上班天数至少为 1。"))
    user_ids = [m.user_id for m in members]
    last_rest = dict(
        RotaEntry.objects.filter(user_id__in=user_ids, duty=Duty.REST, day__lt=days[0])
        .values("user_id")
        .annotate(last=Max("day"))
        .values_list("user_id", "last")
    )
    kept = set(
        RotaEntry.objects.filter(
            user_id__in=user_ids, day__range=(days[0], days[-1]), edited=True
        ).values_list("user_id", "day")
    )
    leave_days = selectors.approved_leave_days(user_ids=user_ids, start=days[0], end=days[-1])
    rows: list[RotaEntry] = []
    # Members are ordered by group, so colleagues of one group sit side by side in the cycle:
    # their rest days differ, and half of each group is on the day shift, half on the night.
    for index, member in enumerate(members):
        rest = rules.rest_days(
            days=days,
            days_on=days_on,
            last_rest=last_rest.get(member.user_id),
            stagger=rules.stagger_of(index, len(members), days_on),
        )
        for day in days:
            if (member.user_id, day) in kept:
                continue
            if (member.user_id, day) in leave_days:
                duty = Duty.LEAVE
            elif day in rest:
                duty = Duty.REST
            else:
                week = day.isocalendar().week
                duty = Duty.DAY if (index + week) % 2 == 0 else Duty.NIGHT
            rows.append(RotaEntry(user_id=member.user_id, day=day, duty=duty))
    with transaction.atomic():
        RotaEntry.objects.filter(user_id__in=user_ids, day__range=(days[0], days[-1]), edited=False).delete()
        RotaEntry.objects.bulk_create(rows, batch_size=500)
        # a bulk insert sends no save signal: the chat sockets' routing reads the new rota at once
        transaction.on_commit(selectors.routing_clear)
        activity_record(
            target=by,
            actor=by,
            verb="team_rota_generate",
            message=f"{year}-{month:02d}",
            data={"entries": len(rows)},
        )
    return RotaResult(entries=len(rows), gaps=rota_gaps(days=days))


def rota_gaps(*, days: list[date]) -> list[RotaGap]:
    covered = selectors.rota_coverage(start=days[0], end=days[-1])
    return [RotaGap(day, duty) for day in days for duty in WORKING_DUTIES if not covered.get((day, duty))]


def rota_set(*, user: User, day: date, duty: str, by: User) -> RotaEntry:
    """Change one agent's day by hand; a later regeneration keeps it."""
    _supervisor(by)
    if duty not in Duty.values:
        raise ValidationError({"duty": _("请选择班次。")})
    with transaction.atomic():
        entry, _created = RotaEntry.objects.update_or_create(
            user=user, day=day, defaults={"duty": duty, "edited": True}
        )
        activity_record(
            target=entry, actor=by, verb="team_rota_set", message=f"{user} {day} {entry.get_duty_display()}"
        )
    return entry


# --- leave -----------------------------------------------------------------------------------


def leave_request(*, by: User, start: date, end: date, reason: str) -> LeaveRequest:
    roles.require_staff(by)
    if end < start:
        raise ValidationError({"end": _("结束日期不能早于开始日期。")})
    if (end - start).days > 60:
        raise ValidationError({"end": _("一次请假最长 60 天。")})
    if not reason.strip():
        raise ValidationError({"reason": _("请填写事由。")})
    with transaction.atomic():
        leave = LeaveRequest.objects.create(user=by, start=start, end=end, reason=reason.strip())
        activity_record(target=leave, actor=by, verb="team_leave_request", message=reason.strip())
    return leave


def leave_decide(*, leave: LeaveRequest, by: User, approve: bool) -> LeaveRequest:
    """Approve or refuse a pending request; an approval marks the days as leave in the rota."""
    _supervisor(by)
    now = timezone.now()
    state = LeaveState.APPROVED if approve else LeaveState.REFUSED
    with transaction.atomic():
        changed = LeaveRequest.objects.filter(pk=leave.pk, state=LeaveState.PENDING).update(
            state=state, decided_by=by, decided_at=now
        )
        if not changed:
            raise ValidationError(_("这条请假申请已经处理过了。"))
        leave.refresh_from_db()
        if approve:
            day = leave.start
            while day <= leave.end:
                RotaEntry.objects.update_or_create(
                    user_id=leave.user_id, day=day, defaults={"duty": Duty.LEAVE, "edited": True}
                )
                day += timedelta(days=1)
        activity_record(target=leave, actor=by, verb="team_leave_approve" if approve else "team_leave_refuse")
    return leave


# --- the handover book -----------------------------------------------------------------------


def handover_open(*, day: date, shift: str, by: User | None) -> Handover:
    """The shift's handover page with what the shift leaves open right now.

    One page per shift and day (a unique constraint): two agents opening it at once, or the sweep
    closing a forgotten shift, land on the same page. Matters already listed keep their notes and
    acknowledgements; new ones are added.
    """
    if by is not None:
        roles.require_staff(by)
    if shift not in WORKING_DUTIES:
        raise ValidationError({"shift": _("请选择班次。")})
    with transaction.atomic():
        try:
            with transaction.atomic():
                handover, _created = Handover.objects.get_or_create(day=day, shift=shift)
        except IntegrityError:
            handover = Handover.objects.get(day=day, shift=shift)
        if handover.submitted_at is None:
            matters = selectors.open_matters(now=timezone.now())
            HandoverItem.objects.bulk_create(
                [
                    HandoverItem(
                        handover=handover,
                        kind=m.kind,
                        ref=m.ref,
                        title=m.title[:200],
                        url=m.url,
                        due_at=m.due_at,
                    )
                    for m in matters
                ],
                ignore_conflicts=True,
            )
    return handover


def handover_submit(
    *, handover: Handover, by: User | None, notes: str, item_notes: dict[int, str] | None = None
) -> Handover:
    """Hand the shift over: the notes are saved and the page waits for the next shift's
    acknowledgement. ``by`` None: the sweep closing a shift nobody handed over."""
    if by is not None:
        roles.require_staff(by)
    now = timezone.now()
    with transaction.atomic():
        locked = Handover.objects.select_for_update().get(pk=handover.pk)
        if locked.submitted_at is not None:
            raise ValidationError(_("这个班次已经交班了。"))
        for item_id, note in (item_notes or {}).items():
            HandoverItem.objects.filter(handover=locked, pk=item_id).update(note=note.strip())
        locked.notes = notes.strip() or (
            locked.notes if by is not None else _("（系统自动交班：本班未填写交接说明）")
        )
        locked.written_by = by
        locked.submitted_at = now
        locked.version += 1
        if not locked.items.exists():
            locked.acknowledged_at = now
        locked.save(update_fields=["notes", "written_by", "submitted_at", "version", "acknowledged_at"])
        activity_record(target=locked, actor=by, verb="team_handover_submit", message=str(locked))
    return locked


def handover_item_acknowledge(*, item: HandoverItem, by: User) -> HandoverItem:
    """The next shift confirms it has taken over one matter; the last one closes the page."""
    roles.require_staff(by)
    now = timezone.now()
    with transaction.atomic():
        handover = Handover.objects.select_for_update().get(pk=item.handover_id)
        if handover.submitted_at is None:
            raise ValidationError(_("这个班次还没有交班，不能确认。"))
        changed = HandoverItem.objects.filter(pk=item.pk, acknowledged_at__isnull=True).update(
            acknowledged_by=by, acknowledged_at=now
        )
        if not changed:
            raise ValidationError(_("这一项已经有人确认了。"))
        if not handover.items.filter(acknowledged_at__isnull=True).exists():
            handover.acknowledged_at = now
            handover.save(update_fields=["acknowledged_at"])
        activity_record(target=handover, actor=by, verb="team_handover_acknowledge", message=item.title)
    item.refresh_from_db()
    return item


def handover_sweep(*, now: datetime | None = None) -> int:
    """Close every shift of today and yesterday that has ended without a handover: its page is
    written with the open matters, so a shift change never loses one. Returns the pages closed."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    closed = 0
    for day in (today - timedelta(days=1), today):
        for shift in WORKING_DUTIES:
            _start, end = rules.shift_hours(shift).window(day)
            if end > now:
                continue
            if Handover.objects.filter(day=day, shift=shift, submitted_at__isnull=False).exists():
                continue
            if not selectors.rota_has_shift(day=day, shift=shift):
                continue
            handover = handover_open(day=day, shift=shift, by=None)
            try:
                handover_submit(handover=handover, by=None, notes="")
                closed += 1
            except ValidationError:
                pass  # handed over meanwhile
    return closed


# --- promotions ------------------------------------------------------------------------------


def promotion_save(
    *,
    by: User,
    name: str,
    starts_at: datetime,
    ends_at: datetime,
    first_response_seconds: int | None = None,
    auto_reply: str = "",
    expected_chats: int | None = None,
    promotion: Promotion | None = None,
) -> Promotion:
    _supervisor(by)
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("结束时间必须晚于开始时间。")})
    overlapping = Promotion.objects.filter(starts_at__lt=ends_at, ends_at__gt=starts_at)
    if promotion is not None:
        overlapping = overlapping.exclude(pk=promotion.pk)
    if overlapping.exists():
        raise ValidationError(
            {"starts_at": _("与已有的大促“%(name)s”时间重叠。") % {"name": overlapping.first()}}
        )
    with transaction.atomic():
        promotion = promotion or Promotion(created_by=by)
        promotion.name = name.strip()
        promotion.starts_at = starts_at
        promotion.ends_at = ends_at
        promotion.first_response_seconds = first_response_seconds or None
        promotion.auto_reply = auto_reply.strip()
        promotion.expected_chats = expected_chats or None
        promotion.full_clean()
        promotion.save()
        activity_record(target=promotion, actor=by, verb="team_promotion_save", message=promotion.name)
    return promotion


def promotion_delete(*, promotion: Promotion, by: User) -> None:
    _supervisor(by)
    with transaction.atomic():
        activity_record(target=by, actor=by, verb="team_promotion_delete", message=promotion.name)
        promotion.delete()


# --- emergency plans -------------------------------------------------------------------------


def emergency_start(*, plan: EmergencyPlan, by: User, note: str = "") -> EmergencyRun:
    """Start a plan: its steps are copied, so a later edit of the plan does not change the record."""
    _supervisor(by)
    steps = plan.step_list
    if not steps:
        raise ValidationError(_("这个预案还没有步骤。"))
    with transaction.atomic():
        run = EmergencyRun.objects.create(plan=plan, note=note.strip(), started_by=by)
        EmergencyStep.objects.bulk_create(
            [EmergencyStep(run=run, position=i, text=text[:200]) for i, text in enumerate(steps, 1)]
        )
        activity_record(target=run, actor=by, verb="team_emergency_start", message=plan.title)
    return run


def emergency_tick(*, step: EmergencyStep, by: User) -> EmergencyStep:
    roles.require_staff(by)
    with transaction.atomic():
        run = EmergencyRun.objects.select_for_update().get(pk=step.run_id)
        if run.finished_at is not None:
            raise ValidationError(_("这次应急处置已经结束。"))
        if not EmergencyStep.objects.filter(pk=step.pk, done_at__isnull=True).update(
            done_by=by, done_at=timezone.now()
        ):
            raise ValidationError(_("这一步已经有人完成了。"))
        activity_record(target=run, actor=by, verb="team_emergency_tick", message=step.text)
    step.refresh_from_db()
    return step


def emergency_finish(*, run: EmergencyRun, by: User) -> EmergencyRun:
    _supervisor(by)
    with transaction.atomic():
        if not EmergencyRun.objects.filter(pk=run.pk, finished_at__isnull=True).update(
            finished_at=timezone.now()
        ):
            raise ValidationError(_("这次应急处置已经结束。"))
        activity_record(target=run, actor=by, verb="team_emergency_finish", message=run.plan.title)
    run.refresh_from_db()
    return run
