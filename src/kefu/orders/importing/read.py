"""READ: an export file → rows of cells with their line numbers. Nothing here knows what a cell means.

The seller center writes CSV in GBK (GB18030 reads it), UTF-8 or UTF-8 with a BOM; a shop that
opened the file in Excel may bring it back as .xlsx. A row's line number is the line of the file
on which it ends, so the agent finds a bad row where the error says, even after a buyer message
that spans two lines. A CSV broken midway (a runaway quote) yields the rows before it and then says
on which line reading stopped.
"""

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import BinaryIO

from kefu.core import spreadsheets

BATCH = 2000
BROKEN = "从此行起文件无法按 CSV 读取（引号不成对或单元格过长），后面的行未导入"


class ImportFileError(ValueError):
    """The file as a whole cannot be read (not an export, missing required columns)."""

    path: str | None = None  # which file, for a caller that imports several


def open_text(binary: BinaryIO) -> io.TextIOWrapper:
    """The export as text: UTF-8 (with or without BOM) when it decodes as such, UTF-16 by its BOM
    (Excel's "Unicode text"), else GB18030 ⊇ GBK."""
    head = binary.read(65536)
    binary.seek(0)
    if head.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"  # the BOM says which byte order, and is dropped
    else:
        try:
            codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
            encoding = "utf-8"
        except UnicodeDecodeError:
            encoding = "gb18030"
    return io.TextIOWrapper(binary, encoding=encoding, errors="replace", newline="")


def csv_reader(binary: BinaryIO):
    """The CSV reader for the export: commas, or tabs in a file saved by Excel as "Unicode text"."""
    text = open_text(binary)
    first = text.readline()
    text.seek(0)
    tabbed = first.count("\t") > first.count(",")
    return csv.reader(text, delimiter="\t") if tabbed else csv.reader(text)


def is_xlsx(path: Path) -> bool:
    return path.suffix.lower() == ".xlsx"


def rows(path: Path) -> Iterator[tuple[int, list[str] | None, int]]:
    """(line number, cells, bytes read so far) for a CSV or an .xlsx export; cells None: unreadable from here."""
    if is_xlsx(path):
        yield from _xlsx_rows(path)
        return
    with path.open("rb") as binary:
        reader = csv_reader(binary)
        state = _Reading()
        for cells in _until_broken(reader, state):
            yield reader.line_num, cells, binary.tell()
        if state.broken_at:
            yield state.broken_at, None, binary.tell()


def _xlsx_rows(path: Path) -> Iterator[tuple[int, list[str] | None, int]]:
    """An .xlsx through the desk's safe reader: a zip bomb or a sheet of too many rows is refused
    before a cell is read, and the sheet is streamed from the file (never read into memory whole)."""
    size = path.stat().st_size
    try:
        limits = {"max_unpacked": spreadsheets.MAX_XLSX_UNPACKED_BYTES}
        spreadsheets.xlsx_check(path, **limits)
        with zipfile.ZipFile(path) as archive:
            # the sheet's declared size gives the progress; a missing one only makes it coarser
            total = max(_declared_rows(archive), 1)
        width = 0
        for number, values in spreadsheets.xlsx_rows(path, max_rows=spreadsheets.MAX_XLSX_ROWS, **limits):
            cells = ["" if v is None else str(v) for v in values]
            # a sheet leaves out a row's empty cells at its end; only a CSV row can be cut short
            if len(cells) < width:
                cells += [""] * (width - len(cells))
            elif not width and not is_blank(cells):
                width = len(cells)
            yield number, cells, min(size, size * number // total)
    except spreadsheets.SpreadsheetError as exc:
        raise ImportFileError(str(exc)) from exc


def _declared_rows(archive: zipfile.ZipFile) -> int:
    try:
        with archive.open("xl/worksheets/sheet1.xml") as sheet:
            head = sheet.read(4096).decode("utf-8", "replace")
    except KeyError:
        return 0
    found = re.search(r'<(?:\w+:)?dimension ref="[A-Z]+[0-9]+:[A-Z]+([0-9]+)"', head)
    return int(found.group(1)) if found else 0


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
class CellBatch:
    """Up to ``BATCH`` non-blank rows after the header: their cells and line numbers."""

    cells: list[list[str]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    done: int = 0  # bytes of the file read so far
    broken_at: int | None = None  # the CSV cannot be read from this line on: the last batch
    spans: bool = False  # some row was read over several lines (a cell with a line break)


def batches(path: Path, size: int = BATCH) -> tuple[list[str], Iterator[CellBatch]]:
    """The file's header, and its rows ``size`` at a time (the last batch may be empty).

    The header is read at once, so a file that is empty or unreadable is refused before any row.
    """
    if is_xlsx(path):
        lines = rows(path)
        return header(lines), _row_batches(lines, size)
    binary = path.open("rb")
    reader = csv_reader(binary)
    state = _Reading()
    cells = _until_broken(reader, state)
    try:
        head = next(cell_row for cell_row in cells if not is_blank(cell_row))
    except StopIteration:
        binary.close()
        raise ImportFileError(BROKEN if state.broken_at else "文件是空的。") from None
    return head, _csv_batches(binary, reader, cells, state, size)


def _csv_batches(
    binary, reader, cells: Iterator[list[str]], state: "_Reading", size: int
) -> Iterator[CellBatch]:
    # the million-row case: ``size`` rows at a time straight from the reader (no Python per row
    # but the blank check); a row's line number is worked out only where rows span several lines
    with binary:
        while True:
            start = reader.line_num
            chunk = list(islice(cells, size))
            end = state.broken_at - 1 if state.broken_at else reader.line_num
            if chunk:
                lines = _line_numbers(chunk, start, end)
                kept = [i for i, c in enumerate(chunk) if not is_blank(c)]
                if len(kept) < len(chunk):
                    chunk, lines = [chunk[i] for i in kept], [lines[i] for i in kept]
                spans = lines[-1] - lines[0] + 1 > len(lines) if lines else False
                yield CellBatch(chunk, lines, binary.tell(), state.broken_at, spans)
            else:
                yield CellBatch(done=binary.tell(), broken_at=state.broken_at)
            if not chunk or state.broken_at:
                return


def _row_batches(lines: Iterator, size: int) -> Iterator[CellBatch]:
    batch = CellBatch()
    for line, cells, done in lines:
        batch.done = done
        if cells is None:
            batch.broken_at = line
            yield batch
            return
        if is_blank(cells):
            continue
        batch.cells.append(cells)
        batch.lines.append(line)
        if len(batch.cells) >= size:
            yield batch
            batch = CellBatch(done=done)
    yield batch


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
