"""The reports' REST API (/api/reports/): each report as ``{"rows": [...]}`` for a date range.

Query: ``start``, ``end`` (YYYY-MM-DD, the shop's days), ``by`` (day|week|month), ``shop``; a bad
range answers 400 with the reason in the user's language.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from kefu.chat.models import Conversation
from kefu.core import roles
from kefu.core.api import paginate
from kefu.core.operations import form_errors, form_input, form_schema
from kefu.reports import access, exports, forms, selectors, services
from kefu.reports.models import WorkReport
from kefu.reports.periods import Range
from kefu.reports.rules import first_response_target, survey_coverage_target, targets_in_force

TAG = "报表"

RANGE_PARAMETERS = [
    OpenApiParameter("start", str, description="开始日期 YYYY-MM-DD（含）"),
    OpenApiParameter("end", str, description="结束日期 YYYY-MM-DD（含）"),
    OpenApiParameter("by", str, enum=["day", "week", "month"], description="按日/周/月汇总"),
    OpenApiParameter("shop", str, required=False, description="只看一个店铺"),
]


def range_input(request: Request) -> tuple[Range, str]:
    form = forms.RangeForm(data=request.query_params)
    if not form.is_valid():
        raise exceptions.ValidationError(form_errors(form))
    return form.range, form.cleaned_data.get("shop") or ""


def _envelope(rng: Range, rows: list[dict], columns: list[exports.Column], **extra: Any) -> dict:
    return {
        "start": rng.start.isoformat(),
        "end": rng.end.isoformat(),
        "by": rng.by,
        "rows": exports.rows_json(rows, columns),
        **extra,
    }


def agent_names(ids: list[int]) -> dict[int, str]:
    users = get_user_model().objects.filter(pk__in=ids).only("username", "first_name", "last_name")
    return {u.pk: u.get_full_name() or u.username for u in users}


class SalesReportApi(APIView):
    @extend_schema(
        tags=[TAG],
        parameters=RANGE_PARAMETERS,
        responses=OpenApiTypes.OBJECT,
        summary="销售报表（生意参谋口径）",
    )
    def get(self, request):
        access.access_shop_figures(user=request.user)
        rng, shop = range_input(request)
        rows = selectors.sales_report(rng=rng, shop=shop or None)
        return Response(_envelope(rng, rows, exports.SALES_COLUMNS))


class SalesByAgentApi(APIView):
    @extend_schema(
        tags=[TAG], parameters=RANGE_PARAMETERS, responses=OpenApiTypes.OBJECT, summary="按客服的催付与接待"
    )
    def get(self, request):
        agent_ids = access.access_agents(user=request.user)
        rng, _shop = range_input(request)
        rows = sales_agent_rows(rng, agent_ids)
        targets = {"survey_coverage": _rate(survey_coverage_target())}
        return Response(_envelope(rng, rows, exports.SALES_AGENT_COLUMNS, targets=targets))


def sales_agent_rows(rng: Range, agent_ids: list[int] | None) -> list[dict]:
    rows = selectors.sales_by_agent(rng=rng, agent_ids=agent_ids)
    names = agent_names([row["agent_id"] for row in rows])
    for row in rows:
        row["agent"] = names.get(row["agent_id"], "")
    return rows


class ServiceReportApi(APIView):
    @extend_schema(
        tags=[TAG],
        parameters=[
            *RANGE_PARAMETERS,
            OpenApiParameter("agent", int, required=False, description="只看一位客服"),
        ],
        responses=OpenApiTypes.OBJECT,
        summary="服务数据：响应、放弃、转接、一次解决、提问、售后、投诉、中差评",
    )
    def get(self, request):
        agent = request.query_params.get("agent")
        agent_ids = access.access_agents(
            user=request.user, agent_id=int(agent) if str(agent or "").isdigit() else None
        )
        rng, _shop = range_input(request)
        target = first_response_target()
        rows = selectors.service_report(rng=rng, agent_ids=agent_ids, target_seconds=target)
        return Response(
            _envelope(
                rng,
                rows,
                exports.SERVICE_COLUMNS,
                target_seconds=target,
                targets=api_targets(targets_in_force(first_response=target)),
            )
        )


def _rate(fraction: float) -> str:
    """A target rate as the rows print rates: ``"0.7000"``."""
    return f"{fraction:.4f}"


def api_targets(targets: dict[str, float]) -> dict[str, Any]:
    """The shop's targets beside the rows: seconds as a number, rates as the rows print them."""
    return {key: value if key == "first_response_seconds" else _rate(value) for key, value in targets.items()}


