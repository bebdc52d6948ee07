"""The figures, each computed by the database in one grouped query per source table.

Every report is a list of rows, one per period of the range (empty periods included), built from
a handful of ``GROUP BY period`` queries; Python only merges those few dozen aggregate rows. Money
is summed by the database and quantized to cents here, so SQLite and PostgreSQL print the same.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Avg, CharField, Count, Exists, F, Min, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Cast
from django.utils import timezone

from kefu.aftersales.models import AfterSalesCase, BadReview, CaseKind, Complaint
from kefu.chat.models import Conversation, ConversationStatus, Message
from kefu.core import roles, shopsettings
from kefu.core.models import ActivityLog
from kefu.helpcenter.models import Question
from kefu.inbox.models import OPEN_STATES, WorkItem
from kefu.orders.models import Order, PaymentReminder
from kefu.reports import rules
from kefu.reports.models import ErrorEntry, QualityReview, Sanction, WorkReport, WorkReportKind
from kefu.reports.periods import Range
from kefu.reports.sql import LocalPeriod

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


def _merge(rng: Range, parts: Iterable[dict[dt.date, dict]], defaults: dict[str, Any]) -> list[dict]:
    groups = list(parts)
    rows = []
    for period in rng.periods():
        row: dict[str, Any] = {"period": period, **defaults}
        for group in groups:
            for key, value in group.get(period, {}).items():
                if value is not None:
                    row[key] = value
        rows.append(row)
    return rows


# --- 1. sales -----------------------------------------------------------------------------------

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


def _orders(shop: str | None) -> QuerySet[Order]:
    qs = Order.objects.all()
    return qs.filter(shop=shop) if shop else qs


def sales_report(*, rng: Range, shop: str | None = None) -> list[dict[str, Any]]:
    """The seller center's (生意参谋) figures per period of the range.

    支付金额 = the buyer's actual payment of orders paid in the period, later refunds not taken off
    (they are reported beside it, on the day they were refunded); 客单价 = 支付金额 ÷ 支付买家数.
    """
    orders = _orders(shop)
    paid = _grouped(
        orders.filter(paid_at__isnull=False),
        "paid_at",
        rng,
        paid_orders=Count("id"),
        paid_amount=Sum("paid_amount"),
        paying_buyers=Count("buyer_nick", distinct=True),
    )
    # 下单未付款: placed in the period and not paid (read from the partial index of unpaid orders)
    unpaid = _grouped(
        orders.filter(paid_at__isnull=True),
        "created_at",
        rng,
        unpaid_orders=Count("id"),
        unpaid_amount=Sum(F("goods_amount") + F("postage")),
    )
    cases = AfterSalesCase.objects.filter(refund_amount__isnull=False)
    if shop:
        cases = cases.filter(order__shop=shop)
    refunds = _grouped(
        cases,
        "refunded_at",
        rng,
        refunds=Count("id"),
        refund_amount=Sum("refund_amount"),
        rights_refunds=Count("id", filter=Q(rights_protection=True)),
        rights_refund_amount=Sum("refund_amount", filter=Q(rights_protection=True)),
    )
    reminder_qs = PaymentReminder.objects.all()
    if shop:
        reminder_qs = reminder_qs.filter(order__shop=shop)
    reminders = _grouped(reminder_qs, "created_at", rng, reminders=Count("id"))
    # 催付挽回: orders paid in the period after at least one reminder, by the day they were paid
    reminded = PaymentReminder.objects.filter(order=OuterRef("pk"), created_at__lt=OuterRef("paid_at"))
    recovered = _grouped(
        orders.filter(paid_at__isnull=False).filter(Exists(reminded)),
        "paid_at",
        rng,
        recovered_orders=Count("id"),
        recovered_amount=Sum("paid_amount"),
    )
    conversion = _conversion(rng, shop)
    rows = _merge(
        rng,
        [paid, unpaid, refunds, reminders, recovered, conversion],
        {key: 0 for key in SALES_COUNTS} | {key: Decimal(0) for key in SALES_AMOUNTS},
    )
    for row in rows:
        for key in SALES_AMOUNTS:
            row[key] = money(row[key])
        row["avg_order_value"] = (
            money(row["paid_amount"] / row["paying_buyers"]) if row["paying_buyers"] else money(0)
        )
        row["conversion_rate"] = ratio(row["converted_customers"], row["asking_customers"])
    return rows


def _conversion(rng: Range, shop: str | None) -> dict[dt.date, dict]:
    """Customers who asked (a chat or a help-center question) and ordered within N days after.

    A chat's customer is the name the buyer gave (their member name, 买家会员名); a question's is
    its 旺旺 id. A buyer who asked both ways counts once per way.
    """
    days = dt.timedelta(days=int(shopsettings.get(rules.conversion_days.key)))
    orders = _orders(shop)
    chats = Conversation.objects.exclude(buyer_name="").annotate(
        ordered=Exists(
            orders.filter(
                buyer_nick=OuterRef("buyer_name"),
                created_at__gte=OuterRef("created_at"),
                created_at__lt=OuterRef("created_at") + days,
            )
        )
    )
    questions = Question.objects.exclude(im_id="").annotate(
        ordered=Exists(
            orders.filter(
                buyer_nick=OuterRef("im_id"),
                created_at__gte=OuterRef("created_at"),
                created_at__lt=OuterRef("created_at") + days,
            )
        )
    )
    by_chat = _grouped(
        chats,
        "created_at",
        rng,
        c_asking=Count("buyer_name", distinct=True),
        c_converted=Count("buyer_name", distinct=True, filter=Q(ordered=True)),
    )
    by_question = _grouped(
        questions,
        "created_at",
        rng,
        q_asking=Count("im_id", distinct=True),
        q_converted=Count("im_id", distinct=True, filter=Q(ordered=True)),
    )
    out: dict[dt.date, dict] = {}
    for period in set(by_chat) | set(by_question):
        chat = by_chat.get(period, {})
        question = by_question.get(period, {})
        out[period] = {
            "asking_customers": chat.get("c_asking", 0) + question.get("q_asking", 0),
            "converted_customers": chat.get("c_converted", 0) + question.get("q_converted", 0),
        }
    return out


def sales_by_agent(*, rng: Range, agent_ids: list[int] | None = None) -> list[dict[str, Any]]:
    """Per agent over the whole range: reminders sent, orders they recovered, chats and conversions."""
    reminders = PaymentReminder.objects.filter(
        created_at__gte=rng.since, created_at__lt=rng.until, agent__isnull=False
    )
    chats = Conversation.objects.filter(
        created_at__gte=rng.since, created_at__lt=rng.until, agent__isnull=False
    )
    if agent_ids is not None:
        reminders = reminders.filter(agent_id__in=agent_ids)
        chats = chats.filter(agent_id__in=agent_ids)
    # An order chased several times is credited once, to whoever chased it last before payment.
    later = PaymentReminder.objects.filter(order_id=OuterRef("order_id"), sequence__gt=OuterRef("sequence"))
    last_before_payment = Q(order__paid_at__gt=F("created_at"), last=True)
    by_reminder: dict[int, dict[str, Any]] = {
        row["agent_id"]: dict(row)
        for row in reminders.annotate(last=~Exists(later))
        .values("agent_id")
        .order_by("agent_id")
        .annotate(
            reminders=Count("id"),
            recovered_orders=Count("id", filter=last_before_payment),
            amount=Sum("order__paid_amount", filter=last_before_payment),
        )
    }
    by_chat: dict[int, dict[str, Any]] = {
        row["agent_id"]: dict(row)
        for row in chats.values("agent_id").annotate(
            chats=Count("id"), answered=Count("id", filter=Q(first_response_at__isnull=False))
        )
    }
    ids = sorted(set(by_reminder) | set(by_chat))
    return [
        {
            "agent_id": agent_id,
            "reminders": by_reminder.get(agent_id, {}).get("reminders", 0),
            "recovered_orders": by_reminder.get(agent_id, {}).get("recovered_orders", 0),
            "recovered_amount": money(by_reminder.get(agent_id, {}).get("amount")),
            "chats": by_chat.get(agent_id, {}).get("chats", 0),
            "answered_chats": by_chat.get(agent_id, {}).get("answered", 0),
        }
        for agent_id in ids
    ]


# --- 2. service ---------------------------------------------------------------------------------

SERVICE_COUNTS = (
    "chats",
    "answered_chats",
    "in_time_chats",
    "abandoned_chats",
    "transfers",
    "closed_chats",
    "resolved_first_contact",
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
)


def service_report(*, rng: Range, agent_ids: list[int] | None = None, target_seconds: float) -> list[dict]:
    """Chats, questions, after-sales, complaints and bad reviews per period."""
    chats_qs = Conversation.objects.all()
    messages = Message.objects.filter(response_seconds__isnull=False)
    transfers_qs = ActivityLog.objects.filter(verb="chat_transfer")
    if agent_ids is not None:
        chats_qs = chats_qs.filter(agent_id__in=agent_ids)
        messages = messages.filter(author_id__in=agent_ids)
        transfers_qs = transfers_qs.filter(actor_id__in=agent_ids)
    transferred = ActivityLog.objects.filter(
        verb="chat_transfer", content_type__model="conversation", object_id=Cast(OuterRef("pk"), CharField())
    )
    chats = _grouped(
        chats_qs.annotate(transferred=Exists(transferred)),
        "created_at",
        rng,
        chats=Count("id"),
        answered_chats=Count("id", filter=Q(first_response_at__isnull=False)),
        # judged against the target in force when each chat began (a promotion's during one)
        in_time_chats=Count(
            "id",
            filter=Q(
                first_response_seconds__lte=rules.first_response_target_of_chat(
                    since=rng.since, until=rng.until
                )
            ),
        ),
        first_response_avg=Avg("first_response_seconds"),
        abandoned_chats=Count(
            "id", filter=Q(status=ConversationStatus.CLOSED, first_response_at__isnull=True)
        ),
        closed_chats=Count("id", filter=Q(status=ConversationStatus.CLOSED, first_response_at__isnull=False)),
        resolved_first_contact=Count(
            "id",
            filter=Q(status=ConversationStatus.CLOSED, first_response_at__isnull=False, transferred=False)
            & Q(session_started_at=F("created_at")),
        ),
    )
    # by the day the chat started: the messages are reached through the chats of the range (a
    # shop has far more messages than chats, and no index on a message's time)
    responses = _grouped(messages, "conversation__created_at", rng, response_avg=Avg("response_seconds"))
    transfers = _grouped(transfers_qs, "created_at", rng, transfers=Count("id"))
    questions = _grouped(Question.objects.all(), "created_at", rng, questions=Count("id"))
    answered_qs = Question.objects.filter(answered_at__isnull=False)
    if agent_ids is not None:
        answered_qs = answered_qs.filter(answered_by_id__in=agent_ids)
    answered = _grouped(answered_qs, "answered_at", rng, questions_answered=Count("id"))
    cases = _grouped(AfterSalesCase.objects.all(), "requested_at", rng, cases=Count("id"))
    complaints = _grouped(
        Complaint.objects.all(),
        "received_at",
        rng,
        complaints=Count("id"),
        complaints_satisfied=Count("id", filter=Q(satisfaction__in=["satisfied", "partly"])),
        complaints_unsatisfied=Count("id", filter=Q(satisfaction="unsatisfied")),
    )
    reviews = _grouped(
        BadReview.objects.all(),
        "reviewed_at",
        rng,
        bad_reviews=Count("id"),
        bad_reviews_changed=Count("id", filter=Q(outcome="changed")),
        bad_reviews_explained=Count("id", filter=Q(outcome="explained")),
        bad_reviews_unresolved=Count("id", filter=Q(outcome="unresolved")),
    )
    rows = _merge(
        rng,
        [chats, responses, transfers, questions, answered, cases, complaints, reviews],
        {key: 0 for key in SERVICE_COUNTS} | {"first_response_avg": None, "response_avg": None},
    )
    for row in rows:
        for key in ("first_response_avg", "response_avg"):
            row[key] = round(row[key], 1) if row[key] is not None else None
        row["in_time_rate"] = ratio(row["in_time_chats"], row["answered_chats"])
        row["abandon_rate"] = ratio(row["abandoned_chats"], row["chats"])
        row["transfer_rate"] = ratio(row["transfers"], row["chats"])
        row["first_contact_resolution"] = ratio(row["resolved_first_contact"], row["closed_chats"])
    return rows


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
    recovered = {
        row["agent_id"]: row["recovered_amount"] for row in sales_by_agent(rng=rng, agent_ids=agent_ids)
    }
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


def quality_review_list(*, agent_ids: list[int] | None) -> QuerySet[QualityReview]:
    qs = QualityReview.objects.select_related("agent", "reviewer", "conversation")
    return qs.filter(agent_id__in=agent_ids) if agent_ids is not None else qs


# --- 5. error log, rewards and penalties --------------------------------------------------------


def error_list(*, agent_ids: list[int] | None) -> QuerySet[ErrorEntry]:
    qs = ErrorEntry.objects.select_related("agent", "recorded_by")
    return qs.filter(agent_id__in=agent_ids) if agent_ids is not None else qs


def sanction_list(*, agent_ids: list[int] | None) -> QuerySet[Sanction]:
    qs = Sanction.objects.select_related("agent", "recorded_by")
    return qs.filter(agent_id__in=agent_ids) if agent_ids is not None else qs


# --- 6. work reports ----------------------------------------------------------------------------


def work_report_figures(*, author_id: int, kind: str, start: dt.date, end: dt.date) -> dict[str, Any]:
    """What the report's period holds: for a daily report the author's own work, for a weekly or
    monthly one the shop's sales and service totals (JSON-ready)."""
    rng = Range(start, end, "day")
    if kind == WorkReportKind.DAY:
        between = {"gte": rng.since, "lt": rng.until}

        def b(field: str) -> dict:
            return {f"{field}__{op}": v for op, v in between.items()}

        chats = Conversation.objects.filter(agent_id=author_id, **b("created_at")).aggregate(
            chats=Count("id"), answered=Count("id", filter=Q(first_response_at__isnull=False))
        )
        return {
            "chats": chats["chats"],
            "answered_chats": chats["answered"],
            "orders_reviewed": Order.objects.filter(reviewed_by_id=author_id, **b("reviewed_at")).count(),
            "reminders": PaymentReminder.objects.filter(agent_id=author_id, **b("created_at")).count(),
            "items_done": WorkItem.objects.filter(owner_id=author_id, state="done", **b("closed_at")).count(),
            "questions_answered": Question.objects.filter(
                answered_by_id=author_id, **b("answered_at")
            ).count(),
        }
    # the period is one whole week or month, so each report has one row: distinct buyers of the
    # period, not a sum of each day's
    whole = Range(start, end, "week" if kind == WorkReportKind.WEEK else "month")
    (sales,) = sales_report(rng=whole)
    service = service_report(rng=whole, agent_ids=None, target_seconds=rules.first_response_target())[0]
    figures = {**sales, **service}
    figures.pop("period")
    return {key: str(value) if isinstance(value, Decimal) else value for key, value in figures.items()}
