"""The team's reads: who is on duty, the rota, open matters for the handover book, routing,
promotions and the staffing forecast."""

import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.db.models.functions import ExtractHour, ExtractMinute, TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.chat.models import AgentPresence, Conversation, ConversationStatus, Message, PresenceStatus, Sender
from kefu.core import handover as handover_registry
from kefu.core import kept, shopsettings
from kefu.core.handover import Matter
from kefu.core.types import User
from kefu.orders import selectors as order_selectors
from kefu.orders.models import Order
from kefu.team import erlang, rules
from kefu.team.models import (
    WORKING_DUTIES,
    AgentGroup,
    Duty,
    EmergencyPlan,
    EmergencyRun,
    Handover,
    LeaveRequest,
    LeaveState,
    Promotion,
    RotaEntry,
    TeamMember,
)

# --- members, rota, who is on duty -----------------------------------------------------------


def member_list(*, active_only: bool = False) -> QuerySet[TeamMember]:
    qs = TeamMember.objects.select_related("user")
    return qs.filter(active=True) if active_only else qs


def staff_without_member() -> QuerySet:
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__isnull=False, team_member__isnull=True)
        .distinct()
        .order_by("username")
    )


def approved_leave_days(*, user_ids: list[int], start: date, end: date) -> set[tuple[int, date]]:
    out: set[tuple[int, date]] = set()
    for leave in LeaveRequest.objects.filter(
        user_id__in=user_ids, state=LeaveState.APPROVED, start__lte=end, end__gte=start
    ).only("user_id", "start", "end"):
        day = max(leave.start, start)
        while day <= min(leave.end, end):
            out.add((leave.user_id, day))
            day += timedelta(days=1)
    return out


def rota_coverage(*, start: date, end: date) -> dict[tuple[date, str], int]:
    """People on each working shift per day, one query."""
    rows = (
        RotaEntry.objects.filter(day__range=(start, end), duty__in=WORKING_DUTIES)
        .values("day", "duty")
        .annotate(n=Count("id"))
    )
    return {(r["day"], r["duty"]): r["n"] for r in rows}


def rota_has_shift(*, day: date, shift: str) -> bool:
    return RotaEntry.objects.filter(day=day, duty=shift).exists()


@dataclass
class RotaRow:
    member: TeamMember
    cells: list[RotaEntry | None]
    rest_days: int = 0
    weekend_rest_days: int = 0
    working_days: int = 0
    # working days of a run longer than "six on" (上六休一 broken by a hand edit)
    long_run_days: set[date] = field(default_factory=set)
    # (day, entry, part of a too-long run) for each day of the month: what the grid draws
    day_cells: list[tuple[date, RotaEntry | None, bool]] = field(default_factory=list)


@dataclass
class RotaMonth:
    days: list[date]
    rows: list[RotaRow]
    coverage: dict[tuple[date, str], int]
    days_on: int = 6

    def day_counts(self) -> list[dict[str, int]]:
        return [{duty: self.coverage.get((d, duty), 0) for duty in WORKING_DUTIES} for d in self.days]


