"""The team's rules: shift hours, chat limits, staffing targets and promotion targets, each a shop
setting (changeable at /desk/settings/), and the pure functions that read them.

The shift hours overlap on purpose (day 8:30–16:30, night 16:00–24:00): the half hour in between
is when the handover book is read.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core import shopsettings
from kefu.core.shopsettings import define

define("team_shift_day_hours", "08:30-16:30", label="白班时间（HH:MM-HH:MM）")
define(
    "team_shift_night_hours",
    "16:00-24:00",
    label="晚班时间（HH:MM-HH:MM）",
    help_text="与白班重叠的半小时用于交接；24:00 表示午夜",
)
define("team_days_on", 6, label="排班：连续上班天数", help_text="上六休一：每上 6 天休 1 天")
define("team_max_concurrent_chats", 5, label="每名客服同时接待的会话上限", help_text="可在团队成员上单独设置")
define(
    "staffing_service_level", 0.8, label="人力测算：服务水平目标（0–1）", help_text="例如 0.8 表示 80% 的咨询"
)
define("staffing_answer_within_seconds", 20, label="人力测算：应答时限（秒）")
define("staffing_shrinkage", 0.3, label="人力测算：缺勤率（0–1）", help_text="休息、用餐、请假、培训所占比例")
define("staffing_default_aht_seconds", 180, label="人力测算：无历史时的平均处理时长（秒）")
define(
    "promotion_first_response_seconds",
    300,
    label="大促期间首次响应目标（秒）",
    help_text="大促期间报表和控制台按这个目标考核（平时按“在线咨询首次响应目标”）",
)


class Shift:
    DAY = "day"
    NIGHT = "night"


SHIFT_LABELS = {Shift.DAY: "白班", Shift.NIGHT: "晚班"}


@dataclass(frozen=True)
class ShiftHours:
    start: time
    end_minutes: int  # minutes after the day's midnight (1440 = midnight)

    @property
    def start_minutes(self) -> int:
        return self.start.hour * 60 + self.start.minute

    def window(self, day: date) -> tuple[datetime, datetime]:
        """The shift on ``day`` as aware datetimes in the shop's time zone."""
        start = timezone.make_aware(datetime.combine(day, time.min)) + timedelta(minutes=self.start_minutes)
        end = timezone.make_aware(datetime.combine(day, time.min)) + timedelta(minutes=self.end_minutes)
        return start, end

    def covers_half_hour(self, slot: int) -> bool:
        """Whether half hour ``slot`` (0 = 00:00–00:30 … 47) lies inside the shift."""
        return self.start_minutes <= slot * 30 and (slot + 1) * 30 <= self.end_minutes


def parse_hours(text: str) -> ShiftHours:
    """ "08:30-16:30" → the shift's hours; "24:00" is midnight at the end of the day."""
    try:
        left, right = str(text).replace("：", ":").replace("–", "-").split("-", 1)
        sh, sm = (int(x) for x in left.strip().split(":", 1))
        eh, em = (int(x) for x in right.strip().split(":", 1))
        start = time(sh, sm)
        end_minutes = eh * 60 + em
        if eh > 24 or em > 59 or end_minutes > 1440:
            raise ValueError
        if end_minutes == 0:
            end_minutes = 1440
    except ValueError:
        raise ValidationError(_("班次时间格式应为 HH:MM-HH:MM，例如 08:30-16:30。")) from None
    if end_minutes <= start.hour * 60 + start.minute:
        raise ValidationError(_("班次结束时间必须晚于开始时间。"))
    return ShiftHours(start=start, end_minutes=end_minutes)


def shift_hours(shift: str) -> ShiftHours:
    key = "team_shift_day_hours" if shift == Shift.DAY else "team_shift_night_hours"
    return parse_hours(str(shopsettings.get(key)))


def shifts_at(at: datetime) -> list[str]:
    """The shifts running at ``at`` (two during the overlap)."""
    local = timezone.localtime(at)
    minutes = local.hour * 60 + local.minute
    found = []
    for shift in (Shift.DAY, Shift.NIGHT):
        hours = shift_hours(shift)
        if hours.start_minutes <= minutes < hours.end_minutes:
            found.append(shift)
    return found


def rest_days(*, days: list[date], days_on: int, last_rest: date | None, stagger: int) -> set[date]:
    """The days off of one agent in a "six on, one off" rota (上六休一) over consecutive ``days``.

    An agent who had a rest day before the period keeps the rhythm: every ``days_on + 1``-th day
    after it (so a new month never makes anyone work seven days in a row). An agent new to the
    rota starts at ``stagger`` (their place in the team), so the team's rest days spread evenly
    over the week and each day keeps about the same number of people at work.
    """
    cycle = days_on + 1
    if last_rest is not None:
        return {d for d in days if (d - last_rest).days % cycle == 0}
    return {d for i, d in enumerate(days) if (i + stagger) % cycle == cycle - 1}


def stagger_of(index: int, members: int, days_on: int) -> int:
    """Where in the cycle the ``index``-th of ``members`` new agents starts: spread evenly."""
    cycle = days_on + 1
    return (index * cycle) // members if members >= cycle else index % cycle


def max_concurrent_chats(override: int | None) -> int:
    return override if override else int(shopsettings.get("team_max_concurrent_chats"))


def long_runs(*, working: set[date], days_on: int) -> set[date]:
    """The working days that belong to a run of more than ``days_on`` days in a row: where a
    rota changed by hand breaks "six on, one off" (上六休一). A day without a rota entry breaks
    a run, as a rest day does."""
    out: set[date] = set()
    run: list[date] = []
    for day in sorted(working):
        if run and (day - run[-1]).days != 1:
            if len(run) > days_on:
                out.update(run)
            run = []
        run.append(day)
    if len(run) > days_on:
        out.update(run)
    return out
