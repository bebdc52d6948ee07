"""Reading an export file into parsed batches, in this process or in a helper process beside it.

Parsing a 订单报表 is pure Python and the database's work is mostly C, so a large file is parsed in
a second process (``kefu.orders.exporthelper``) while this one writes: on a two-core machine the import then takes about as long
as the slower of the two, not their sum. Threads would not do: the parser holds the GIL, and every
row the writer binds would wait for it. Nothing here touches the database.
"""

import contextlib
import csv
import json
import os
import pickle
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from pathlib import Path

from kefu.orders import exportformat as fmt
from kefu.orders import lifecycle
from kefu.orders.exportbatch import ORDER_COLS, OrderBatchReader, rows_of

BATCH = 2000
BROKEN = "从此行起文件无法按 CSV 读取（引号不成对或单元格过长），后面的行未导入"
# below this a helper process costs more to start (about half a second) than it saves
PARALLEL_MIN_BYTES = 8 * 2**20
_PIPE_BYTES = 2**20

_STATE = ORDER_COLS.index("state")


class ImportFileError(ValueError):
    """The file as a whole cannot be read (not an export, missing required columns)."""


def rows(path: Path) -> Iterator[tuple[int, list[str] | None, int]]:
    """(line number, cells, bytes read so far) for a CSV or an .xlsx export; cells None: unreadable from here."""
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
        reader = csv.reader(fmt.open_text(binary))
        state = _Reading()
        for cells in _until_broken(reader, state):
            yield reader.line_num, cells, binary.tell()
        if state.broken_at:
            yield state.broken_at, None, binary.tell()


def is_blank(cells: list[str]) -> bool:
    return not cells or not (cells[0].strip() or "".join(cells).strip())


def header(lines: Iterator) -> list[str]:
    """The first row with anything in it."""
    for _line, cells, _done in lines:
        if cells is None:
            raise ImportFileError(BROKEN)
        if not is_blank(cells):
            return cells
    raise ImportFileError("文件是空的。")


@dataclass
class ParsedBatch:
    """Up to BATCH export rows, parsed: their columns, line numbers and the bad rows' reasons."""

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


def _parse(cells_batch: list, lines: list[int], reader: OrderBatchReader, now, done: int) -> ParsedBatch:
    if not cells_batch:
        return ParsedBatch(done=done)
    columns, errors = reader.read(cells_batch, now)
    return ParsedBatch(columns=columns, lines=lines, errors=errors, done=done)


def parse_orders(path: Path, *, shop: str, as_text: bool, now) -> Iterator[ParsedBatch]:
    """The 订单报表 at ``path`` as parsed batches (its header is checked by the caller)."""
    if path.suffix.lower() == ".xlsx":
        yield from _parse_rows(rows(path), shop=shop, as_text=as_text, now=now)
        return
    # CSV, the million-row case: BATCH rows at a time straight from the reader (no Python per row
    # but the blank check); a row's line number is worked out only where rows span several lines
    with path.open("rb") as binary:
        reader = csv.reader(fmt.open_text(binary))
        state = _Reading()
        cells = _until_broken(reader, state)
        try:
            head = next(cell_row for cell_row in cells if not is_blank(cell_row))
        except StopIteration:
            raise ImportFileError(BROKEN if state.broken_at else "文件是空的。") from None
        batch_reader = OrderBatchReader(head, shop=shop, parse_time=fmt.TimeParser(as_text=as_text))
        while True:
            start = reader.line_num
            chunk = list(islice(cells, BATCH))
            end = state.broken_at - 1 if state.broken_at else reader.line_num
            if chunk:
                lines = _line_numbers(chunk, start, end)
                kept = [i for i, c in enumerate(chunk) if not is_blank(c)]
                if len(kept) < len(chunk):
                    chunk, lines = [chunk[i] for i in kept], [lines[i] for i in kept]
                parsed = _parse(chunk, lines, batch_reader, now, binary.tell())
            else:
                parsed = ParsedBatch(done=binary.tell())
            parsed.broken_at = state.broken_at
            yield parsed
            if not chunk or state.broken_at:
                return


@dataclass
class _Reading:
    broken_at: int | None = None


def _until_broken(reader, state: _Reading) -> Iterator[list[str]]:
    """The reader's rows; at a row it cannot read, note its line and stop."""
    try:
        yield from reader
    except csv.Error:
        # a runaway quote (a cell past the CSV reader's size limit) leaves the rest unreadable:
        # say where, and let the rows before it land
        state.broken_at = reader.line_num