def rota_month(*, days: list[date], user: User | None = None, user_id: int | None = None) -> RotaMonth:
    """The month's grid: one row per member (or only ``user``'s), one cell per day; three queries.

    Each row marks the working days of runs longer than ``team_days_on`` (the days around the
    month are read too, so a run crossing into it counts)."""
    days_on = int(shopsettings.get("team_days_on"))
    members = list(member_list().filter(active=True).order_by("group", "user__username"))
    if user is not None:
        user_id = user.pk
    if user_id is not None:
        members = [m for m in members if m.user_id == user_id]
    margin = timedelta(days=days_on)
    entries: dict[tuple[int, date], RotaEntry] = {
        (e.user_id, e.day): e
        for e in RotaEntry.objects.filter(
            user_id__in=[m.user_id for m in members], day__range=(days[0] - margin, days[-1] + margin)
        )
    }
    working_by_user: dict[int, set[date]] = {}
    for (uid, d), e in entries.items():
        if e.duty in WORKING_DUTIES:
            working_by_user.setdefault(uid, set()).add(d)
    rows = []
    for m in members:
        cells = [entries.get((m.user_id, d)) for d in days]
        row = RotaRow(member=m, cells=cells)
        long = rules.long_runs(working=working_by_user.get(m.user_id, set()), days_on=days_on)
        row.long_run_days = {d for d in long if days[0] <= d <= days[-1]}
        row.day_cells = [(d, c, d in long) for d, c in zip(days, cells, strict=True)]
        for d, cell in zip(days, cells, strict=True):
            if cell is None:
                continue
            if cell.duty == Duty.REST:
                row.rest_days += 1
                row.weekend_rest_days += d.weekday() >= 5
            elif cell.duty in WORKING_DUTIES:
                row.working_days += 1
        rows.append(row)
    return RotaMonth(
        days=days, rows=rows, coverage=rota_coverage(start=days[0], end=days[-1]), days_on=days_on
    )


def working_run(*, user_id: int, day: date) -> int:
    """How many days in a row ``user_id`` works around ``day`` (0 when not working that day)."""
    days_on = int(shopsettings.get("team_days_on"))
    span = timedelta(days=days_on + 1)
    working = set(
        RotaEntry.objects.filter(
            user_id=user_id, day__range=(day - span * 4, day + span * 4), duty__in=WORKING_DUTIES
        ).values_list("day", flat=True)
    )
    if day not in working:
        return 0
    n, d = 1, day - timedelta(days=1)
    while d in working:
        n, d = n + 1, d - timedelta(days=1)
    d = day + timedelta(days=1)
    while d in working:
        n, d = n + 1, d + timedelta(days=1)
    return n


def on_duty_user_ids(*, at: datetime | None = None) -> set[int]:
    """Who the rota has at work at ``at`` (both shifts during the overlap)."""
    at = at or timezone.now()
    shifts = rules.shifts_at(at)
    if not shifts:
        return set()
    return set(
        RotaEntry.objects.filter(day=timezone.localdate(at), duty__in=shifts).values_list(
            "user_id", flat=True
        )
    )


def on_duty_now(*, at: datetime) -> set[int] | None:
    """For ``kefu.core.duty``: who the rota has at work at ``at``; None when ``at``'s day has no
    rota (then the apps below show their lists unmarked). One query."""
    rows = list(RotaEntry.objects.filter(day=timezone.localdate(at)).values_list("user_id", "duty"))
    if not rows:
        return None
    shifts = set(rules.shifts_at(at))
    return {user_id for user_id, duty in rows if duty in shifts}


def shifts_without_people(*, at: datetime) -> list[str]:
    """The shifts running at ``at`` that today's rota leaves empty (none when today has no rota):
    while one runs, chats reach nobody by routing and the customers get the auto-reply."""
    day = timezone.localdate(at)
    rows = set(RotaEntry.objects.filter(day=day).values_list("duty", flat=True))
    if not rows:
        return []
    return [shift for shift in rules.shifts_at(at) if shift not in rows]


def rota_set_up(*, day: date) -> bool:
    return RotaEntry.objects.filter(day=day).exists()


@dataclass(frozen=True)
class PresenceRow:
    user: Any
    group: str
    on_duty: bool
    status: str  # online / away / offline
    status_label: str
    open_chats: int


