"""Reads of the customers: profiles, the blacklist lookups other apps call (orders, help center,
chat), the export rows, and the satisfaction figures."""

import re
from datetime import timedelta
from decimal import Decimal

from django.db.models import Avg, Count, F, Q, QuerySet
from django.db.models.functions import Lower, TruncDate, TruncMonth, TruncWeek
from django.shortcuts import get_object_or_404
from django.utils import timezone

from kefu.core import roles, segments, shopsettings
from kefu.customers.models import (
    Customer,
    CustomerContact,
    CustomerGroup,
    Notice,
    NoticeMessage,
    ReturnVisit,
    Satisfaction,
    SatisfactionKind,
)


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
    """The customer known by this member name, blacklisted or not; by the phone only when no member
    name is given (a phone is an attribute: two buyers of one family share one)."""
    if (buyer_nick or "").strip():
        return customer_for_nick(buyer_nick) or (
            Customer.objects.annotate(im_lower=Lower("im_id"))
            .filter(im_lower=normalize_nick(buyer_nick))
            .order_by("id")
            .first()
        )
    phone = normalize_phone(phone)
    if phone:
        return Customer.objects.filter(phone=phone).order_by("id").first()
    return None


def customer_for_nick(nick: str) -> Customer | None:
    """The profile of this member name (买家会员名) exactly as the platform gives it, else the one
    matching it case-insensitively (a nick typed by hand); one query, None without a nick."""
    nick = " ".join((nick or "").split())
    if not nick:
        return None
    found = list(_lowered().filter(Q(buyer_nick=nick) | Q(nick_lower=nick.lower())).order_by("id")[:5])
    for customer in found:
        if customer.buyer_nick == nick:
            return customer
    return found[0] if found else None


def customer_list(
    *,
    q: str = "",
    blacklisted: bool | None = None,
    returning: bool | None = None,
    level: str = "",
) -> QuerySet[Customer]:
    qs = Customer.objects.select_related("blacklisted_by")
    if returning is not None:
        qs = qs.filter(paid_orders__gte=2) if returning else qs.filter(paid_orders__lt=2)
    if level:
        qs = _level_filter(qs, level)
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


# --- profile figures --------------------------------------------------------------------------------


def levels() -> list[tuple[str, Decimal]]:
    """The shop's levels from its thresholds, highest first: ``[("钻石会员", 10000), …]``."""
    raw = shopsettings.get("customer_levels") or {}
    if isinstance(raw, str):
        pairs = [part.split(":", 1) for part in raw.replace("，", ",").split(",") if ":" in part]
        raw = {name.strip(): value.strip() for name, value in pairs}
    parsed: list[tuple[str, Decimal]] = []
    for name, value in dict(raw).items():
        try:
            parsed.append((str(name), Decimal(str(value))))
        except ArithmeticError:
            continue
    return sorted(parsed, key=lambda item: item[1], reverse=True)


def level_of(customer: Customer, table: list[tuple[str, Decimal]] | None = None) -> str:
    """The highest level whose paid-amount threshold the customer reached ("" below all)."""
    for name, threshold in table if table is not None else levels():
        if customer.paid_amount >= threshold:
            return name
    return ""


def _level_filter(qs: QuerySet[Customer], level: str) -> QuerySet[Customer]:
    table = levels()
    for i, (name, threshold) in enumerate(table):
        if name == level:
            qs = qs.filter(paid_amount__gte=threshold)
            if i > 0:
                qs = qs.filter(paid_amount__lt=table[i - 1][1])
            return qs
    return qs.none()


def phone_masked(phone: str) -> str:
    """138****8000: what an agent sees of a phone in lists."""
    phone = phone or ""
    if len(phone) >= 7:
        return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
    return "*" * len(phone)


def phone_for(user, phone: str, *, on_profile: bool = False) -> str:
    """Full phones for supervisors on the profile page; masked everywhere else."""
    if on_profile and roles.has_role(user, roles.SUPERVISOR):
        return phone
    return phone_masked(phone)


def contacts_of(*, customer: Customer, limit: int = 10) -> list[CustomerContact]:
    return list(CustomerContact.objects.filter(customer=customer).order_by("-last_seen_at", "-id")[:limit])


