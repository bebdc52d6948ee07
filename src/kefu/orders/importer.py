"""Import of the seller center's order exports (订单报表 and 宝贝报表), streaming and idempotent.

Rows are read one by one and written in batches, so a million-row export needs the memory of one
batch. Per batch, one query reads what kefu already has for those order numbers; each row is then
new, unchanged (same digest as last time), stale (older than what kefu knows: a state never moves
backwards) or an update. The write is one multi-row upsert whose ``WHERE`` repeats the
never-backwards rule in SQL, so a sweep or another import racing this one cannot be undone by it.
A bad row is reported with its line number and reason; the good rows still land.
"""

import csv
import functools
import hashlib
import operator
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, transaction

from kefu.orders import exportformat as fmt
from kefu.orders import lifecycle
from kefu.orders.models import Order, OrderLine, OrderState

BATCH = 2000
MAX_REPORTED_ERRORS = 500


class ImportFileError(ValueError):
    """The file as a whole cannot be read (not an export, missing required columns)."""


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

# --- reading ------------------------------------------------------------------------------------


def _rows(path: Path) -> Iterator[tuple[int, list[str], int]]:
    """(line number, cells, bytes read so far) for a CSV or an .xlsx export."""
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True, data_only=True)
        try:
            size = path.stat().st_size
            sheet = book.worksheets[0]
            total = max(sheet.max_row or 1, 1)
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, ["" if v is None else str(v) for v in values], size * number // total
        finally:
            book.close()
        return
    with path.open("rb") as binary:
        text = fmt.open_text(binary)
        reader = csv.reader(text)
        try:
            for cells in reader:
                yield reader.line_num, cells, binary.tell()
        except csv.Error:
            # a runaway quote (a cell past the CSV reader's size limit) leaves the rest unreadable:
            # say where, and let the rows before it land
            yield reader.line_num, None, binary.tell()


BROKEN = "从此行起文件无法按 CSV 读取（引号不成对或单元格过长），后面的行未导入"


# --- orders ---------------------------------------------------------------------------------------

ORDER_COLS = (
    "shop", "number", "buyer_nick", "buyer_im", "receiver_name", "receiver_phone", "receiver_province",
    "receiver_address", "goods_amount", "postage", "paid_amount", "item_count", "state", "shipping_method",
    "courier", "waybill", "created_at", "paid_at", "shipped_at", "finished_at", "closed_at", "close_reason",
    "auto_confirmed", "items_summary", "platform_remark", "buyer_message", "flag", "updated_at", "version",
    "import_digest",
)  # fmt: skip
_I = {name: i for i, name in enumerate(ORDER_COLS)}
# what an update may set: everything the platform owns; kefu's own flag and review stay
_UPDATED = [c for c in ORDER_COLS if c not in ("shop", "number", "flag", "auto_confirmed")]
# what the export said, without what the import adds (its own time, kefu's flag and counters)
_DIGESTED = [
    i
    for c, i in _I.items()
    if c not in ("shop", "closed_at", "auto_confirmed", "flag", "updated_at", "version", "import_digest")
]

_digested = operator.itemgetter(*_DIGESTED)


def _rank_sql(column: str) -> str:
    whens = " ".join(f"WHEN '{state}' THEN {rank}" for state, rank in lifecycle.STATE_RANK.items())
    return f"(CASE {column} {whens} END)"


@functools.lru_cache(maxsize=4)
def _upsert_sql(rows: int) -> str:
    """The upsert of ``rows`` rows of VALUES, or (``rows == 0``) of the PostgreSQL staging table's rows."""
    table = Order._meta.db_table
    final = ", ".join(f"'{s}'" for s in lifecycle.FINAL_STATES)
    if rows:
        values = "VALUES " + ", ".join(["(" + ", ".join(["%s"] * len(ORDER_COLS)) + ")"] * rows)
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


