"""One export file, imported: READ → MAP → STORE, streaming and idempotent.

Which export a file is, is told by its header. A 订单报表 is read and mapped in batches (for a
large CSV in a helper process beside this one: ``parse``) and stored batch by batch, several
batches to a transaction, so a million-row export needs the memory of a few batches. A 宝贝报表 is
read and mapped row by row and stored a batch at a time. A bad row is reported with its line
number and reason; the good rows still land.
"""

import time
from pathlib import Path

from django.db import connection, transaction

from kefu.orders import customer_profiles
from kefu.orders.importing import bulkload, cells, parse, read, store
from kefu.orders.importing.mapping import UNCLOSED, LineReader, check_orders_header, unclosed_quote
from kefu.orders.importing.read import BROKEN, ImportFileError
from kefu.orders.importing.report import ImportReport, Progress

__all__ = ["ImportFileError", "ImportReport", "import_file"]


def import_file(path: str | Path, *, shop: str = "", progress: Progress | None = None) -> ImportReport:
    """Import one export (which kind is told by its header). Commits as it goes.

    Each transaction commits on its own: an interrupted import keeps what it wrote, and running it
    again finishes the rest without changing what is already there.
    """
    path = Path(path)
    report = ImportReport()
    try:
        rows = read.rows(path)
        header = read.header(rows)
        kind = cells.detect_kind(header)
        if kind == "orders":
            check_orders_header(header)
            rows.close()
            _import_orders(path, report, shop=shop, progress=progress)
        elif kind == "lines":
            _import_lines(rows, LineReader(header), report, shop=shop, progress=progress)
        else:
            raise ImportFileError(
                "无法识别的文件：表头既不是订单报表（订单编号、订单状态…）也不是宝贝报表（标题、购买数量…）。"
            )
    except ImportFileError as exc:
        exc.path = str(path)
        raise
    finally:
        # indexes a crashed bulk load left out come back by the end of any import, not only by the sweep
        bulkload.indexes_restore(unless_loading=True)
    return report


def _import_orders(path: Path, report: ImportReport, *, shop: str, progress: Progress | None) -> None:
    sqlite = connection.vendor == "sqlite"
    store.prepare()
    now = cells.TimeParser(as_text=sqlite).now()
    parse_here_or_beside = parse.parse_orders_beside if parse.may_parse_beside(path) else parse.parse_orders
    batches = parse_here_or_beside(path, shop=shop, as_text=sqlite, now=now)
    profiles_before = customer_profiles.profiles_count()
    started, cpu = time.perf_counter(), time.process_time()
    with store.loading(path, report) as beat:
        bulk = beat is not None
        store.store_orders(batches, report, shop=shop, now=now, progress=progress, beat=beat)
    report.timed("load", time.perf_counter() - started, time.process_time() - cpu)
    # Everyday imports added their new orders to the buyers' profiles batch by batch; after the
    # load, with the buyer index back, the buyers of the orders they changed are refreshed from the
    # table. A bulk load (a first load) counts every buyer's profile again in one sorted pass over
    # the order table: cheaper than looking up tens of thousands of names one by one.
    started, cpu = time.perf_counter(), time.process_time()
    refreshed = customer_profiles.profiles_refresh(None if bulk else report.buyers)
    report.timed("profiles_after_load", time.perf_counter() - started, time.process_time() - cpu)
    report.customers_created = customer_profiles.profiles_count() - profiles_before
    if bulk:  # the profiles whose figures the recount changed
        report.customers_updated = refreshed["customers_updated"]
    else:
        report.customers_updated = len(report.buyers_added | report.buyers) - report.customers_created


def _import_lines(
    rows, reader: LineReader, report: ImportReport, *, shop: str, progress: Progress | None
) -> None:
    report.kind = "lines"
    batch: list[tuple[int, str, list]] = []
    done = 0
    for line, row, done in rows:
        if row is None:
            report.error(line, BROKEN)
            break
        if read.is_blank(row):
            continue
        report.rows += 1
        try:
            number, values = reader.read(row)
        except cells.CellError as exc:
            reason = str(exc)
            if reason == UNCLOSED:
                line, reason = unclosed_quote(row, line)
            report.error(line, reason)
            continue
        batch.append((line, number, values))
        if len(batch) >= read.BATCH:
            with transaction.atomic():
                store.write_lines(batch, report, shop=shop)
            batch = []
            if progress:
                progress(done)
    with transaction.atomic():
        store.write_lines(batch, report, shop=shop)
    if progress:
        progress(done)
