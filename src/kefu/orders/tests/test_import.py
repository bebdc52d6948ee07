"""Import of the seller center's exports: quirks, idempotence, never backwards, bad rows by line."""

import csv
import io
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from openpyxl import Workbook

from kefu.core import spreadsheets
from kefu.orders.importing import cells as fmt
from kefu.orders.importing.importer import ImportFileError, import_file
from kefu.orders.lifecycle import orders_sweep
from kefu.orders.models import Order, OrderLine, OrderState, ShippingMethod

DATA = Path(__file__).parent / "data"
ORDERS = DATA / "ExportOrderList201605241230.csv"
LINES = DATA / "ExportOrderDetailList201605241230.csv"
SHANGHAI = ZoneInfo("Asia/Shanghai")

HEADER = ["订单编号", "买家会员名", "买家应付货款", "买家应付邮费", "买家实际支付金额", "订单状态", "买家留言",
          "收货人姓名", "收货地址 ", "运送方式", "联系手机", "订单创建时间", "订单付款时间 ", "宝贝标题 ",
          "物流单号 ", "物流公司", "订单备注", "宝贝总数量", "订单关闭原因"]  # fmt: skip


def export(tmp_path, rows, *, encoding="utf-8", header=HEADER, name="ExportOrderList.csv") -> Path:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(h.strip(), "") for h in header])
    path = tmp_path / name
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def row(number="1930000000000001", state="买家已付款，等待卖家发货", **extra) -> dict:
    values = {
        "订单编号": number,
        "买家会员名": "小桃子",
        "买家应付货款": "100.00",
        "买家应付邮费": "0.00",
        "买家实际支付金额": "100.00",
        "订单状态": state,
        "收货人姓名": "林小桃",
        "收货地址": "浙江省 杭州市 西湖区 文三路 90 号(310012)",
        "运送方式": "快递",
        "联系手机": "18618486065",
        "订单创建时间": "2026-11-30 10:00:00",
        "订单付款时间": "2026-11-30 10:05:00",
        "宝贝标题": "玫瑰保湿面霜",
        "宝贝总数量": "1",
        "订单关闭原因": "订单未关闭",
    }
    values.update(extra)
    return values


def test_sample_export_imports_every_order_with_its_quirks_removed(db):
    report = import_file(ORDERS)

    assert (report.rows, report.created, report.error_count) == (10, 10, 0)
    order = Order.objects.get(number="1930679858170647")
    assert order.state == OrderState.WAIT_SELLER_SEND
    assert order.receiver_phone == "18618486065"  # the leading apostrophe is gone
    assert order.receiver_province == "浙江省"
    assert order.paid_amount == Decimal("128.00")
    assert timezone.localtime(order.created_at, SHANGHAI).replace(tzinfo=None) == datetime(
        2016, 5, 23, 22, 2, 11
    )
    shipped = Order.objects.get(number="1930679858170650")
    assert shipped.waybill == "773100000001"  # "No:" prefix dropped
    assert shipped.courier == "申通快递"
    assert shipped.platform_remark == "赠小样"
    assert (
        Order.objects.get(number="1930679858170648").state == OrderState.WAIT_SELLER_SEND
    )  # half-width comma
    assert Order.objects.get(number="1930679858170653").shipping_method == ShippingMethod.SURFACE
    assert Order.objects.get(number="1930679858170655").shipping_method == ShippingMethod.VIRTUAL
    excel_date = Order.objects.get(number="1930679858170653")
    assert timezone.localtime(excel_date.created_at, SHANGHAI).replace(tzinfo=None) == datetime(
        2016, 5, 24, 11, 20
    )
    closed = Order.objects.get(number="1930679858170652")
    assert closed.state == OrderState.TRADE_CLOSED
    assert closed.close_reason == "买家未付款"


def test_reimporting_the_same_file_changes_nothing(db, monkeypatch):
    import_file(ORDERS)
    later = timezone.now().replace(microsecond=0) + timedelta(hours=1)
    monkeypatch.setattr(fmt.TimeParser, "now", lambda self: self.stored(later))
    before = list(Order.objects.order_by("id").values("id", "version", "updated_at", "state"))

    report = import_file(ORDERS)

    assert (report.created, report.updated, report.unchanged) == (0, 0, 10)
    assert list(Order.objects.order_by("id").values("id", "version", "updated_at", "state")) == before


