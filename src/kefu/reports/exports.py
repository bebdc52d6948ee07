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

from django.utils.translation import gettext_noop

from kefu.core.spreadsheets import csv_bytes, xlsx_bytes


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # Chinese in the files; the pages show it in the reader's language
    kind: str = "int"  # int | money | rate | seconds | date | text


SALES_COLUMNS = [
    Column("period", gettext_noop("日期"), "date"),
    Column("paid_orders", gettext_noop("支付订单数"), "int"),
    Column("paid_amount", gettext_noop("支付金额"), "money"),
    Column("paying_buyers", gettext_noop("支付买家数"), "int"),
    Column("avg_order_value", gettext_noop("客单价"), "money"),
    Column("unpaid_orders", gettext_noop("下单未付款订单数"), "int"),
    Column("unpaid_amount", gettext_noop("下单未付款金额"), "money"),
    Column("refunds", gettext_noop("退款笔数"), "int"),
    Column("refund_amount", gettext_noop("退款金额"), "money"),
    Column("rights_refunds", gettext_noop("维权退款笔数"), "int"),
    Column("rights_refund_amount", gettext_noop("维权退款金额"), "money"),
    Column("reminders", gettext_noop("催付次数"), "int"),
    Column("recovered_orders", gettext_noop("催付成功订单数"), "int"),
    Column("recovered_amount", gettext_noop("催付挽回金额"), "money"),
    Column("asking_customers", gettext_noop("咨询人数"), "int"),
    Column("converted_customers", gettext_noop("咨询后下单人数"), "int"),
    Column("conversion_rate", gettext_noop("咨询转化率"), "rate"),
]

# the chats' own satisfaction (the customer's rating 1–5 at the end of a chat)
CHAT_RATING_COLUMNS = [
    Column("ended_chats", gettext_noop("已结束会话（可评价）"), "int"),
    Column("rated_chats", gettext_noop("客户评价会话"), "int"),
    Column("rating_avg", gettext_noop("平均评分"), "float"),
    Column("satisfied_chats", gettext_noop("满意评价（4–5分）"), "int"),
    Column("satisfied_rate", gettext_noop("满意率"), "rate"),
    Column("survey_coverage", gettext_noop("评价覆盖率"), "rate"),
]

SALES_AGENT_COLUMNS = [
    Column("agent", gettext_noop("客服"), "text"),
    Column("reminders", gettext_noop("催付次数"), "int"),
    Column("recovered_orders", gettext_noop("催付成功订单数"), "int"),
    Column("recovered_amount", gettext_noop("催付挽回金额"), "money"),
    Column("chats", gettext_noop("接待会话数"), "int"),
    Column("answered_chats", gettext_noop("已回复会话数"), "int"),
    *CHAT_RATING_COLUMNS,
]

SERVICE_COLUMNS = [
    Column("period", gettext_noop("日期"), "date"),
    Column("chats", gettext_noop("会话数"), "int"),
    Column("answered_chats", gettext_noop("已回复会话"), "int"),
    Column("first_response_avg", gettext_noop("平均首次响应（秒）"), "seconds"),
    Column("in_time_chats", gettext_noop("首次响应达标会话"), "int"),
    Column("in_time_rate", gettext_noop("首次响应达标率"), "rate"),
    Column("response_avg", gettext_noop("平均响应（秒）"), "seconds"),
    Column("abandoned_chats", gettext_noop("放弃会话"), "int"),
    Column("abandon_rate", gettext_noop("放弃率"), "rate"),
    Column("transfers", gettext_noop("转接次数"), "int"),
    Column("transfer_rate", gettext_noop("转接率"), "rate"),
    Column("closed_chats", gettext_noop("已结束会话"), "int"),
    Column("resolved_first_contact", gettext_noop("一次解决会话"), "int"),
    Column("first_contact_resolution", gettext_noop("一次解决率"), "rate"),
    Column("questions", gettext_noop("客户提问"), "int"),
    Column("questions_answered", gettext_noop("已答复提问"), "int"),
    Column("cases", gettext_noop("售后申请"), "int"),
    Column("complaints", gettext_noop("投诉"), "int"),
    Column("complaints_satisfied", gettext_noop("投诉回访满意"), "int"),
    Column("complaints_unsatisfied", gettext_noop("投诉回访不满意"), "int"),
    Column("bad_reviews", gettext_noop("中差评"), "int"),
    Column("bad_reviews_changed", gettext_noop("中差评已修改/删除"), "int"),
    Column("bad_reviews_explained", gettext_noop("中差评已解释"), "int"),
    Column("bad_reviews_unresolved", gettext_noop("中差评未解决"), "int"),
    *CHAT_RATING_COLUMNS,
]