EXPORT_FIELDS = (
    "nickname",
    "orders",
    "paid_orders",
    "paid_amount",
    "returning",
    "average_order_value",
    "first_paid_at",
    "last_paid_at",
    "refunds",
    "bad_reviews",
    "complaints",
    "blacklisted",
    "level",
    "tags",
    "name",
    "phone",
)


def profile_row(customer: Customer, *, table: list[tuple[str, Decimal]], full_phone: bool = False) -> dict:
    """One customer as the export and ``GET /api/customers/`` give it (money as "123.40")."""
    return {
        "nickname": customer.buyer_nick,
        "orders": customer.orders_count,
        "paid_orders": customer.paid_orders,
        "paid_amount": f"{customer.paid_amount:.2f}",
        "returning": customer.returning,
        "average_order_value": f"{customer.average_order_value:.2f}",
        "first_paid_at": customer.first_paid_at.isoformat() if customer.first_paid_at else None,
        "last_paid_at": customer.last_paid_at.isoformat() if customer.last_paid_at else None,
        "refunds": customer.refunds_count,
        "bad_reviews": customer.bad_reviews_count,
        "complaints": customer.complaints_count,
        "blacklisted": customer.blacklisted,
        "level": level_of(customer, table),
        "tags": list(customer.tags or []),
        "name": customer.name,
        "phone": customer.phone if full_phone else phone_masked(customer.phone),
    }


def profiles_for_export(*, with_nick_only: bool = True) -> QuerySet[Customer]:
    """The profiles, in member-name order (those without a member name left out by default)."""
    qs = Customer.objects.all()
    if with_nick_only:
        qs = qs.exclude(buyer_nick="")
    return qs.order_by("buyer_nick", "id")


# --- satisfaction ------------------------------------------------------------------------------------


def satisfaction_results(*, days: int = 90, by: str = "agent", period: str = "") -> list[dict]:
    """Ratings of the last ``days`` days per agent (``by="agent"``) or per kind (``by="kind"``), and
    per day/week/month when ``period`` is given; each row with count and average score. One query."""
    since = timezone.now() - timedelta(days=days)
    qs = Satisfaction.objects.filter(created_at__gte=since)
    keys: list[str] = []
    if by == "agent":
        keys = ["agent_id", "agent__username"]
    elif by == "kind":
        keys = ["kind"]
    trunc = {"day": TruncDate, "week": TruncWeek, "month": TruncMonth}.get(period)
    if trunc is not None:
        qs = qs.annotate(period=trunc("created_at", tzinfo=timezone.get_current_timezone()))
        keys.append("period")
    rows = list(qs.values(*keys).annotate(count=Count("id"), average=Avg("score")).order_by(*keys))
    labels = dict(SatisfactionKind.choices)
    for row in rows:
        row["average"] = round(float(row["average"] or 0), 2)
        if "kind" in row:
            row["kind_label"] = str(labels.get(row["kind"], row["kind"]))
        if "period" in row and row["period"] is not None:
            row["period"] = row["period"].isoformat()[:10]
    return rows


def survey_coverage(*, rated: int, served: int) -> float:
    """The share of served customers who rated (调查覆盖率), 0–1."""
    return round(rated / served, 4) if served else 0.0


# --- groups and leads --------------------------------------------------------------------------------


def customers_filtered(filters: dict) -> QuerySet[Customer]:
    """The customers a saved filter selects (all conditions together), set-based.

    ``lost_days``: paid before and not for N days (流失客户); ``min_paid_amount``: high value;
    ``returning``: true/false; and the filters the apps above offer (``kefu.core.segments``)."""
    qs = Customer.objects.exclude(buyer_nick="")
    filters = filters or {}
    if filters.get("lost_days"):
        since = timezone.now() - timedelta(days=int(filters["lost_days"]))
        qs = qs.filter(last_paid_at__lt=since)
    if filters.get("min_paid_amount") not in (None, ""):
        qs = qs.filter(paid_amount__gte=Decimal(str(filters["min_paid_amount"])))
    if filters.get("returning") in (True, "1", "true"):
        qs = qs.filter(paid_orders__gte=2)
    for segment in segments.all_segments():
        value = filters.get(segment.key)
        if value not in (None, ""):
            qs = qs.filter(buyer_nick__in=segment.nicks(value))
    return qs


