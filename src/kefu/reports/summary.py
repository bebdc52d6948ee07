"""The daily totals: each closed day's figures stored once, so a month's report reads 30 rows.

The reports' sweep counts every source of ``selectors`` per day with one ``INSERT … SELECT …
GROUP BY day`` each — for all shops, for each shop, for the whole team and per agent — and marks
the day as summarized. Days are recounted when they are new, when they are among the last
``report_summary_recent_days`` (late payments, 催付 recovered, chats closing, conversions; every
``report_summary_refresh_minutes``) and when an order import finished since they were counted
(recounting the days of the orders it wrote). Today is never stored: the reports count it live.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Model
from django.utils import timezone

from kefu.core import shopsettings
from kefu.orders.models import Order, OrderImport
from kefu.reports import rules, selectors
from kefu.reports.models import SalesDay, ServiceDay, SummarizedDay
from kefu.reports.periods import DAY, MAX_DAYS, Range
from kefu.reports.sql import LocalPeriod

# the oldest day kept: any range a report accepts that ends today
HISTORY_DAYS = MAX_DAYS + 1
# days counted per run at most, the newest first: a first run over a year of a big shop is spread
# over the next minutes' runs instead of holding the sweeps' lock for minutes
DAYS_PER_RUN = 31


def _insert(
    model: type[Model], source: selectors.Source, rng: Range, fixed: dict[str, Any], *, per_agent: bool
) -> None:
    """``INSERT INTO model (day, …) SELECT period, … FROM (the source grouped by day)``."""
    qs = source.queryset.filter(**{f"{source.field}__gte": rng.since, f"{source.field}__lt": rng.until})
    group = ["period"]
    if per_agent:
        qs = qs.filter(**{f"{source.agent}__isnull": False}).annotate(dim_agent=F(source.agent))
        group.append("dim_agent")
    qs = (
        qs.annotate(period=LocalPeriod(source.field, by=DAY, at=rng.since))
        .values(*group)
        .order_by()
        .annotate(**{f"agg_{name}": aggregate for name, aggregate in source.aggregates.items()})
    )
    inner, inner_params = qs.query.sql_with_params()
    quote = connection.ops.quote_name
    columns, selects, params = ["day", "source"], ["sub.period", "%s"], [source.name]
    for column, value in fixed.items():
        columns.append(column)
        selects.append("%s")
        params.append(value)
    if per_agent:
        columns.append("agent_id")
        selects.append("sub.dim_agent")
    for name in source.aggregates:
        columns.append(name)
        selects.append(f"COALESCE(sub.agg_{name}, 0)")
    for field in model._meta.concrete_fields:
        if field.column not in columns and not field.primary_key:
            columns.append(field.column)
            selects.append("0")
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) "
        f"SELECT {', '.join(selects)} FROM ({inner}) sub"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *inner_params])


def summarize_days(*, first: dt.date, last: dt.date, now: dt.datetime) -> int:
    """Count the closed days ``first``..``last`` again into the daily totals; returns the days."""
    rng = Range(first, last, DAY)
    shops = list(Order.objects.order_by().values_list("shop", flat=True).distinct())
    with transaction.atomic():
        for model in (SalesDay, ServiceDay):
            model.objects.filter(day__gte=first, day__lte=last)._raw_delete(model.objects.db)
        for source in selectors.sales_sources(shop=None):
            _insert(SalesDay, source, rng, {"all_shops": True, "shop": ""}, per_agent=False)
        for shop in shops:
            for source in selectors.sales_sources(shop=shop):
                _insert(SalesDay, source, rng, {"all_shops": False, "shop": shop}, per_agent=False)
        for source in selectors.service_sources(since=rng.since, until=rng.until):
            if source.live:
                continue
            _insert(ServiceDay, source, rng, {"agent_id": 0}, per_agent=False)
            if source.agent:
                _insert(ServiceDay, source, rng, {}, per_agent=True)
        _insert(ServiceDay, selectors.agent_reminder_source(), rng, {}, per_agent=True)
        days = [first + dt.timedelta(days=i) for i in range(rng.days)]
        SummarizedDay.objects.filter(day__in=days).update(computed_at=now)
        known = set(SummarizedDay.objects.filter(day__in=days).values_list("day", flat=True))
        SummarizedDay.objects.bulk_create(
            [SummarizedDay(day=day, computed_at=now) for day in days if day not in known]
        )
    return len(days)


def days_due(*, now: dt.datetime) -> list[dt.date]:
    """The closed days to count (again): never counted, recent and stale, or touched by an import."""
    today = timezone.localdate(now)
    last = today - dt.timedelta(days=1)
    first = today - dt.timedelta(days=HISTORY_DAYS)
    counted = dict(SummarizedDay.objects.filter(day__gte=first).values_list("day", "computed_at"))
    recent = max(
        int(shopsettings.get(rules.summary_recent_days.key)),
        int(shopsettings.get(rules.conversion_days.key)) + 1,
    )
    recent_from = today - dt.timedelta(days=recent)
    stale_before = now - dt.timedelta(minutes=int(shopsettings.get(rules.summary_refresh_minutes.key)))
    due = set()
    day = first
    while day <= last:
        at = counted.get(day)
        if at is None or (day >= recent_from and at < stale_before):
            due.add(day)
        day += dt.timedelta(days=1)
    if counted:
        due |= _days_imported_since(max(counted.values()), first, last)
    return sorted(due)


def _days_imported_since(since: dt.datetime, first: dt.date, last: dt.date) -> set[dt.date]:
    """The days of the orders an import wrote, for imports finished after ``since``."""
    started = (
        OrderImport.objects.filter(finished_at__gt=since)
        .order_by("created_at")
        .values_list("created_at", flat=True)
    )
    if not started:
        return set()
    touched = Order.objects.filter(updated_at__gte=started[0])
    rng = Range(first, last, DAY)
    days: set[dt.date] = set()
    for field in ("created_at", "paid_at"):
        for value in (
            touched.filter(**{f"{field}__gte": rng.since, f"{field}__lt": rng.until})
            .annotate(day=LocalPeriod(field, by=DAY, at=rng.since))
            .order_by()
            .values_list("day", flat=True)
            .distinct()
        ):
            days.add(dt.date.fromisoformat(value) if isinstance(value, str) else value)
    return days


def summary_sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """The sweep: count the days due (the newest ``DAYS_PER_RUN``) into the daily totals, in runs of
    consecutive days."""
    now = now or timezone.now()
    done = 0
    due = days_due(now=now)[-DAYS_PER_RUN:]
    for first, last in selectors._runs(due):
        try:
            done += summarize_days(first=first, last=last, now=now)
        except IntegrityError:  # another worker counted the same days at the same moment
            continue
    return {"days_summarized": done}