KPI_COLUMNS = [
    Column("agent", gettext_noop("客服"), "text"),
    Column("score", gettext_noop("总分"), "float"),
    Column("score_sales", gettext_noop("达成业绩"), "float"),
    Column("score_order_review", gettext_noop("订单审核"), "float"),
    Column("score_aftersales", gettext_noop("售后处理"), "float"),
    Column("score_statistics", gettext_noop("统计数据"), "float"),
    Column("score_feedback", gettext_noop("问题反馈"), "float"),
    Column("sales_amount", gettext_noop("业绩金额"), "money"),
    Column("orders_reviewed", gettext_noop("审核订单"), "int"),
    Column("items_done", gettext_noop("完成待办"), "int"),
    Column("days_worked", gettext_noop("接待天数"), "int"),
    Column("daily_reports", gettext_noop("提交日报"), "int"),
    Column("inspected_chats", gettext_noop("质检会话"), "int"),
    Column("quality_avg", gettext_noop("质检均分"), "float"),
    Column("errors", gettext_noop("差错"), "int"),
    Column("error_cost", gettext_noop("差错损失"), "money"),
    Column("rated_chats", gettext_noop("客户评价会话"), "int"),
    Column("rating_avg", gettext_noop("平均评分"), "float"),
    Column("satisfied_rate", gettext_noop("满意率"), "rate"),
    Column("survey_coverage", gettext_noop("评价覆盖率"), "rate"),
]

AFTERSALES_COLUMNS = [
    Column("kind_label", gettext_noop("售后类型"), "text"),
    Column("reason", gettext_noop("售后原因"), "text"),
    Column("cases", gettext_noop("件数"), "int"),
    Column("refund_amount", gettext_noop("退款金额"), "money"),
]

QUALITY_COLUMNS = [
    Column("inspected_on", gettext_noop("质检日期"), "date"),
    Column("agent", gettext_noop("客服"), "text"),
    Column("conversation_id", gettext_noop("会话"), "int"),
    Column("score", gettext_noop("得分"), "int"),
    Column("in_time", gettext_noop("响应及时"), "text"),
    Column("wording_ok", gettext_noop("无禁用语"), "text"),
    Column("attitude_ok", gettext_noop("态度良好"), "text"),
    Column("solved", gettext_noop("问题已解决"), "text"),
    Column("comment", gettext_noop("点评"), "text"),
    Column("reviewer", gettext_noop("质检人"), "text"),
]

ERROR_COLUMNS = [
    Column("occurred_on", gettext_noop("发生日期"), "date"),
    Column("agent", gettext_noop("责任人"), "text"),
    Column("kind", gettext_noop("差错类型"), "text"),
    Column("order_number", gettext_noop("订单编号"), "text"),
    Column("description", gettext_noop("经过"), "text"),
    Column("cost", gettext_noop("损失金额（元）"), "money"),
    Column("recorded_by", gettext_noop("登记人"), "text"),
]

SANCTION_COLUMNS = [
    Column("month", gettext_noop("月份"), "date"),
    Column("agent", gettext_noop("客服"), "text"),
    Column("kind", gettext_noop("奖惩"), "text"),
    Column("amount", gettext_noop("金额（元）"), "money"),
    Column("reason", gettext_noop("原因"), "text"),
]

LIVE_COLUMNS = [
    Column("paid_amount_today", gettext_noop("今日支付金额"), "money"),
    Column("in_time_rate_today", gettext_noop("今日首次响应达标率"), "rate"),
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
