"""The order-review rules, each in one function named in the shop's own words.

Numbers come from the shop settings (``orders/rules.py``); pages, the API and the services all ask
here, so a warning on the review page and the bulk-confirm filter can never disagree.
"""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core import shopsettings
from kefu.orders.models import FlagColour, Order


def is_remote_area(province: str) -> bool:
    """偏远地区: the address's province starts with one of the shop's remote provinces."""
    province = (province or "").strip()
    return bool(province) and any(province.startswith(p) for p in shopsettings.get("remote_provinces") if p)


def expected_postage(order: Order) -> Decimal:
    """The shop's postage rule: the remote-area rate for remote provinces, else the standard rate."""
    key = "postage_remote" if is_remote_area(order.receiver_province) else "postage_standard"
    return Decimal(str(shopsettings.get(key))).quantize(Decimal("0.01"))


def postage_matches(order: Order) -> bool:
    return Decimal(order.postage).quantize(Decimal("0.01")) == expected_postage(order)


def flag_meanings() -> dict[str, str]:
    """colour -> what the shop says it means (``red=特殊要求, purple=催付`` by default)."""
    meanings = {}
    for entry in shopsettings.get("flag_meanings"):
        colour, _sep, meaning = str(entry).partition("=")
        if colour.strip() in FlagColour.values:
            meanings[colour.strip()] = meaning.strip()
    return meanings


def flag_label(colour: str) -> str:
    if not colour:
        return ""
    meaning = flag_meanings().get(colour, "")
    label = FlagColour(colour).label
    return f"{label}（{meaning}）" if meaning else str(label)


def has_special_request(order: Order) -> bool:
    return bool(order.buyer_message.strip()) or order.flag == shopsettings.get("special_request_flag")


def bulk_confirmable(order: Order) -> bool:
    """Retail orders of fewer than 5 pieces with no special request skip manual review: the shop
    checks by hand only what is worth checking."""
    return order.item_count < int(shopsettings.get("bulk_confirm_max_pieces")) and not has_special_request(
        order
    )


def bulk_confirmable_q() -> Q:
    """The same rule as ``bulk_confirmable``, as a filter for the set-based bulk confirm."""
    return Q(item_count__lt=int(shopsettings.get("bulk_confirm_max_pieces")), buyer_message="") & ~Q(
        flag=shopsettings.get("special_request_flag")
    )


def review_warnings(order: Order) -> list[str]:
    """What the agent must look at before confirming an order (订单审核)."""
    warnings = []
    if is_remote_area(order.receiver_province):
        warnings.append(_("偏远地区（%(p)s）：请确认快递能否到达。") % {"p": order.receiver_province})
    if not postage_matches(order):
        warnings.append(
            _("邮费 %(paid)s 元与店铺邮费规则（%(expected)s 元）不符。")
            % {"paid": order.postage, "expected": expected_postage(order)}
        )
    if order.buyer_message.strip():
        warnings.append(_("买家留言：%(m)s") % {"m": order.buyer_message.strip()})
    if order.flag == shopsettings.get("special_request_flag"):
        warnings.append(_("订单标记了特殊要求，请先看备注。"))
    if order.item_count >= int(shopsettings.get("bulk_confirm_max_pieces")):
        warnings.append(_("共 %(n)d 件，需要人工审核。") % {"n": order.item_count})
    return warnings


def shipping_cutoff_on(day) -> datetime:
    """Paid before this moment of ``day`` (local time), the order should leave the same day."""
    hours, _sep, minutes = str(shopsettings.get("shipping_cutoff")).partition(":")
    cutoff = time(int(hours), int(minutes or 0))
    return timezone.make_aware(datetime.combine(day, cutoff))


def should_have_shipped(order: Order, *, now: datetime) -> bool:
    """Paid before today's cut-off (or on an earlier day) and still not shipped."""
    if order.paid_at is None:
        return False
    today = timezone.localdate(now)
    paid_day = timezone.localdate(order.paid_at)
    if paid_day < today:
        return True
    return order.paid_at < shipping_cutoff_on(today)


def call_windows() -> list[tuple[time, time]]:
    windows = []
    for entry in shopsettings.get("payment_reminder_call_windows"):
        start, _sep, end = str(entry).partition("-")
        try:
            windows.append((time.fromisoformat(start.strip()), time.fromisoformat(end.strip())))
        except ValueError:
            continue
    return windows


def in_call_window(now: datetime) -> bool:
    """Phone reminders work best 11–12, 16–17 and 19–21, when buyers are free to pick up."""
    local = timezone.localtime(now).time()
    return any(start <= local < end for start, end in call_windows())


def next_call_window(now: datetime) -> datetime | None:
    local = timezone.localtime(now)
    for day_offset in (0, 1):
        day = local.date() + timedelta(days=day_offset)
        for start, _end in sorted(call_windows()):
            begin = timezone.make_aware(datetime.combine(day, start))
            if begin > local:
                return begin
    return None


def reminder_due_after() -> timedelta:
    """An order unpaid this long after it was placed is worth chasing (10 minutes by default)."""
    return timedelta(minutes=int(shopsettings.get("payment_reminder_after_minutes")))