class _OrderRowReader:
    # the cells read() takes, in this order; a column the file lacks reads as ""
    FIELDS = (
        "number", "state", "created_at", "receiver_address", "buyer_nick", "paid_at", "shipped_at",
        "finished_at", "close_reason", "receiver_name", "receiver_phone", "goods_amount", "postage",
        "paid_amount", "item_count", "shipping_method", "courier", "waybill", "items_summary",
        "platform_remark", "buyer_message",
    )  # fmt: skip

    def __init__(self, header: list[str], *, shop: str, parse_time: fmt.TimeParser):
        self.cols = fmt.column_map(header, fmt.ORDER_COLUMNS)
        missing = [name for name in fmt.ORDER_REQUIRED if name not in self.cols]
        if missing:
            labels = "、".join(fmt.ORDER_COLUMNS[name][0] for name in missing)
            raise ImportFileError(f"订单报表缺少必需的列：{labels}")
        self.shop = shop
        self.time = parse_time
        # Positions resolved once per file; -1 is the empty cell read() appends to every row.
        positions = [self.cols.get(name, -1) for name in self.FIELDS]
        self.width = max(positions) + 1
        self.pick = operator.itemgetter(*positions)

    def read(self, cells: list[str], now) -> list:
        """One export row → the values of ``ORDER_COLS`` (raises CellError)."""
        if len(cells) < self.width:
            cells = cells + [""] * (self.width - len(cells))
        cells.append("")
        (
            number, state, created_at, address, nick, paid_at, shipped_at, finished_at, close_reason,
            receiver_name, receiver_phone, goods_amount, postage, paid_amount, item_count, shipping_method,
            courier, waybill, items_summary, platform_remark, buyer_message,
        ) = self.pick(cells)  # fmt: skip
        strip, parse_time = fmt.strip_cell, self.time
        number = fmt.order_number(number)
        state = fmt.trade_state(state)
        created_at = parse_time(created_at)
        if created_at is None:
            raise fmt.CellError("订单创建时间为空")
        address = strip(address)[:255]
        nick = strip(nick)[:64]
        close_reason = strip(close_reason)
        if close_reason == fmt.CLOSE_REASON_NONE or state != OrderState.TRADE_CLOSED:
            close_reason = ""
        row = [
            self.shop,
            number,
            nick,
            nick,
            strip(receiver_name)[:64],
            strip(receiver_phone)[:32],
            fmt.province(address),
            address,
            fmt.money(goods_amount),
            fmt.money(postage),
            fmt.money(paid_amount),
            fmt.count(item_count),
            state,
            fmt.shipping_method(shipping_method),
            strip(courier)[:32],
            fmt.waybill(waybill),
            created_at,
            parse_time(paid_at),
            parse_time(shipped_at),
            parse_time(finished_at),
            now if state == OrderState.TRADE_CLOSED else None,
            close_reason[:120],
            False,
            strip(items_summary)[:255],
            strip(platform_remark),
            strip(buyer_message),
            "",
            now,
            1,
            "",
        ]
        # The digest covers what the export said (not the import time), so the same row twice is "unchanged".
        digest_source = "\x1f".join(map(str, _digested(row)))
        row[-1] = hashlib.md5(digest_source.encode(), usedforsecurity=False).hexdigest()
        return row


def _merge(row: list, existing: tuple, now) -> list:
    """An update keeps what kefu knows that the export leaves blank (times, courier, waybill)."""
    _id, _state, _digest, paid_at, shipped_at, finished_at, closed_at, courier, waybill, close_reason = (
        existing
    )
    row[_I["paid_at"]] = row[_I["paid_at"]] or paid_at
    row[_I["shipped_at"]] = row[_I["shipped_at"]] or shipped_at
    row[_I["finished_at"]] = row[_I["finished_at"]] or finished_at
    row[_I["closed_at"]] = closed_at or row[_I["closed_at"]]
    row[_I["courier"]] = row[_I["courier"]] or courier
    row[_I["waybill"]] = row[_I["waybill"]] or waybill
    row[_I["close_reason"]] = row[_I["close_reason"]] or (close_reason if row[_I["state"]] == _state else "")
    return row


