"""Customer profiles from the orders: every import creates or updates its buyers' profiles, set-based.

Everyday imports add the orders each batch creates to their buyers' profiles in the batch's own
transaction (``profiles_add``: one upsert adding the batch's figures by member name). A bulk load
(a shop's first load of its history) and the orders an import changed are refreshed from the
table after the load (``profiles_refresh``).

The customers app sits below orders and never reads the order table; this module writes its
profile rows from here, in ONE statement per chunk: an upsert
``INSERT … SELECT … GROUP BY buyer_nick ON CONFLICT (member name) DO UPDATE`` that creates the
profiles that do not exist yet and sets the figures of all: orders, paid orders (an order with a
付款时间), paid amount, first and last payment, last order, and the phone of the latest order (an
existing profile is only written when a figure changed; two imports racing cannot create one twice).

When the import touched many buyers (a first load), the statement groups the whole order table
once, which is cheaper than looking up each name; otherwise the names go to the database as one
parameter (an array on PostgreSQL, a JSON list on SQLite), ``CHUNK`` names at a time. The
receivers, phones and addresses are read from the orders when a profile is shown
(``contacts_of_customer``), so the import does not write them twice. An order without a member
name keeps its order and gets no profile; the import reports how many.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Max, QuerySet
from django.utils import timezone

from kefu.customers.models import Customer
from kefu.orders.models import Order, OrderState

CHUNK = 20_000
# above this many names (and a quarter of the orders), one pass over the whole table is cheaper
WHOLE_TABLE_NAMES = 20_000


def _names_in(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)"
    return f"{column} IN (SELECT value FROM json_each(%s))"


def _param(nicks: list[str]):
    return nicks if connection.vendor == "postgresql" else json.dumps(nicks, ensure_ascii=False)


def profiles_refresh(nicks: Iterable[str] | None = None) -> dict[str, int]:
    """Create and update the profiles of these member names (all buyers when None);
    ``{"customers_created": n, "customers_updated": m}``."""
    wanted = None if nicks is None else sorted({n for n in nicks if n})
    if wanted is not None and not wanted:
        return {"customers_created": 0, "customers_updated": 0}
    if wanted is None or (len(wanted) > WHOLE_TABLE_NAMES and len(wanted) * 4 > Order.objects.count()):
        with transaction.atomic(), _sorting_beside():
            created, updated = _refresh(None)
        return {"customers_created": created, "customers_updated": updated}
    created = updated = 0
    for start in range(0, len(wanted), CHUNK):
        with transaction.atomic():
            c, u = _refresh(wanted[start : start + CHUNK])
        created += c
        updated += u
    return {"customers_created": created, "customers_updated": updated}


@contextmanager
def _sorting_beside() -> Iterator[None]:
    """SQLite: sort the whole order table by member name on a second thread, in small runs merged
    through temporary files (as the bulk load builds its indexes): less time than one sort in the
    import's 64 MB page cache."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (cache_size,) = cursor.fetchone()
        cursor.execute("PRAGMA threads = 2")
        cursor.execute("PRAGMA cache_size = -2000")
        try:
            yield
        finally:
            cursor.execute(f"PRAGMA cache_size = {int(cache_size)}")
            cursor.execute("PRAGMA threads = 0")


FIGURES = ("orders_count", "paid_orders", "paid_amount", "first_paid_at", "last_paid_at", "last_order_at")


def _latest_phone() -> str:
    """The phone of the buyer's latest order that has one (a tie in time: the later imported), as
    an aggregate of the grouped orders ``o``: no look-up per buyer.

    SQLite: the largest key ``creation time, U+0001, order id in 14 digits, phone``, then the phone
    cut out of it (a time without fractions sorts before the same second with fractions, as U+0001
    sorts before '.'). PostgreSQL: the first phone of the buyer's orders, latest first."""
    if connection.vendor == "postgresql":
        return (
            "COALESCE((ARRAY_AGG(o.receiver_phone ORDER BY o.created_at DESC, o.id DESC) "
            "FILTER (WHERE o.receiver_phone <> ''))[1], '')"
        )
    key = (
        "MAX(CASE WHEN o.receiver_phone <> '' THEN "
        f"o.created_at || char(1) || ({10**13} + o.id) || o.receiver_phone END)"
    )
    return f"COALESCE(substr({key}, instr({key}, char(1)) + 15), '')"


