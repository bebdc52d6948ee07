"""Writes of the customers: profiles, misdescriptions and the blacklist.

The blacklist is the shop's rule for returns (退货及客户管理): a customer who misdescribes goods
``blacklist_threshold`` times (5) is blacklisted and refused; only a supervisor lifts it.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core import roles, shopsettings
from kefu.core.activity import activity_record
from kefu.customers.models import Customer
from kefu.customers.selectors import customer_find, normalize_phone

LIMITS = {"name": 64, "buyer_nick": 64, "im_id": 64, "phone": 32, "company": 120, "address": 255}


def _clean(values: dict) -> dict:
    cleaned = {k: " ".join((v or "").split()) for k, v in values.items() if k in LIMITS}
    if "phone" in cleaned:
        cleaned["phone"] = normalize_phone(cleaned["phone"])
    errors = {
        k: _("不能超过 %(n)d 个字。") % {"n": LIMITS[k]} for k, v in cleaned.items() if len(v) > LIMITS[k]
    }
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def customer_create(
    *,
    by,
    name: str = "",
    buyer_nick: str = "",
    im_id: str = "",
    phone: str = "",
    company: str = "",
    address: str = "",
    note: str = "",
) -> Customer:
    roles.require_staff(by)
    values = _clean(
        {"name": name, "buyer_nick": buyer_nick, "im_id": im_id, "phone": phone}
        | {"company": company, "address": address}
    )
    if not (values["name"] or values["buyer_nick"] or values["im_id"] or values["phone"]):
        raise ValidationError({"name": _("请至少填写姓名、买家会员名、IM 或手机中的一项。")})
    if values["buyer_nick"] and customer_find(buyer_nick=values["buyer_nick"]):
        raise ValidationError(
            {"buyer_nick": _("已有会员名为“%(nick)s”的客户。") % {"nick": values["buyer_nick"]}}
        )
    customer = Customer.objects.create(note=(note or "").strip(), **values)
    activity_record(target=customer, actor=by, verb="customer_create", message=customer.display_name)
    return customer


@transaction.atomic
def customer_update(*, customer: Customer, by, **fields) -> Customer:
    """Change the profile fields given (name, buyer_nick, im_id, phone, company, address, note)."""
    roles.require_staff(by)
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    values = _clean(fields)
    if "note" in fields:
        values["note"] = (fields["note"] or "").strip()
    if values.get("buyer_nick"):
        other = customer_find(buyer_nick=values["buyer_nick"])
        if other and other.pk != customer.pk:
            raise ValidationError(
                {"buyer_nick": _("已有会员名为“%(nick)s”的客户。") % {"nick": values["buyer_nick"]}}
            )
    changed = [k for k, v in values.items() if getattr(customer, k) != v]
    for k in changed:
        setattr(customer, k, values[k])
    if changed:
        customer.save(update_fields=[*changed, "updated_at"])
        activity_record(target=customer, actor=by, verb="customer_update", data={"changed": changed})
    return customer


def customer_find_or_create(
    *, by, name: str = "", buyer_nick: str = "", phone: str = "", im_id: str = ""
) -> Customer | None:
    """The customer a case is about: found by nick or phone, created when new; None without a key.

    A found customer gains the keys it lacked (a phone given on a complaint, a nick on a case).
    """
    if not ((buyer_nick or "").strip() or (phone or "").strip() or (im_id or "").strip()):
        return None
    found = customer_find(buyer_nick=buyer_nick or im_id, phone=phone)
    if found is None:
        return customer_create(by=by, name=name, buyer_nick=buyer_nick, im_id=im_id, phone=phone)
    missing = {
        k: v
        for k, v in (("name", name), ("buyer_nick", buyer_nick), ("phone", phone), ("im_id", im_id))
        if (v or "").strip() and not getattr(found, k)
    }
    if missing:
        found = customer_update(customer=found, by=by, **missing)
    return found


@transaction.atomic
def customer_misdescription_record(*, customer: Customer, by, reason: str) -> Customer:
    """Count one misdescription of the goods; at the threshold the customer is blacklisted.

    The count goes up with F() under a row lock, so two agents recording at once both count and
    exactly one of them crosses the threshold.
    """
    roles.require_staff(by)
    Customer.objects.filter(pk=customer.pk).update(misdescription_count=F("misdescription_count") + 1)
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    threshold = int(shopsettings.get("blacklist_threshold"))
    activity_record(
        target=customer,
        actor=by,
        verb="customer_misdescription",
        message=reason,
        data={"count": customer.misdescription_count},
    )
    if not customer.blacklisted and threshold > 0 and customer.misdescription_count >= threshold:
        _blacklist(
            customer,
            by=None,
            reason=_("虚假描述物品已达 %(n)d 次（自动）：%(last)s")
            % {"n": customer.misdescription_count, "last": reason},
        )
    return customer


def _blacklist(customer: Customer, *, by, reason: str) -> None:
    customer.blacklisted = True
    customer.blacklisted_at = timezone.now()
    customer.blacklist_reason = reason[:255]
    customer.blacklisted_by = by
    customer.save(
        update_fields=["blacklisted", "blacklisted_at", "blacklist_reason", "blacklisted_by", "updated_at"]
    )
    activity_record(target=customer, actor=by, verb="customer_blacklist", message=customer.blacklist_reason)


@transaction.atomic
def customer_blacklist_add(*, customer: Customer, by, reason: str) -> Customer:
    """A supervisor blacklists a customer by hand (a known fraudster), with the reason."""
    roles.require_role(by, roles.SUPERVISOR)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写加入黑名单的原因。")})
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if customer.blacklisted:
        raise ValidationError(_("该客户已在黑名单中。"))
    _blacklist(customer, by=by, reason=reason)
    return customer


@transaction.atomic
def customer_blacklist_lift(*, customer: Customer, by, reason: str) -> Customer:
    """A supervisor lifts the blacklist; the misdescription count starts again from zero."""
    roles.require_role(by, roles.SUPERVISOR)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写解除黑名单的原因。")})
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if not customer.blacklisted:
        raise ValidationError(_("该客户不在黑名单中。"))
    previous = {"reason": customer.blacklist_reason, "count": customer.misdescription_count}
    customer.blacklisted = False
    customer.blacklisted_at = None
    customer.blacklist_reason = ""
    customer.blacklisted_by = None
    customer.misdescription_count = 0
    customer.save(
        update_fields=[
            "blacklisted",
            "blacklisted_at",
            "blacklist_reason",
            "blacklisted_by",
            "misdescription_count",
            "updated_at",
        ]
    )
    activity_record(target=customer, actor=by, verb="customer_blacklist_lift", message=reason, data=previous)
    return customer