def presence_board(*, now: datetime | None = None) -> list[PresenceRow]:
    """Every member with their chat presence (read from the chat app) and open chats: three queries."""
    now = now or timezone.now()
    timeout = timedelta(seconds=int(shopsettings.get("chat_presence_timeout_seconds")))
    members = list(member_list(active_only=True))
    ids = [m.user_id for m in members]
    presence = {p.user_id: p for p in AgentPresence.objects.filter(user_id__in=ids)}
    chats = dict(
        Conversation.objects.filter(agent_id__in=ids, status=ConversationStatus.ACTIVE)
        .values("agent_id")
        .annotate(n=Count("id"))
        .values_list("agent_id", "n")
    )
    duty = on_duty_user_ids(at=now)
    rows = []
    for m in members:
        p = presence.get(m.user_id)
        if p is None or p.last_seen_at is None or p.last_seen_at < now - timeout:
            status, label = "offline", _("离线")
        elif p.status == PresenceStatus.ONLINE:
            status, label = "online", _("在线")
        else:
            status, label = str(p.status), p.get_status_display()
        rows.append(
            PresenceRow(
                m.user, m.get_group_display(), m.user_id in duty, status, label, chats.get(m.user_id, 0)
            )
        )
    return rows


# --- routing ---------------------------------------------------------------------------------

# A conversation's group → the member groups that take it, in order of preference: 辅助 helps out
# when nobody of the right group is free.
ROUTE_GROUPS = {
    "presales": (AgentGroup.PRESALES, AgentGroup.SUPPORT),
    "aftersales": (AgentGroup.AFTERSALES, AgentGroup.SUPPORT),
}


def _routing_read() -> tuple[dict[int, Any], date, list[tuple[int, str]]]:
    """What routing reads of the team: the active members, and today's rota (user, duty)."""
    members = {
        m["user_id"]: m
        for m in TeamMember.objects.filter(active=True).values("user_id", "group", "max_chats")
    }
    today = timezone.localdate()
    rota = list(RotaEntry.objects.filter(day=today).values_list("user_id", "duty"))
    return members, today, rota


# Kept a few seconds inside the chat sockets (``kefu.core.kept``), where dozens of chats a second
# are routed; saving a member or a rota day in this process empties it (``routing_clear``).
_routing = kept.Kept(_routing_read)


def routing_clear(**_kwargs: Any) -> None:
    _routing.clear()


def _routing_team(at: datetime) -> tuple[dict[int, Any], set[int] | None]:
    """The active members, and who of them the rota has at work at ``at`` (None: no rota that day)."""
    if kept.is_keeping():
        members, day, rota = _routing.get()
        if day == timezone.localdate(at):
            if not rota:
                return members, None
            shifts = set(rules.shifts_at(at))
            return members, {user_id for user_id, duty in rota if duty in shifts}
    team: dict[int, Any] = {
        m["user_id"]: m
        for m in TeamMember.objects.filter(active=True).values("user_id", "group", "max_chats")
    }
    if not team or not rota_set_up(day=timezone.localdate(at)):
        return team, None
    return team, on_duty_user_ids(at=at)


def choose_agent(*, group: str, open_chats: dict[int, int], at: datetime | None = None) -> int | None:
    """The agent a waiting chat goes to (registered with ``kefu.core.routing``).

    Of the agents chat reports online (``open_chats``): members of the chat's group (then 辅助),
    on duty by the rota when today has a rota, below their limit of concurrent chats; the fewest
    open chats wins, the lower id on a tie. Before the team is set up (no members) every online
    agent counts, so a new shop's chat works from the first day. The open chats are chat's count of
    the moment; the members and the rota may be a few seconds old inside the chat sockets.
    """
    if not open_chats:
        return None
    at = at or timezone.now()
    members, duty = _routing_team(at)
    if not members:
        candidates = list(open_chats)
        return min(candidates, key=lambda u: (open_chats[u], u))
    if duty is not None:
        members = {u: m for u, m in members.items() if u in duty}
    default_limit = int(shopsettings.get("team_max_concurrent_chats"))
    free = {
        u: n for u, n in open_chats.items() if u in members and n < (members[u]["max_chats"] or default_limit)
    }
    for tier in ROUTE_GROUPS.get(group, (None,)):
        tier_users = [u for u in free if tier is None or members[u]["group"] == tier]
        if tier_users:
            return min(tier_users, key=lambda u: (free[u], u))
    return None


