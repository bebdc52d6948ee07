"""Customer profiles from the orders: every import creates or updates its buyers' profiles, set-based.

The customers app sits below orders and never reads the order table; this module writes its
profile rows from here. For the member names (买家会员名) an import touched, a few statements:

1. one upsert, INSERT … SELECT … GROUP BY buyer_nick ON CONFLICT (member name) DO UPDATE, creates
   the profiles that do not exist yet and sets the figures of all: orders, paid orders (an order
   with a 付款时间), paid amount, first and last payment, last order (an existing profile is only
   written when its figures changed; two imports racing cannot create one twice);
2. one INSERT … SELECT … GROUP BY … ON CONFLICT upserts the receivers, phones and addresses the
   orders named (``CustomerContact``), with the time each was last used;
3. one UPDATE … FROM (a window over the contacts) sets the profile's phone and address to the
   latest contact's, where they differ.

The names go to the database as one parameter (an array on PostgreSQL, a JSON list on SQLite),
a chunk of ``CHUNK`` names at a time. An order without a member name keeps its order and gets no
profile; the import reports how many.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from kefu.customers.models import Customer, CustomerContact
from kefu.orders.models import Order, OrderState

CHUNK = 20_000


def _names_in(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)"
    return f"{column} IN (SELECT value FROM json_each(%s))"


def _param(nicks: list[str]):
    return nicks if connection.vendor == "postgresql" else json.dumps(nicks, ensure_ascii=False)


def profiles_refresh(nicks: Iterable[str] | None = None) -> dict[str, int]:
    """Create and update the profiles of these member names (all buyers when None);
    ``{"customers_created": n, "customers_updated": m}``."""
    if nicks is None:
        wanted = list(
            Order.objects.exclude(buyer_nick="").values_list("buyer_nick", flat=True).distinct().order_by()
        )
    else:
        wanted = sorted({n for n in nicks if n})
    created = updated = 0
    for start in range(0, len(wanted), CHUNK):
        with transaction.atomic():
            c, u = _refresh_chunk(wanted[start : start + CHUNK])
        created += c
        updated += u
    return {"customers_created": created, "customers_updated": updated}


def _refresh_chunk(nicks: list[str]) -> tuple[int, int]:
    orders = Order._meta.db_table
    customers = Customer._meta.db_table
    contacts = CustomerContact._meta.db_table
    now = timezone.now()
    param = _param(nicks)
    false = "FALSE" if connection.vendor == "postgresql" else "0"
    empty_list = "'[]'"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {customers} WHERE {_names_in('buyer_nick')}", [param])
        (known,) = cursor.fetchone()
        figures = (
            "orders_count",
            "paid_orders",
            "paid_amount",
            "first_paid_at",
            "last_paid_at",
            "last_order_at",
        )
        cursor.execute(
            f"INSERT INTO {customers} (buyer_nick, name, im_id, phone, company, address, note, "
            f"misdescription_count, blacklisted, blacklist_reason, tags, refunds_count, bad_reviews_count, "
            f"complaints_count, created_at, updated_at, {', '.join(figures)}) "
            f"SELECT o.buyer_nick, '', '', '', '', '', '', 0, {false}, '', {empty_list}, 0, 0, 0, %s, %s, "
            f"COUNT(*), SUM(CASE WHEN o.paid_at IS NOT NULL THEN 1 ELSE 0 END), "
            f"ROUND(SUM(CASE WHEN o.paid_at IS NOT NULL THEN o.paid_amount ELSE 0 END), 2), "
            f"MIN(o.paid_at), MAX(o.paid_at), MAX(o.created_at) "
            f"FROM {orders} o WHERE {_names_in('o.buyer_nick')} GROUP BY o.buyer_nick "
            f"ON CONFLICT (buyer_nick) WHERE NOT (buyer_nick = '') DO UPDATE SET "
            + ", ".join(f"{c} = excluded.{c}" for c in (*figures, "updated_at"))
            + f" WHERE {customers}.orders_count <> excluded.orders_count "
            f"OR {customers}.paid_orders <> excluded.paid_orders "
            f"OR {customers}.paid_amount <> excluded.paid_amount "
            f"OR {customers}.last_order_at IS NULL",
            [now, now, param],
        )
        written = max(cursor.rowcount, 0)
        created = len(nicks) - known
        updated = written - created
        cursor.execute(
            f"INSERT INTO {contacts} (customer_id, receiver_name, phone, province, address, last_seen_at) "
            f"SELECT c.id, o.receiver_name, o.receiver_phone, MAX(o.receiver_province), o.receiver_address, "
            f"MAX(o.created_at) FROM {orders} o JOIN {customers} c ON c.buyer_nick = o.buyer_nick "
            f"WHERE {_names_in('o.buyer_nick')} "
            f"AND (o.receiver_phone <> '' OR o.receiver_address <> '' OR o.receiver_name <> '') "
            f"GROUP BY c.id, o.receiver_name, o.receiver_phone, o.receiver_address "
            f"ON CONFLICT (customer_id, phone, receiver_name, address) DO UPDATE SET "
            f"last_seen_at = excluded.last_seen_at, province = excluded.province "
            f"WHERE {contacts}.last_seen_at < excluded.last_seen_at",
            [param],
        )
        # the profile's phone and address: those of the latest contact, one pass with a window
        cursor.execute(
            f"UPDATE {customers} SET phone = s.phone, address = s.address "
            f"FROM (SELECT customer_id, phone, address FROM (SELECT t.customer_id, t.phone, t.address, "
            f"ROW_NUMBER() OVER (PARTITION BY t.customer_id ORDER BY t.last_seen_at DESC, t.id DESC) AS rn "
            f"FROM {contacts} t JOIN {customers} c ON c.id = t.customer_id "
            f"WHERE {_names_in('c.buyer_nick')}) w WHERE rn = 1) s "
            f"WHERE {customers}.id = s.customer_id "
            f"AND ({customers}.phone <> s.phone OR {customers}.address <> s.address)",
            [param],
        )
    return created, max(updated, 0)


# --- filters of saved customer groups (kefu.core.segments) -----------------------------------------


def bought_in_month(value: str) -> QuerySet:
    """The member names with an order paid in this month (``2026-11``, shop time)."""
    try:
        year, month = (int(part) for part in str(value).split("-")[:2])
        start = datetime(year, month, 1, tzinfo=timezone.get_current_timezone())
    except (TypeError, ValueError):
        return Order.objects.none().values("buyer_nick")
    end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=start.tzinfo)
    return (
        Order.objects.filter(paid_at__gte=start, paid_at__lt=end).exclude(buyer_nick="").values("buyer_nick")
    )


def bought_product(value: str) -> QuerySet:
    """The member names with a paid order whose goods' title holds these words."""
    words = " ".join(str(value or "").split())[:60]
    if not words:
        return Order.objects.none().values("buyer_nick")
    return (
        Order.objects.filter(paid_at__isnull=False, items_summary__icontains=words)
        .exclude(buyer_nick="")
        .values("buyer_nick")
    )


