"""The figures, each computed by the database in one grouped query per source table.

Every report is a list of rows, one per period of the range (empty periods included), built from
a handful of ``GROUP BY period`` queries; Python only merges those few dozen aggregate rows. Money
is summed by the database and quantized to cents here, so SQLite and PostgreSQL print the same.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, cast

from django.contrib.auth import get_user_model
from django.db.models import Avg, CharField, Count, Exists, F, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.aftersales.models import AfterSalesCase, BadReview, CaseKind, Complaint
from kefu.chat.models import TRANSFER_VERBS, Conversation, ConversationStatus, Message
from kefu.core import roles, shopsettings
from kefu.core.models import ActivityLog
from kefu.customers.models import Satisfaction, SatisfactionKind
from kefu.helpcenter.models import Question
from kefu.inbox.models import OPEN_STATES, WorkItem
from kefu.orders.models import Order, PaymentReminder
from kefu.reports import rules
from kefu.reports.models import (
    ErrorEntry,
    QualityReview,
    SalesDay,
    Sanction,
    ServiceDay,
    SummarizedDay,
    WorkReport,
    WorkReportKind,
)
from kefu.reports.periods import DAY, Range, period_start
from kefu.reports.sql import LocalPeriod
from kefu.team import rules as team_rules
from kefu.team import selectors as team_selectors
from kefu.team.models import WORKING_DUTIES

CENT = Decimal("0.01")


def money(value: Any) -> Decimal:
    return (Decimal(value) if value is not None else Decimal(0)).quantize(CENT, rounding=ROUND_HALF_UP)


def ratio(part: Any, whole: Any, places: str = "0.0001") -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part or 0) / Decimal(whole)).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def _grouped(qs: QuerySet, field: str, rng: Range, **aggregates: Any) -> dict[dt.date, dict]:
    """``{period: {name: value}}`` of ``qs`` within the range by ``field``'s local period."""
    rows = (
        qs.filter(**{f"{field}__gte": rng.since, f"{field}__lt": rng.until})
        .annotate(period=LocalPeriod(field, by=rng.by, at=rng.since))
        .values("period")
        .order_by("period")
        # the aliases prefixed: a figure may be named like the column it sums (paid_amount)
        .annotate(**{f"agg_{name}": aggregate for name, aggregate in aggregates.items()})
    )
    out = {}
    for row in rows:
        period = row.pop("period")
        if isinstance(period, str):  # a backend that hands the date back as text
            period = dt.date.fromisoformat(period)
        out[period] = {key.removeprefix("agg_"): value for key, value in row.items()}
    return out


# --- the sources of the sales and service figures -----------------------------------------------
#
# Each figure comes from one source: a queryset, the moment that dates a row, and its aggregates.
# The same sources are counted live (``_grouped``) and stored per closed day by the reports' sweep
# (``kefu.reports.summary``), so both ways give the same numbers.


@dataclass(frozen=True)
class Source:
    name: str
    queryset: QuerySet
    field: str
    aggregates: dict[str, Any]
    agent: str = ""  # the field naming the agent, for the per-agent rows
    live: bool = False  # figures that change long after their day: always counted live


SALES_COUNTS = (
    "paid_orders",
    "paying_buyers",
    "unpaid_orders",
    "refunds",
    "rights_refunds",
    "reminders",
    "recovered_orders",
    "asking_customers",
    "converted_customers",
)
SALES_AMOUNTS = ("paid_amount", "unpaid_amount", "refund_amount", "rights_refund_amount", "recovered_amount")
# counted once per period, so a week's or month's is not the sum of its days'
SALES_DISTINCT = ("paying_buyers", "asking_customers", "converted_customers")
SALES_DISTINCT_SOURCES = ("paid", "asked_in_chat", "asked_question")


def _orders(shop: str | None) -> QuerySet[Order]:
    qs = Order.objects.all()
    return qs.filter(shop=shop) if shop is not None else qs


