"""Import of the seller center's order exports (订单报表 and 宝贝报表), streaming and idempotent.

Rows are parsed in batches (column by column, and for a large CSV in a helper process beside this
one: ``exportread``) and written batch by batch, several batches to a transaction, so a million-row
export needs the memory of a few batches. Per batch, one query reads what kefu already has for
those order numbers; each row is then new, unchanged (same digest as last time), stale (older than
what kefu knows: a state never moves backwards) or an update. The write is one multi-row upsert whose ``WHERE`` repeats the
never-backwards rule in SQL, so a sweep or another import racing this one cannot be undone by it.
A bad row is reported with its line number and reason; the good rows still land.
"""

import functools
import gc
import hashlib
import time
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

from django.db import connection, transaction

from kefu.orders import bulkload, exportread, lifecycle
from kefu.orders import exportformat as fmt
from kefu.orders.exportbatch import ORDER_COLS
from kefu.orders.exportread import BROKEN, ImportFileError
from kefu.orders.models import Order, OrderLine

BATCH = exportread.BATCH
MAX_REPORTED_ERRORS = 500
# One transaction spans batches up to this many orders or seconds: each commit rewrites every
# index page the transaction touched, and random keys (phones, buyers) touch most of them, so
# 2 000-row commits cost SQLite several times the work. A second keeps other writers' waits short.
COMMIT_ROWS = 50_000
COMMIT_SECONDS = 1.0

__all__ = ["ImportFileError", "ImportReport", "import_file"]


@dataclass
class ImportReport:
    kind: str = "orders"
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    stale: int = 0
    lines: int = 0
    error_count: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    def error(self, line: int, reason: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append((line, reason))

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "stale": self.stale,
            "lines": self.lines,
            "error_count": self.error_count,
            "errors": [{"line": line, "reason": reason} for line, reason in self.errors],
        }


Progress = Callable[[int], None]

# --- orders ---------------------------------------------------------------------------------------

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


def _write_orders(batch: dict[str, tuple[int, tuple]], report: ImportReport, *, shop: str, now) -> None:
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
            report.created += len(writes)
        else:
            writes = []
            for number, (_line, row) in batch.items():
                known = existing.get(number)
                if known is None:
                    writes.append(row)
                    report.created += 1
                elif known[2] == row[-1]:
                    report.unchanged += 1
                elif not lifecycle.import_may_apply(known[1], row[_I["state"]]):
                    report.stale += 1
                else:
                    writes.append(_merge(row, known, now))
                    report.updated += 1
        if postgres:
            _copy_upsert(cursor, writes)
            return
    # Few statements with many rows each, straight to the sqlite3 connection: Django's cursor would
    # rewrite the 6 000 ``%s`` of each statement into ``?`` on every execute.
    raw = connection.connection
    step = 200
    for start in range(0, len(writes), step):
        chunk = writes[start : start + step]
        raw.execute(_upsert_sql(len(chunk)), list(chain.from_iterable(chunk)))


_STAGE = "kefu_orders_import_stage"


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


def _import_orders(path: Path, report: ImportReport, *, shop: str, progress) -> None:
    sqlite = connection.vendor == "sqlite"
    if sqlite:
        with connection.cursor() as cursor:
            # SQLite's default page cache is 2 MB; the order table's indexes take ~150 MB at 1M orders,
            # so random index inserts would miss it on almost every row. 64 MB for this connection.
            cursor.execute("PRAGMA cache_size = -65536")
        bulkload.indexes_restore(unless_loading=True)  # after a bulk load that was cut short
    now = fmt.TimeParser(as_text=sqlite).now()
    parse = exportread.parse_orders_beside if exportread.may_parse_beside(path) else exportread.parse_orders
    batches = parse(path, shop=shop, as_text=sqlite, now=now)
    collecting = gc.isenabled()
    gc.disable()  # a million rows pass through here: the collector's passes over them find nothing
    try:
        with bulkload.indexes_deferred() if bulkload.worth_deferring(path) else nullcontext() as beat:
            _write_batches(batches, report, shop=shop, now=now, progress=progress, beat=beat)
    finally:
        if collecting:
            gc.enable()
    if report.created > 10_000 and not sqlite:
        # fresh statistics, or the next import's look-ups plan as if the table were empty
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Order._meta.db_table}")


