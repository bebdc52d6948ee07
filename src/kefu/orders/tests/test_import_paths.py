"""The large-file paths of the import: column-wise cleaning, the helper process, the bulk load.

Each must give exactly what the plain path gives: the column fast paths what the per-cell
cleaners give, the helper process what parsing here gives, the bulk load what row-by-row index
upkeep gives (and its indexes back).
"""

import csv
import io
import socket
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection

from kefu.core import sweeps
from kefu.orders.importing import bulkload, importer, parse, read, store
from kefu.orders.importing import cells as fmt
from kefu.orders.importing import mapping as batch
from kefu.orders.models import Order

DATA = Path(__file__).parent / "data"
ORDERS = DATA / "ExportOrderList201605241230.csv"
LINES = DATA / "ExportOrderDetailList201605241230.csv"

# cells as real exports write them, and the odd ones a per-cell cleaner must word the error for
CELLS = [
    '="1930679858170647"', "'18618486065", " 12.00 ", "12.00元", "\ufeff123", '=" 88 "', "=123", "''x",
    "", "   ", "\t1930679858170647", "No:773100000001", "No：773100000002", "2016/5/23 22:02",
    "2016-05-23 22:02:11", "2016-05-23 22:02:61", "2016-5-3 1:02", "abc", "-1.00", "1,234.50", "007.00",
    ".50", "１２３", "0元", "3", "3.0", "交易成功", "买家已付款,等待卖家发货", "128.00", '="19306798581706480000000000000000000"',
]  # fmt: skip


def _per_cell(clean, cells):
    """(value, error) of each cell as the per-cell cleaner gives it."""
    out = []
    for cell in cells:
        try:
            out.append((clean(cell), None))
        except fmt.CellError as exc:
            out.append((None, str(exc)))
    return out


def _column(function, cells, *args):
    errors: dict[int, str] = {}
    values = function(tuple(cells), errors, *args)
    return [(value, errors.get(i)) for i, value in enumerate(values)]


@pytest.mark.parametrize("cells", [CELLS, ['="1"', '="22"'], ["12.00", "0.00"], ["2016-05-23 22:02:11"] * 3])
def test_column_cleaning_gives_what_each_cell_gives(cells):
    assert batch.strip_column(tuple(cells)) == [fmt.strip_cell(c) for c in cells]
    assert _column(batch.numbers, cells) == _per_cell(fmt.order_number, cells)
    assert _column(batch.states, cells) == _per_cell(fmt.trade_state, cells)
    assert _column(batch.counts, cells) == _per_cell(fmt.count, cells)
    assert batch.waybills(tuple(cells)) == [fmt.waybill(c) for c in cells]
    # money keeps the text of a plain amount: the same decimal once stored
    money = [(None if v is None else Decimal(v), e) for v, e in _column(batch.money, cells)]
    assert money == _per_cell(fmt.money, cells)


@pytest.mark.parametrize("as_text", [True, False])
def test_time_columns_give_what_the_time_parser_gives(as_text):
    cells = [c for c in CELLS] + ["2016-05-23 22:03:09", "2016-05-23 22:02:12", "2016/5/23 22:02"]
    expected = _per_cell(fmt.TimeParser(as_text=as_text), cells)
    parser = fmt.TimeParser(as_text=as_text)
    assert _column(batch.times, cells, parser) == expected
    assert _column(batch.times, cells, parser) == expected  # again, now from the parser's caches


def _stored(shop: str) -> list[tuple]:
    fields = [f.attname for f in Order._meta.concrete_fields if f.attname not in ("id", "shop", "updated_at")]
    return sorted(Order.objects.filter(shop=shop).values_list(*fields))


def test_the_helper_process_imports_what_parsing_here_imports(db, monkeypatch):
    here = importer.import_file(ORDERS, shop="here")
    monkeypatch.setattr(parse, "PARALLEL_MIN_BYTES", 0)
    started = []
    real = parse.parse_orders_beside
    monkeypatch.setattr(parse, "parse_orders_beside", lambda *a, **kw: started.append(1) or real(*a, **kw))

    beside = importer.import_file(ORDERS, shop="beside")

    assert started, "the helper process was not used"
    # the buyers' profiles are one per member name across shops: the second import updates them
    profiles = ("customers_created", "customers_updated")
    assert [beside.as_dict()[k] for k in profiles] == [0, here.as_dict()["customers_created"]]
    assert {k: v for k, v in beside.as_dict().items() if k not in profiles} == {
        k: v for k, v in here.as_dict().items() if k not in profiles
    }
    assert _stored("beside") == _stored("here")