# --- the handover book -----------------------------------------------------------------------


# An agent's promise with a time: "明天给您发货", "2小时内回复您", "今晚8点前帮您处理".
PROMISE_TIME = (
    r"([0-9一二三四五六七八九十两半]+个?(分钟|小时|天)[之以]?内|今天|今晚|明天|明早|稍后|[0-9]{1,2}点[前之]?)"
)
PROMISE_ACT = r"(给您|为您|帮您|回复|答复|联系|发货|退款|处理|补发|寄出)"


def promises_in_chats(*, now: datetime, hours: int = 9, limit: int = 50) -> QuerySet[Message]:
    """Agents' messages of the last ``hours`` (a shift) that promise something with a time."""
    return (
        Message.objects.filter(
            sender=Sender.AGENT,
            is_auto=False,
            created_at__gte=now - timedelta(hours=hours),
            text__regex=PROMISE_TIME,
        )
        .filter(text__regex=PROMISE_ACT)
        .select_related("conversation")
        .order_by("created_at")[:limit]
    )


def open_matters(*, now: datetime) -> list[Matter]:
    """What a shift leaves open: chats waiting for an answer, promises made in chats with a time,
    and 催付 reminders not sent (read
    here), plus what other apps report through ``kefu.core.handover`` (the inbox: questions,
    after-sales cases, complaints and bad reviews overdue or due soon)."""
    out: list[Matter] = []
    for c in Conversation.objects.filter(
        status__in=(ConversationStatus.WAITING, ConversationStatus.ACTIVE), awaiting_since__isnull=False
    ).order_by("awaiting_since")[:100]:
        title = _("会话等待回复：%(who)s") % {"who": c.buyer_label}
        out.append(Matter(kind="chat", ref=f"chat:{c.pk}", title=title, due_at=c.awaiting_since))
    for m in promises_in_chats(now=now):
        title = _("会话中的承诺（%(who)s）：%(text)s") % {
            "who": m.conversation.buyer_label,
            "text": m.text[:80],
        }
        out.append(Matter(kind="promise", ref=f"promise:{m.pk}", title=title[:200], due_at=None))
    for order in order_selectors.reminder_queue(now=now)[:100]:
        title = _("未催付订单 %(number)s") % {"number": order.number}
        out.append(
            Matter(kind="reminder", ref=f"reminder:{order.pk}", title=title, url=reverse("orders:reminders"))
        )
    out.extend(handover_registry.open_matters(now=now))
    return out


def _handovers() -> QuerySet[Handover]:
    return (
        Handover.objects.select_related("written_by")
        .annotate(
            item_count=Count("items"),
            open_count=Count("items", filter=Q(items__acknowledged_at__isnull=True)),
        )
        .order_by("-day", "-shift")
    )


def handover_list(*, limit: int = 30) -> QuerySet[Handover]:
    return _handovers()[:limit]


def handover_get(*, pk: int) -> Handover:
    return Handover.objects.select_related("written_by").get(pk=pk)


def handover_items(*, handover: Handover) -> QuerySet:
    return handover.items.select_related("acknowledged_by").order_by("due_at", "id")


def handovers_unacknowledged() -> QuerySet[Handover]:
    """Handed over but not yet fully acknowledged: the supervisor's dashboard shows them."""
    return _handovers().filter(submitted_at__isnull=False, acknowledged_at__isnull=True)


def current_shift(*, at: datetime | None = None) -> tuple[date, str]:
    """The shift a handover written now belongs to: the later one during the overlap is the
    one starting, so the one ending is the earlier."""
    at = at or timezone.now()
    shifts = rules.shifts_at(at)
    return timezone.localdate(at), (shifts[0] if shifts else Duty.NIGHT)


# --- promotions ------------------------------------------------------------------------------


