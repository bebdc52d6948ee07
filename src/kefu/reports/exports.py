"""Each report's columns, and its rows as JSON, CSV and Excel.

The JSON speaks the API's language (periods ``YYYY-MM-DD``, money as strings with two decimals);
the spreadsheets carry real date and number cells under Chinese headers, so a supervisor can sum
and chart them in Excel or WPS at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_noop as _

from kefu.core.spreadsheets import csv_bytes, xlsx_bytes


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str = "int"  # int | money | rate | seconds | date | text


SALES_COLUMNS = [
    Column("period", _("日期"), "date"),
    Column("paid_orders", _("支付订单数"), "int"),
    Column("paid_amount", _("支付金额"), "money"),
    Column("paying_buyers", _("支付买家数"), "int"),
    Column("avg_order_value", _("客单价"), "money"),
    Column("unpaid_orders", _("下单未付款订单数"), "int"),
    Column("unpaid_amount", _("下单未付款金额"), "money"),
    Column("refunds", _("退款笔数"), "int"),
    Column("refund_amount", _("退款金额"), "money"),
    Column("rights_refunds", _("维权退款笔数"), "int"),
    Column("rights_refund_amount", _("维权退款金额"), "money"),
    Column("reminders", _("催付次数"), "int"),
    Column("recovered_orders", _("催付成功订单数"), "int"),
    Column("recovered_amount", _("催付挽回金额"), "money"),
    Column("asking_customers", _("咨询人数"), "int"),
    Column("converted_customers", _("咨询后下单人数"), "int"),
    Column("conversion_rate", _("咨询转化率"), "rate"),
]

SALES_AGENT_COLUMNS = [
    Column("agent", _("客服"), "text"),
    Column("reminders", _("催付次数"), "int"),
    Column("recovered_orders", _("催付成功订单数"), "int"),
    Column("recovered_amount", _("催付挽回金额"), "money"),
    Column("chats", _("接待会话数"), "int"),
    Column("answered_chats", _("已回复会话数"), "int"),
]

SERVICE_COLUMNS = [
    Column("period", _("日期"), "date"),
    Column("chats", _("会话数"), "int"),
    Column("answered_chats", _("已回复会话"), "int"),
    Column("first_response_avg", _("平均首次响应（秒）"), "seconds"),
    Column("in_time_chats", _("首次响应达标会话"), "int"),
    Column("in_time_rate", _("首次响应达标率"), "rate"),
    Column("response_avg", _("平均响应（秒）"), "seconds"),
    Column("abandoned_chats", _("放弃会话"), "int"),
    Column("abandon_rate", _("放弃率"), "rate"),
    Column("transfers", _("转接次数"), "int"),
    Column("transfer_rate", _("转接率"), "rate"),
    Column("closed_chats", _("已结束会话"), "int"),
    Column("resolved_first_contact", _("一次解决会话"), "int"),
    Column("first_contact_resolution", _("一次解决率"), "rate"),
    Column("questions", _("客户提问"), "int"),
    Column("questions_answered", _("已答复提问"), "int"),
    Column("cases", _("售后申请"), "int"),
    Column("complaints", _("投诉"), "int"),
    Column("complaints_satisfied", _("投诉回访满意"), "int"),
    Column("complaints_unsatisfied", _("投诉回访不满意"), "int"),
    Column("bad_reviews", _("中差评"), "int"),
    Column("bad_reviews_changed", _("中差评已修改/删除"), "int"),
    Column("bad_reviews_explained", _("中差评已解释"), "int"),
    Column("bad_reviews_unresolved", _("中差评未解决"), "int"),
]

KPI_COLUMNS = [
    Column("agent", _("客服"), "text"),
    Column("score", _("总分"), "float"),
    Column("score_sales", _("达成业绩"), "float"),
    Column("score_order_review", _("订单审核"), "float"),
    Column("score_aftersales", _("售后处理"), "float"),
    Column("score_statistics", _("统计数据"), "float"),
    Column("score_feedback", _("问题反馈"), "float"),
    Column("sales_amount", _("业绩金额"), "money"),
    Column("orders_reviewed", _("审核订单"), "int"),
    Column("items_done", _("完成待办"), "int"),
    Column("days_worked", _("接待天数"), "int"),
    Column("daily_reports", _("提交日报"), "int"),
    Column("inspected_chats", _("质检会话"), "int"),
    Column("quality_avg", _("质检均分"), "float"),
    Column("errors", _("差错"), "int"),
    Column("error_cost", _("差错损失"), "money"),
]

LIVE_COLUMNS = [
    Column("paid_amount_today", _("今日支付金额"), "money"),
    Column("in_time_rate_today", _("今日首次响应达标率"), "rate"),
]


def _json_value(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "date" and isinstance(value, dt.date):
        return value.isoformat()
    if kind == "money":
        return f"{Decimal(value):.2f}"
    if kind == "rate":
        return f"{Decimal(value):.4f}"
    if isinstance(value, Decimal):
        return str(value)
    return value


def rows_json(rows: list[dict], columns: list[Column]) -> list[dict]:
    """The rows as the API and ``kefu report … --format json`` print them (extra keys kept)."""
    kinds = {c.key: c.kind for c in columns}
    order = {c.key: i for i, c in enumerate(columns)}
    return [
        {
            key: _json_value(row[key], kinds.get(key, ""))
            for key in sorted(row, key=lambda k: order.get(k, len(order)))
        }
        for row in rows
    ]


def _cell(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "money":
        return Decimal(value)
    if kind == "rate":
        return float(value)
    return value


def _table(rows: list[dict], columns: list[Column]) -> tuple[list[str], list[list[Any]]]:
    return [c.header for c in columns], [[_cell(row.get(c.key), c.kind) for c in columns] for row in rows]


def rows_csv(rows: list[dict], columns: list[Column]) -> bytes:
    header, table = _table(rows, columns)
    return csv_bytes(header, table)


def rows_xlsx(title: str, rows: list[dict], columns: list[Column]) -> bytes:
    header, table = _table(rows, columns)
    return xlsx_bytes(title, header, table)