def test_the_helper_process_reports_a_broken_file_by_line(db, tmp_path, monkeypatch):
    monkeypatch.setattr(parse, "PARALLEL_MIN_BYTES", 0)
    text = ORDERS.read_bytes().decode("gb18030").splitlines()
    broken = tmp_path / "ExportOrderList.csv"
    broken.write_bytes(
        ("\r\n".join(text[:3] + ['"=""1930679858170699""' + ',"x' * 3 + "y" * 140_000]) + "\r\n").encode(
            "gb18030"
        )
    )

    report = importer.import_file(broken)

    assert report.errors == [(4, read.BROKEN)]
    assert Order.objects.count() == 2


@pytest.fixture
def sqlite_only(db):
    if connection.vendor != "sqlite":
        pytest.skip("the bulk load is SQLite-only (PostgreSQL imports through COPY and keeps its indexes)")


FULL = {index.name for index in Order._meta.indexes if index.condition is None}
PARTIAL = {index.name for index in Order._meta.indexes if index.condition is not None}


def test_a_large_first_import_builds_the_full_indexes_after_loading(sqlite_only, monkeypatch):
    monkeypatch.setattr(bulkload, "MIN_ROWS", 1)
    monkeypatch.setattr(bulkload, "BYTES_PER_ROW", 1)
    during = []
    real = store.write_orders
    monkeypatch.setattr(
        store, "write_orders", lambda *a, **kw: during.append(bulkload._present()) or real(*a, **kw)
    )

    report = importer.import_file(ORDERS)

    assert report.created == Order.objects.count() > 0
    assert during and all(not (FULL & present) and present >= PARTIAL for present in during)
    assert bulkload._present() >= FULL | PARTIAL
    assert cache.get(bulkload.HEARTBEAT_KEY) is None


def test_a_shop_with_orders_keeps_its_indexes_while_importing(sqlite_only, monkeypatch, order_factory):
    monkeypatch.setattr(bulkload, "MIN_ROWS", 1)
    monkeypatch.setattr(bulkload, "BYTES_PER_ROW", ORDERS.stat().st_size)  # the file counts as one row
    order_factory()
    assert not bulkload.worth_deferring(ORDERS)


def test_indexes_a_bulk_load_left_out_are_built_by_the_sweep(sqlite_only):
    with connection.cursor() as cursor:
        for name in sorted(FULL)[:2]:
            cursor.execute(f'DROP INDEX "{name}"')

    bulkload.beat()  # a bulk load is alive: leave them to it
    assert sweeps.sweeps_run(only=["orders_indexes"]) == {"orders_indexes": {"indexes_built": 0}}
    cache.delete(bulkload.HEARTBEAT_KEY)
    assert sweeps.sweeps_run(only=["orders_indexes"]) == {"orders_indexes": {"indexes_built": 2}}
    assert bulkload._present() >= FULL


def _a_bulk_load_killed_midway() -> None:
    with connection.cursor() as cursor:
        for name in sorted(FULL)[:2]:
            cursor.execute(f'DROP INDEX "{name}"')
    dead = subprocess.Popen([sys.executable, "-c", "pass"])  # noqa: S603 - a process that has ended
    dead.wait()
    cache.set(
        bulkload.HEARTBEAT_KEY, f"{socket.gethostname()}:{dead.pid}", timeout=bulkload.HEARTBEAT_SECONDS
    )


@pytest.mark.parametrize("export", [ORDERS, LINES], ids=["订单报表", "宝贝报表"])
def test_indexes_a_killed_bulk_load_left_out_are_back_by_the_end_of_the_next_import(sqlite_only, export):
    importer.import_file(ORDERS)
    _a_bulk_load_killed_midway()

    importer.import_file(export)

    assert bulkload._present() >= FULL | PARTIAL


@pytest.mark.parametrize("beside", [False, True])
def test_a_bad_row_after_a_message_on_two_lines_is_reported_on_its_own_line(
    db, tmp_path, monkeypatch, beside
):
    if beside:
        monkeypatch.setattr(parse, "PARALLEL_MIN_BYTES", 0)
    head, *rows = ORDERS.read_bytes().decode("gb18030").split("\r\n")
    cells = next(csv.reader([rows[0]]))
    cells[11] = "请发顺丰\r\n周末不在家"  # 买家留言 over two lines
    two_lines = io.StringIO()
    csv.writer(two_lines).writerow(cells)
    path = tmp_path / "ExportOrderList.csv"
    bad = "abc" + "," * (len(cells) - 1)  # a whole row whose order number is wrong
    path.write_bytes(
        (head + "\r\n" + two_lines.getvalue() + bad + "\r\n\r\n" + rows[1] + "\r\n").encode("gb18030")
    )

    report = importer.import_file(path)

    assert report.errors == [(4, "订单编号无效：abc")]
    assert report.created == 2
    assert Order.objects.get(number=cells[0].strip('="')).buyer_message == "请发顺丰\r\n周末不在家"
