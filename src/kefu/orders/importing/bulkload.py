"""A large import on SQLite builds the order table's secondary indexes after loading, not row by row.

Kept up to date row by row, the indexes on random keys (buyer, phone, waybill, creation time) cost
SQLite more than the rest of the import together: each insert lands on a different page of each
index. Sorting a million keys once costs a few seconds. So an import that is large next to the
table (a shop's first load of its history) drops them, loads, and builds them again, while small
daily imports keep them. The unique ``(shop, number)`` index always stays: the upsert needs it.

While a bulk load runs, pages that search orders scan the table (slower, still right). The
indexes come back at the end of the load, whatever happened; after a crash, the end of the next
import (of either export) or the next minute's sweep builds them, unless another bulk load says it
is alive (its heartbeat in the cache, renewed at every commit, from a process not seen dead).
"""

import os
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.core.cache import cache
from django.db import connection, transaction

from kefu.orders.models import Order

HEARTBEAT_KEY = "orders:bulk-load"
HEARTBEAT_SECONDS = 120
# an export row is 250–300 bytes; below this many rows, building the indexes again costs more
MIN_ROWS = 50_000
BYTES_PER_ROW = 250


def _present() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = %s", [Order._meta.db_table]
        )
        return {name for (name,) in cursor.fetchall()}


def _deferred() -> list:
    """The full indexes; the partial ones hold an order only while it waits, and stay."""
    return [index for index in Order._meta.indexes if index.condition is None]


def worth_deferring(path: Path) -> bool:
    """SQLite, a large file, a table holding a quarter of its rows or fewer, and no other bulk load."""
    if connection.vendor != "sqlite":
        return False
    rows = path.stat().st_size // BYTES_PER_ROW
    return rows >= MIN_ROWS and Order.objects.count() * 4 <= rows and not loading_elsewhere()


def beat() -> None:
    cache.set(HEARTBEAT_KEY, f"{socket.gethostname()}:{os.getpid()}", timeout=HEARTBEAT_SECONDS)


def loading_elsewhere() -> bool:
    """A bulk load says it is alive, and its process was not seen dead on this machine.

    A worker killed mid-load leaves its heartbeat for two minutes; an import right after would
    otherwise leave the indexes out until the sweep.
    """
    alive = cache.get(HEARTBEAT_KEY)
    if not alive:
        return False
    host, _, pid = str(alive).rpartition(":")
    if host == socket.gethostname() and pid.isdigit():
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            cache.delete(HEARTBEAT_KEY)
            return False
        except OSError:
            pass  # alive, someone else's
    return True


@contextmanager
def indexes_deferred() -> Iterator[Callable[[], None]]:
    """Drop the full indexes; yield ``beat`` (call it after each commit); build them again."""
    beat()
    with transaction.atomic(), connection.cursor() as cursor:
        for index in _deferred():
            cursor.execute(f'DROP INDEX IF EXISTS "{index.name}"')
    try:
        yield beat
    finally:
        indexes_restore()
        cache.delete(HEARTBEAT_KEY)


def indexes_restore(*, unless_loading: bool = False, now=None) -> dict[str, int]:
    """Build every index the order model declares that the database lacks; ``{"indexes_built": n}``.

    ``unless_loading``: leave them alone while a bulk load is alive (the sweep and a new import).
    """
    if connection.vendor != "sqlite" or (unless_loading and loading_elsewhere()):
        return {"indexes_built": 0}
    present = _present()  # outside the lock: the sweep asks every minute, and nearly always all are there
    if all(index.name in present for index in Order._meta.indexes):
        return {"indexes_built": 0}
    editor = connection.schema_editor()
    built = 0
    # the transaction takes the write lock first (IMMEDIATE), so two of these never build one twice
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (cache_size,) = cursor.fetchone()
        # SQLite sorts the keys on a second core, in small runs merged through temporary files:
        # measured twice as fast as one sort in a large page cache
        cursor.execute("PRAGMA threads = 2")
        cursor.execute("PRAGMA cache_size = -2000")
        try:
            present = _present()
            for index in Order._meta.indexes:
                if index.name not in present:
                    cursor.execute(str(index.create_sql(Order, editor)))
                    built += 1
        finally:
            cursor.execute(f"PRAGMA cache_size = {int(cache_size)}")
            cursor.execute("PRAGMA threads = 0")
    return {"indexes_built": built}
