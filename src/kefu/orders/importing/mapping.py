"""MAP: rows of cells → the values kefu stores, with the reason for each bad row.

订单报表 rows come in batches and are cleaned column by column (``OrderBatchReader``); 宝贝报表
rows, far fewer, one at a time (``LineReader``).

A million-row export cannot afford a Python function call per cell, so each column of a batch is
cleaned at once with C-speed string methods and ``map``. Every fast path only *vouches* for cells
whose shape it has checked (``="…"`` around digits, ``123.00``, ``yyyy-MM-dd HH:mm:ss``…); any
other cell goes through the per-cell cleaner of ``cells``, which gives the same value the
fast path would have and words the error, so a bad cell is reported exactly as before and the
result never depends on which path a cell took.
"""

import hashlib
import operator
import re
from dataclasses import dataclass, field
from itertools import repeat

from kefu.orders import lifecycle
from kefu.orders.importing import cells as fmt
from kefu.orders.importing.read import CellBatch, ImportFileError
from kefu.orders.models import OrderState

# the stored values of one order, in the order of the store's INSERT
ORDER_COLS = (
    "shop", "number", "buyer_nick", "buyer_im", "receiver_name", "receiver_phone", "receiver_province",
    "receiver_address", "goods_amount", "postage", "paid_amount", "item_count", "state", "shipping_method",
    "courier", "waybill", "created_at", "paid_at", "shipped_at", "finished_at", "closed_at", "close_reason",
    "auto_confirmed", "items_summary", "platform_remark", "buyer_message", "flag", "updated_at", "version",
    "import_digest",
)  # fmt: skip

# the export's cells read; their raw text, in this order, is what a row's digest covers
FIELDS = (
    "number", "state", "created_at", "goods_amount", "postage", "paid_amount", "item_count", "paid_at",
    "shipped_at", "finished_at", "receiver_address", "buyer_nick", "close_reason", "receiver_name",
    "receiver_phone", "shipping_method", "courier", "waybill", "items_summary", "platform_remark",
    "buyer_message",
)  # fmt: skip

MISS = object()  # a cell the fast path does not vouch for
SHORT_ROW = "这一行的列数比表头少（{got} 列，表头 {want} 列），文件可能不完整（下载中断或被截断），此行未导入"


UNCLOSED = "引号未闭合"  # marker: ``unclosed_quote`` words it once the row's lines are known


def unclosed_quote(cells: list[str], end: int) -> tuple[int, str]:
    """A row read over several lines because a quote was never closed: its first line, and why."""
    start = end - sum(map(_breaks, cells))
    if cells:  # a quote open to the end of the file holds the file's last line break
        end -= _breaks(cells[-1]) - _breaks(cells[-1].rstrip("\r\n"))
    return start, (
        f"第 {start}–{end} 行：第 {start} 行的引号未闭合，后面的行被并进了这一行，这几行都未导入；"
        "请在表格软件里补上引号或删去多余的引号后重新导入"
    )


# a line break inside a cell followed by what starts an export row (an order number, a comma and
# more cells): the next line was swallowed by a quote, even when a later quote closed it again
SWALLOWED = re.compile(r'[\r\n]"?=?"*[0-9]{6,}"*,(?:[^,\r\n]*,){3}')


def _breaks(cell: str) -> int:
    return cell.count("\n") + cell.count("\r") - cell.count("\r\n")


def _spans_lines(cells: list[str]) -> bool:
    return any("\n" in c or "\r" in c for c in cells)


def header_width(header: list[str]) -> int:
    """How many cells a whole row has: the header's up to its last name (exports end rows with a comma)."""
    names = [i for i, name in enumerate(header) if name.strip()]
    return names[-1] + 1 if names else 0


_SHIPPED = frozenset(
    (OrderState.WAIT_BUYER_CONFIRM, OrderState.SELLER_CONSIGNED_PART, OrderState.TRADE_FINISHED)
)
_WRAPPERS = frozenset("='")


def _slow(values: list, raw, clean, errors: dict[int, str]) -> list:
    """The cells marked MISS, through the per-cell cleaner; a bad one records the row's first error."""
    if MISS not in values:
        return values
    for i, value in enumerate(values):
        if value is MISS:
            try:
                values[i] = clean(raw[i])
            except fmt.CellError as exc:
                errors.setdefault(i, str(exc))
                values[i] = None
    return values


