"""STORE: mapped rows → the database, as bulk upserts that never move an order backwards.

Per batch, one query reads what kefu already has for those order numbers; each row is then new,
unchanged (same digest as last time), stale (older than what kefu knows: a state never moves
backwards) or an update. The write is one multi-row upsert whose ``WHERE`` repeats the
never-backwards rule in SQL, so a sweep or another import racing this one cannot be undone by it.
Several batches go to one transaction (``COMMIT_ROWS``, ``COMMIT_SECONDS``); each commits on its
own, so an interrupted import keeps what it wrote. A large first load on SQLite builds the
secondary indexes after loading (``bulkload``).
"""

import functools
import gc
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from itertools import chain
from pathlib import Path

from django.db import connection, transaction

from kefu.orders import customer_profiles, lifecycle
from kefu.orders.importing import bulkload
from kefu.orders.importing.mapping import LINE_COLS, ORDER_COLS, ParsedBatch
from kefu.orders.importing.read import BROKEN
from kefu.orders.importing.report import ImportReport, Progress
from kefu.orders.models import Order, OrderLine

# One transaction spans batches up to this many orders or seconds: each commit rewrites every
# index page the transaction touched, and random keys (phones, buyers) touch most of them, so
# 2 000-row commits cost SQLite several times the work. A second keeps other writers' waits short.
COMMIT_ROWS = 50_000
COMMIT_SECONDS = 1.0

# --- orders ---------------------------------------------------------------------------------------


def prepare() -> None:
    """Before a 订单报表 is written: a page cache for the indexes, and any index a cut-short bulk load left out."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            # SQLite's default page cache is 2 MB; the order table's indexes take ~150 MB at 1M orders,
            # so random index inserts would miss it on almost every row. 64 MB for this connection.
            cursor.execute("PRAGMA cache_size = -65536")
        bulkload.indexes_restore(unless_loading=True)


@contextmanager
def loading(path: Path, report: ImportReport) -> Iterator[Callable[[], None] | None]:
    """Around writing a whole file: no garbage collection, the bulk load when it pays; yields the
    bulk load's heartbeat (call it after each commit) or None."""
    collecting = gc.isenabled()
    gc.disable()  # a million rows pass through here: the collector's passes over them find nothing
    try:
        with bulkload.indexes_deferred() if bulkload.worth_deferring(path) else nullcontext() as beat:
            yield beat
    finally:
        if collecting:
            gc.enable()
    if report.created > 10_000 and connection.vendor != "sqlite":
        # fresh statistics, or the next import's look-ups plan as if the table were empty
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Order._meta.db_table}")


_I = {name: i for i, name in enumerate(ORDER_COLS)}
# what an update may set: everything the platform owns; kefu's own flag and review stay
_UPDATED = [c for c in ORDER_COLS if c not in ("shop", "number", "flag", "auto_confirmed")]


def _rank_sql(column: str) -> str:
    whens = " ".join(f"WHEN '{state}' THEN {rank}" for state, rank in lifecycle.STATE_RANK.items())
    return f"(CASE {column} {whens} END)"


@functools.lru_cache(maxsize=4)
def _upsert_sql(rows: int) -> str:
    """The upsert of ``rows`` rows of VALUES (SQLite's ``?`` placeholders), or (``rows == 0``) of the
    PostgreSQL staging table's rows."""
    table = Order._meta.db_table
    final = ", ".join(f"'{s}'" for s in lifecycle.FINAL_STATES)
    if rows:
        values = "VALUES " + ", ".join(["(" + ", ".join("?" * len(ORDER_COLS)) + ")"] * rows)
    else:
        values = f"SELECT {', '.join(ORDER_COLS)} FROM {_STAGE}"
    sets = ", ".join(
        f"{c} = {table}.version + 1" if c == "version" else f"{c} = excluded.{c}" for c in _UPDATED
    )
    return (
        f"INSERT INTO {table} ({', '.join(ORDER_COLS)}) {values} "
        f"ON CONFLICT (shop, number) DO UPDATE SET {sets} "
        f"WHERE {table}.import_digest <> excluded.import_digest "
        f"AND {_rank_sql(f'{table}.state')} <= {_rank_sql('excluded.state')} "
        f"AND ({table}.state NOT IN ({final}) OR {table}.state = excluded.state)"
    )