def group_members(*, group: CustomerGroup) -> QuerySet[Customer]:
    if group.kind == CustomerGroup.STATIC:
        return group.members.all().order_by("buyer_nick", "id")
    return customers_filtered(group.filters).order_by("buyer_nick", "id")


def group_list() -> QuerySet[CustomerGroup]:
    return CustomerGroup.objects.select_related("created_by").order_by("name")


def group_get(*, pk: int) -> CustomerGroup:
    return get_object_or_404(CustomerGroup, pk=pk)


def leads(*, days: int | None = None, now=None) -> QuerySet[Customer]:
    """咨询未下单: customers who chatted or asked at least ``days`` days ago (setting) — within the
    last 30 days — and placed no order since; newest contact first."""
    now = now or timezone.now()
    days = int(shopsettings.get("lead_days")) if days is None else days
    qs = Customer.objects.filter(
        last_contact_at__lte=now - timedelta(days=days), last_contact_at__gte=now - timedelta(days=days + 30)
    )
    return qs.filter(Q(last_order_at__isnull=True) | Q(last_order_at__lt=F("last_contact_at"))).order_by(
        "-last_contact_at", "-id"
    )


def conversion(*, since, until) -> dict:
    """Of the customers who chatted or asked in the period, how many ordered afterwards (转化率)."""
    contacted = Customer.objects.filter(last_contact_at__gte=since, last_contact_at__lt=until)
    counts = contacted.aggregate(
        total=Count("id"), ordered=Count("id", filter=Q(last_order_at__gte=F("last_contact_at")))
    )
    total, ordered = counts["total"] or 0, counts["ordered"] or 0
    return {
        "contacted": total,
        "ordered": ordered,
        "leads": total - ordered,
        "rate": round(ordered / total, 4) if total else 0.0,
    }


def visit_queue(*, user, mine: bool = True) -> QuerySet[ReturnVisit]:
    """The open visits: the agent's own and those nobody was given (``mine``), or all."""
    qs = ReturnVisit.objects.filter(state=ReturnVisit.OPEN).select_related("customer", "agent")
    if mine:
        qs = qs.filter(Q(agent=user) | Q(agent__isnull=True))
    return qs.order_by("created_at", "id")


def visit_get(*, pk: int) -> ReturnVisit:
    return get_object_or_404(ReturnVisit.objects.select_related("customer", "agent"), pk=pk)


def visits_open_count(*, user) -> int:
    return ReturnVisit.objects.filter(state=ReturnVisit.OPEN, agent=user).count()


def notice_recipients(*, notice: Notice) -> QuerySet[Customer]:
    """The customers a notice reaches: its group's, narrowed by the logistics filter the orders app
    offers (``kefu.core.segments`` "logistics_exception")."""
    qs = group_members(group=notice.group) if notice.group else Customer.objects.exclude(buyer_nick="")
    if notice.filters:
        segment = segments.get("logistics_exception")
        if segment is None:
            return qs.none()
        qs = qs.filter(buyer_nick__in=segment.nicks(notice.filters))
    return qs.order_by("buyer_nick", "id")


def notice_list() -> QuerySet[Notice]:
    return Notice.objects.annotate(
        sent=Count("messages", filter=Q(messages__state=NoticeMessage.SENT)),
        failed=Count("messages", filter=Q(messages__state=NoticeMessage.FAILED)),
        pending=Count("messages", filter=Q(messages__state=NoticeMessage.PENDING)),
    ).order_by("-created_at", "-id")


def notice_get(*, pk: int) -> Notice:
    return get_object_or_404(Notice, pk=pk)


def outbox(*, notice: Notice | None = None) -> QuerySet[NoticeMessage]:
    qs = NoticeMessage.objects.select_related("customer", "notice")
    if notice is not None:
        qs = qs.filter(notice=notice)
    return qs.order_by("-id")


def single_messages(*, limit: int = 50) -> list[NoticeMessage]:
    """The latest single messages (not part of a notice, e.g. an answer to a customer's question
    telling them to look), with their state: the outbox for them."""
    return list(NoticeMessage.objects.filter(notice__isnull=True).order_by("-id")[:limit])
