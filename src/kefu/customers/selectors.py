"""Reads of the customers: the blacklist lookups other apps call (orders, help center)."""

import re

from django.db.models import Q, QuerySet
from django.db.models.functions import Lower
from django.shortcuts import get_object_or_404

from kefu.customers.models import Customer


def normalize_phone(phone: str) -> str:
    """Digits only, without the +86/0086 country prefix, so "138-0013-8000" finds "13800138000"."""
    digits = re.sub(r"\D", "", phone or "")
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) - len(prefix) == 11:
            return digits[len(prefix) :]
    return digits


def normalize_nick(nick: str) -> str:
    return " ".join((nick or "").split()).lower()


def _lowered() -> QuerySet[Customer]:
    return Customer.objects.annotate(nick_lower=Lower("buyer_nick"), im_lower=Lower("im_id"))


def blacklist_entry_for(*, buyer_nick: str = "", phone: str = "") -> Customer | None:
    """The blacklisted customer matching either key, else None; one query (none without a key).

    The nick is compared case-insensitively with both the platform nick and the other IM id, since
    buyers give either in a chat or on the help-center form.
    """
    nick = normalize_nick(buyer_nick)
    phone = normalize_phone(phone)
    match = Q()
    if nick:
        match |= Q(nick_lower=nick) | Q(im_lower=nick)
    if phone:
        match |= Q(phone=phone)
    if not match:
        return None
    return _lowered().filter(match, blacklisted=True).order_by("-blacklisted_at", "-id").first()


def blacklisted_nicks(*, nicks: list[str]) -> set[str]:
    """Which of these buyer nicks (as given) are blacklisted; one query, for order lists."""
    wanted: dict[str, list[str]] = {}
    for nick in nicks:
        key = normalize_nick(nick)
        if key:
            wanted.setdefault(key, []).append(nick)
    if not wanted:
        return set()
    found = (
        _lowered()
        .filter(Q(nick_lower__in=list(wanted)) | Q(im_lower__in=list(wanted)), blacklisted=True)
        .values_list("nick_lower", "im_lower")  # type: ignore[misc]  # annotated by _lowered()
    )
    hit: set[str] = set()
    for nick_lower, im_lower in found:
        for key in (nick_lower, im_lower):
            hit.update(wanted.get(key, []))
    return hit


def customer_find(*, buyer_nick: str = "", phone: str = "") -> Customer | None:
    """The customer known by this nick (preferred) or phone, blacklisted or not."""
    nick = normalize_nick(buyer_nick)
    phone = normalize_phone(phone)
    if nick:
        found = _lowered().filter(Q(nick_lower=nick) | Q(im_lower=nick)).order_by("id").first()
        if found:
            return found
    if phone:
        return Customer.objects.filter(phone=phone).order_by("id").first()
    return None


def customer_list(*, q: str = "", blacklisted: bool | None = None) -> QuerySet[Customer]:
    qs = Customer.objects.select_related("blacklisted_by")
    q = (q or "").strip()
    if q:
        qs = qs.filter(
            Q(name__icontains=q)
            | Q(buyer_nick__icontains=q)
            | Q(im_id__icontains=q)
            | Q(phone__contains=normalize_phone(q) or q)
            | Q(company__icontains=q)
        )
    if blacklisted is not None:
        qs = qs.filter(blacklisted=blacklisted)
    return qs.order_by("-updated_at", "-id")


def blacklist_count() -> int:
    return Customer.objects.filter(blacklisted=True).count()


def customer_get(*, pk: int) -> Customer:
    return get_object_or_404(Customer.objects.select_related("blacklisted_by"), pk=pk)