def _days(value) -> int | None:
    try:
        days = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return days if 0 < days <= 3650 else None


def bought_months_ago(value: str) -> QuerySet:
    """The member names with an order paid in the 30 days around N months ago (回访: 买了 N 个月)."""
    months = _days(value)
    if months is None:
        return Order.objects.none().values("buyer_nick")
    centre = timezone.now() - timedelta(days=30 * months)
    return (
        Order.objects.filter(
            paid_at__gte=centre - timedelta(days=15), paid_at__lt=centre + timedelta(days=15)
        )
        .exclude(buyer_nick="")
        .values("buyer_nick")
    )


def received_days_ago(value: str) -> QuerySet:
    """The member names whose trade finished (收货) at least N days ago, within 30 days before that.
    The export does not say whether the buyer reviewed; the visit asks."""
    days = _days(value)
    if days is None:
        return Order.objects.none().values("buyer_nick")
    until = timezone.now() - timedelta(days=days)
    return (
        Order.objects.filter(finished_at__lte=until, finished_at__gt=until - timedelta(days=30))
        .exclude(buyer_nick="")
        .values("buyer_nick")
    )


def logistics_exception(value: dict) -> QuerySet:
    """The member names with a parcel shipped and not yet received, narrowed by courier, province
    (starts with), shipping dates (``shipped_from``/``shipped_to``, shop days) and ``min_days``
    since shipping (parcels not received after 7 days: the slow regions)."""
    value = value if isinstance(value, dict) else {}
    qs = Order.objects.filter(
        state__in=[OrderState.WAIT_BUYER_CONFIRM, OrderState.SELLER_CONSIGNED_PART], shipped_at__isnull=False
    ).exclude(buyer_nick="")
    if value.get("courier"):
        qs = qs.filter(courier__icontains=str(value["courier"]).strip())
    if value.get("province"):
        qs = qs.filter(receiver_province__startswith=str(value["province"]).strip())
    tz = timezone.get_current_timezone()
    for key, lookup, extra in (("shipped_from", "shipped_at__gte", 0), ("shipped_to", "shipped_at__lt", 1)):
        if value.get(key):
            try:
                day = datetime.strptime(str(value[key])[:10], "%Y-%m-%d").replace(tzinfo=tz)
            except ValueError:
                return Order.objects.none().values("buyer_nick")
            qs = qs.filter(**{lookup: day + timedelta(days=extra)})
    days = _days(value.get("min_days"))
    if days:
        qs = qs.filter(shipped_at__lte=timezone.now() - timedelta(days=days))
    return qs.values("buyer_nick")
