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

from kefu.core.spreadsheets import csv_bytes, xlsx_bytes


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str = "int"  # int | money | rate | seconds | date | text


SALES_COLUMNS = [
    Column("period", "日期", "date"),
    Column("paid_orders", "支付订单数", "int"),
    Column("paid_amount", "支付金额", "money"),
    Column("paying_buyers", "支付买家数", "int"),
    Column("avg_order_value", "客单价", "money"),
    Column("unpaid_orders", "下单未付款订单数", "int"),
    Column("unpaid_amount", "下单未付款金额", "money"),
    Column("refunds", "退款笔数", "int"),
    Column("refund_amount", "退款金额", "money"),
    Column("rights_refunds", "维权退款笔数", "int"),
    Column("rights_refund_amount", "维权退款金额", "money"),
    Column("reminders", "催付次数", "int"),
    Column("recovered_orders", "催付成功订单数", "int"),
    Column("recovered_amount", "催付挽回金额", "money"),
    Column("asking_customers", "咨询人数", "int"),
    Column("converted_customers", "咨询后下单人数", "int"),
    Column("conversion_rate", "咨询转化率", "rate"),
]

SALES_AGENT_COLUMNS = [
    Column("agent", "客服", "text"),
    Column("reminders", "催付次数", "int"),
    Column("recovered_orders", "催付成功订单数", "int"),
    Column("recovered_amount", "催付挽回金额", "money"),
    Column("chats", "接待会话数", "int"),
    Column("answered_chats", "已回复会话数", "int"),
]

SERVICE_COLUMNS = [
    Column("period", "日期", "date"),
    Column("chats", "会话数", "int"),
    Column("answered_chats", "已回复会话", "int"),
    Column("first_response_avg", "平均首次响应（秒）", "seconds"),
    Column("in_time_chats", "首次响应达标会话", "int"),
    Column("in_time_rate", "首次响应达标率", "rate"),
    Column("response_avg", "平均响应（秒）", "seconds"),
    Column("abandoned_chats", "放弃会话", "int"),
    Column("abandon_rate", "放弃率", "rate"),
    Column("transfers", "转接次数", "int"),
    Column("transfer_rate", "转接率", "rate"),
    Column("closed_chats", "已结束会话", "int"),
    Column("resolved_first_contact", "一次解决会话", "int"),
    Column("first_contact_resolution", "一次解决率", "rate"),
    Column("questions", "客户提问", "int"),
    Column("questions_answered", "已答复提问", "int"),
    Column("cases", "售后申请", "int"),
    Column("complaints", "投诉", "int"),
    Column("complaints_satisfied", "投诉回访满意", "int"),
    Column("complaints_unsatisfied", "投诉回访不满意", "int"),
    Column("bad_reviews", "中差评", "int"),
    Column("bad_reviews_changed", "中差评已修改/删除", "int"),
    Column("bad_reviews_explained", "中差评已解释", "int"),
    Column("bad_reviews_unresolved", "中差评未解决", "int"),
]

KPI_COLUMNS = [
    Column("agent", "客服", "text"),
    Column("score", "总分", "float"),
    Column("score_sales", "达成业绩", "float"),
    Column("score_order_review", "订单审核", "float"),
    Column("score_aftersales", "售后处理", "float"),
    Column("score_statistics", "统计数据", "float"),
    Column("score_feedback", "问题反馈", "float"),
    Column("sales_amount", "业绩金额", "money"),
    Column("orders_reviewed", "审核订单", "int"),
    Column("items_done", "完成待办", "int"),
    Column("days_worked", "接待天数", "int"),
    Column("daily_reports", "提交日报", "int"),
    Column("inspected_chats", "质检会话", "int"),
    Column("quality_avg", "质检均分", "float"),
    Column("errors", "差错", "int"),
    Column("error_cost", "差错损失", "money"),
]

AFTERSALES_COLUMNS = [
    Column("kind_label", "售后类型", "text"),
    Column("reason", "售后原因", "text"),
    Column("cases", "件数", "int"),
    Column("refund_amount", "退款金额", "money"),
]

QUALITY_COLUMNS = [
    Column("inspected_on", "质检日期", "date"),
    Column("agent", "客服", "text"),
    Column("conversation_id", "会话", "int"),
    Column("score", "得分", "int"),
    Column("in_time", "响应及时", "text"),
    Column("wording_ok", "无禁用语", "text"),
    Column("attitude_ok", "态度良好", "text"),
    Column("solved", "问题已解决", "text"),
    Column("comment", "点评", "text"),
    Column("reviewer", "质检人", "text"),
]

ERROR_COLUMNS = [
    Column("occurred_on", "发生日期", "date"),
    Column("agent", "责任人", "text"),
    Column("kind", "差错类型", "text"),
    Column("order_number", "订单编号", "text"),
    Column("description", "经过", "text"),
    Column("cost", "损失金额（元）", "money"),
    Column("recorded_by", "登记人", "text"),
]

SANCTION_COLUMNS = [
    Column("month", "月份", "date"),
    Column("agent", "客服", "text"),
    Column("kind", "奖惩", "text"),
    Column("amount", "金额（元）", "money"),
    Column("reason", "原因", "text"),
]

LIVE_COLUMNS = [
    Column("paid_amount_today", "今日支付金额", "money"),
    Column("in_time_rate_today", "今日首次响应达标率", "rate"),
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
