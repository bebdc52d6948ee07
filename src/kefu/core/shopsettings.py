"""Shop settings: every number in the shop's service rules is a default the shop can change.

Each app declares its rules once, named in the shop's own words
(``define("payment_timeout_days", 3, label=...)``), and reads them with ``get``. A supervisor edits
them in the admin or the settings page; the value is stored in ``ShopSetting``.

A page reads many rules (a queue of fifty orders asks the payment timeout for each), so a request
reads the shop's settings once, on the first ``get``, into a snapshot that lasts until the response
is sent (``ShopSettingsMiddleware``); a sweep or a command does the same with ``snapshot()``.
Outside a snapshot each ``get`` reads the database, so a test or a shell always sees the last save.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kefu.core import roles
from kefu.core.models import ShopSetting
from kefu.core.types import User


@dataclass(frozen=True)
class Rule:
    key: str
    default: Any
    label: str
    help_text: str = ""

    @property
    def kind(self) -> type:
        return type(self.default)


_RULES: dict[str, Rule] = {}


def define(key: str, default: Any, *, label: str, help_text: str = "") -> Rule:
    rule = Rule(key=key, default=default, label=label, help_text=help_text)
    _RULES[key] = rule
    return rule


def rules() -> list[Rule]:
    return sorted(_RULES.values(), key=lambda r: r.key)


class _Snapshot:
    """The shop's stored values, read on first use."""

    def __init__(self) -> None:
        self.values: dict[str, Any] | None = None

    def value(self, key: str, default: Any) -> Any:
        if self.values is None:
            self.values = dict(ShopSetting.objects.values_list("key", "value"))
        return self.values.get(key, default)


_snapshot: ContextVar[_Snapshot | None] = ContextVar("kefu_shop_settings", default=None)


@contextmanager
def snapshot() -> Iterator[None]:
    """Read each setting at most once inside the block (one query for all of them)."""
    token = _snapshot.set(_Snapshot())
    try:
        yield
    finally:
        _snapshot.reset(token)


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
