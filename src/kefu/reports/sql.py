"""The shop's day, week and month of a timestamp, computed by the database itself.

Django's ``TruncDay(tzinfo=…)`` on SQLite calls a Python function for every row, which is too slow
for a million orders; here SQLite shifts the stored UTC text by the shop's offset with its own
``date()`` and PostgreSQL converts with ``AT TIME ZONE``. Both give the same first day of the
period. The shop's zone must keep one offset over the range (Asia/Shanghai has had no daylight
saving since 1991); the offset is taken at the start of the range.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import DateField, Func

from kefu.reports.periods import DAY, GROUPINGS, MONTH, WEEK, shop_zone


class LocalPeriod(Func):
    """``LocalPeriod("paid_at", by="week", at=range.since)``: the period's first day (a date)."""

    output_field = DateField()

    def __init__(self, expression, *, by: str, at: dt.datetime) -> None:
        if by not in GROUPINGS:
            raise ValueError(by)
        self.by = by
        offset = at.astimezone(shop_zone()).utcoffset() or dt.timedelta(0)
        self.offset_seconds = int(offset.total_seconds())
        super().__init__(expression)

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        modifiers = [f"'{self.offset_seconds:+d} seconds'"]
        if self.by == WEEK:
            modifiers += ["'weekday 0'", "'-6 days'"]  # the Sunday ending the week, back to Monday
        elif self.by == MONTH:
            modifiers.append("'start of month'")
        return f"date({sql}, {', '.join(modifiers)})", params

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        local = f"({sql} AT TIME ZONE %s)"
        zone = [str(shop_zone())]
        if self.by == DAY:
            return f"({local})::date", [*params, *zone]
        unit = "week" if self.by == WEEK else "month"
        return f"date_trunc('{unit}', {local})::date", [*params, *zone]

    def as_sql(self, compiler, connection, **extra_context):  # other databases: not supported
        raise NotImplementedError(f"LocalPeriod is not written for {connection.vendor}")
