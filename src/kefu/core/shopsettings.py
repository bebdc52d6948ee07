"""Shop settings: every number in the shop's service rules is a default the shop can change.

Each app declares its rules once, named in the shop's own words
(``define("payment_timeout_days", 3, label=...)``), and reads them with ``get``. A supervisor edits
them in the admin or the settings page; the value is stored in ``ShopSetting``.
"""

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


def get(key: str) -> Any:
    rule = _RULES[key]
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
    return coerced