def strip_column(raw) -> list[str]:
    """``strip_cell`` of every cell; a column without wrapper characters is one ``str.strip`` each."""
    col = list(map(str.strip, raw))
    joined = "".join(col)
    if "\ufeff" in joined:
        return list(map(fmt.strip_cell, col))
    if "=" not in joined and "'" not in joined:
        return col
    strip_cell = fmt.strip_cell
    # a leading apostrophe (phones) is the common wrapper: strip_cell drops it and strips again
    return [s if s[:1] not in _WRAPPERS else s[1:].strip() if s[0] == "'" else strip_cell(s) for s in col]


def _cut(col: list[str], size: int) -> list[str]:
    return [s[:size] for s in col] if col and max(map(len, col)) > size else col


def numbers(raw, errors) -> list:
    col = [s[2:-1] if s[:2] == '="' and s[-1:] == '"' else s for s in raw]
    joined = "".join(col)
    if not (joined.isdigit() and joined.isascii() and "" not in col and max(map(len, col)) <= 32):
        col = [s if s.isdigit() and s.isascii() and len(s) <= 32 else MISS for s in col]
    return _slow(col, raw, fmt.order_number, errors)


def states(raw, errors) -> list:
    return _slow([fmt.STATE_BY_LABEL.get(s, MISS) for s in strip_column(raw)], raw, fmt.trade_state, errors)


def money(raw, errors) -> list:
    """``123.00`` stays the text it is (both databases take it for a decimal); the rest via ``money``."""
    col = strip_column(raw)
    if _MONEY_COLUMN.fullmatch("\n".join(col)):  # one C pass over the column: every cell is 123.00
        return col
    col = [
        s if s[-3:-2] == "." and s[:1] != "." and s.isascii() and s.replace(".", "", 1).isdigit() else MISS
        for s in col
    ]
    return _slow(col, raw, fmt.money, errors)


_MONEY_COLUMN = re.compile(r"(?:[0-9]+\.[0-9]{2}\n)*[0-9]+\.[0-9]{2}")


def counts(raw, errors) -> list:
    col = strip_column(raw)
    joined = "".join(col)
    if joined.isdigit() and joined.isascii() and "" not in col:
        return list(map(int, col))
    return _slow([int(s) if s.isdigit() and s.isascii() else MISS for s in col], raw, fmt.count, errors)


def times(raw, errors, parser: fmt.TimeParser) -> list:
    col = strip_column(raw)
    if not parser.as_text:
        return _slow([None if not s else MISS for s in col], raw, parser, errors)
    # 'yyyy-MM-dd HH:mm:ss' whose minute the parser has seen: its stored minute and these seconds;
    # a cell the parser has seen whole (Excel's 'yyyy/M/d H:mm'): what it gave then
    prefix, whole, seconds = parser.minute_prefixes.get, parser.seen, fmt.SECONDS
    col = [
        None
        if not s
        else p + tail
        if len(s) == 19 and (tail := s[16:]) in seconds and (p := prefix(s[:16])) is not None
        else whole(s, MISS)
        for s in col
    ]  # fmt: skip
    return _slow(col, raw, parser, errors)


def waybills(raw) -> list[str]:
    col = strip_column(raw)
    joined = "".join(col)
    if ":" in joined or "：" in joined:  # ``No:773…`` in some files
        col = [MISS if ":" in s or "：" in s else s for s in col]
        _slow(col, raw, fmt.waybill, {})
    return _cut(col, 64)