def sales_sources(*, shop: str | None) -> list[Source]:
    """The sales figures' sources, for one shop or (``None``) all shops together."""
    orders = _orders(shop)
    cases = AfterSalesCase.objects.filter(refund_amount__isnull=False)
    reminder_qs = PaymentReminder.objects.all()
    if shop is not None:
        cases = cases.filter(order__shop=shop)
        reminder_qs = reminder_qs.filter(order__shop=shop)
    reminded = PaymentReminder.objects.filter(order=OuterRef("pk"), created_at__lt=OuterRef("paid_at"))
    days = dt.timedelta(days=int(shopsettings.get(rules.conversion_days.key)))

    def ordered_after(name_field: str) -> Exists:
        return Exists(
            orders.filter(
                buyer_nick=OuterRef(name_field),
                created_at__gte=OuterRef("created_at"),
                created_at__lt=OuterRef("created_at") + days,
            )
        )

    return [
        Source(
            "paid",
            orders.filter(paid_at__isnull=False),
            "paid_at",
            {
                "paid_orders": Count("id"),
                "paid_amount": Sum("paid_amount"),
                "paying_buyers": Count("buyer_nick", distinct=True),
            },
        ),
        # 下单未付款: placed in the period and not paid (read from the partial index of unpaid orders)
        Source(
            "unpaid",
            orders.filter(paid_at__isnull=True),
            "created_at",
            {"unpaid_orders": Count("id"), "unpaid_amount": Sum(F("goods_amount") + F("postage"))},
        ),
        Source(
            "refunds",
            cases,
            "refunded_at",
            {
                "refunds": Count("id"),
                "refund_amount": Sum("refund_amount"),
                "rights_refunds": Count("id", filter=Q(rights_protection=True)),
                "rights_refund_amount": Sum("refund_amount", filter=Q(rights_protection=True)),
            },
        ),
        Source("reminders", reminder_qs, "created_at", {"reminders": Count("id")}),
        # 催付挽回: orders paid in the period after at least one reminder, by the day they were paid
        Source(
            "recovered",
            orders.filter(paid_at__isnull=False).filter(Exists(reminded)),
            "paid_at",
            {"recovered_orders": Count("id"), "recovered_amount": Sum("paid_amount")},
        ),
        # 咨询转化: a chat's customer is the name the buyer gave (their member name, 买家会员名), a
        # question's its 旺旺 id; a buyer who asked both ways counts once per way
        Source(
            "asked_in_chat",
            Conversation.objects.exclude(buyer_name="").annotate(ordered=ordered_after("buyer_name")),
            "created_at",
            {
                "asking_customers": Count("buyer_name", distinct=True),
                "converted_customers": Count("buyer_name", distinct=True, filter=Q(ordered=True)),
            },
        ),
        Source(
            "asked_question",
            Question.objects.exclude(im_id="").annotate(ordered=ordered_after("im_id")),
            "created_at",
            {
                "asking_customers": Count("im_id", distinct=True),
                "converted_customers": Count("im_id", distinct=True, filter=Q(ordered=True)),
            },
        ),
    ]


# the chats' own satisfaction, stored as counts and a sum of scores so days add up
CHAT_RATING_FIGURES = ("ended_chats", "rated_chats", "rating_sum", "satisfied_chats")
# a rating of 4 or 5 is a satisfied customer (满意)
SATISFIED_SCORE = 4

SERVICE_COUNTS = (
    "chats",
    "answered_chats",
    "in_time_chats",
    "first_response_count",
    "abandoned_chats",
    "transfers",
    "closed_chats",
    "resolved_first_contact",
    "response_count",
    "questions",
    "questions_answered",
    "cases",
    "complaints",
    "complaints_satisfied",
    "complaints_unsatisfied",
    "bad_reviews",
    "bad_reviews_changed",
    "bad_reviews_explained",
    "bad_reviews_unresolved",
    *CHAT_RATING_FIGURES,
)
SERVICE_SUMS = ("first_response_sum", "response_sum")


def rated_chats() -> QuerySet[Conversation]:
    """The chats with the score (1–5) their customer gave at the end (``rating``; null: not rated).
    A chat's rating is the customers' satisfaction of kind chat, one per conversation (unique)."""
    score = Satisfaction.objects.filter(kind=SatisfactionKind.CHAT, source_id=OuterRef("pk")).values("score")
    return Conversation.objects.annotate(rating=Subquery(score[:1]))


def chat_rating_aggregates() -> dict[str, Any]:
    """The chats' own satisfaction (over ``rated_chats()``): the chats that ended after an agent took
    them (those the customer may rate, and any rated one), those rated, the scores' sum (the average
    is sum ÷ rated, so days add up) and those rated 4 or 5 (satisfied)."""
    ended = Q(status=ConversationStatus.CLOSED, taken_at__isnull=False) | Q(rating__isnull=False)
    return {
        "ended_chats": Count("id", filter=ended),
        "rated_chats": Count("rating"),
        "rating_sum": Sum("rating"),
        "satisfied_chats": Count("id", filter=Q(rating__gte=SATISFIED_SCORE)),
    }


def rating_figures(row: dict[str, Any]) -> dict[str, Any]:
    """Average rating (2 decimals), share satisfied (4–5) and survey coverage (rated ÷ ended chats)
    from the stored counts; ``None`` where nothing was rated or nothing ended."""
    rated = row.get("rated_chats", 0)
    return {
        "rating_avg": round(float(row.get("rating_sum") or 0) / rated, 2) if rated else None,
        "satisfied_rate": ratio(row.get("satisfied_chats", 0), rated),
        "survey_coverage": ratio(rated, row.get("ended_chats", 0)),
    }


