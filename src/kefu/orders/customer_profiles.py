"""Customer profiles from the orders: every import creates or updates its buyers' profiles, set-based.

The customers app sits below orders and never reads the order table; this module writes its
profile rows from here. For the member names (买家会员名) an import touched, a few statements:

1. one INSERT … SELECT DISTINCT creates the profiles that do not exist yet (``ON CONFLICT`` on the
   unique member name leaves existing ones alone, so two imports racing cannot create one twice);
2. one UPDATE … FROM (SELECT … GROUP BY buyer_nick) sets the figures: orders, paid orders (an order
   with a 付款时间), paid amount, first and last payment, last order;
3. one INSERT … SELECT … GROUP BY … ON CONFLICT upserts the receivers, phones and addresses the
   orders named (``CustomerContact``), with the time each was last used;
4. one UPDATE sets the profile's phone and address to the latest contact.

The names go to the database as one parameter (an array on PostgreSQL, a JSON list on SQLite),
a chunk of ``CHUNK`` names at a time. An order without a member name keeps its order and gets no
profile; the import reports how many.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from django.db import connection, transaction
from django.utils import timezone

from kefu.customers.models import Customer, CustomerContact
from kefu.orders.models import Order

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
        cursor.execute(
            f"INSERT INTO {customers} (buyer_nick, name, im_id, phone, company, address, note, "
            f"misdescription_count, blacklisted, blacklist_reason, tags, orders_count, paid_orders, "
            f"paid_amount, refunds_count, bad_reviews_count, complaints_count, created_at, updated_at) "
            f"SELECT DISTINCT o.buyer_nick, '', '', '', '', '', '', 0, {false}, '', {empty_list}, 0, 0, 0, 0, 0, 0, "
            f"%s, %s FROM {orders} o WHERE {_names_in('o.buyer_nick')} "
            f"ON CONFLICT (buyer_nick) WHERE NOT (buyer_nick = '') DO NOTHING",
            [now, now, param],
        )
        created = max(cursor.rowcount, 0)
        cursor.execute(
            f"UPDATE {customers} SET orders_count = s.n, paid_orders = s.paid, paid_amount = s.amount, "
            f"first_paid_at = s.first_paid, last_paid_at = s.last_paid, last_order_at = s.last_order, "
            f"updated_at = %s "
            f"FROM (SELECT buyer_nick, COUNT(*) AS n, "
            f"SUM(CASE WHEN paid_at IS NOT NULL THEN 1 ELSE 0 END) AS paid, "
            f"ROUND(SUM(CASE WHEN paid_at IS NOT NULL THEN paid_amount ELSE 0 END), 2) AS amount, "
            f"MIN(paid_at) AS first_paid, MAX(paid_at) AS last_paid, MAX(created_at) AS last_order "
            f"FROM {orders} WHERE {_names_in('buyer_nick')} GROUP BY buyer_nick) s "
            f"WHERE {customers}.buyer_nick = s.buyer_nick",
            [now, param],
        )
        updated = max(cursor.rowcount, 0) - created
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
        latest = (
            f"(SELECT {{col}} FROM {contacts} t WHERE t.customer_id = {customers}.id "
            f"ORDER BY t.last_seen_at DESC, t.id DESC LIMIT 1)"
        )
        cursor.execute(
            f"UPDATE {customers} SET phone = COALESCE({latest.format(col='t.phone')}, phone), "
            f"address = COALESCE({latest.format(col='t.address')}, address) "
            f"WHERE {_names_in('buyer_nick')}",
            [param],
        )
    return created, max(updated, 0)