def test_line_export_attaches_lines_and_reimport_does_not_duplicate(db):
    import_file(ORDERS)
    first = import_file(LINES)
    second = import_file(LINES)

    assert first.kind == "lines"
    assert first.lines == 5 and second.error_count == 0
    assert OrderLine.objects.count() == 5
    toner = OrderLine.objects.get(order__number="1930679858170648", title="玫瑰爽肤水 120ml")
    assert toner.sku == "规格：120ml;赠品：化妆棉"
    assert toner.outer_code == "MG-TONER-120"


def test_lines_for_an_unknown_order_are_reported_by_line(db):
    report = import_file(LINES)
    assert report.lines == 0
    assert report.error_count == 5
    assert report.errors[0] == (2, "找不到订单 1930679858170647（请先导入订单报表）")


def test_newer_export_updates_state_and_fields(db, tmp_path):
    import_file(export(tmp_path, [row()]))
    newer = export(
        tmp_path,
        [row(state="卖家已发货，等待买家确认", 物流单号="773100009999", 物流公司="顺丰速运")],
        name="newer.csv",
    )

    report = import_file(newer)

    assert report.updated == 1
    order = Order.objects.get(number="1930000000000001")
    assert order.state == OrderState.WAIT_BUYER_CONFIRM
    assert (order.courier, order.waybill) == ("顺丰速运", "773100009999")
    assert order.shipped_at is not None  # no 发货时间 column: the import time stands in
    assert order.version == 2


def test_older_export_cannot_reopen_an_order_kefu_closed(db, tmp_path):
    path = export(tmp_path, [row(state="等待买家付款", 订单付款时间="", 订单创建时间="2026-11-01 10:00:00")])
    import_file(path)
    orders_sweep()  # unpaid for weeks: closed by kefu
    assert Order.objects.get().state == OrderState.TRADE_CLOSED

    report = import_file(
        export(tmp_path, [row(state="等待买家付款", 订单付款时间="", 买家留言="改")], name="o.csv")
    )

    assert report.stale == 1
    order = Order.objects.get()
    assert order.state == OrderState.TRADE_CLOSED
    assert order.buyer_message == ""


def test_older_export_does_not_move_a_shipped_order_back(db, tmp_path):
    import_file(export(tmp_path, [row(state="卖家已发货，等待买家确认", 物流单号="7731")]))
    report = import_file(export(tmp_path, [row()], name="old.csv"))
    assert report.stale == 1
    assert Order.objects.get().state == OrderState.WAIT_BUYER_CONFIRM


def test_overlapping_rows_in_one_file_keep_the_furthest_along(db, tmp_path):
    path = export(tmp_path, [row(state="卖家已发货，等待买家确认", 物流单号="7731"), row()])
    report = import_file(path)
    assert report.created == 1
    assert Order.objects.get().state == OrderState.WAIT_BUYER_CONFIRM


def test_bad_rows_are_reported_by_line_number_and_good_rows_land(db, tmp_path):
    path = export(
        tmp_path,
        [
            row(number="1930000000000001"),
            row(number="ABC"),
            row(number="1930000000000003", 订单状态="火星状态"),
            row(number="1930000000000004", 买家实际支付金额="十块"),
            row(number="1930000000000005", 订单创建时间="昨天"),
            row(number="1930000000000006"),
        ],
    )

    report = import_file(path)

    assert report.created == 2
    assert set(Order.objects.values_list("number", flat=True)) == {"1930000000000001", "1930000000000006"}
    assert report.errors == [
        (3, "订单编号无效：ABC"),
        (4, "未知的订单状态：火星状态"),
        (5, "金额无效：十块"),
        (6, "时间格式无效：昨天"),
    ]


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ('="1930679858170647"', "1930679858170647"),
        ("\t1930679858170647", "1930679858170647"),
        ("'1930679858170647", "1930679858170647"),
        (" 1930679858170647 ", "1930679858170647"),
    ],
)
def test_order_numbers_lose_their_excel_wrapping(raw, clean):
    assert fmt.order_number(raw) == clean


