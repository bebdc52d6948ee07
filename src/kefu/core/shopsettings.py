"""Shop settings: every number in the shop's service rules is a default the shop can change.

Each app declares its rules once, named in the shop's own words
(``define("payment_timeout_days", 3, label=...)``), and reads them with ``get``. A supervisor edits
them in the admin or the settings page; the value is stored in ``ShopSetting``.

A page reads many rules (a queue of fifty orders asks the payment timeout for each), so a request
reads the shop's settings once, on the first ``get``, into a snapshot that lasts until the response
is sent (``ShopSettingsMiddleware``); a sweep or a command does the same with ``snapshot()``.
Outside a snapshot each ``get`` reads the database, so a test or a shell always sees the last save.
"""

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from kefu.core import roles
from kefu.core.models import ShopSetting
from kefu.core.types import User


@dataclass(frozen=True)
class Rule:
    key: str
    default: Any
    label: str
    help_text: str = ""
    # where the settings page shows it: the app that declared it (orders, chat …)
    area: str = "core"
    # the unit the number is in, in the shop's words (天, 分钟, 元 …); "" when the label says it
    unit: str = ""

    @property
    def kind(self) -> type:
        return type(self.default)


_RULES: dict[str, Rule] = {}

# The settings page's sections, in the order a shop owner thinks of its day. The areas name apps
# by their label only (a lower layer knows no higher app): an app not listed comes last.
AREAS: list[tuple[str, Any]] = [
    ("orders", _lazy("订单与发货")),
    ("aftersales", _lazy("售后、投诉与中差评")),
    ("chat", _lazy("在线咨询")),
    ("replies", _lazy("自动回复与用语检查")),
    ("helpcenter", _lazy("帮助中心")),
    ("inbox", _lazy("工作待办")),
    ("customers", _lazy("客户")),
    ("team", _lazy("团队、排班与大促")),
    ("reports", _lazy("报表与考核")),
    ("core", _lazy("通用")),
]

_UNITS = (
    ("_days", _lazy("天")),
    ("_hours", _lazy("小时")),
    ("_minutes", _lazy("分钟")),
    ("_seconds", _lazy("秒")),
    ("_percent", "%"),
    ("_yuan", _lazy("元")),
)


def _unit_of(key: str, label: str) -> str:
    """The unit the key names (``…_days`` → 天), unless the label already says it."""
    for suffix, unit in _UNITS:
        if key.endswith(suffix):
            return "" if str(unit) in label else str(unit)
    return ""


def define(key: str, default: Any, *, label: str, help_text: str = "", unit: str | None = None) -> Rule:
    """Declare one rule of the shop, from the app's ``rules.py``; its section is that app's."""
    module = sys._getframe(1).f_globals.get("__name__", "")
    parts = module.split(".")
    area = parts[1] if len(parts) > 2 and parts[0] == "kefu" else "core"
    rule = Rule(
        key=key,
        default=default,
        label=label,
        help_text=help_text,
        area=area,
        unit=_unit_of(key, label) if unit is None else unit,
    )
    _RULES[key] = rule
    return rule


def rules() -> list[Rule]:
    return sorted(_RULES.values(), key=lambda r: r.key)


def rules_by_area() -> list[tuple[str, str, list[Rule]]]:
    """``(area, its name, its rules)`` in the settings page's order, each area's rules by label."""
    names = dict(AREAS)
    order = {area: n for n, (area, _name) in enumerate(AREAS)}
    grouped: dict[str, list[Rule]] = {}
    for rule in _RULES.values():
        grouped.setdefault(rule.area, []).append(rule)
    return [
        (area, str(names.get(area, area)), sorted(found, key=lambda r: r.key))
        for area, found in sorted(grouped.items(), key=lambda item: (order.get(item[0], len(order)), item[0]))
    ]


class _Snapshot:
    """The shop's stored values, read on first use."""

    def __init__(self) -> None:
        self.values: dict[str, Any] | None = None

    def value(self, key: str, default: Any) -> Any:
        if self.values is None:
            self.values = stored_values()
        return self.values.get(key, default)


_snapshot: ContextVar[_Snapshot | None] = ContextVar("kefu_shop_settings", default=None)


@contextmanager
def snapshot(values: dict[str, Any] | None = None) -> Iterator[None]:
    """Read each setting at most once inside the block (one query for all of them).

    ``values``: the stored values as :func:`stored_values` returned them a moment ago, for a caller
    that keeps them a few seconds (a chat socket) instead of reading them for every message."""
    current = _Snapshot()
    if values is not None:
        current.values = dict(values)
    token = _snapshot.set(current)
    try:
        yield
    finally:
        _snapshot.reset(token)