class AftersalesBreakdownApi(APIView):
    @extend_schema(
        tags=[TAG], parameters=RANGE_PARAMETERS, responses=OpenApiTypes.OBJECT, summary="售后：按类型与原因"
    )
    def get(self, request):
        access.access_shop_figures(user=request.user)
        rng, _shop = range_input(request)
        rows = selectors.aftersales_breakdown(rng=rng)
        return Response(_envelope(rng, rows, exports.AFTERSALES_COLUMNS))


class LiveFiguresApi(APIView):
    @extend_schema(
        tags=[TAG], responses=OpenApiTypes.OBJECT, summary="今日实时数据：排队会话、超时待办、当前响应"
    )
    def get(self, request):
        access.access_shop_figures(user=request.user)
        figures = selectors.live_figures(target_seconds=first_response_target())
        return Response(exports.rows_json([figures], exports.LIVE_COLUMNS)[0])


# --- KPI, quality inspection, error log, 奖惩, work reports ---------------------------------------


class KpiApi(APIView):
    @extend_schema(
        tags=[TAG],
        parameters=RANGE_PARAMETERS,
        responses=OpenApiTypes.OBJECT,
        summary="客服 KPI（客服只看到自己）",
    )
    def get(self, request):
        agent_ids = access.access_agents(user=request.user)
        rng, _shop = range_input(request)
        rows = selectors.kpi_report(rng=rng, agent_ids=agent_ids)
        return Response(
            {
                "start": rng.start.isoformat(),
                "end": rng.end.isoformat(),
                "rows": _plain(rows),
                "targets": {"survey_coverage": _rate(survey_coverage_target())},
            }
        )


RATES = ("satisfied_rate", "survey_coverage")


def _plain(rows: list[dict]) -> list[dict]:
    def plain(key: str, v: Any) -> Any:
        if isinstance(v, Decimal):
            return f"{v:.4f}" if key in RATES else f"{v:.2f}"
        return v.isoformat() if isinstance(v, dt.date) else v

    return [{k: plain(k, v) for k, v in row.items()} for row in rows]


class QualityReviewOutput(serializers.Serializer):
    id = serializers.IntegerField()
    conversation_id = serializers.IntegerField()
    agent_id = serializers.IntegerField()
    reviewer_id = serializers.IntegerField(allow_null=True)
    in_time = serializers.BooleanField()
    wording_ok = serializers.BooleanField()
    attitude_ok = serializers.BooleanField()
    solved = serializers.BooleanField()
    lint_hits = serializers.JSONField()
    score = serializers.IntegerField()
    comment = serializers.CharField()
    created_at = serializers.DateTimeField()

    class Meta:
        ref_name = "QualityReview"


class QualityListApi(APIView):
    @extend_schema(tags=[TAG], responses=QualityReviewOutput(many=True), summary="质检记录")
    def get(self, request):
        agent_ids = access.access_agents(user=request.user)
        return paginate(request, selectors.quality_review_list(agent_ids=agent_ids), QualityReviewOutput)


class QualityRecordApi(APIView):
    @extend_schema(
        tags=[TAG],
        request=form_schema(forms.QualityReviewForm),
        responses=QualityReviewOutput,
        summary="质检一个会话",
    )
    def post(self, request, pk):
        data = form_input(forms.QualityReviewForm, request)
        conversation = get_object_or_404(Conversation, pk=pk)
        review = services.quality_review_record(conversation=conversation, by=request.user, **data)
        return Response(QualityReviewOutput(review).data, status=201)


class ErrorOutput(serializers.Serializer):
    id = serializers.IntegerField()
    agent_id = serializers.IntegerField()
    kind = serializers.CharField()
    kind_display = serializers.CharField(source="get_kind_display")
    occurred_on = serializers.DateField()
    order_number = serializers.CharField()
    description = serializers.CharField()
    cost = serializers.DecimalField(max_digits=10, decimal_places=2)
    recorded_by_id = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField()

    class Meta:
        ref_name = "ErrorEntry"


