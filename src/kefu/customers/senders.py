"""How a customer notice travels: pluggable senders, by name.

``outbox`` (default): the message is kept in kefu's outbox, which the desk shows (agents copy it
into the platform's chat). ``email``: Django's mail settings, to the customer's e-mail (an ``@``
in their other-IM field, or the address the message names). ``sms``: a POST of ``{"phone": …, "text": …}`` as JSON to the shop's
SMS gateway (setting ``notice_sms_webhook``). Another app may ``register(name, send)``; ``send``
raises ``SendError`` with the reason (in Chinese) when the message could not go.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable

from django.conf import settings
from django.core.mail import send_mail

from kefu.core import shopsettings


class SendError(Exception):
    pass


Sender = Callable[[object], None]  # (NoticeMessage) -> None, raises SendError
_SENDERS: dict[str, Sender] = {}


def register(name: str, send: Sender) -> None:
    _SENDERS[name] = send


def get(name: str) -> Sender | None:
    return _SENDERS.get(name)


def names() -> list[str]:
    return list(_SENDERS)


def _outbox(message) -> None:
    return None  # kept in the outbox: the desk shows it


def _email(message) -> None:
    address = message.to_email
    if not address:
        raise SendError("客户没有电子邮箱")
    try:
        send_mail(message.title, message.text, settings.DEFAULT_FROM_EMAIL, [address])
    except Exception as exc:  # noqa: BLE001 - any mail failure is the message's failure reason
        raise SendError(f"邮件发送失败：{exc}") from exc


def _sms(message) -> None:
    url = str(shopsettings.get("notice_sms_webhook") or "")
    if not url.startswith(("http://", "https://")):
        raise SendError("未设置短信网关地址")
    if not message.to_phone:
        raise SendError("客户没有手机号")
    body = json.dumps({"phone": message.to_phone, "text": message.text}, ensure_ascii=False).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - the shop's own gateway
            if response.status >= 300:
                raise SendError(f"短信网关返回 {response.status}")
    except SendError:
        raise
    except Exception as exc:  # noqa: BLE001
        raise SendError(f"短信网关不可用：{exc}") from exc


register("outbox", _outbox)
register("email", _email)
register("sms", _sms)