def stored_values() -> dict[str, Any]:
    """Every value the shop has stored (one query), as :func:`snapshot` takes them."""
    return dict(ShopSetting.objects.values_list("key", "value"))


class ShopSettingsMiddleware:
    """One snapshot of the shop's settings per request."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        with snapshot():
            return self.get_response(request)


def get(key: str) -> Any:
    rule = _RULES[key]
    current = _snapshot.get()
    if current is not None:
        return current.value(key, rule.default)
    row = ShopSetting.objects.filter(key=key).values_list("value", flat=True).first()
    return rule.default if row is None else row


def coerce(rule: Rule, value: Any) -> Any:
    try:
        if rule.kind is bool:
            return value if isinstance(value, bool) else str(value).lower() in {"1", "true", "yes", "on"}
        if rule.kind in (int, float, str):
            return rule.kind(value)
        if rule.kind is list and isinstance(value, str):
            return [v.strip() for v in value.replace("，", ",").split(",") if v.strip()]
        if isinstance(value, rule.kind):
            return value
    except (TypeError, ValueError):
        pass
    raise ValidationError(_("“%(label)s”的值无效：%(value)s") % {"label": rule.label, "value": value})


@transaction.atomic
def shop_setting_set(*, key: str, value: Any, by: User) -> Any:
    """Store the shop's value for a rule; only a supervisor or an admin may change the shop's rules."""
    roles.require_role(by, roles.SUPERVISOR, roles.ADMIN)
    if key not in _RULES:
        raise ValidationError(_("未知的设置项：%(key)s") % {"key": key})
    coerced = coerce(_RULES[key], value)
    ShopSetting.objects.update_or_create(key=key, defaults={"value": coerced, "updated_by": by})
    current = _snapshot.get()
    if current is not None and current.values is not None:
        current.values[key] = coerced  # the rest of this request sees the new value
    return coerced


def _display(rule: Rule, value: Any) -> str:
    if rule.kind is list:
        return ", ".join(str(v) for v in value)
    if rule.kind is bool:
        return "1" if value else ""
    return str(value)


def last_changes() -> dict[str, ShopSetting]:
    """Who last changed each rule the shop changed, and when: one query, which also serves the
    request's snapshot of the values when nothing has read it yet."""
    rows = list(ShopSetting.objects.select_related("updated_by"))
    current = _snapshot.get()
    if current is not None and current.values is None:
        current.values = {row.key: row.value for row in rows}
    return {row.key: row for row in rows}


def display_default(rule: Rule) -> str:
    """The rule's default as the settings page shows values."""
    return _display(rule, rule.default)


@transaction.atomic
def shop_settings_save(*, values: dict[str, Any], loaded: dict[str, str], by: User) -> int:
    """Save what the settings page sent, all or nothing; the number of rules changed.

    ``values`` are the typed values by key; ``loaded`` what the page showed when it was opened. A rule
    the person did not touch is left alone (a colleague may have changed it meanwhile), and a rule
    they changed that a colleague changed too since the page was opened is refused with who set
    what, so nobody silently undoes another's change."""
    roles.require_role(by, roles.SUPERVISOR, roles.ADMIN)
    stored = {
        row.key: row
        for row in ShopSetting.objects.select_for_update(of=("self",)).select_related("updated_by")
    }
    errors: dict[str, str] = {}
    to_save: dict[str, Any] = {}
    for key, raw in values.items():
        rule = _RULES.get(key)
        if rule is None:
            continue
        before = loaded.get(key)
        try:
            new = coerce(rule, raw)
        except ValidationError as exc:
            errors[key] = " ".join(exc.messages)
            continue
        if before is not None and _display(rule, new) == before:
            continue  # not touched on this page
        row = stored.get(key)
        current = rule.default if row is None else row.value
        if before is not None and _display(rule, current) != before and current != new:
            who = (
                (row.updated_by.get_full_name() or row.updated_by.username)
                if row and row.updated_by
                else _("同事")
            )
            errors[key] = _("您打开页面后，%(who)s 已把它改为 %(value)s，请确认后再保存。") % {
                "who": who,
                "value": _display(rule, current) or "—",
            }
            continue
        if new != current:
            to_save[key] = new
    if errors:
        raise ValidationError(errors)
    for key, new in to_save.items():
        shop_setting_set(key=key, value=new, by=by)
    return len(to_save)


def shop_settings_loaded(*, keys: list[str] | None = None) -> dict[str, str]:
    """What the settings page shows for each rule, as it will come back in ``loaded``."""
    return {rule.key: _display(rule, get(rule.key)) for rule in rules() if keys is None or rule.key in keys}
