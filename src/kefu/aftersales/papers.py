"""客户投诉记录表: the complaints of a period as the shop keeps them on paper and in Excel, one line
per complaint from receipt to the customer's satisfaction. The Excel file is the shop's record, in
the shop's language."""

from datetime import date

from django.conf import settings
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from kefu.aftersales.models import Complaint
from kefu.core.paperforms import PaperForm, paper_workbook


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def _or_blank(value):
    return value if value is not None else ""


def record_columns() -> list[str]:
    return [
        _("序号"),
        _("接到投诉时间"),
        _("客户名称"),
        _("电话"),
        _("旺旺/会员名"),
        _("投诉渠道"),
        _("订单编号"),
        _("产品"),
        _("生产批次号"),
        _("生产日期"),
        _("不满意内容"),
        _("初步判定"),
        _("承诺回复调查结果时间"),
        _("客户期望处理时间"),
        _("转交部门"),
        _("部门领导签字"),
        _("调查原因"),
        _("处理意见"),
        _("处理完成计划日期"),
        _("跟进处理结果"),
        _("客户满意度"),
        _("结案时间"),
    ]


def record_rows(complaints: list[Complaint]) -> list[list[object]]:
    return [
        [
            number,
            c.received_at,
            c.customer_name,
            c.phone,
            c.buyer_nick,
            c.get_channel_display(),
            c.order.number if c.order else "",
            c.product,
            c.product_batch,
            _or_blank(c.production_date),
            c.problem,
            c.first_judgement,
            _or_blank(c.promised_reply_at),
            _or_blank(c.expected_handling_at),
            c.department,
            _name(c.signed_off_by),
            c.cause,
            c.proposed_handling,
            _or_blank(c.completion_date),
            c.follow_up,
            c.get_satisfaction_display() if c.closed_at else _("处理中"),
            _or_blank(c.closed_at),
        ]
        for number, c in enumerate(complaints, start=1)
    ]


def record_fields(complaints: list[Complaint], start: date, end: date) -> list[tuple[str, object]]:
    closed = [c for c in complaints if c.closed_at]
    return [
        (_("期间"), f"{start.isoformat()} — {end.isoformat()}"),
        (_("投诉数"), len(complaints)),
        (_("已结案"), len(closed)),
        (_("结案满意"), sum(1 for c in closed if c.satisfaction == "satisfied")),
    ]


def record_workbook(complaints: QuerySet[Complaint], start: date, end: date) -> bytes:
    rows = list(complaints)
    with translation.override(settings.LANGUAGE_CODE):
        return paper_workbook(
            PaperForm(
                title=_("客户投诉记录表"),
                fields=record_fields(rows, start, end),
                columns=record_columns(),
                rows=record_rows(rows),
                signatures=[(_("记录人"), ""), (_("部门领导签字"), "")],
            )
        )


def feedback_workbook(complaint: Complaint) -> bytes:
    """One complaint's 《客户投诉反馈表》, the record's columns as the form's lines."""
    with translation.override(settings.LANGUAGE_CODE):
        labels = record_columns()[1:]
        values = record_rows([complaint])[0][1:]
        return paper_workbook(
            PaperForm(
                title=_("客户投诉反馈表"),
                fields=list(zip(labels, values, strict=True)),
                signatures=[(_("记录人"), ""), (_("部门领导签字"), _name(complaint.signed_off_by))],
            )
        )