@pytest.mark.parametrize(
    ("raw", "amount"), [("0元", "0.00"), ("123.00元", "123.00"), ("￥1,280.5", "1280.50"), ("", "0.00")]
)
def test_money_with_units_is_read(raw, amount):
    assert fmt.money(raw) == Decimal(amount)


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8", "utf-8-sig"])
def test_every_export_encoding_is_read(db, tmp_path, encoding):
    path = export(tmp_path, [row(收货人姓名="龘先生")] if encoding != "gbk" else [row()], encoding=encoding)
    report = import_file(path)
    assert report.created == 1 and report.error_count == 0
    assert Order.objects.get().buyer_nick == "小桃子"


def test_columns_are_found_by_name_not_position(db, tmp_path):
    shuffled = list(reversed(HEADER)) + ["以后新增的列", ""]
    report = import_file(export(tmp_path, [row()], header=shuffled))
    assert report.created == 1
    assert Order.objects.get().receiver_name == "林小桃"


def test_a_file_that_is_no_export_is_refused_whole(db, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("name,phone\nfoo,1\n")
    with pytest.raises(ImportFileError, match="无法识别"):
        import_file(path)


def test_an_order_export_without_required_columns_is_refused(db, tmp_path):
    path = export(tmp_path, [row()], header=["订单编号", "买家会员名", "订单状态", "收货人姓名"])
    with pytest.raises(ImportFileError, match="订单创建时间"):
        import_file(path)


def test_xlsx_export_imports_like_csv(db, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    values = row()
    sheet.append([values.get(h.strip(), "") for h in HEADER])
    path = tmp_path / "ExportOrderList.xlsx"
    book.save(path)

    report = import_file(path)

    assert report.created == 1
    assert Order.objects.get().receiver_phone == "18618486065"


def test_progress_is_reported_while_importing(db):
    seen = []
    import_file(ORDERS, progress=seen.append)
    assert seen and seen[-1] == ORDERS.stat().st_size


def test_a_file_broken_midway_keeps_the_rows_before_and_says_where(db, tmp_path):
    path = export(tmp_path, [row(number=f"193000000000000{i}") for i in range(1, 4)])
    path.write_bytes(path.read_bytes() + b'1930000000000009,"' + b"x" * 200_000 + b'"\n')
    report = import_file(path)
    assert report.created == 3
    assert report.errors == [(5, "从此行起文件无法按 CSV 读取（引号不成对或单元格过长），后面的行未导入")]
    assert Order.objects.count() == 3


def test_a_line_repeated_in_one_export_is_kept_once(db, tmp_path):
    import_file(ORDERS)
    text = LINES.read_bytes().decode("gbk")
    repeated = text + text.splitlines()[-1] + "\r\n"
    path = tmp_path / "ExportOrderDetailList.csv"
    path.write_bytes(repeated.encode("gbk"))

    report = import_file(path)

    assert report.error_count == 0
    assert OrderLine.objects.count() == 5


def test_a_row_cut_short_by_a_truncated_file_is_refused_and_the_stored_order_kept(db, tmp_path):
    shipped = row(number="1930000000000002", state="卖家已发货，等待买家确认", 物流单号="773100000001")
    import_file(export(tmp_path, [row(), shipped], name="full.csv"))
    whole = export(tmp_path, [row(), shipped], name="cut.csv").read_bytes()
    cut = tmp_path / "cut.csv"
    cut.write_bytes(whole[: whole.index(b"773100000001") + len("77310")])  # the download stopped here

    report = import_file(cut)

    assert Order.objects.get(number="1930000000000002").waybill == "773100000001"
    assert [line for line, _reason in report.errors] == [3]
    assert report.errors[0][1].startswith("这一行的列数比表头少")


def test_a_sheet_row_without_its_empty_last_cells_is_no_short_row(db, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append([*HEADER, "备用"])
    values = row()
    sheet.append([values.get(h.strip(), "") for h in HEADER])  # the sheet has no cell for 备用
    path = tmp_path / "ExportOrderList.xlsx"
    book.save(path)

    report = import_file(path)

    assert (report.created, report.errors) == (1, [])


def test_a_line_row_cut_short_is_refused_by_line(db, tmp_path):
    import_file(ORDERS)
    text = LINES.read_bytes().decode("gbk").rstrip("\r\n")
    path = tmp_path / "ExportOrderDetailList.csv"
    path.write_bytes(text[: text.rindex(",")].encode("gbk"))  # the last cell lost

    report = import_file(path)

    assert [line for line, _reason in report.errors] == [len(text.splitlines())]
    assert report.errors[0][1].startswith("这一行的列数比表头少")


def _quote_left_open_on_line_22(tmp_path, after: int) -> Path:
    numbers = [f"19300000000000{i:02d}" for i in range(2, 23 + after)]  # line n holds order n
    messages = {"1930000000000022": "请发顺丰", "1930000000000023": "周末不在家，放门卫" if after > 1 else ""}
    rows = [row(number=n, 买家留言=messages.get(n, "")) for n in numbers]
    path = export(tmp_path, rows)
    text = (
        path.read_bytes().decode().replace("请发顺丰", '"请发顺丰').replace("周末不在家，", '"周末不在家"，')
    )
    path.write_text(text)
    return path


@pytest.mark.parametrize("after", [1, 3], ids=["at the end of the file", "closed by a later quote"])
def test_a_quote_left_open_reports_the_lines_it_swallowed_and_keeps_the_rows_before(db, tmp_path, after):
    report = import_file(_quote_left_open_on_line_22(tmp_path, after))

    assert len(report.errors) == 1
    line, reason = report.errors[0]
    assert line == 22
    assert "22–23" in reason and "引号未闭合" in reason
    stored = set(Order.objects.values_list("number", flat=True))
    assert stored == {f"19300000000000{i:02d}" for i in range(2, 23 + after)} - {
        "1930000000000022",
        "1930000000000023",
    }


def test_a_quote_left_open_in_a_line_export_reports_the_lines_it_swallowed(db, tmp_path):
    import_file(ORDERS)
    text = LINES.read_bytes().decode("gbk").replace("规格：50g", '"规格：50g', 1)
    path = tmp_path / "ExportOrderDetailList.csv"
    path.write_bytes(text.encode("gbk"))

    report = import_file(path)

    assert report.errors[0][0] == 2
    assert "引号未闭合" in report.errors[0][1]


def test_a_sheet_that_unpacks_too_big_is_refused_before_a_cell_is_read(db, tmp_path, monkeypatch):
    book = Workbook()
    book.active.append(HEADER)
    path = tmp_path / "ExportOrderList.xlsx"
    book.save(path)
    monkeypatch.setattr(spreadsheets, "MAX_XLSX_UNPACKED_BYTES", 1000)

    with pytest.raises(ImportFileError, match="解压后超过"):
        import_file(path)


def test_a_sheet_of_too_many_rows_is_refused(db, tmp_path, monkeypatch):
    book = Workbook()
    book.active.append(HEADER)
    for i in range(3):
        values = row(number=f"193000000000000{i}")
        book.active.append([values.get(h.strip(), "") for h in HEADER])
    path = tmp_path / "ExportOrderList.xlsx"
    book.save(path)
    monkeypatch.setattr(spreadsheets, "MAX_XLSX_ROWS", 2)

    with pytest.raises(ImportFileError, match="超过 2 行"):
        import_file(path)


def test_a_file_named_xlsx_that_is_no_workbook_is_refused_whole(db, tmp_path):
    path = tmp_path / "ExportOrderList.xlsx"
    path.write_bytes(b"\xb6\xa9\xb5\xa5\xb1\xe0\xba\xc5,x\r\n")  # a CSV renamed

    with pytest.raises(ImportFileError, match="不是有效的 Excel"):
        import_file(path)


@pytest.mark.parametrize(
    "encoding", ["utf-16", "utf-16-be"], ids=["UTF-16 (little-endian)", "UTF-16 big-endian"]
)
def test_an_export_saved_as_utf16_imports_like_any_other(db, tmp_path, encoding):
    path = export(tmp_path, [row(), row(number="1930000000000002")])
    text = path.read_text()
    path.write_bytes(("\ufeff" + text).encode(encoding) if encoding.endswith("be") else text.encode(encoding))

    report = import_file(path)

    assert (report.created, report.errors) == (2, [])
    assert Order.objects.get(number="1930000000000002").buyer_nick == "小桃子"


def test_excels_unicode_text_with_tabs_imports(db, tmp_path):
    path = export(tmp_path, [row()])
    text = path.read_text().replace(",", "\t")  # no cell of this row holds a comma
    path.write_bytes(text.encode("utf-16"))

    report = import_file(path)

    assert (report.created, report.errors) == (1, [])
