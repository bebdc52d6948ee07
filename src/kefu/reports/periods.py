"""Report periods: a range of the shop's days (Asia/Shanghai) cut into days, weeks or months.

A week starts on Monday and a month on its first day; a period is named by its first day, so a
week that began before the range is still named by its Monday. The range itself is whole days of
the shop's calendar: ``start`` 00:00 to the end of ``end`` in the shop's time zone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

DAY, WEEK, MONTH = "day", "week", "month"
GROUPINGS = (DAY, WEEK, MONTH)
MAX_DAYS = 366


def shop_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def period_start(day: dt.date, by: str) -> dt.date:
    """The first day of the period ``day`` falls in."""
    if by == WEEK:
        return day - dt.timedelta(days=day.weekday())
    if by == MONTH:
        return day.replace(day=1)
    return day


def _next_period(first: dt.date, by: str) -> dt.date:
    if by == WEEK:
        return first + dt.timedelta(days=7)
    if by == MONTH:
        return (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return first + dt.timedelta(days=1)


@dataclass(frozen=True)
class Range:
    start: dt.date
    end: dt.date  # inclusive
    by: str = DAY

    @property
    def since(self) -> dt.datetime:
        """The first instant of ``start`` in the shop's time zone."""
        return dt.datetime.combine(self.start, dt.time.min, tzinfo=shop_zone())

    @property
    def until(self) -> dt.datetime:
        """The first instant after ``end`` (exclusive bound)."""
        return dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, tzinfo=shop_zone())

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def periods(self) -> list[dt.date]:
        """Every period of the range, empty ones included, so a chart has no gaps."""
        out = []
        first = period_start(self.start, self.by)
        while first <= self.end:
            out.append(first)
            first = _next_period(first, self.by)
        return out

    def previous(self) -> Range:
        """The range of the same length just before this one (for a comparison)."""
        length = dt.timedelta(days=self.days)
        return Range(self.start - length, self.end - length, self.by)


def range_check(*, start: dt.date | None, end: dt.date | None, by: str = DAY) -> Range:
    """The range, or a ValidationError saying in the user's words what is wrong with it."""
    errors: dict[str, str] = {}
    if start is None:
        errors["start"] = _("请填写开始日期。")
    if end is None:
        errors["end"] = _("请填写结束日期。")
    if by not in GROUPINGS:
        errors["by"] = _("汇总方式只能是 day（按日）、week（按周）或 month（按月）。")
    if errors:
        raise ValidationError(errors)
    assert start is not None and end is not None
    if end < start:
        raise ValidationError({"end": _("结束日期不能早于开始日期。")})
    if (end - start).days + 1 > MAX_DAYS:
        raise ValidationError(
            {"end": _("日期范围最长一年（%(days)s 天），请缩短范围。") % {"days": MAX_DAYS}}
        )
    return Range(start, end, by)