class OrderBatchReader:
    """Turns batches of export rows into ``ORDER_COLS`` rows, given the file's header."""

    def __init__(self, header: list[str], *, shop: str, parse_time: fmt.TimeParser):
        self.cols = fmt.column_map(header, fmt.ORDER_COLUMNS)
        self.missing = [name for name in fmt.ORDER_REQUIRED if name not in self.cols]
        if self.missing:
            return  # the import refuses the file; with the three required columns, pick gives tuples
        self.shop = shop
        self.time = parse_time
        self.present = [name for name in FIELDS if name in self.cols]
        positions = [self.cols[name] for name in self.present]
        self.width = max(positions) + 1
        self.pad = [""] * self.width
        # a row cut short (a file truncated by an interrupted download) would store its last cell
        # cut, a waybill 773100000001 as 77310: such a row is refused, never stored
        self.full = max(header_width(header), self.width)
        # a quote left open swallows the next lines into one row: that row has another cell count
        self.most = max(len(header), self.full)
        self.pick = operator.itemgetter(*positions)
        self._methods: dict[str, str] = {}

    def _method(self, cell: str) -> str:
        method = self._methods.get(cell)
        if method is None:
            method = fmt.shipping_method(cell).value  # plain text: cheaper to send to the writer
            if len(self._methods) < 1000:
                self._methods[cell] = method
        return method

    def read(self, batch: list[list[str]], now) -> tuple[list, dict[int, str]]:
        """The ``ORDER_COLS`` columns of ``batch`` (see ``rows_of``) and {index of a bad row: reason}.

        Columns, not rows, because the writer is another process: a column of one value travels
        as one value, and the writer builds the rows while this process parses the next batch.
        """
        n = len(batch)
        width, pad, pick, full = self.width, self.pad, self.pick, self.full
        errors: dict[int, str] = {}
        lengths = list(map(len, batch))
        if n and min(lengths) >= full and max(lengths) <= self.most:
            picked = list(map(pick, batch))
        else:
            picked = [pick(c) if len(c) >= width else pick(c + pad[len(c) :]) for c in batch]
            for i, c in enumerate(batch):
                if not full <= len(c) <= self.most and _spans_lines(c):
                    errors[i] = UNCLOSED
                elif len(c) < full:
                    errors[i] = SHORT_ROW.format(got=len(c), want=full)
        columns = dict(zip(self.present, zip(*picked, strict=True), strict=True)) if n else {}
        blank = ("",) * n

        def raw(name):
            return columns.get(name, blank)

        number = numbers(raw("number"), errors)
        state = states(raw("state"), errors)
        created_at = times(raw("created_at"), errors, self.time)
        for i, value in enumerate(created_at):
            if value is None:
                errors.setdefault(i, "订单创建时间为空")
        goods, postage, paid = (
            money(raw(name), errors) for name in ("goods_amount", "postage", "paid_amount")
        )
        item_count = counts(raw("item_count"), errors)
        paid_at, shipped_at, finished_at = (
            times(raw(name), errors, self.time) for name in ("paid_at", "shipped_at", "finished_at")
        )
        address = _cut(strip_column(raw("receiver_address")), 255)
        nick = _cut(strip_column(raw("buyer_nick")), 64)
        closed = OrderState.TRADE_CLOSED
        close_reason = [
            "" if r == fmt.CLOSE_REASON_NONE or s != closed else r[:120]
            for r, s in zip(strip_column(raw("close_reason")), state, strict=True)
        ]
        method = self._method
        # Older layouts have no 发货时间: the import time is the earliest safe guess, so the automatic
        # confirmation never comes before the platform's own (an update keeps a time kefu knows).
        shipped_at = [
            now if t is None and s in _SHIPPED else t for t, s in zip(shipped_at, state, strict=True)
        ]
        columns = [
            Same(self.shop),
            number,
            nick,
            nick,
            _cut(strip_column(raw("receiver_name")), 64),
            _cut(strip_column(raw("receiver_phone")), 32),
            [a.split(None, 1)[0][:16] if a else "" for a in address],
            address,
            goods,
            postage,
            paid,
            item_count,
            state,
            [method(s) for s in raw("shipping_method")],
            _cut(strip_column(raw("courier")), 32),
            waybills(raw("waybill")),
            created_at,
            paid_at,
            shipped_at,
            finished_at,
            [now if s == closed else None for s in state],
            close_reason,
            Same(False),
            _cut(strip_column(raw("items_summary")), 255),
            strip_column(raw("platform_remark")),
            strip_column(raw("buyer_message")),
            Same(""),
            Same(now),
            Same(1),
            _digests(picked),
        ]
        return columns, errors


@dataclass(frozen=True)
class Same:
    """A column with one value for every row (sent once, not once per row)."""

    value: object


def rows_of(columns: list) -> list[tuple]:
    """The ``ORDER_COLS`` rows of ``read``'s columns."""
    return list(zip(*(repeat(c.value) if isinstance(c, Same) else c for c in columns), strict=False))


def _digests(picked) -> list[str]:
    """What the export said in a row, hashed: the same row in a later import is "unchanged"."""
    md5 = hashlib.md5
    return [md5("\x1f".join(cells).encode(), usedforsecurity=False).hexdigest() for cells in picked]


_STATE = ORDER_COLS.index("state")