def _merge(row: tuple, existing: tuple, now) -> list:
    """An update keeps what kefu knows that the export leaves blank (times, courier, waybill).

    A shipping time equal to the import's own is the reader's guess for a layout without 发货时间:
    a time kefu already has wins over it.
    """
    _id, _state, _digest, paid_at, shipped_at, finished_at, closed_at, courier, waybill, close_reason = (
        existing
    )
    row = list(row)
    row[_I["paid_at"]] = row[_I["paid_at"]] or paid_at
    if shipped_at is not None and row[_I["shipped_at"]] in (None, now):
        row[_I["shipped_at"]] = shipped_at
    row[_I["finished_at"]] = row[_I["finished_at"]] or finished_at
    row[_I["closed_at"]] = closed_at or row[_I["closed_at"]]
    row[_I["courier"]] = row[_I["courier"]] or courier
    row[_I["waybill"]] = row[_I["waybill"]] or waybill
    row[_I["close_reason"]] = row[_I["close_reason"]] or (close_reason if row[_I["state"]] == _state else "")
    return row


def write_orders(
    batch: dict[str, tuple[int, tuple]], report: ImportReport, *, shop: str, now, add_profiles: bool = True
) -> None:
    if not batch:
        return
    table = Order._meta.db_table
    numbers = list(batch)
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        # PostgreSQL: one array parameter, not 2 000 placeholders for psycopg to find in the text
        marks = "= ANY(%s)" if postgres else "IN (" + ", ".join(["%s"] * len(numbers)) + ")"
        cursor.execute(
            f"SELECT number, id, state, import_digest, paid_at, shipped_at, finished_at, closed_at, courier, "
            f"waybill, close_reason FROM {table} WHERE shop = %s AND number {marks}",
            [shop, numbers] if postgres else [shop, *numbers],
        )
        existing = {r[0]: r[1:] for r in cursor.fetchall()}
        if not existing:  # the common case of a first import: every row is new
            writes = [row for _line, row in batch.values()]
            created = writes
            report.created += len(writes)
        else:
            writes, created = [], []
            for number, (_line, row) in batch.items():
                known = existing.get(number)
                if known is None:
                    writes.append(row)
                    created.append(row)
                    report.created += 1
                elif known[2] == row[-1]:
                    report.unchanged += 1
                elif not lifecycle.import_may_apply(known[1], row[_I["state"]]):
                    report.stale += 1
                else:
                    merged = _merge(row, known, now)
                    writes.append(merged)
                    report.updated += 1
                    report.buyers.add(merged[_BUYER])  # refreshed from the table after the load
        _buyers_note(writes, report)
        if postgres:
            _copy_upsert(cursor, writes)
        else:
            # Few statements with many rows each, straight to the sqlite3 connection: Django's cursor
            # would rewrite the 6 000 ``%s`` of each statement into ``?`` on every execute.
            raw = connection.connection
            step = 200
            for start in range(0, len(writes), step):
                chunk = writes[start : start + step]
                raw.execute(_upsert_sql(len(chunk)), list(chain.from_iterable(chunk)))
    if not add_profiles:  # a bulk load: every profile is counted again after the load, in one pass
        return
    # the new orders' buyers: their profiles, in the same transaction as the orders
    started, cpu = time.perf_counter(), time.process_time()
    report.buyers_added |= customer_profiles.profiles_add(created, columns=_I, now=now)
    report.timed("profiles_per_batch", time.perf_counter() - started, time.process_time() - cpu)


_STAGE = "kefu_orders_import_stage"
_BUYER = _I["buyer_nick"]


def _buyers_note(writes: list, report: ImportReport) -> None:
    """The written orders without a member name: they keep their order and get no profile."""
    report.without_buyer += sum(1 for row in writes if not row[_BUYER])
    report.buyers.discard("")