def _promotions_read() -> tuple[datetime, list[Promotion]]:
    """The promotions not over a day ago, earliest start first, and when they were read."""
    now = timezone.now()
    rows = list(Promotion.objects.filter(ends_at__gt=now - timedelta(days=1)).order_by("starts_at", "id"))
    return now, rows


_promotions = kept.Kept(_promotions_read)


def promotions_clear(**_kwargs: Any) -> None:
    _promotions.clear()


def promotion_at(at: datetime) -> Promotion | None:
    if kept.is_keeping():
        # inside the chat sockets: the promotions read a few seconds ago, judged at ``at``
        read_at, rows = _promotions.get()
        if at >= read_at - timedelta(days=1):
            return next((p for p in rows if p.starts_at <= at < p.ends_at), None)
    return Promotion.objects.filter(starts_at__lte=at, ends_at__gt=at).order_by("starts_at").first()


def first_response_target_at(at: datetime) -> int:
    """The first-response target (seconds) in force at ``at``: for reports, which read it per
    chat so figures are judged against the target of their time."""
    promotion = promotion_at(at)
    if promotion is not None:
        return int(promotion.first_response_seconds or shopsettings.get("promotion_first_response_seconds"))
    return int(shopsettings.get("chat_first_response_target_seconds"))


class PromotionProvider:
    """What the apps below the team ask through ``kefu.core.promotion``."""

    def active(self, at: datetime) -> bool:
        return promotion_at(at) is not None

    def first_response_seconds(self, at: datetime) -> int | None:
        promotion = promotion_at(at)
        if promotion is None:
            return None
        return int(promotion.first_response_seconds or shopsettings.get("promotion_first_response_seconds"))

    def auto_reply(self, at: datetime) -> str:
        promotion = promotion_at(at)
        return promotion.auto_reply if promotion else ""


def promotion_expected_chats(day: date) -> int | None:
    """The chats a promotion running on ``day`` expects per day (its staffing plan), if set."""
    noon = timezone.make_aware(datetime.combine(day, time(12)))
    promotion = promotion_at(noon)
    return promotion.expected_chats if promotion else None


def promotion_list() -> QuerySet[Promotion]:
    return Promotion.objects.select_related("created_by").order_by("-starts_at")


# --- emergency plans -------------------------------------------------------------------------


def plan_list() -> QuerySet[EmergencyPlan]:
    return EmergencyPlan.objects.all()


def run_list(*, limit: int = 20) -> QuerySet[EmergencyRun]:
    return EmergencyRun.objects.select_related("plan", "started_by").prefetch_related("step_rows")[:limit]


def run_get(*, pk: int) -> EmergencyRun:
    return EmergencyRun.objects.select_related("plan", "started_by").get(pk=pk)


# --- staffing forecast -----------------------------------------------------------------------


def _daily_counts(model, field_name: str, start: date, end: date) -> dict[date, int]:
    tz = timezone.get_current_timezone()
    lo = timezone.make_aware(datetime.combine(start, time.min))
    hi = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min))
    rows = (
        model.objects.filter(**{f"{field_name}__gte": lo, f"{field_name}__lt": hi})
        .annotate(d=TruncDate(field_name, tzinfo=tz))
        .values("d")
        .annotate(n=Count("id"))
    )
    return {r["d"]: r["n"] for r in rows}


@dataclass(frozen=True)
class VolumeHistory:
    october_avg: float | None
    last_october_avg: float | None
    last_double11: float | None

    @property
    def complete(self) -> bool:
        return bool(self.october_avg and self.last_october_avg and self.last_double11)

    def estimate(self) -> float | None:
        if not self.complete:
            return None
        return self.october_avg * self.last_double11 / self.last_october_avg  # type: ignore[operator]


