"""MAP: rows of cells → order values, each bad row refused with its line number and reason."""

from decimal import Decimal

import pytest

from kefu.orders.importing import cells, mapping
from kefu.orders.importing.read import CellBatch, ImportFileError
from kefu.orders.models import OrderState

HEADER = [
    "订单编号",
    "买家会员名",
    "订单状态",
    "收货人姓名",
    "收货地址 ",
    "联系手机",
    "订单创建时间",
    "买家实际支付金额",
    "物流单号 ",
]


def _map(rows, lines):
    reader = mapping.OrderBatchReader(HEADER, shop="", parse_time=cells.TimeParser(as_text=True))
    return mapping.map_batch(CellBatch(cells=rows, lines=lines), reader, "2026-12-01 00:00:00")


def _row(number='="1930000000000001"', state="买家已付款，等待卖家发货", **kw):
    values = {
        "phone": "'18618486065",
        "created": "2026-11-30 10:00:00",
        "paid": "128.00元",
        "waybill": "No:773100000001",
    }
    values.update(kw)
    return [number, " 小桃子 ", state, "林小桃", "浙江省 杭州市 西湖区", values["phone"], values["created"],
            values["paid"], values["waybill"]]  # fmt: skip


def test_cells_lose_the_exports_wrappers():
    orders, errors, repeated = _map([_row()], [2]).orders()

    assert errors == [] and repeated == 0
    line, values = orders["1930000000000001"]
    got = dict(zip(mapping.ORDER_COLS, values, strict=True))
    assert line == 2
    assert (got["buyer_nick"], got["receiver_phone"], got["receiver_province"]) == (
        "小桃子",
        "18618486065",
        "浙江省",
    )
    assert (Decimal(got["paid_amount"]), got["waybill"]) == (Decimal("128.00"), "773100000001")
    assert got["state"] == OrderState.WAIT_SELLER_SEND


def test_each_bad_row_is_named_by_its_line_with_its_first_reason():
    rows = [
        _row(),
        _row(number="abc"),
        _row(number="1930000000000003", created=""),
        _row(number="1930000000000004", paid="-1.00"),
    ]

    orders, errors, _ = _map(rows, [2, 3, 5, 6]).orders()

    assert list(orders) == ["1930000000000001"]
    assert errors == [(3, "订单编号无效：abc"), (5, "订单创建时间为空"), (6, "金额不能为负：-1.00")]


def test_of_an_order_twice_in_a_batch_the_furthest_along_stays():
    rows = [_row(state="卖家已发货，等待买家确认"), _row(state="买家已付款，等待卖家发货")]

    orders, _errors, repeated = _map(rows, [2, 3]).orders()

    assert repeated == 1
    line, values = orders["1930000000000001"]
    assert (line, values[mapping.ORDER_COLS.index("state")]) == (2, OrderState.WAIT_BUYER_CONFIRM)


def test_an_order_export_without_its_required_columns_is_refused():
    with pytest.raises(ImportFileError, match="订单创建时间"):
        mapping.check_orders_header(["订单编号", "订单状态", "收货人姓名"])


LINE_HEADER = ["订单编号", "标题", "价格", "购买数量", "商品属性", "子订单编号"]


def test_an_order_line_is_read_and_keyed_by_its_sub_order_number():
    reader = mapping.LineReader(LINE_HEADER)

    number, values = reader.read(['="1930000000000001"', "玫瑰面霜", "128.00", "2", "规格:50ml", "77001"])

    assert number == "1930000000000001"
    assert dict(zip(mapping.LINE_COLS, values, strict=True)) == {
        "title": "玫瑰面霜", "sku": "规格:50ml", "quantity": 2, "price": Decimal("128.00"),
        "is_gift": False, "line_key": "77001", "outer_code": "",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("cells_", "reason"),
    [
        (["1930000000000001", "", "1.00", "1"], "标题为空"),
        (["1930000000000001", "面霜", "1.00", "0"], "购买数量必须大于 0"),
        (["x1", "面霜", "1.00", "1"], "订单编号无效：x1"),
        (["1930000000000001", "面霜", "abc", "1"], "金额无效：abc"),
    ],
)
def test_a_bad_order_line_says_why(cells_, reason):
    with pytest.raises(cells.CellError, match=reason):
        mapping.LineReader(LINE_HEADER).read([*cells_, "", ""])  # 商品属性 and 子订单编号 empty


def test_a_line_export_without_its_required_columns_is_refused():
    with pytest.raises(ImportFileError, match="购买数量"):
        mapping.LineReader(["订单编号", "标题"])