def service_sources(*, since: dt.datetime, until: dt.datetime) -> list[Source]:
    """The service figures' sources; those with ``agent`` are an agent's own in her view."""
    transferred = ActivityLog.objects.filter(
        verb__in=TRANSFER_VERBS,
        content_type__model="conversation",
        object_id=Cast(OuterRef("pk"), CharField()),
    )
    closed = Q(status=ConversationStatus.CLOSED)
    return [
        Source(
            "chats",
            rated_chats().annotate(transferred=Exists(transferred)),
            "created_at",
            {
                "chats": Count("id"),
                "answered_chats": Count("id", filter=Q(first_response_at__isnull=False)),
                # judged against the target in force when each chat began (a promotion's during one)
                "in_time_chats": Count(
                    "id",
                    filter=Q(
                        first_response_seconds__lte=rules.first_response_target_of_chat(
                            since=since, until=until
                        )
                    ),
                ),
                "first_response_sum": Sum("first_response_seconds"),
                "first_response_count": Count("first_response_seconds"),
                "abandoned_chats": Count("id", filter=closed & Q(first_response_at__isnull=True)),
                "closed_chats": Count("id", filter=closed & Q(first_response_at__isnull=False)),
                "resolved_first_contact": Count(
                    "id",
                    filter=closed
                    & Q(first_response_at__isnull=False, transferred=False)
                    & Q(session_started_at=F("created_at")),
                ),
                **chat_rating_aggregates(),
            },
            agent="agent_id",
        ),
        # by the day the chat started: the messages are reached through the chats of the range (a
        # shop has far more messages than chats, and no index on a message's time)
        Source(
            "responses",
            Message.objects.filter(response_seconds__isnull=False),
            "conversation__created_at",
            {"response_sum": Sum("response_seconds"), "response_count": Count("response_seconds")},
            agent="author_id",
        ),
        Source(
            "transfers",
            ActivityLog.objects.filter(verb__in=TRANSFER_VERBS),
            "created_at",
            {"transfers": Count("id")},
            agent="actor_id",
        ),
        Source("questions", Question.objects.all(), "created_at", {"questions": Count("id")}),
        Source(
            "answered",
            Question.objects.filter(answered_at__isnull=False),
            "answered_at",
            {"questions_answered": Count("id")},
            agent="answered_by_id",
        ),
        Source("cases", AfterSalesCase.objects.all(), "requested_at", {"cases": Count("id")}),
        # a complaint's follow-up and a bad review's outcome come weeks later: always counted live
        Source(
            "complaints",
            Complaint.objects.all(),
            "received_at",
            {
                "complaints": Count("id"),
                "complaints_satisfied": Count("id", filter=Q(satisfaction__in=["satisfied", "partly"])),
                "complaints_unsatisfied": Count("id", filter=Q(satisfaction="unsatisfied")),
            },
            live=True,
        ),
        Source(
            "reviews",
            BadReview.objects.all(),
            "reviewed_at",
            {
                "bad_reviews": Count("id"),
                "bad_reviews_changed": Count("id", filter=Q(outcome="changed")),
                "bad_reviews_explained": Count("id", filter=Q(outcome="explained")),
                "bad_reviews_unresolved": Count("id", filter=Q(outcome="unresolved")),
            },
            live=True,
        ),
    ]


AGENT_FIGURES = (
    "reminders",
    "recovered_orders",
    "recovered_amount",
    "chats",
    "answered_chats",
    *CHAT_RATING_FIGURES,
)


def agent_reminder_source() -> Source:
    """An agent's 催付 by the day she sent them; an order chased several times is credited once, to
    whoever chased it last before payment."""
    later = PaymentReminder.objects.filter(order_id=OuterRef("order_id"), sequence__gt=OuterRef("sequence"))
    last_before_payment = Q(order__paid_at__gt=F("created_at"), last=True)
    return Source(
        "agent_reminders",
        PaymentReminder.objects.annotate(last=~Exists(later)),
        "created_at",
        {
            "reminders": Count("id"),
            "recovered_orders": Count("id", filter=last_before_payment),
            "recovered_amount": Sum("order__paid_amount", filter=last_before_payment),
        },
        agent="agent_id",
    )


def _for_agents(source: Source, agent_ids: list[int] | None) -> QuerySet:
    if agent_ids is None or not source.agent:
        return source.queryset
    return source.queryset.filter(**{f"{source.agent}__in": agent_ids})


def _counted_live(
    rng: Range, sources: Iterable[Source], agent_ids: list[int] | None = None
) -> dict[dt.date, dict]:
    """``{period: {figure: value}}`` counted from the source tables; figures of two sources add up."""
    out: dict[dt.date, dict] = {}
    for source in sources:
        for period, values in _grouped(
            _for_agents(source, agent_ids), source.field, rng, **source.aggregates
        ).items():
            row = out.setdefault(period, {})
            for key, value in values.items():
                if value is not None:
                    row[key] = row[key] + value if key in row else value
    return out


# --- reading the stored daily totals ------------------------------------------------------------


def _summarized_days(rng: Range, today: dt.date) -> set[dt.date]:
    """The range's closed days whose totals the sweep has stored (today is always counted live)."""
    last = min(rng.end, today - dt.timedelta(days=1))
    if last < rng.start:
        return set()
    return set(SummarizedDay.objects.filter(day__gte=rng.start, day__lte=last).values_list("day", flat=True))