def _write_batches(batches: Iterator, report: ImportReport, *, shop: str, now, progress, beat) -> None:
    """Write the parsed batches, several to a transaction (``COMMIT_ROWS``, ``COMMIT_SECONDS``)."""
    for first in batches:
        broken = False
        with transaction.atomic():
            written, started, parsed = 0, time.monotonic(), first
            while True:
                orders, errors, repeated = parsed.orders()
                report.rows += parsed.rows
                report.unchanged += repeated
                for line, reason in errors:
                    report.error(line, reason)
                _write_orders(orders, report, shop=shop, now=now)
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


def _line_key(line_id: str, title: str, sku: str, price) -> str:
    if line_id:
        return line_id[:64]
    return "k:" + hashlib.md5(f"{title}\x1f{sku}\x1f{price}".encode(), usedforsecurity=False).hexdigest()


def _write_lines(batch: list[tuple[int, str, list]], report: ImportReport, *, shop: str) -> None:
    if not batch:
        return
    numbers = list({number for _, number, _ in batch})
    ids = dict(Order.objects.filter(shop=shop, number__in=numbers).values_list("number", "id"))
    table = OrderLine._meta.db_table
    cols = ("order_id", "title", "sku", "quantity", "price", "is_gift", "line_key", "outer_code")
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


def _import_lines(rows: Iterator, header: list[str], report: ImportReport, *, shop: str, progress) -> None:
    cols = fmt.column_map(header, fmt.LINE_COLUMNS)
    missing = [name for name in fmt.LINE_REQUIRED if name not in cols]
    if missing:
        raise ImportFileError("宝贝报表缺少必需的列：" + "、".join(fmt.LINE_COLUMNS[n][0] for n in missing))
    report.kind = "lines"
    batch: list[tuple[int, str, list]] = []
    done = 0
    for line, cells, done in rows:
        if cells is None:
            report.error(line, BROKEN)
            break
        if exportread.is_blank(cells):
            continue
        report.rows += 1

        def cell(name: str, cells=cells) -> str:
            i = cols.get(name)
            return cells[i] if i is not None and i < len(cells) else ""

        try:
            number = fmt.order_number(cell("number"))
            title = fmt.strip_cell(cell("title"))[:200]
            if not title:
                raise fmt.CellError("标题为空")
            quantity = fmt.count(cell("quantity"))
            if quantity < 1:
                raise fmt.CellError("购买数量必须大于 0")
            price = fmt.money(cell("price"))
            sku = fmt.strip_cell(cell("sku"))[:120]
        except fmt.CellError as exc:
            report.error(line, str(exc))
            continue
        key = _line_key(fmt.strip_cell(cell("line_id")), title, sku, price)
        batch.append(
            (line, number, [title, sku, quantity, price, False, key, fmt.strip_cell(cell("outer_code"))[:64]])
        )
        if len(batch) >= BATCH:
            with transaction.atomic():
                _write_lines(batch, report, shop=shop)
            batch = []
            if progress:
                progress(done)
    with transaction.atomic():
        _write_lines(batch, report, shop=shop)
    if progress:
        progress(done)


def import_file(path: str | Path, *, shop: str = "", progress: Progress | None = None) -> ImportReport:
    """Import one export (which kind is told by its header). Commits as it goes.

    Each transaction commits on its own: an interrupted import keeps what it wrote, and running it
    again finishes the rest without changing what is already there.
    """
    path = Path(path)
    rows = exportread.rows(path)
    report = ImportReport()
    header = exportread.header(rows)
    kind = fmt.detect_kind(header)
    if kind == "orders":
        missing = [
            name for name in fmt.ORDER_REQUIRED if name not in fmt.column_map(header, fmt.ORDER_COLUMNS)
        ]
        if missing:
            labels = "、".join(fmt.ORDER_COLUMNS[name][0] for name in missing)
            raise ImportFileError(f"订单报表缺少必需的列：{labels}")
        rows.close()
        _import_orders(path, report, shop=shop, progress=progress)
    elif kind == "lines":
        _import_lines(rows, header, report, shop=shop, progress=progress)
    else:
        raise ImportFileError(
            "无法识别的文件：表头既不是订单报表（订单编号、订单状态…）也不是宝贝报表（标题、购买数量…）。"
        )
    return report
