"""The supervision records' writes: each checks who may, owns its transaction, leaves history."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.chat.models import Conversation, Message, Sender
from kefu.core import roles
from kefu.core.activity import activity_record
from kefu.core.types import User
from kefu.replies.linter import lint_reply
from kefu.reports import selectors
from kefu.reports.models import ErrorEntry, QualityReview, Sanction, WorkReport, WorkReportKind
from kefu.reports.periods import period_start
from kefu.reports.rules import first_response_target

CHECKLIST = ("in_time", "wording_ok", "attitude_ok", "solved")


def quality_prefill(*, conversation: Conversation) -> dict[str, Any]:
    """What the inspector starts from: in time by the shop's target, the linter's hits."""
    hits = []
    for message in Message.objects.filter(conversation=conversation, sender=Sender.AGENT, is_auto=False):
        for hit in lint_reply(message.text):
            hits.append({"message": message.pk, "phrase": hit.phrase, "suggestion": hit.suggestion})
    seconds = conversation.first_response_seconds
    return {
        "in_time": seconds is not None and seconds <= first_response_target(),
        "wording_ok": not hits,
        "attitude_ok": True,
        "solved": True,
        "lint_hits": hits,
    }


def quality_score(checks: dict[str, bool]) -> int:
    """Each checklist item is a quarter of the hundred points."""
    return sum(25 for key in CHECKLIST if checks.get(key))


def quality_review_record(
    *,
    conversation: Conversation,
    by: User,
    in_time: bool,
    wording_ok: bool,
    attitude_ok: bool,
    solved: bool,
    comment: str = "",
) -> QualityReview:
    """Score one chat of an agent (质检). Supervisors only; a chat is inspected once."""
    roles.require_role(by, roles.SUPERVISOR)
    if conversation.agent_id is None:
        raise ValidationError(_("这个会话没有接待客服，无法质检。"))
    checks = {"in_time": in_time, "wording_ok": wording_ok, "attitude_ok": attitude_ok, "solved": solved}
    try:
        with transaction.atomic():
            review = QualityReview.objects.create(
                conversation=conversation,
                agent_id=conversation.agent_id,
                reviewer=by,
                lint_hits=quality_prefill(conversation=conversation)["lint_hits"],
                score=quality_score(checks),
                comment=comment.strip(),
                **checks,
            )
            activity_record(target=review, actor=by, verb="quality_review", message=str(review.score))
    except IntegrityError:
        raise ValidationError(_("这个会话已经质检过了。")) from None
    return review


def error_record(
    *,
    agent: User,
    by: User,
    kind: str,
    occurred_on: dt.date,
    description: str,
    cost: Decimal = Decimal(0),
    order_number: str = "",
) -> ErrorEntry:
    """Log a staff mistake (差错登记) against the person responsible; it counts in her KPI."""
    roles.require_role(by, roles.SUPERVISOR)
    if occurred_on > timezone.localdate():
        raise ValidationError({"occurred_on": _("发生日期不能晚于今天。")})
    if cost < 0:
        raise ValidationError({"cost": _("损失金额不能为负数。")})
    with transaction.atomic():
        entry = ErrorEntry(
            agent=agent,
            kind=kind,
            occurred_on=occurred_on,
            description=description.strip(),
            cost=cost,
            order_number=order_number.strip(),
            recorded_by=by,
        )
        entry.full_clean()
        entry.save()
        activity_record(target=entry, actor=by, verb="error_record", message=entry.get_kind_display())
    return entry


def sanction_record(
    *, agent: User, by: User, month: dt.date, kind: str, amount: Decimal, reason: str
) -> Sanction:
    """Record a reward or a penalty (奖惩) of a month."""
    roles.require_role(by, roles.SUPERVISOR)
    if amount < 0:
        raise ValidationError({"amount": _("金额不能为负数。")})
    with transaction.atomic():
        sanction = Sanction(
            agent=agent,
            month=month.replace(day=1),
            kind=kind,
            amount=amount,
            reason=reason.strip(),
            recorded_by=by,
        )
        sanction.full_clean()
        sanction.save()
        activity_record(target=sanction, actor=by, verb="sanction_record", message=sanction.reason)
    return sanction


def _period(kind: str, day: dt.date) -> tuple[dt.date, dt.date]:
    if kind == WorkReportKind.DAY:
        return day, day
    by = "week" if kind == WorkReportKind.WEEK else "month"
    first = period_start(day, by)
    if kind == WorkReportKind.WEEK:
        return first, first + dt.timedelta(days=6)
    last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return first, last


def work_report_prepare(*, author: User, kind: str, day: dt.date, by: User) -> WorkReport:
    """The report of the period containing ``day``, its figures generated from what was done.

    An agent writes her own daily report; weekly and monthly reports (周报表, 月报表) are the
    supervisor's. Until it is submitted, opening it again refreshes the figures; once submitted,
    the figures stay as they were sent.
    """
    roles.require_staff(by)
    if by.pk != author.pk:
        raise PermissionDenied(_("只能填写自己的工作报告。"))
    if kind != WorkReportKind.DAY:
        roles.require_role(by, roles.SUPERVISOR)
    if day > timezone.localdate():
        raise ValidationError({"day": _("不能为将来的日期写报告。")})
    start, end = _period(kind, day)
    figures = selectors.work_report_figures(author_id=author.pk, kind=kind, start=start, end=end)
    with transaction.atomic():
        report, created = WorkReport.objects.select_for_update().get_or_create(
            author=author, kind=kind, period_start=start, defaults={"period_end": end, "figures": figures}
        )
        if not created and report.submitted_at is None:
            report.figures = figures
            report.save(update_fields=["figures", "updated_at"])
    return report


def work_report_submit(*, report: WorkReport, by: User, notes: str, plan: str) -> WorkReport:
    """Send the report with what the author added and the plan for the next period (工作计划)."""
    if by.pk != report.author_id:
        raise PermissionDenied(_("只能提交自己的工作报告。"))
    with transaction.atomic():
        locked = WorkReport.objects.select_for_update().get(pk=report.pk)
        locked.notes = notes.strip()
        locked.plan = plan.strip()
        locked.submitted_at = locked.submitted_at or timezone.now()
        locked.save(update_fields=["notes", "plan", "submitted_at", "updated_at"])
        activity_record(target=locked, actor=by, verb="work_report_submit", message=locked.get_kind_display())
    return locked


# how far back the sweep looks for ended shifts without a daily report (a worker down overnight)
SHIFT_LOOKBACK_DAYS = 2


def work_reports_generate(*, now: dt.datetime | None = None) -> int:
    """At the end of each agent's shift (the team's rota), her daily report (日报) of that day is
    generated from what she did, waiting for her to add to it and submit. A report she already
    opened is left as it is. Returns how many were generated."""
    now = now or timezone.now()
    since = timezone.localdate(now) - dt.timedelta(days=SHIFT_LOOKBACK_DAYS)
    ended = selectors.shifts_ended(since=since, now=now)
    if not ended:
        return 0
    existing = set(
        WorkReport.objects.filter(
            kind=WorkReportKind.DAY, period_start__gte=since, author_id__in={a for a, _d in ended}
        ).values_list("author_id", "period_start")
    )
    due: dict[dt.date, list[int]] = {}
    for author_id, day in ended:
        if (author_id, day) not in existing:
            due.setdefault(day, []).append(author_id)
    reports = []
    for day, author_ids in due.items():
        figures = selectors.daily_work_figures(day=day, author_ids=author_ids)
        reports += [
            WorkReport(
                author_id=author_id,
                kind=WorkReportKind.DAY,
                period_start=day,
                period_end=day,
                figures=figures[author_id],
            )
            for author_id in author_ids
        ]
    created = 0
    for report in reports:  # one per agent whose shift ended: a handful
        try:
            with transaction.atomic():
                report.save()
                activity_record(
                    target=report, actor=None, verb="work_report_generated", message=str(report.period_start)
                )
        except IntegrityError:  # she opened it meanwhile, or another worker made it: one per day
            continue
        created += 1
    return created


def work_reports_sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    return {"daily_reports_generated": work_reports_generate(now=now)}