def _line_numbers(chunk: list[list[str]], start: int, end: int) -> list[int]:
    """The line on which each row of ``chunk`` ends, read from line ``start`` on up to ``end``.

    A row is one line unless a quoted cell holds line breaks (\\r\\n, \\n or \\r, as the reader
    splits lines), so only a chunk with more lines than rows needs them counted.
    """
    if end - start == len(chunk):
        return list(range(start + 1, end + 1))
    lines, line = [], start
    for cells in chunk:
        line += 1 + sum(c.count("\n") + c.count("\r") - c.count("\r\n") for c in cells)
        lines.append(line)
    return lines


def _parse_rows(lines: Iterator, *, shop: str, as_text: bool, now) -> Iterator[ParsedBatch]:
    reader = OrderBatchReader(header(lines), shop=shop, parse_time=fmt.TimeParser(as_text=as_text))
    cells_batch: list[list[str]] = []
    numbers: list[int] = []
    done = 0
    for line, cells, done in lines:
        if cells is None:
            parsed = _parse(cells_batch, numbers, reader, now, done)
            parsed.broken_at = line
            yield parsed
            return
        if is_blank(cells):
            continue
        cells_batch.append(cells)
        numbers.append(line)
        if len(cells_batch) >= BATCH:
            yield _parse(cells_batch, numbers, reader, now, done)
            cells_batch, numbers = [], []
    yield _parse(cells_batch, numbers, reader, now, done)


# --- the helper process -------------------------------------------------------------------------


@dataclass
class Failed:
    """What the helper sends instead of a batch when it cannot go on."""

    message: str
    file_error: bool


def may_parse_beside(path: Path) -> bool:
    """A large CSV, on a machine with a second core."""
    return (
        path.suffix.lower() != ".xlsx"
        and path.stat().st_size >= PARALLEL_MIN_BYTES
        and (os.cpu_count() or 1) > 1
    )


def parse_orders_beside(path: Path, *, shop: str, as_text: bool, now) -> Iterator[ParsedBatch]:
    """``parse_orders`` run by ``python -m kefu.orders.exporthelper``; its batches arrive here pickled.

    The helper is a fresh interpreter (not a fork: the caller may be a worker thread of the task
    queue or of the web server) that writes to a pipe; the pipe holds less than one batch, so the
    helper never runs far ahead and memory stays that of a couple of batches.
    """
    args = {"path": str(path), "shop": shop, "as_text": as_text, "now": now if as_text else now.isoformat()}
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    env.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    command = [sys.executable, "-m", "kefu.orders.exporthelper", json.dumps(args)]
    helper = subprocess.Popen(command, stdout=subprocess.PIPE, env=env, bufsize=_PIPE_BYTES)  # noqa: S603 - our own interpreter and module
    with contextlib.suppress(ImportError, OSError):  # Linux: a pipe that holds a batch, not 64 KB of it
        import fcntl

        fcntl.fcntl(helper.stdout.fileno(), getattr(fcntl, "F_SETPIPE_SZ", 1031), _PIPE_BYTES)
    finished = False
    try:
        while True:
            try:
                message = pickle.load(helper.stdout)  # noqa: S301 - the pipe from the helper started above
            except EOFError:
                raise RuntimeError("订单报表解析进程意外退出") from None
            if message is None:
                finished = True
                return
            if isinstance(message, Failed):
                if message.file_error:
                    raise ImportFileError(message.message)
                raise RuntimeError(f"订单报表解析失败：{message.message}")
            yield message
    finally:
        if not finished:  # the writer gave up, or the helper did: it would only block on a full pipe
            helper.kill()
        helper.stdout.close()
        helper.wait()


def helper_main(argv: list[str], out) -> None:
    """The helper's side: parse, and send each batch (then None, or a Failed) to ``out``."""
    args = json.loads(argv[0])
    now = args["now"] if args["as_text"] else datetime.fromisoformat(args["now"])

    def send(message) -> None:
        pickler = pickle.Pickler(out, protocol=pickle.HIGHEST_PROTOCOL)
        pickler.fast = True  # no memo: a batch holds no object twice that matters, and it halves the cost
        pickler.dump(message)

    try:
        for parsed in parse_orders(Path(args["path"]), shop=args["shop"], as_text=args["as_text"], now=now):
            send(parsed)
        send(None)
    except ImportFileError as exc:
        send(Failed(str(exc), file_error=True))
    except Exception as exc:  # the parent reports it
        send(Failed(f"{type(exc).__name__}: {exc}", file_error=False))
        raise
    finally:
        out.flush()