def _copy_upsert(cursor, writes: list[list]) -> None:
    """PostgreSQL: COPY the batch into a temporary table (gone at commit), then one upsert from it.

    psycopg formats COPY rows in C; a 200-row VALUES statement would be searched for its 6 000
    placeholders on every execute (client-side binding), which cost more than the database's work.
    """
    if not writes:
        return
    cols = ", ".join(ORDER_COLS)
    cursor.execute(
        f"CREATE TEMP TABLE IF NOT EXISTS {_STAGE} ON COMMIT DROP AS "
        f"SELECT {cols} FROM {Order._meta.db_table} WITH NO DATA"
    )
    with cursor.cursor.copy(f"COPY {_STAGE} ({cols}) FROM STDIN") as copy:
        for row in writes:
            copy.write_row(row)
    cursor.execute(_upsert_sql(0))
    cursor.execute(f"TRUNCATE {_STAGE}")


def store_orders(
    batches: Iterator[ParsedBatch], report: ImportReport, *, shop: str, now, progress: Progress | None, beat
) -> None:
    """Write the parsed batches, several to a transaction (``COMMIT_ROWS``, ``COMMIT_SECONDS``)."""
    for first in batches:
        broken = False
        with transaction.atomic():
            if connection.vendor == "postgresql":
                # one import of a shop writes at a time: the profiles add what each batch created,
                # which must be what the batch saw as new (SQLite's IMMEDIATE transactions do this)
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT pg_advisory_xact_lock(hashtext(%s))", [f"kefu-orders-import:{shop}"]
                    )
            written, started, parsed = 0, time.monotonic(), first
            while True:
                orders, errors, repeated = parsed.orders()
                report.rows += parsed.rows
                report.unchanged += repeated
                for line, reason in errors:
                    report.error(line, reason)
                # a bulk load (a first load: the indexes come back at its end) leaves the profiles
                # to one pass over the table after it; everyday imports add them batch by batch
                write_orders(orders, report, shop=shop, now=now, add_profiles=beat is None)
                written += len(orders)
                done = parsed.done
                if parsed.broken_at is not None:
                    report.error(parsed.broken_at, BROKEN)
                    broken = True
                    break
                if written >= COMMIT_ROWS or time.monotonic() - started >= COMMIT_SECONDS:
                    break
                parsed = next(batches, None)
                if parsed is None:
                    break
        if beat:
            beat()
        if progress:
            progress(done)
        if broken:
            return


# --- order lines (宝贝报表) --------------------------------------------------------------------


def write_lines(batch: list[tuple[int, str, list]], report: ImportReport, *, shop: str) -> None:
    if not batch:
        return
    numbers = list({number for _, number, _ in batch})
    ids = dict(Order.objects.filter(shop=shop, number__in=numbers).values_list("number", "id"))
    table = OrderLine._meta.db_table
    cols = ("order_id", *LINE_COLS)
    # Overlapping exports repeat lines; one INSERT … ON CONFLICT may not name a row twice
    # (PostgreSQL refuses the whole statement), so the later copy of a line wins.
    by_key: dict[tuple[int, str], list] = {}
    for line, number, row in batch:
        order_id = ids.get(number)
        if order_id is None:
            report.error(line, f"找不到订单 {number}（请先导入订单报表）")
            continue
        by_key[(order_id, row[5])] = [order_id, *row]
        report.lines += 1
    values = list(by_key.values())
    placeholders = "(" + ", ".join(["%s"] * len(cols)) + ")"
    update = ", ".join(f"{c} = excluded.{c}" for c in ("title", "sku", "quantity", "price", "outer_code"))
    changed = " OR ".join(
        f"{table}.{c} <> excluded.{c}" for c in ("title", "sku", "quantity", "price", "outer_code")
    )
    with connection.cursor() as cursor:
        for start in range(0, len(values), 200):
            chunk = values[start : start + 200]
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(cols)}) VALUES {', '.join([placeholders] * len(chunk))} "
                f"ON CONFLICT (order_id, line_key) DO UPDATE SET {update} WHERE {changed}",
                [v for row in chunk for v in row],
            )