def _fill_shipped_at(row: list, now) -> None:
    # Older layouts have no 发货时间: the import time is the earliest safe guess, so the automatic
    # confirmation never comes before the platform's own.
    if row[_I["shipped_at"]] is None and row[_I["state"]] in (
        OrderState.WAIT_BUYER_CONFIRM,
        OrderState.SELLER_CONSIGNED_PART,
        OrderState.TRADE_FINISHED,
    ):
        row[_I["shipped_at"]] = now


def _write_orders(batch: dict[str, tuple[int, list]], report: ImportReport, *, shop: str, now) -> None:
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
        writes = []
        for number, (_line, row) in batch.items():
            known = existing.get(number)
            if known is None:
                _fill_shipped_at(row, now)
                writes.append(row)
                report.created += 1
            elif known[2] == row[-1]:
                report.unchanged += 1
            elif not lifecycle.import_may_apply(known[1], row[_I["state"]]):
                report.stale += 1
            else:
                _merge(row, known, now)
                _fill_shipped_at(row, now)
                writes.append(row)
                report.updated += 1
        if postgres:
            _copy_upsert(cursor, writes)
            return
        # few statements with many rows each: one round trip per 200 orders
        step = 200
        for start in range(0, len(writes), step):
            chunk = writes[start : start + step]
            cursor.execute(_upsert_sql(len(chunk)), [v for row in chunk for v in row])


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


def _import_orders(rows: Iterator, header: list[str], report: ImportReport, *, shop: str, progress) -> None:
    parse_time = fmt.TimeParser(as_text=connection.vendor == "sqlite")
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            # SQLite's default page cache is 2 MB; the order table's 8 indexes take ~250 MB at 1M orders,
            # so random index inserts miss it on almost every row (sys time). 64 MB for this connection.
            cursor.execute("PRAGMA cache_size = -65536")
    reader = _OrderRowReader(header, shop=shop, parse_time=parse_time)
    now = parse_time.now()
    batch: dict[str, tuple[int, list]] = {}
    done = 0
    for line, cells, done in rows:
        if cells is None:
            report.error(line, BROKEN)
            break
        if not any(c.strip() for c in cells):
            continue
        report.rows += 1
        try:
            row = reader.read(cells, now)
        except fmt.CellError as exc:
            report.error(line, str(exc))
            continue
        number = row[1]
        previous = batch.get(number)
        # overlapping exports repeat orders: keep the furthest-along copy
        if previous is None or lifecycle.import_may_apply(previous[1][_I["state"]], row[_I["state"]]):
            if previous is not None:
                report.unchanged += 1
            batch[number] = (line, row)
        else:
            report.unchanged += 1
        if len(batch) >= BATCH:
            with transaction.atomic():
                _write_orders(batch, report, shop=shop, now=now)
            batch = {}
            if progress:
                progress(done)
    with transaction.atomic():
        _write_orders(batch, report, shop=shop, now=now)
    if report.created > 10_000 and connection.vendor == "postgresql":
        # fresh statistics, or the next import's look-ups plan as if the table were empty
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Order._meta.db_table}")
    if progress:
        progress(done)


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
        if not any(c.strip() for c in cells):
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
    """Import one export (which kind is told by its header). Commits batch by batch.

    Each batch commits on its own: an interrupted import keeps what it wrote, and running it again
    finishes the rest without changing what is already there.
    """
    path = Path(path)
    rows = _rows(path)
    report = ImportReport()
    header = None
    for _line, cells, _done in rows:
        if cells is None:
            raise ImportFileError(BROKEN)
        if any(c.strip() for c in cells):
            header = cells
            break
    if header is None:
        raise ImportFileError("文件是空的。")
    kind = fmt.detect_kind(header)
    if kind == "orders":
        _import_orders(rows, header, report, shop=shop, progress=progress)
    elif kind == "lines":
        _import_lines(rows, header, report, shop=shop, progress=progress)
    else:
        raise ImportFileError(
            "无法识别的文件：表头既不是订单报表（订单编号、订单状态…）也不是宝贝报表（标题、购买数量…）。"
        )
    return report