def _runs(days: list[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Consecutive days as (first, last) runs."""
    runs: list[tuple[dt.date, dt.date]] = []
    for day in days:
        if runs and runs[-1][1] + dt.timedelta(days=1) == day:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def _stored_days(model: Any, covered: set[dt.date], figures: Iterable[str], scope: Q) -> dict[dt.date, dict]:
    rows = (
        model.objects.filter(scope, day__gte=min(covered), day__lte=max(covered))
        .values("day")
        .order_by("day")
        .annotate(**{f"agg_{name}": Sum(name) for name in figures})
    )
    out = {}
    for row in rows:
        day = row.pop("day")
        if day in covered:
            out[day] = {key.removeprefix("agg_"): value for key, value in row.items()}
    return out


def _daily(
    rng: Range,
    covered: set[dt.date],
    *,
    live: Callable[[Range], dict[dt.date, dict]],
    stored: Callable[[set[dt.date]], dict[dt.date, dict]],
) -> dict[dt.date, dict]:
    """Each day of the range: the closed days the sweep has stored (``covered``) read from the
    daily totals, every other day (today, or a day not summed yet) counted live."""
    out = stored(covered)
    days = [day for day in _each_day(rng) if day not in covered]
    for first, last in _runs(days):
        out.update(live(Range(first, last, DAY)))
    return out


def _each_day(rng: Range) -> list[dt.date]:
    return [rng.start + dt.timedelta(days=i) for i in range(rng.days)]


def _into_periods(rng: Range, daily: dict[dt.date, dict], defaults: dict[str, Any]) -> list[dict]:
    """The days added up into the range's periods (empty periods are rows of ``defaults``)."""
    rows = {period: {"period": period, **defaults} for period in rng.periods()}
    for day, values in daily.items():
        row = rows[period_start(day, rng.by)]
        for key, value in values.items():
            if value is not None and key in row:
                row[key] = row[key] + value
    return list(rows.values())


# --- 1. sales -----------------------------------------------------------------------------------


def sales_report(*, rng: Range, shop: str | None = None, use_summary: bool = True) -> list[dict[str, Any]]:
    """The seller center's (生意参谋) figures per period of the range.

    支付金额 = the buyer's actual payment of orders paid in the period, later refunds not taken off
    (they are reported beside it, on the day they were refunded); 客单价 = 支付金额 ÷ 支付买家数.
    Closed days are read from the daily totals the sweep keeps, today is counted live; the
    distinct buyers of a week or a month are counted over the whole period.
    """
    shop = shop or None
    defaults = {key: 0 for key in SALES_COUNTS} | {key: Decimal(0) for key in SALES_AMOUNTS}
    sources = sales_sources(shop=shop)
    covered = _summarized_days(rng, timezone.localdate()) if use_summary else set()
    if not covered:
        rows = _into_periods(rng, _counted_live(rng, sources), defaults)
    else:
        scope = Q(shop=shop, all_shops=False) if shop is not None else Q(all_shops=True)
        daily = _daily(
            rng,
            covered,
            live=lambda part: _counted_live(part, sources),
            stored=lambda covered: _stored_days(SalesDay, covered, defaults, scope),
        )
        rows = _into_periods(rng, daily, defaults)
        if rng.by != DAY:
            distinct = _counted_live(rng, [s for s in sources if s.name in SALES_DISTINCT_SOURCES])
            for row in rows:
                for key in SALES_DISTINCT:
                    row[key] = distinct.get(row["period"], {}).get(key, 0)
    for row in rows:
        for key in SALES_AMOUNTS:
            row[key] = money(row[key])
        row["avg_order_value"] = (
            money(row["paid_amount"] / row["paying_buyers"]) if row["paying_buyers"] else money(0)
        )
        row["conversion_rate"] = ratio(row["converted_customers"], row["asking_customers"])
    return rows


def sales_by_agent(
    *, rng: Range, agent_ids: list[int] | None = None, use_summary: bool = True
) -> list[dict[str, Any]]:
    """Per agent over the whole range: reminders sent, orders they recovered, chats answered."""
    chats_source = Source(
        "agent_chats",
        rated_chats(),
        "created_at",
        {
            "chats": Count("id"),
            "answered_chats": Count("id", filter=Q(first_response_at__isnull=False)),
            **chat_rating_aggregates(),
        },
        agent="agent_id",
    )
    sources = [agent_reminder_source(), chats_source]

    def live(part: Range) -> dict[int, dict]:
        out: dict[int, dict] = {}
        for source in sources:
            qs = _for_agents(source, agent_ids).filter(
                **{
                    f"{source.field}__gte": part.since,
                    f"{source.field}__lt": part.until,
                    f"{source.agent}__isnull": False,
                }
            )
            for row in qs.values(source.agent).order_by(source.agent).annotate(**source.aggregates):
                out.setdefault(row.pop(source.agent), {}).update(row)
        return out

    per_agent: dict[int, dict] = {}

    def add(found: dict[int, dict]) -> None:
        for agent_id, values in found.items():
            row = per_agent.setdefault(agent_id, {})
            for key, value in values.items():
                if value is not None:
                    row[key] = row.get(key, 0) + value

    covered = _summarized_days(rng, timezone.localdate()) if use_summary else set()
    if not covered:
        add(live(rng))
    else:
        # (rows exist only for the days marked summarized: they are written together)
        scope = Q(source__in=["chats", "agent_reminders"]) & ~Q(agent_id=0)
        if agent_ids is not None:
            scope &= Q(agent_id__in=agent_ids)
        stored = cast(
            Iterable[dict[str, Any]],
            ServiceDay.objects.filter(scope, day__gte=min(covered), day__lte=max(covered))
            .values("agent_id")
            .order_by("agent_id")
            .annotate(**{f"agg_{name}": Sum(name) for name in AGENT_FIGURES}),
        )
        add({row["agent_id"]: {name: row[f"agg_{name}"] for name in AGENT_FIGURES} for row in stored})
        for first, last in _runs([day for day in _each_day(rng) if day not in covered]):
            add(live(Range(first, last, DAY)))
    out = []
    for agent_id in sorted(per_agent):
        row = per_agent[agent_id]
        if not any(row.get(key) for key in ("reminders", "chats")):
            continue
        out.append(
            {
                "agent_id": agent_id,
                "reminders": row.get("reminders", 0),
                "recovered_orders": row.get("recovered_orders", 0),
                "recovered_amount": money(row.get("recovered_amount")),
                "chats": row.get("chats", 0),
                "answered_chats": row.get("answered_chats", 0),
                "ended_chats": row.get("ended_chats", 0),
                "rated_chats": row.get("rated_chats", 0),
                "satisfied_chats": row.get("satisfied_chats", 0),
                **rating_figures(row),
            }
        )
    return out


# --- 2. service ---------------------------------------------------------------------------------


def service_report(
    *,
    rng: Range,
    agent_ids: list[int] | None = None,
    target_seconds: float | None = None,
    use_summary: bool = True,
) -> list[dict]:
    """Chats, questions, after-sales, complaints and bad reviews per period.

    ``agent_ids``: an agent's view — her chats, replies, transfers and answers; the shop's
    questions, cases, complaints and reviews beside them. Each chat is judged against the
    first-response target in force when it began (``target_seconds`` is not used any more).
    """
    defaults: dict[str, Any] = {key: 0 for key in SERVICE_COUNTS} | {key: 0.0 for key in SERVICE_SUMS}
    sources = service_sources(since=rng.since, until=rng.until)
    stored_sources = [s for s in sources if not s.live]
    live_sources = [s for s in sources if s.live]
    covered = _summarized_days(rng, timezone.localdate()) if use_summary else set()
    if not covered:
        rows = _into_periods(rng, _counted_live(rng, sources, agent_ids), defaults)
    else:
        own = [s.name for s in stored_sources if s.agent]
        shop_wide = [s.name for s in stored_sources if not s.agent]
        if agent_ids is None:
            scope = Q(agent_id=0)
        else:
            scope = Q(source__in=own, agent_id__in=agent_ids) | Q(source__in=shop_wide, agent_id=0)

        def live(part: Range) -> dict[dt.date, dict]:
            part_sources = service_sources(since=part.since, until=part.until)
            return _counted_live(part, [s for s in part_sources if not s.live], agent_ids)

        daily = _daily(
            rng, covered, live=live, stored=lambda covered: _stored_days(ServiceDay, covered, defaults, scope)
        )
        rows = _into_periods(rng, daily, defaults)
        late = _counted_live(rng, live_sources, agent_ids)
        for row in rows:
            for key, value in late.get(row["period"], {}).items():
                row[key] += value
    for row in rows:
        row["first_response_avg"] = _average(row.pop("first_response_sum"), row.pop("first_response_count"))
        row["response_avg"] = _average(row.pop("response_sum"), row.pop("response_count"))
        row["in_time_rate"] = ratio(row["in_time_chats"], row["answered_chats"])
        row["abandon_rate"] = ratio(row["abandoned_chats"], row["chats"])
        row["transfer_rate"] = ratio(row["transfers"], row["chats"])
        row["first_contact_resolution"] = ratio(row["resolved_first_contact"], row["closed_chats"])
        row.update(rating_figures(row))
        row.pop("rating_sum")
    return rows


def _average(total: float, count: int) -> float | None:
    return round(float(total) / count, 1) if count else None


def aftersales_breakdown(*, rng: Range) -> list[dict]:
    """After-sales cases of the range by kind and cause (售后原因)."""
    rows = (
        AfterSalesCase.objects.filter(requested_at__gte=rng.since, requested_at__lt=rng.until)
        .values("kind", "reason")
        .annotate(cases=Count("id"), amount=Sum("refund_amount"))
        .order_by("kind", "-cases", "reason")
    )
    labels = dict(CaseKind.choices)
    return [
        {
            "kind": row["kind"],
            "kind_label": str(labels.get(row["kind"], row["kind"])),
            "reason": row["reason"],
            "cases": row["cases"],
            "refund_amount": money(row["amount"]) if row["amount"] is not None else None,
        }
        for row in rows
    ]


# --- live figures -------------------------------------------------------------------------------


def live_figures(*, now: dt.datetime | None = None, target_seconds: float) -> dict[str, Any]:
    """Today's figures for the top of the dashboard: what is waiting now and how fast we answer."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    since = dt.datetime.combine(today, dt.time.min, tzinfo=timezone.get_current_timezone())
    waiting = Conversation.objects.filter(status=ConversationStatus.WAITING).aggregate(
        n=Count("id"), oldest=Min("created_at")
    )
    awaiting = Conversation.objects.filter(
        status=ConversationStatus.ACTIVE, awaiting_since__isnull=False
    ).aggregate(n=Count("id"), oldest=Min("awaiting_since"))
    hour_ago = now - dt.timedelta(hours=1)
    recent = Message.objects.filter(
        conversation__created_at__gte=now - dt.timedelta(hours=6),
        created_at__gte=hour_ago,
        response_seconds__isnull=False,
    ).aggregate(avg=Avg("response_seconds"))
    today_chats = Conversation.objects.filter(created_at__gte=since).aggregate(
        chats=Count("id"),
        first_response_avg=Avg("first_response_seconds"),
        in_time=Count("id", filter=Q(first_response_seconds__lte=target_seconds)),
        answered=Count("id", filter=Q(first_response_at__isnull=False)),
    )
    paid_today = Order.objects.filter(paid_at__gte=since, paid_at__lte=now).aggregate(
        orders=Count("id"), amount=Sum("paid_amount")
    )
    overdue = WorkItem.objects.filter(state__in=OPEN_STATES, due_at__lt=now).count()

    def seconds_since(moment: dt.datetime | None) -> int | None:
        return int((now - moment).total_seconds()) if moment else None

    return {
        "waiting_chats": waiting["n"],
        "longest_wait_seconds": seconds_since(waiting["oldest"]),
        "awaiting_reply": awaiting["n"],
        "longest_unanswered_seconds": seconds_since(awaiting["oldest"]),
        "response_avg_last_hour": round(recent["avg"], 1) if recent["avg"] is not None else None,
        "overdue_items": overdue,
        "chats_today": today_chats["chats"],
        "first_response_avg_today": round(today_chats["first_response_avg"], 1)
        if today_chats["first_response_avg"] is not None
        else None,
        "in_time_rate_today": ratio(today_chats["in_time"], today_chats["answered"]),
        "paid_orders_today": paid_today["orders"],
        "paid_amount_today": money(paid_today["amount"]),
        "target_seconds": target_seconds,
    }


# --- 3. KPI -------------------------------------------------------------------------------------

KPI_PARTS = ("sales", "order_review", "aftersales", "statistics", "feedback")


def _by_agent(
    qs: QuerySet, agent_field: str, agent_ids: list[int] | None, **aggregates: Any
) -> dict[int, dict]:
    if agent_ids is not None:
        qs = qs.filter(**{f"{agent_field}__in": agent_ids})
    rows = qs.values(agent_field).order_by(agent_field).annotate(**aggregates)
    return {row.pop(agent_field): row for row in rows if row.get(agent_field) is not None}


def kpi_agents(agent_ids: list[int] | None) -> QuerySet:
    users = get_user_model().objects.filter(is_active=True)
    if agent_ids is not None:
        return users.filter(pk__in=agent_ids)
    return users.filter(groups__name__in=[roles.AGENT, roles.AFTERSALES]).distinct()


def kpi_report(*, rng: Range, agent_ids: list[int] | None = None) -> list[dict[str, Any]]:
    """Each agent's score out of 100 by the shop's weights, and what each part was made of.

    业绩: amount she brought in (orders linked to her chats, paid in the range, and orders paid
    after her reminder) ÷ the monthly target, pro rata for the range. 订单审核: orders she
    reviewed ÷ target. 售后: inbox items (after-sales, complaints, bad reviews, questions) she
    finished ÷ target. 统计: daily reports submitted ÷ days she worked. 问题反馈: the average
    score of her inspected chats (none inspected: full marks). Each error logged takes off points.
    """
    weights = {part: float(shopsettings.get(f"kpi_weight_{part}")) for part in KPI_PARTS}
    share = rng.days / 30
    targets = {
        "sales": float(shopsettings.get(rules.kpi_sales_target.key)) * share,
        "order_review": float(shopsettings.get(rules.kpi_review_target.key)) * share,
        "aftersales": float(shopsettings.get(rules.kpi_aftersales_target.key)) * share,
    }
    penalty = float(shopsettings.get(rules.kpi_error_penalty.key))
    within = {"gte": rng.since, "lt": rng.until}

    def between(field: str) -> dict[str, Any]:
        return {f"{field}__{op}": value for op, value in within.items()}

    chat_sales = _by_agent(
        Conversation.objects.filter(order__isnull=False, **between("order__paid_at")),
        "agent_id",
        agent_ids,
        amount=Sum("order__paid_amount"),
    )
    # her 催付 recovered and her chats' own satisfaction (shown beside the score, not scored)
    by_agent = {row["agent_id"]: row for row in sales_by_agent(rng=rng, agent_ids=agent_ids)}
    recovered = {agent_id: row["recovered_amount"] for agent_id, row in by_agent.items()}
    reviewed = _by_agent(
        Order.objects.filter(**between("reviewed_at")), "reviewed_by_id", agent_ids, n=Count("id")
    )
    done = _by_agent(
        WorkItem.objects.filter(state="done", **between("closed_at")), "owner_id", agent_ids, n=Count("id")
    )
    worked = _by_agent(
        Conversation.objects.filter(**between("created_at")).annotate(
            day=LocalPeriod("created_at", by="day", at=rng.since)
        ),
        "agent_id",
        agent_ids,
        n=Count("day", distinct=True),
    )
    reported = _by_agent(
        WorkReport.objects.filter(
            kind=WorkReportKind.DAY,
            submitted_at__isnull=False,
            period_start__gte=rng.start,
            period_start__lte=rng.end,
        ),
        "author_id",
        agent_ids,
        n=Count("id"),
    )
    quality = _by_agent(
        # the chats of the range, whenever they were inspected
        QualityReview.objects.filter(**between("conversation__created_at")),
        "agent_id",
        agent_ids,
        avg=Avg("score"),
        n=Count("id"),
    )
    errors = _by_agent(
        ErrorEntry.objects.filter(occurred_on__gte=rng.start, occurred_on__lte=rng.end),
        "agent_id",
        agent_ids,
        n=Count("id"),
        cost=Sum("cost"),
    )
    out = []
    for user in kpi_agents(agent_ids).order_by("username"):
        uid = user.pk
        sales_amount = money(chat_sales.get(uid, {}).get("amount")) + recovered.get(uid, money(0))
        measured = {
            "sales": float(sales_amount),
            "order_review": reviewed.get(uid, {}).get("n", 0),
            "aftersales": done.get(uid, {}).get("n", 0),
        }
        fractions = {
            part: min(1.0, measured[part] / targets[part]) if targets[part] else 1.0 for part in targets
        }
        days_worked = worked.get(uid, {}).get("n", 0)
        reports = reported.get(uid, {}).get("n", 0)
        fractions["statistics"] = min(1.0, reports / days_worked) if days_worked else 1.0
        q = quality.get(uid, {})
        fractions["feedback"] = (q["avg"] / 100) if q.get("n") else 1.0
        parts = {part: round(weights[part] * fractions[part], 1) for part in KPI_PARTS}
        error_count = errors.get(uid, {}).get("n", 0)
        total = max(0.0, sum(parts.values()) - penalty * error_count)
        out.append(
            {
                "agent_id": uid,
                "agent": user.get_full_name() or user.username,
                "sales_amount": sales_amount,
                "orders_reviewed": measured["order_review"],
                "items_done": measured["aftersales"],
                "days_worked": days_worked,
                "daily_reports": reports,
                "inspected_chats": q.get("n", 0),
                "quality_avg": round(q["avg"], 1) if q.get("n") else None,
                "errors": error_count,
                "error_cost": money(errors.get(uid, {}).get("cost")),
                "rated_chats": by_agent.get(uid, {}).get("rated_chats", 0),
                "rating_avg": by_agent.get(uid, {}).get("rating_avg"),
                "satisfied_rate": by_agent.get(uid, {}).get("satisfied_rate"),
                "survey_coverage": by_agent.get(uid, {}).get("survey_coverage"),
                **{f"score_{part}": parts[part] for part in KPI_PARTS},
                "score": round(total, 1),
            }
        )
    return out


# --- 4. quality inspection ----------------------------------------------------------------------


def quality_sample(
    *,
    rng: Range,
    agent_id: int | None,
    size: int,
    only: str = "",
    target_seconds: float,
) -> list[Conversation]:
    """Chats to inspect, drawn at random among the range's answered chats not inspected yet.

    ``only``: ``slow`` (first answer over the target), ``lint`` (an agent sent a reply past the
    wording check), ``abandoned`` (closed without an answer) — or any.
    """
    qs = Conversation.objects.filter(
        created_at__gte=rng.since, created_at__lt=rng.until, agent__isnull=False, quality_review__isnull=True
    )
    if agent_id:
        qs = qs.filter(agent_id=agent_id)
    if only == "slow":
        qs = qs.filter(first_response_seconds__gt=target_seconds)
    elif only == "lint":
        qs = qs.filter(Exists(Message.objects.filter(conversation=OuterRef("pk"), lint_overridden=True)))
    elif only == "abandoned":
        qs = qs.filter(status=ConversationStatus.CLOSED, first_response_at__isnull=True)
    return list(qs.select_related("agent").order_by("?")[:size])


def quality_review_list(*, agent_ids: list[int] | None, rng: Range | None = None) -> QuerySet[QualityReview]:
    qs = QualityReview.objects.select_related("agent", "reviewer", "conversation")
    if rng is not None:
        qs = qs.filter(created_at__gte=rng.since, created_at__lt=rng.until)
    return qs.filter(agent_id__in=agent_ids) if agent_ids is not None else qs


# --- 5. error log, rewards and penalties --------------------------------------------------------


def error_list(*, agent_ids: list[int] | None, rng: Range | None = None) -> QuerySet[ErrorEntry]:
    qs = ErrorEntry.objects.select_related("agent", "recorded_by")
    if rng is not None:
        qs = qs.filter(occurred_on__gte=rng.start, occurred_on__lte=rng.end)
    return qs.filter(agent_id__in=agent_ids) if agent_ids is not None else qs


def sanction_list(*, agent_ids: list[int] | None, rng: Range | None = None) -> QuerySet[Sanction]:
    """Rewards and penalties; with a range, those of the months it touches."""
    qs = Sanction.objects.select_related("agent", "recorded_by")
    if rng is not None:
        qs = qs.filter(month__gte=rng.start.replace(day=1), month__lte=rng.end)
    return qs.filter(agent_id__in=agent_ids) if agent_ids is not None else qs


def _name(user: Any) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


def record_rows(*, report: str, rng: Range, agent_ids: list[int] | None) -> list[dict[str, Any]]:
    """The quality inspections, errors or rewards and penalties of the range as download rows."""
    yes_no = {True: _("是"), False: _("否")}
    if report == "quality":
        return [
            {
                "inspected_on": timezone.localdate(r.created_at),
                "agent": _name(r.agent),
                "conversation_id": r.conversation_id,
                "score": r.score,
                **{
                    key: str(yes_no[getattr(r, key)])
                    for key in ("in_time", "wording_ok", "attitude_ok", "solved")
                },
                "comment": r.comment,
                "reviewer": _name(r.reviewer),
            }
            for r in quality_review_list(agent_ids=agent_ids, rng=rng)
        ]
    if report == "errors":
        return [
            {
                "occurred_on": e.occurred_on,
                "agent": _name(e.agent),
                "kind": str(e.get_kind_display()),
                "order_number": e.order_number,
                "description": e.description,
                "cost": e.cost,
                "recorded_by": _name(e.recorded_by),
            }
            for e in error_list(agent_ids=agent_ids, rng=rng)
        ]
    return [
        {
            "month": x.month,
            "agent": _name(x.agent),
            "kind": str(x.get_kind_display()),
            "amount": x.amount,
            "reason": x.reason,
        }
        for x in sanction_list(agent_ids=agent_ids, rng=rng)
    ]


# --- 6. work reports ----------------------------------------------------------------------------


DAILY_WORK_ZERO = {
    "chats": 0,
    "answered_chats": 0,
    "orders_reviewed": 0,
    "reminders": 0,
    "items_done": 0,
    "questions_answered": 0,
}


def daily_work_figures(*, day: dt.date, author_ids: list[int]) -> dict[int, dict[str, int]]:
    """What each agent did on ``day`` (a daily report's figures): one grouped query per source."""
    rng = Range(day, day, DAY)
    parts: list[tuple[QuerySet, str, str, dict[str, Any]]] = [
        (
            Conversation.objects.all(),
            "agent_id",
            "created_at",
            {"chats": Count("id"), "answered_chats": Count("id", filter=Q(first_response_at__isnull=False))},
        ),
        (Order.objects.all(), "reviewed_by_id", "reviewed_at", {"orders_reviewed": Count("id")}),
        (PaymentReminder.objects.all(), "agent_id", "created_at", {"reminders": Count("id")}),
        (WorkItem.objects.filter(state="done"), "owner_id", "closed_at", {"items_done": Count("id")}),
        (Question.objects.all(), "answered_by_id", "answered_at", {"questions_answered": Count("id")}),
    ]
    out = {author_id: dict(DAILY_WORK_ZERO) for author_id in author_ids}
    for qs, agent, field, aggregates in parts:
        rows = (
            qs.filter(**{f"{agent}__in": author_ids, f"{field}__gte": rng.since, f"{field}__lt": rng.until})
            .values(agent)
            .order_by(agent)
            .annotate(**aggregates)
        )
        for row in rows:
            out[row.pop(agent)].update(row)
    return out


def shifts_ended(*, since: dt.date, now: dt.datetime) -> list[tuple[int, dt.date]]:
    """(agent, day) of every shift of the rota from ``since`` that has ended by ``now``."""
    today = timezone.localdate(now)
    days = [since + dt.timedelta(days=i) for i in range((today - since).days + 1)]
    if not days:
        return []
    ended = []
    for row in team_selectors.rota_month(days=days).rows:
        for day, entry in zip(days, row.cells, strict=True):
            if entry is None or entry.duty not in WORKING_DUTIES:
                continue
            if team_rules.shift_hours(entry.duty).window(day)[1] <= now:
                ended.append((row.member.user_id, day))
    return ended


def daily_reports_pending(
    *, since: dt.date, now: dt.datetime, agent_ids: list[int] | None = None
) -> list[dict[str, Any]]:
    """Shifts ended since ``since`` whose daily report (日报) is not submitted: generated and
    waiting for the agent, or not there at all; the latest first."""
    shifts = [
        (user_id, day)
        for user_id, day in shifts_ended(since=since, now=now)
        if agent_ids is None or user_id in agent_ids
    ]
    if not shifts:
        return []
    reports = {
        (r.author_id, r.period_start): r
        for r in WorkReport.objects.filter(
            kind=WorkReportKind.DAY,
            period_start__gte=since,
            author_id__in={user_id for user_id, _day in shifts},
        )
    }
    users = {u.pk: u for u in get_user_model().objects.filter(pk__in={user_id for user_id, _day in shifts})}
    out = []
    for user_id, day in sorted(shifts, key=lambda s: (s[1], users[s[0]].username), reverse=True):
        report = reports.get((user_id, day))
        if report is not None and report.submitted_at is not None:
            continue
        user = users[user_id]
        out.append(
            {
                "agent_id": user_id,
                "agent": user.get_full_name() or user.username,
                "day": day,
                "report_id": report.pk if report else None,
            }
        )
    return out


def work_report_figures(*, author_id: int, kind: str, start: dt.date, end: dt.date) -> dict[str, Any]:
    """What the report's period holds: for a daily report the author's own work, for a weekly or
    monthly one the shop's sales and service totals (JSON-ready)."""
    if kind == WorkReportKind.DAY:
        return daily_work_figures(day=start, author_ids=[author_id]).get(author_id, dict(DAILY_WORK_ZERO))
    # the period is one whole week or month, so each report has one row: distinct buyers of the
    # period, not a sum of each day's
    whole = Range(start, end, "week" if kind == WorkReportKind.WEEK else "month")
    (sales,) = sales_report(rng=whole)
    service = service_report(rng=whole, agent_ids=None, target_seconds=rules.first_response_target())[0]
    figures = {**sales, **service}
    figures.pop("period")
    return {key: str(value) if isinstance(value, Decimal) else value for key, value in figures.items()}
