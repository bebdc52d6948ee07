"""The reports' REST API (/api/reports/): each report as ``{"rows": [...]}`` for a date range.

Query: ``start``, ``end`` (YYYY-MM-DD, the shop's days), ``by`` (day|week|month), ``shop``; a bad
range answers 400 with the reason in the user's language.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from kefu.core.operations import form_errors
from kefu.reports import access, exports, selectors
from kefu.reports.forms import RangeForm
from kefu.reports.periods import Range
from kefu.reports.rules import first_response_target

TAG = "报表"

RANGE_PARAMETERS = [
    OpenApiParameter("start", str, description="开始日期 YYYY-MM-DD（含）"),
    OpenApiParameter("end", str, description="结束日期 YYYY-MM-DD（含）"),
    OpenApiParameter("by", str, enum=["day", "week", "month"], description="按日/周/月汇总"),
    OpenApiParameter("shop", str, required=False, description="只看一个店铺"),
]


def range_input(request: Request) -> tuple[Range, str]:
    form = RangeForm(data=request.query_params)
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
    @extend_schema(tags=[TAG], parameters=RANGE_PARAMETERS, summary="销售报表（生意参谋口径）")
    def get(self, request):
        access.access_shop_figures(user=request.user)
        rng, shop = range_input(request)
        rows = selectors.sales_report(rng=rng, shop=shop or None)
        return Response(_envelope(rng, rows, exports.SALES_COLUMNS))


class SalesByAgentApi(APIView):
    @extend_schema(tags=[TAG], parameters=RANGE_PARAMETERS, summary="按客服的催付与接待")
    def get(self, request):
        agent_ids = access.access_agents(user=request.user)
        rng, _shop = range_input(request)
        rows = sales_agent_rows(rng, agent_ids)
        return Response(_envelope(rng, rows, exports.SALES_AGENT_COLUMNS))


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
        return Response(_envelope(rng, rows, exports.SERVICE_COLUMNS, target_seconds=target))


class LiveFiguresApi(APIView):
    @extend_schema(tags=[TAG], summary="今日实时数据：排队会话、超时待办、当前响应")
    def get(self, request):
        access.access_shop_figures(user=request.user)
        figures = selectors.live_figures(target_seconds=first_response_target())
        return Response(exports.rows_json([figures], exports.LIVE_COLUMNS)[0])