@dataclass
class ParsedBatch:
    """Up to a batch of export rows, mapped: their columns, line numbers and the bad rows' reasons."""

    columns: list = field(default_factory=list)  # OrderBatchReader.read's
    lines: list[int] = field(default_factory=list)
    errors: dict[int, str] = field(default_factory=dict)  # index in the batch -> reason
    done: int = 0  # bytes of the file read so far
    broken_at: int | None = None  # the CSV cannot be read from this line on

    @property
    def rows(self) -> int:
        return len(self.lines)

    def orders(self) -> tuple[dict[str, tuple[int, tuple]], list[tuple[int, str]], int]:
        """The good rows by order number, (line, reason) of the bad ones, and how many repeated an order.

        Overlapping exports repeat orders: of two copies in one batch the furthest-along one stays.
        """
        orders: dict[str, tuple[int, tuple]] = {}
        errors, repeated, lines = self.errors, 0, self.lines
        for i, row in enumerate(rows_of(self.columns)):
            if i in errors:
                continue
            number = row[1]
            previous = orders.get(number)
            if previous is not None:
                repeated += 1
                if not lifecycle.import_may_apply(previous[1][_STATE], row[_STATE]):
                    continue
            orders[number] = (lines[i], row)
        return orders, [(lines[i], reason) for i, reason in sorted(errors.items())], repeated


def map_batch(batch: CellBatch, reader: OrderBatchReader, now) -> ParsedBatch:
    """One batch of read rows, mapped to order values."""
    if not batch.cells:
        return ParsedBatch(done=batch.done, broken_at=batch.broken_at)
    columns, errors = reader.read(batch.cells, now)
    if batch.spans:
        for i, cells in enumerate(batch.cells):
            if i not in errors and any(SWALLOWED.search(c) for c in cells if "\n" in c or "\r" in c):
                errors[i] = UNCLOSED
    for i, reason in errors.items():
        if reason == UNCLOSED:
            batch.lines[i], errors[i] = unclosed_quote(batch.cells[i], batch.lines[i])
    return ParsedBatch(
        columns=columns, lines=batch.lines, errors=errors, done=batch.done, broken_at=batch.broken_at
    )


def check_orders_header(header: list[str]) -> None:
    """Refuse a 订单报表 without the columns every order needs."""
    missing = [name for name in fmt.ORDER_REQUIRED if name not in fmt.column_map(header, fmt.ORDER_COLUMNS)]
    if missing:
        labels = "、".join(fmt.ORDER_COLUMNS[name][0] for name in missing)
        raise ImportFileError(f"订单报表缺少必需的列：{labels}")


# --- 宝贝报表 -------------------------------------------------------------------------------------

# the stored values of one order line after its order's id, in the order of the store's INSERT
LINE_COLS = ("title", "sku", "quantity", "price", "is_gift", "line_key", "outer_code")


def line_key(line_id: str, title: str, sku: str, price) -> str:
    """A line is known by its 子订单编号; the old layout has none, so title + spec + price stand in."""
    if line_id:
        return line_id[:64]
    return "k:" + hashlib.md5(f"{title}\x1f{sku}\x1f{price}".encode(), usedforsecurity=False).hexdigest()


class LineReader:
    """Turns one 宝贝报表 row into (order number, ``LINE_COLS`` values), given the file's header."""

    def __init__(self, header: list[str]):
        self.cols = fmt.column_map(header, fmt.LINE_COLUMNS)
        missing = [name for name in fmt.LINE_REQUIRED if name not in self.cols]
        if missing:
            raise ImportFileError(
                "宝贝报表缺少必需的列：" + "、".join(fmt.LINE_COLUMNS[n][0] for n in missing)
            )
        self.full = header_width(header)
        self.most = max(len(header), self.full)

    def read(self, cells: list[str]) -> tuple[str, list]:
        """Raises ``CellError`` with the reason a row is refused."""
        cols = self.cols
        if not self.full <= len(cells) <= self.most and _spans_lines(cells):
            raise fmt.CellError(UNCLOSED)
        if len(cells) < self.full:
            raise fmt.CellError(SHORT_ROW.format(got=len(cells), want=self.full))

        def cell(name: str) -> str:
            i = cols.get(name)
            return cells[i] if i is not None and i < len(cells) else ""

        number = fmt.order_number(cell("number"))
        title = fmt.strip_cell(cell("title"))[:200]
        if not title:
            raise fmt.CellError("标题为空")
        quantity = fmt.count(cell("quantity"))
        if quantity < 1:
            raise fmt.CellError("购买数量必须大于 0")
        price = fmt.money(cell("price"))
        sku = fmt.strip_cell(cell("sku"))[:120]
        key = line_key(fmt.strip_cell(cell("line_id")), title, sku, price)
        return number, [title, sku, quantity, price, False, key, fmt.strip_cell(cell("outer_code"))[:64]]