def _refresh(nicks: list[str] | None) -> tuple[int, int]:
    orders = Order._meta.db_table
    customers = Customer._meta.db_table
    now = timezone.now()
    sqlite = connection.vendor != "postgresql"
    false = "0" if sqlite else "FALSE"
    if nicks is None:
        # the whole table: one sort by member name; SQLite would otherwise walk the buyer index
        # and visit every order's row on its own (twice the time)
        source = f"{orders} o NOT INDEXED" if sqlite else f"{orders} o"
        where, params = "o.buyer_nick <> ''", []
    else:
        source = f"{orders} o"
        where, params = _names_in("o.buyer_nick"), [_param(nicks)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM {customers} WHERE "
            + ("buyer_nick <> ''" if nicks is None else _names_in("buyer_nick")),
            params,
        )
        (known,) = cursor.fetchone()
        # written in member-name order: the profile indexes grow at their end, page after page
        cursor.execute(
            f"INSERT INTO {customers} (buyer_nick, name, im_id, company, address, note, "
            f"misdescription_count, blacklisted, blacklist_reason, tags, refunds_count, bad_reviews_count, "
            f"complaints_count, created_at, updated_at, {', '.join(FIGURES)}, phone) "
            f"SELECT o.buyer_nick, '', '', '', '', '', 0, {false}, '', '[]', 0, 0, 0, %s, %s, "
            f"COUNT(*), SUM(CASE WHEN o.paid_at IS NOT NULL THEN 1 ELSE 0 END), "
            f"ROUND(SUM(CASE WHEN o.paid_at IS NOT NULL THEN o.paid_amount ELSE 0 END), 2), "
            f"MIN(o.paid_at), MAX(o.paid_at), MAX(o.created_at), {_latest_phone()} "
            f"FROM {source} WHERE {where} GROUP BY o.buyer_nick ORDER BY o.buyer_nick "
            f"ON CONFLICT (buyer_nick) WHERE NOT (buyer_nick = '') DO UPDATE SET "
            + ", ".join(f"{c} = excluded.{c}" for c in (*FIGURES, "updated_at"))
            + f", phone = CASE WHEN excluded.phone = '' THEN {customers}.phone ELSE excluded.phone END"
            f" WHERE {customers}.orders_count <> excluded.orders_count "
            f"OR {customers}.paid_orders <> excluded.paid_orders "
            f"OR {customers}.paid_amount <> excluded.paid_amount "
            f"OR {customers}.last_order_at IS NULL "
            f"OR {customers}.last_order_at <> excluded.last_order_at",
            [now, now, *params],
        )
        written = max(cursor.rowcount, 0)
        cursor.execute(
            f"SELECT COUNT(*) FROM {customers} WHERE "
            + ("buyer_nick <> ''" if nicks is None else _names_in("buyer_nick")),
            params,
        )
        (after,) = cursor.fetchone()
    created = after - known
    return created, max(written - created, 0)


# --- per batch: the orders an import creates, added to their buyers' profiles --------------------


def _batch_figures(rows: list, col: dict[str, int]) -> dict[str, list]:
    """The figures of new orders by member name: orders, paid orders, paid amount, first and last
    payment, last order and its phone. The times compare as they come from the reader (the same
    text layout on SQLite, datetimes on PostgreSQL)."""
    nick_i, paid_i, amount_i = col["buyer_nick"], col["paid_at"], col["paid_amount"]
    created_i, phone_i = col["created_at"], col["receiver_phone"]
    figures: dict[str, list] = {}
    for row in rows:
        nick = row[nick_i]
        if not nick:
            continue
        paid_at, created = row[paid_i], row[created_i]
        known = figures.get(nick)
        if known is None:
            figures[nick] = [
                1,
                1 if paid_at else 0,
                Decimal(str(row[amount_i] or 0)) if paid_at else Decimal(0),
                paid_at,
                paid_at,
                created,
                row[phone_i] or "",
            ]
            continue
        known[0] += 1
        if paid_at:
            known[1] += 1
            known[2] += Decimal(str(row[amount_i] or 0))
            if known[3] is None or paid_at < known[3]:
                known[3] = paid_at
            if known[4] is None or paid_at > known[4]:
                known[4] = paid_at
        if created >= known[5] and row[phone_i]:
            known[5], known[6] = created, row[phone_i]
        elif created > known[5]:
            known[5] = created
    return figures


