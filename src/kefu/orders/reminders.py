"""Payment reminders (催付): record a reminder, keep the scripts (话术), count results.

A reminder is written to the order as a remark under the purple flag, in the format agents
write by hand ``时间 + 客服昵称 + 提醒次数 + 反馈信息``. An order paid after a reminder counts as recovered; that is
derived from the times (no flag to keep in step), see ``selectors.reminders_recovered``.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kefu.core import roles, shopsettings
from kefu.core.activity import activity_record
from kefu.orders.models import (
    Order,
    OrderRemark,
    OrderState,
    PaymentReminder,
    ReminderChannel,
    ReminderReason,
    ReminderScript,
)

PLACEHOLDERS = ("买家", "宝贝", "店铺", "截止时间")
_PLACEHOLDER = re.compile(r"\{([^{}]{1,10})\}")


def reminder_remark_text(*, at, agent_name: str, sequence: int, feedback: str) -> str:
    """The remark agents write after chasing a buyer: 时间 + 客服昵称 + 提醒次数 + 反馈信息."""
    when = timezone.localtime(at).strftime("%Y-%m-%d %H:%M")
    return f"{when} {agent_name} 第{sequence}次提醒 {feedback}".strip()


@transaction.atomic
def reminder_record(*, order: Order, by, channel: str, reason: str, feedback: str = "") -> PaymentReminder:
    """Log one 催付 of an unpaid order and remark it under the purple flag."""
    roles.require_staff(by)
    errors = {}
    if channel not in ReminderChannel.values:
        errors["channel"] = _("请选择催付方式（旺旺、短信或电话）。")
    if reason not in ReminderReason.values:
        errors["reason"] = _("请选择未付款原因。")
    feedback = (feedback or "").strip()
    if len(feedback) > 300:
        errors["feedback"] = _("反馈信息不能超过 300 个字。")
    if errors:
        raise ValidationError(errors)
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.state != OrderState.WAIT_BUYER_PAY:
        raise ValidationError(
            _("订单 %(n)s 当前为“%(s)s”，不需要催付。") % {"n": order.number, "s": order.state_label}
        )
    sequence = (order.reminders.aggregate(m=Max("sequence"))["m"] or 0) + 1
    now = timezone.now()
    reminder = PaymentReminder.objects.create(
        order=order,
        sequence=sequence,
        channel=channel,
        reason=reason,
        feedback=feedback,
        agent=by,
        created_at=now,
    )
    flag = shopsettings.get("payment_reminder_flag")
    nick = by.get_full_name() or by.username
    with translation.override(settings.LANGUAGE_CODE):  # remarks are the shop's record, in its language
        detail = feedback or f"{ReminderChannel(channel).label}：{ReminderReason(reason).label}"
    OrderRemark.objects.create(
        order=order,
        text=reminder_remark_text(at=now, agent_name=nick, sequence=sequence, feedback=detail),
        flag=flag,
        author=by,
    )
    order.flag = flag
    order.version += 1
    order.save(update_fields=["flag", "version", "updated_at"])
    activity_record(
        target=order,
        actor=by,
        verb="payment_reminder",
        message=detail,
        data={"sequence": sequence, "channel": channel, "reason": reason},
    )
    return reminder


# --- scripts (话术) ---------------------------------------------------------------------------


def _check_script(*, name: str, text: str, channel: str, exclude_pk: int | None = None) -> dict:
    name = " ".join((name or "").split())
    text = (text or "").strip()
    errors = {}
    if not name:
        errors["name"] = _("请填写话术名称。")
    elif len(name) > 60:
        errors["name"] = _("名称不能超过 60 个字。")
    elif ReminderScript.objects.filter(name=name).exclude(pk=exclude_pk).exists():
        errors["name"] = _("已有同名话术。")
    if not text:
        errors["text"] = _("请填写话术内容。")
    unknown = sorted({p for p in _PLACEHOLDER.findall(text) if p not in PLACEHOLDERS})
    if unknown:
        errors["text"] = _("未知的占位符：%(p)s（可用：%(ok)s）") % {
            "p": "、".join("{" + p + "}" for p in unknown),
            "ok": "、".join("{" + p + "}" for p in PLACEHOLDERS),
        }
    if channel not in ReminderChannel.values:
        errors["channel"] = _("请选择方式。")
    if errors:
        raise ValidationError(errors)
    return {"name": name, "text": text, "channel": channel}


@transaction.atomic
def script_create(*, by, name: str, text: str, channel: str = ReminderChannel.IM) -> ReminderScript:
    """Scripts are the team's shared wording: supervisors and admins keep them."""
    roles.require_role(by, roles.SUPERVISOR, roles.ADMIN)
    values = _check_script(name=name, text=text, channel=channel)
    position = (ReminderScript.objects.aggregate(m=Max("position"))["m"] or 0) + 1
    script = ReminderScript.objects.create(position=position, **values)
    activity_record(target=script, actor=by, verb="script_create", message=values["name"])
    return script


@transaction.atomic
def script_update(*, script: ReminderScript, by, name: str, text: str, channel: str) -> ReminderScript:
    roles.require_role(by, roles.SUPERVISOR, roles.ADMIN)
    values = _check_script(name=name, text=text, channel=channel, exclude_pk=script.pk)
    for key, value in values.items():
        setattr(script, key, value)
    script.save(update_fields=[*values, "updated_at"])
    activity_record(target=script, actor=by, verb="script_update", message=values["name"])
    return script


@transaction.atomic
def script_delete(*, script: ReminderScript, by) -> None:
    roles.require_role(by, roles.SUPERVISOR, roles.ADMIN)
    activity_record(target=script, actor=by, verb="script_delete", message=script.name)
    script.delete()


def script_render(*, script: ReminderScript, order: Order) -> str:
    """The script with the order's buyer, item, the shop's name and today's shipping cut-off."""
    values = {
        "买家": order.receiver_name or order.buyer_nick or _("亲"),
        "宝贝": order.items_summary or next((line.title for line in order.lines.all()), ""),
        "店铺": shopsettings.get("shop_name"),
        "截止时间": shopsettings.get("shipping_cutoff"),
    }
    return _PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), m.group(0))), script.text)
