"""Filling the placeholders of quick phrases and auto-replies ({买家} {客服} {店铺} …)."""

import re

from django.utils.translation import gettext_lazy as _

from kefu.core import shopsettings

PLACEHOLDERS = {
    "买家": _("买家昵称（未知时写“亲”）"),
    "客服": _("当前客服的名字"),
    "店铺": _("店铺名称（店铺设置）"),
    "订单号": _("当前订单号"),
    "发货截止时间": _("当天发货截止时间（店铺设置）"),
}
_TOKEN = re.compile(r"\{([^{}]{1,10})\}")


def setting(key: str, default: str) -> str:
    """A shop setting another app declares; its default when that app is not installed."""
    try:
        return str(shopsettings.get(key))
    except KeyError:
        return default


def fill(text: str, values: dict[str, str], *, drop_empty: bool = False) -> str:
    """Replace each ``{名}`` named in ``values`` with its value.

    One without a value stays as it is, for the agent to fill in before sending a quick phrase;
    ``drop_empty`` removes it instead, for text a customer gets without an agent reading it first
    (auto-replies). Names not in ``values`` are left alone (a shop may write braces of its own).
    """

    def replace(match: re.Match) -> str:
        name = match.group(1)
        if name not in values:
            return match.group(0)
        value = values[name]
        if value:
            return value
        return "" if drop_empty else match.group(0)

    return _TOKEN.sub(replace, text or "")


def shop_values(*, buyer: str = "") -> dict[str, str]:
    return {
        "买家": buyer or "亲",
        "店铺": setting("shop_name", ""),
        "发货截止时间": setting("shipping_cutoff", "16:30"),
        "上班时间": setting("work_hours_start", "09:00"),
    }
