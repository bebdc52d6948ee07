"""The reports' shop settings: every number a default the shop can change.

The first-response target is the chat's own setting (``chat_first_response_target_seconds``), so
the console's red mark and the report's "in time" agree; during a promotion (大促, the team's
calendar) the promotion's target is in force, and each chat is judged against the target of its time.
"""

import datetime as dt

from django.db.models import Case, FloatField, Q, Value, When
from django.utils import timezone

from kefu.chat import rules as chat_rules
from kefu.core import shopsettings
from kefu.core.shopsettings import define
from kefu.customers import rules as customer_rules
from kefu.team import selectors as team_selectors

conversion_days = define(
    "report_conversion_days",
    3,
    label="咨询转化统计天数",
    help_text="客户咨询（在线会话或提问）后多少天内下单，算作咨询转化",
)
kpi_weight_sales = define("kpi_weight_sales", 35, label="KPI 权重：达成业绩（%）")
kpi_weight_order_review = define("kpi_weight_order_review", 10, label="KPI 权重：订单审核（%）")
kpi_weight_aftersales = define("kpi_weight_aftersales", 40, label="KPI 权重：售后处理（%）")
kpi_weight_statistics = define("kpi_weight_statistics", 5, label="KPI 权重：统计数据（%）")
kpi_weight_feedback = define("kpi_weight_feedback", 10, label="KPI 权重：问题反馈（%）")
kpi_sales_target = define(
    "kpi_sales_target_amount",
    30000.0,
    label="KPI：每位客服每月业绩目标（元）",
    help_text="客服经手成交（接待后下单、催付后付款）的金额达到目标即得满分，按比例计分",
)
kpi_review_target = define("kpi_order_review_target", 300, label="KPI：每位客服每月订单审核目标（单）")
kpi_aftersales_target = define(
    "kpi_aftersales_target", 60, label="KPI：每位客服每月处理完成售后/投诉/中差评目标（件）"
)
kpi_error_penalty = define(
    "kpi_error_penalty_points", 5, label="KPI：每条差错登记扣分", help_text="从总分中扣除，最低 0 分"
)
abandon_target = define("report_abandon_rate_target", 5, label="放弃率目标（%，低于）")
fcr_target = define("report_first_contact_resolution_target", 80, label="一次解决率目标（%）")


def first_response_target(at: dt.datetime | None = None) -> float:
    """The first-response target in seconds in force now (or at ``at``): a promotion's while one
    runs, else the chat's own setting."""
    return float(team_selectors.first_response_target_at(at or timezone.now()))


def survey_coverage_target() -> float:
    """The share of ended chats the customer should rate (the customers' setting, 70 %), 0–1."""
    return float(shopsettings.get(customer_rules.survey_coverage_target.key)) / 100


def targets_in_force(*, first_response: float | None = None) -> dict[str, float]:
    """The shop's targets the charts draw as lines and the tables state, from the settings: the
    first-response target in force now (seconds; a promotion's while one runs), and as fractions
    (0.7, not 70) the satisfaction survey coverage (the customers' setting), the abandon rate (at
    most) and first-contact resolution. ``first_response``: the target already read by the caller."""
    return {
        "first_response_seconds": first_response if first_response is not None else first_response_target(),
        "survey_coverage": survey_coverage_target(),
        "abandon_rate": float(shopsettings.get(abandon_target.key)) / 100,
        "first_contact_resolution": float(shopsettings.get(fcr_target.key)) / 100,
    }


def first_response_target_of_chat(*, since: dt.datetime, until: dt.datetime) -> Case | Value:
    """In SQL, each chat's target: the one in force when the chat began (``created_at``), for the
    promotions that overlap the period; the shop's usual target otherwise."""
    usual = float(shopsettings.get(chat_rules.first_response_target.key))
    promotion_default = shopsettings.get("promotion_first_response_seconds")
    whens = [
        When(
            Q(created_at__gte=p.starts_at, created_at__lt=p.ends_at),
            then=Value(float(p.first_response_seconds or promotion_default)),
        )
        for p in team_selectors.promotion_list().filter(starts_at__lt=until, ends_at__gt=since)
    ]
    if not whens:
        return Value(usual)
    return Case(*whens, default=Value(usual), output_field=FloatField())


summary_recent_days = define(
    "report_summary_recent_days",
    7,
    label="报表汇总：重新统计最近几天",
    help_text="已结束的日子按天汇总后报表直接读取；最近这些天会定期重新统计（迟到的付款、催付挽回、会话结束、咨询转化）。今天始终实时统计",
)
summary_refresh_minutes = define(
    "report_summary_refresh_minutes", 15, label="报表汇总：最近几天每隔多少分钟重新统计"
)