def _add_upsert(values: str, vendor: str) -> str:
    c = Customer._meta.db_table

    def earlier(col: str, sign: str) -> str:
        return (
            f"{col} = CASE WHEN excluded.{col} IS NOT NULL AND ({c}.{col} IS NULL "
            f"OR excluded.{col} {sign} {c}.{col}) THEN excluded.{col} ELSE {c}.{col} END"
        )

    return (
        f"INSERT INTO {c} (buyer_nick, name, im_id, company, address, note, misdescription_count, "
        f"blacklisted, blacklist_reason, tags, refunds_count, bad_reviews_count, complaints_count, "
        f"created_at, updated_at, {', '.join(FIGURES)}, phone) {values} "
        f"ON CONFLICT (buyer_nick) WHERE NOT (buyer_nick = '') DO UPDATE SET "
        f"orders_count = {c}.orders_count + excluded.orders_count, "
        f"paid_orders = {c}.paid_orders + excluded.paid_orders, "
        f"paid_amount = ROUND({c}.paid_amount + excluded.paid_amount, 2), "
        f"{earlier('first_paid_at', '<')}, {earlier('last_paid_at', '>')}, "
        # the phone of the latest order: computed from the old last_order_at, before it moves on
        f"phone = CASE WHEN excluded.phone <> '' AND ({c}.last_order_at IS NULL "
        f"OR excluded.last_order_at >= {c}.last_order_at) THEN excluded.phone ELSE {c}.phone END, "
        f"{earlier('last_order_at', '>')}, updated_at = excluded.updated_at"
    )


@functools.lru_cache(maxsize=4)
def _add_sql_sqlite(rows: int) -> str:
    """SQLite: ``rows`` rows of VALUES with ``?`` placeholders, for the sqlite3 connection itself
    (Django's cursor would rewrite thousands of ``%s`` on every execute)."""
    one = "(?, '', '', '', '', '', 0, 0, '', '[]', 0, 0, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    return _add_upsert(f"VALUES {', '.join([one] * rows)}", "sqlite")


@functools.lru_cache(maxsize=1)
def _add_sql_postgres() -> str:
    """PostgreSQL: the batch as eight arrays, unnested: one statement, ten parameters."""
    return _add_upsert(
        "SELECT n, '', '', '', '', '', 0, FALSE, '', '[]', 0, 0, 0, %s, %s, o, p, a, f, l, lo, ph "
        "FROM unnest(%s::text[], %s::int[], %s::int[], %s::numeric[], %s::timestamptz[], "
        "%s::timestamptz[], %s::timestamptz[], %s::text[]) AS t(n, o, p, a, f, l, lo, ph)",
        "postgresql",
    )


def profiles_add(rows: list, *, columns: dict[str, int], now) -> set[str]:
    """Add the orders a batch CREATED to their buyers' profiles, set-based: the batch's figures by
    member name, then one upsert (``INSERT … ON CONFLICT DO UPDATE`` adding counts and amounts,
    keeping the earliest and latest times) for the batch (SQLite: per ``ADD_STEP`` buyers). Call
    it in the batch's transaction, after the orders are written: the profiles commit with their
    orders. Orders that were UPDATED are not added here (their old figures are already counted):
    their buyers are refreshed from the table after the load (``profiles_refresh``). Returns the
    member names written."""
    figures = _batch_figures(rows, columns)
    if not figures:
        return set()
    items = sorted(figures.items())  # in index order: neighbouring pages, and no deadlock between imports
    if connection.vendor == "postgresql":
        columns_of = list(zip(*[(nick, *values) for nick, values in items], strict=True))
        with connection.cursor() as cursor:
            cursor.execute(_add_sql_postgres(), [now, now, *(list(column) for column in columns_of)])
        return set(figures)
    raw = connection.connection
    for start in range(0, len(items), ADD_STEP):
        chunk = items[start : start + ADD_STEP]
        params: list = []
        for nick, (orders, paid, amount, first, last, last_order, phone) in chunk:
            params += [nick, now, now, orders, paid, str(amount), first, last, last_order, phone]
        raw.execute(_add_sql_sqlite(len(chunk)), params)
    return set(figures)


ADD_STEP = 300


def profiles_count() -> int:
    """The profiles that have a member name (before and after an import: how many it created)."""
    return Customer.objects.exclude(buyer_nick="").count()


def contacts_of_customer(*, customer, limit: int = 10) -> list[dict]:
    """The receivers, phones and addresses the customer's orders named, the latest first (one query)."""
    if not customer.buyer_nick:
        return []
    rows = (
        Order.objects.filter(buyer_nick=customer.buyer_nick)
        .values("receiver_name", "receiver_phone", "receiver_province", "receiver_address")
        .annotate(last=Max("created_at"))
        .order_by("-last")[:limit]
    )
    return list(rows)


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