def volume_history(*, year: int, kind: str = "chats") -> VolumeHistory:
    """This October's daily average, last October's and last year's Double-11, from the shop's
    own chats (``kind="chats"``) or orders; None where there is no history."""
    model, field_name = (Conversation, "created_at") if kind == "chats" else (Order, "created_at")

    def oct_avg(y: int) -> float | None:
        counts = _daily_counts(model, field_name, date(y, 10, 1), date(y, 10, 31))
        return sum(counts.values()) / 31 if counts else None

    last = _daily_counts(model, field_name, date(year - 1, 11, 11), date(year - 1, 11, 11))
    return VolumeHistory(oct_avg(year), oct_avg(year - 1), float(sum(last.values())) if last else None)


def half_hour_pattern(*, days: int = 28, now: datetime | None = None, min_chats: int = 100) -> list[float]:
    """The share of a day's chats in each half hour (48 numbers, summing to 1), from the last
    ``days`` days; with fewer than ``min_chats`` chats, evenly over the shop's shifts."""
    now = now or timezone.now()
    tz = timezone.get_current_timezone()
    rows = (
        Conversation.objects.filter(created_at__gte=now - timedelta(days=days))
        .annotate(h=ExtractHour("created_at", tzinfo=tz), m=ExtractMinute("created_at", tzinfo=tz))
        .values("h", "m")
        .annotate(n=Count("id"))
    )
    counts = [0.0] * 48
    for r in rows:
        counts[r["h"] * 2 + (1 if r["m"] >= 30 else 0)] += r["n"]
    total = sum(counts)
    if total < min_chats:  # too few chats to say anything about the day's shape
        hours = [rules.shift_hours(s) for s in WORKING_DUTIES]
        counts = [1.0 if any(h.covers_half_hour(i) for h in hours) else 0.0 for i in range(48)]
        total = sum(counts) or 1.0
    return [c / total for c in counts]


def measured_aht(*, days: int = 28, now: datetime | None = None) -> float | None:
    """Average handling time of the chats closed in the last ``days`` days (taken → closed), seconds."""
    now = now or timezone.now()
    value = (
        Conversation.objects.filter(
            status=ConversationStatus.CLOSED,
            closed_at__gte=now - timedelta(days=days),
            taken_at__isnull=False,
            closed_at__gt=F("taken_at"),
        )
        .annotate(d=ExpressionWrapper(F("closed_at") - F("taken_at"), output_field=DurationField()))
        .aggregate(avg=Avg("d"))["avg"]
    )
    if value is None:
        return None
    return value.total_seconds() if isinstance(value, timedelta) else float(value) / 1_000_000


@dataclass
class HalfHour:
    slot: int
    calls: float
    agents: int
    rostered_needed: int
    on_rota: int
    service_level: float

    @property
    def label(self) -> str:
        return f"{self.slot // 2:02d}:{30 * (self.slot % 2):02d}"

    @property
    def gap(self) -> int:
        return self.on_rota - self.rostered_needed


@dataclass
class StaffingPlan:
    day: date
    daily_volume: float
    aht: float
    aht_measured: bool
    service_level: float
    answer_within: float
    shrinkage: float
    rows: list[HalfHour] = field(default_factory=list)

    @property
    def peak(self) -> int:
        return max((r.rostered_needed for r in self.rows), default=0)

    @property
    def short_slots(self) -> int:
        return sum(1 for r in self.rows if r.gap < 0)