class ErrorListApi(APIView):
    @extend_schema(tags=[TAG], responses=ErrorOutput(many=True), summary="差错登记")
    def get(self, request):
        agent_ids = access.access_agents(user=request.user)
        return paginate(request, selectors.error_list(agent_ids=agent_ids), ErrorOutput)

    @extend_schema(
        tags=[TAG], request=form_schema(forms.ErrorForm), responses=ErrorOutput, summary="登记差错"
    )
    def post(self, request):
        roles.require_role(request.user, roles.SUPERVISOR)  # before the form: a 403, not a 400
        data = form_input(forms.ErrorForm, request)
        entry = services.error_record(by=request.user, **data)
        return Response(ErrorOutput(entry).data, status=201)


class SanctionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    agent_id = serializers.IntegerField()
    month = serializers.DateField()
    kind = serializers.CharField()
    amount = serializers.DecimalField(max_digits=10, decimal_places=2)
    reason = serializers.CharField()
    created_at = serializers.DateTimeField()

    class Meta:
        ref_name = "Sanction"


class SanctionListApi(APIView):
    @extend_schema(tags=[TAG], responses=SanctionOutput(many=True), summary="奖惩")
    def get(self, request):
        agent_ids = access.access_agents(user=request.user)
        return paginate(request, selectors.sanction_list(agent_ids=agent_ids), SanctionOutput)

    @extend_schema(
        tags=[TAG], request=form_schema(forms.SanctionForm), responses=SanctionOutput, summary="登记奖惩"
    )
    def post(self, request):
        roles.require_role(request.user, roles.SUPERVISOR)  # before the form: a 403, not a 400
        data = form_input(forms.SanctionForm, request)
        sanction = services.sanction_record(by=request.user, **data)
        return Response(SanctionOutput(sanction).data, status=201)


class WorkReportOutput(serializers.Serializer):
    id = serializers.IntegerField()
    author_id = serializers.IntegerField()
    kind = serializers.CharField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    figures = serializers.JSONField()
    notes = serializers.CharField()
    plan = serializers.CharField()
    submitted_at = serializers.DateTimeField(allow_null=True)

    class Meta:
        ref_name = "WorkReport"


class WorkReportOpenApi(APIView):
    @extend_schema(
        tags=[TAG],
        request=form_schema(forms.WorkReportOpenForm),
        responses=WorkReportOutput,
        summary="打开（生成）自己的日报，或主管的周报表/月报表",
    )
    def post(self, request):
        data = form_input(forms.WorkReportOpenForm, request)
        report = services.work_report_prepare(author=request.user, by=request.user, **data)
        return Response(WorkReportOutput(report).data)


class WorkReportSubmitApi(APIView):
    @extend_schema(
        tags=[TAG],
        request=form_schema(forms.WorkReportForm),
        responses=WorkReportOutput,
        summary="提交工作报告",
    )
    def post(self, request, pk):
        data = form_input(forms.WorkReportForm, request)
        report = get_object_or_404(WorkReport, pk=pk, author=request.user)
        report = services.work_report_submit(report=report, by=request.user, **data)
        return Response(WorkReportOutput(report).data)


class PendingReportOutput(serializers.Serializer):
    agent_id = serializers.IntegerField()
    agent = serializers.CharField()
    day = serializers.DateField()
    report_id = serializers.IntegerField(allow_null=True, help_text="已生成的日报；null 表示还没有生成")

    class Meta:
        ref_name = "PendingDailyReport"


class WorkReportPendingApi(APIView):
    @extend_schema(
        tags=[TAG],
        parameters=[OpenApiParameter("days", int, required=False, description="最近几天（默认 7，最多 31）")],
        responses=PendingReportOutput(many=True),
        summary="未提交的日报：班次结束后还没有提交（主管看全部，客服看自己）",
    )
    def get(self, request):
        agent_ids = access.access_agents(user=request.user)
        days = request.query_params.get("days", "7")
        if not str(days).isdigit() or not 1 <= int(days) <= 31:
            raise exceptions.ValidationError({"days": [_("天数应为 1 到 31 之间的整数。")]})
        now = timezone.now()
        rows = selectors.daily_reports_pending(
            since=timezone.localdate(now) - dt.timedelta(days=int(days) - 1), now=now, agent_ids=agent_ids
        )
        return Response(PendingReportOutput(rows, many=True).data)
