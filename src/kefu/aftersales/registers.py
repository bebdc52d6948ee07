"""The registers the shop keeps as spreadsheets: 问题件/退回件表格, 售后记录表 (退换货、补发、退款),
维权退款登记 and the bad-review count (对较差评价进行excel统计), as .xlsx built from the same reads."""

from io import BytesIO

from django.db.models import QuerySet
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from kefu.aftersales.models import AfterSalesCase, BadReview
from kefu.core import worklist
from kefu.core.spreadsheets import xlsx_append

CASE_COLUMNS = [
    "登记时间",
    "售后类型",
    "订单编号",
    "购买日期",
    "购买产品",
    "购买数量",
    "金额",
    "快递运单号",
    "详情",
    "售后原因",
    "质量问题",
    "买家",
    "状态",
    "退货运单号",
    "验货结果",
    "退款金额",
    "退款渠道",
    "维权退款",
    "退款时间",
    "补发/换货运单号",
    "负责人",
]

REVIEW_COLUMNS = [
    "评价时间",
    "评价",
    "买家",
    "订单编号",
    "宝贝",
    "评价内容",
    "处理结果",
    "公开解释",
    "说明",
    "结案时间",
    "处理人",
]


def _local(dt) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%d %H:%M") if dt else ""


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def _workbook(title: str, columns: list[str], rows) -> bytes:
    book = Workbook(write_only=False)
    sheet = book.active
    sheet.title = title
    sheet.append(columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    # A buyer's nick or a note the shop typed stays text in Excel, and a stray control character
    # pasted from a chat cannot break the whole register.
    for row in rows:
        xlsx_append(sheet, row)
    sheet.freeze_panes = "A2"
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def cases_workbook(*, cases: QuerySet[AfterSalesCase]) -> bytes:
    owners = worklist.work_owners(source="aftersales", source_ids=list(cases.values_list("pk", flat=True)))
    rows = (
        [
            _local(c.requested_at),
            c.get_kind_display(),
            c.order_number,
            c.purchase_date.isoformat() if c.purchase_date else "",
            c.item_title,
            c.quantity,
            float(c.amount) if c.amount is not None else None,
            c.waybill,
            c.details,
            c.reason,
            "是" if c.quality_problem else "否",
            c.buyer_nick,
            c.get_state_display(),
            c.return_waybill,
            c.get_inspection_result_display() if c.inspection_result else "",
            float(c.refund_amount) if c.refund_amount is not None else None,
            c.get_refund_channel_display() if c.refund_channel else "",
            "是" if c.rights_protection else "",
            _local(c.refunded_at),
            c.reship_waybill,
            owners.get(c.pk, ""),
        ]
        for c in cases.iterator(chunk_size=500)
    )
    return _workbook("售后记录", CASE_COLUMNS, rows)


def reviews_workbook(*, reviews: QuerySet[BadReview]) -> bytes:
    rows = (
        [
            _local(r.reviewed_at),
            r.get_rating_display(),
            r.buyer_nick,
            r.order_number,
            r.item_title,
            r.text,
            r.get_outcome_display() if r.outcome else "处理中",
            r.public_reply,
            r.outcome_note,
            _local(r.closed_at),
            _name(r.closed_by),
        ]
        for r in reviews.select_related("closed_by").iterator(chunk_size=500)
    )
    return _workbook("中差评统计", REVIEW_COLUMNS, rows)