def staffing_plan(
    *,
    day: date,
    daily_volume: float,
    aht: float | None = None,
    service_level: float | None = None,
    answer_within: float | None = None,
    shrinkage: float | None = None,
) -> StaffingPlan:
    """Agents needed per half hour of ``day`` for ``daily_volume`` chats, beside the rota.

    The volume is spread over the day by the shop's own half-hour pattern; each half hour gets
    its Erlang C agents at the service level, then the shrinkage is added; the gap is the rota's
    people at work in that half hour minus the agents to roster (negative: short).
    """
    measured = measured_aht() if aht is None else None
    aht_value = float(aht or measured or shopsettings.get("staffing_default_aht_seconds"))
    sl = float(service_level if service_level is not None else shopsettings.get("staffing_service_level"))
    within = float(
        answer_within if answer_within is not None else shopsettings.get("staffing_answer_within_seconds")
    )
    shrink = float(shrinkage if shrinkage is not None else shopsettings.get("staffing_shrinkage"))
    erlang.with_shrinkage(1, shrink)  # validates the shrinkage
    pattern = half_hour_pattern()
    coverage: dict[str, int] = {duty: n for (_d, duty), n in rota_coverage(start=day, end=day).items()}
    hours: dict[str, rules.ShiftHours] = {str(duty): rules.shift_hours(duty) for duty in WORKING_DUTIES}
    plan = StaffingPlan(
        day, daily_volume, aht_value, aht is None and measured is not None, sl, within, shrink
    )
    for slot, share in enumerate(pattern):
        calls = daily_volume * share
        on_rota: int = sum(n for duty, n in coverage.items() if hours[duty].covers_half_hour(slot))
        if calls <= 0:
            plan.rows.append(HalfHour(slot, 0.0, 0, 0, on_rota, 1.0))
            continue
        result = erlang.agents_needed(
            calls=calls, minutes=30, aht=aht_value, answer_within=within, service_level=sl
        )
        plan.rows.append(
            HalfHour(
                slot,
                calls,
                result.agents,
                erlang.with_shrinkage(result.agents, shrink),
                on_rota,
                result.service_level,
            )
        )
    return plan


def double11_volume(
    *, year: int, entered: VolumeHistory | None = None, kind: str = "chats"
) -> tuple[float | None, VolumeHistory]:
    """This year's Double-11 chats (or orders): this October's daily average × last year's
    Double-11 ÷ last year's October daily average; entered figures fill what the history lacks."""
    history = volume_history(year=year, kind=kind)
    if entered is not None:
        history = VolumeHistory(
            entered.october_avg or history.october_avg,
            entered.last_october_avg or history.last_october_avg,
            entered.last_double11 or history.last_double11,
        )
    return history.estimate(), history


@dataclass(frozen=True)
class Double11Forecast:
    """The Double-11 estimate from the shop's own chats and orders, side by side.

    ``chats_from_orders`` is the chats the expected orders bring at this October's chats per
    order; the plan takes the larger of the two chat figures, so a shop whose chat history is
    thin (or whose orders grow faster than its chats did last year) is not staffed short.
    """

    chats: VolumeHistory
    orders: VolumeHistory
    chats_estimate: float | None
    orders_estimate: float | None
    chats_per_order: float | None
    chats_from_orders: float | None

    @property
    def volume(self) -> float | None:
        figures = [v for v in (self.chats_estimate, self.chats_from_orders) if v]
        return max(figures) if figures else None

    @property
    def basis(self) -> str:
        """ "chats" or "orders": which figure the plan uses ("" when there is none)."""
        if not self.volume:
            return ""
        return "chats" if self.volume == self.chats_estimate else "orders"


def double11_forecast(
    *, year: int, chats: VolumeHistory | None = None, orders: VolumeHistory | None = None
) -> Double11Forecast:
    """Both estimates for this year's Double-11, with figures typed in (``chats``, ``orders``)
    filling what the shop's history lacks."""
    chats_estimate, chats_history = double11_volume(year=year, entered=chats, kind="chats")
    orders_estimate, orders_history = double11_volume(year=year, entered=orders, kind="orders")
    per_order = None
    if chats_history.october_avg and orders_history.october_avg:
        per_order = chats_history.october_avg / orders_history.october_avg
    from_orders = orders_estimate * per_order if orders_estimate and per_order else None
    return Double11Forecast(
        chats_history, orders_history, chats_estimate, orders_estimate, per_order, from_orders
    )


def ceil_div(a: float, b: float) -> int:
    return math.ceil(a / b)
