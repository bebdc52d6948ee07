"""STORE: mapped rows upserted into the database, counted as created, updated, unchanged or stale."""

from django.db import connection, transaction

from kefu.orders.importing import cells, mapping, store
from kefu.orders.importing.read import CellBatch
from kefu.orders.importing.report import ImportReport
from kefu.orders.models import Order, OrderLine, OrderState

HEADER = ["订单编号", "订单状态", "收货人姓名", "订单创建时间", "买家实际支付金额", "物流单号"]
PAID, SHIPPED = "买家已付款，等待卖家发货", "卖家已发货，等待买家确认"


def _store(*rows) -> ImportReport:
    """Map ``rows`` (number, state, waybill) and store them as one import would; its report."""
    parser = cells.TimeParser(as_text=connection.vendor == "sqlite")
    now = parser.now()
    reader = mapping.OrderBatchReader(HEADER, shop="", parse_time=parser)
    batch = [[n, state, "林小桃", "2026-11-30 10:00:00", "12.00", waybill] for n, state, waybill in rows]
    parsed = mapping.map_batch(CellBatch(cells=batch, lines=list(range(2, len(batch) + 2))), reader, now)
    report = ImportReport()
    orders, _errors, _repeated = parsed.orders()
    with transaction.atomic():
        store.write_orders(orders, report, shop="", now=now)
    return report


def _counts(report: ImportReport) -> tuple[int, int, int, int]:
    return report.created, report.updated, report.unchanged, report.stale


def test_new_orders_are_created_and_the_same_rows_again_change_nothing(db):
    assert _counts(_store(("1001", PAID, ""), ("1002", PAID, ""))) == (2, 0, 0, 0)
    versions = dict(Order.objects.values_list("number", "version"))

    assert _counts(_store(("1001", PAID, ""), ("1002", PAID, ""))) == (0, 0, 2, 0)
    assert dict(Order.objects.values_list("number", "version")) == versions


def test_a_later_state_updates_and_an_earlier_one_is_stale(db):
    _store(("1001", PAID, ""), ("1002", SHIPPED, "773001"))

    report = _store(("1001", SHIPPED, "773002"), ("1002", PAID, ""))

    assert _counts(report) == (0, 1, 0, 1)
    states = dict(Order.objects.values_list("number", "state"))
    assert states == {"1001": OrderState.WAIT_BUYER_CONFIRM, "1002": OrderState.WAIT_BUYER_CONFIRM}
    assert Order.objects.get(number="1001").waybill == "773002"


def test_an_update_keeps_what_kefu_knows_that_the_export_leaves_blank(db):
    _store(("1001", SHIPPED, "773001"))
    Order.objects.filter(number="1001").update(flag="red")

    _store(("1001", "交易成功", ""))

    order = Order.objects.get(number="1001")
    assert (order.state, order.waybill, order.flag) == (OrderState.TRADE_FINISHED, "773001", "red")


def test_order_lines_are_upserted_by_their_key_and_unknown_orders_reported(db):
    _store(("1001", PAID, ""))
    report = ImportReport()
    line = ["面霜", "50ml", 1, "12.00", False, "77001", ""]
    with transaction.atomic():
        store.write_lines([(2, "1001", line), (3, "9999", line)], report, shop="")
        store.write_lines([(2, "1001", [*line[:2], 2, *line[3:]])], report, shop="")

    assert report.lines == 2 and report.errors == [(3, "找不到订单 9999（请先导入订单报表）")]
    assert list(OrderLine.objects.values_list("line_key", "quantity")) == [("77001", 2)]
