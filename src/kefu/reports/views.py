"""The supervisor's dashboard, an agent's own figures, and every report as Excel or CSV.

A page only reads: the figures come from the selectors, grouped by the database; the charts are
drawn in the browser by ECharts from the same rows the table beside each chart shows.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from kefu.core.decorators import staff_required
from kefu.reports import access, exports, selectors
from kefu.reports.api import agent_names, sales_agent_rows
from kefu.reports.forms import RangeForm, default_range_data
from kefu.reports.periods import Range
from kefu.reports.rules import first_response_target, targets_in_force
from kefu.reports.templatetags.reports_tags import cell_text


def _range_form(request: HttpRequest) -> tuple[RangeForm, Range | None]:
    chosen = "start" in request.GET or "end" in request.GET
    form = RangeForm(data=request.GET if chosen else default_range_data())
    return form, (form.range if form.is_valid() else None)


def _chart(
    rows: list[dict],
    series: list[tuple[str, str, str, int]],
    *,
    percent: tuple[str, ...] = (),
    targets: dict[str, tuple[float, str]] | None = None,
) -> dict[str, Any]:
    """What reports.js draws: the periods on x, one series per (key, label, bar|line, y axis).

    ``percent``: rates drawn as percents (0.7 → 70); ``targets``: a series' shop target (value in
    the series' own unit, and its label), drawn as a line across the chart (an ECharts markLine)."""
    targets = targets or {}

    def scaled(key: str, value: Any) -> float | None:
        if value is None:
            return None
        return round(float(value) * 100, 2) if key in percent else float(value)

    out: dict[str, Any] = {"x": [row["period"].isoformat() for row in rows], "series": []}
    for key, label, kind, axis in series:
        item: dict[str, Any] = {
            "name": label,
            "type": kind,
            "y": axis,
            "data": [scaled(key, row[key]) for row in rows],
        }
        if key in targets:
            value, target_label = targets[key]
            item["target"] = {"value": scaled(key, value), "label": target_label}
        out["series"].append(item)
    return out


def _sales_chart(rows: list[dict]) -> dict:
    chart = _chart(
        rows,
        [
            ("paid_amount", _("支付金额"), "bar", 0),
            ("refund_amount", _("退款金额"), "bar", 0),
            ("paid_orders", _("支付订单数"), "line", 1),
            ("paying_buyers", _("支付买家数"), "line", 1),
        ],
    )
    chart["axes"] = [_("元"), _("单/人")]
    return chart


def _percent_text(fraction: float) -> str:
    return f"{fraction * 100:g}%"


def _service_chart(rows: list[dict], targets: dict[str, float]) -> dict:
    seconds = targets["first_response_seconds"]
    chart = _chart(
        rows,
        [
            ("chats", _("会话数"), "bar", 0),
            ("abandoned_chats", _("放弃会话"), "bar", 0),
            ("first_response_avg", _("平均首次响应（秒）"), "line", 1),
            ("response_avg", _("平均响应（秒）"), "line", 1),
        ],
        targets={"first_response_avg": (seconds, _("首次响应目标 %(s)s 秒") % {"s": f"{seconds:g}"})},
    )
    chart["axes"] = [_("个"), _("秒")]
    return chart


def _service_rates_chart(rows: list[dict], targets: dict[str, float]) -> dict:
    """The service's rates in percent, each with its shop target where there is one."""

    def target(key: str, label: str) -> tuple[float, str]:
        return targets[key], f"{label} {_percent_text(targets[key])}"

    chart = _chart(
        rows,
        [
            ("in_time_rate", _("首次响应达标率"), "line", 0),
            ("abandon_rate", _("放弃率"), "line", 0),
            ("first_contact_resolution", _("一次解决率"), "line", 0),
            ("survey_coverage", _("评价覆盖率"), "line", 0),
            ("satisfied_rate", _("满意率"), "line", 0),
        ],
        percent=(
            "in_time_rate",
            "abandon_rate",
            "first_contact_resolution",
            "survey_coverage",
            "satisfied_rate",
        ),
        targets={
            "abandon_rate": target("abandon_rate", _("放弃率目标")),
            "first_contact_resolution": target("first_contact_resolution", _("一次解决率目标")),
            "survey_coverage": target("survey_coverage", _("评价覆盖率目标")),
        },
    )
    chart["axes"] = ["%"]
    return chart


def service_target_notes(targets: dict[str, float]) -> list[dict[str, str]]:
    """The targets as the table beside the service chart states them."""
    return [
        {
            "label": _("首次响应"),
            "text": _("%(s)s 秒以内") % {"s": f"{targets['first_response_seconds']:g}"},
        },
        {"label": _("放弃率"), "text": _("低于 %(p)s") % {"p": _percent_text(targets["abandon_rate"])}},
        {"label": _("一次解决率"), "text": _percent_text(targets["first_contact_resolution"])},
        *agent_target_notes(targets),
    ]


def agent_target_notes(targets: dict[str, float]) -> list[dict[str, str]]:
    return [{"label": _("评价覆盖率"), "text": _percent_text(targets["survey_coverage"])}]


def _table(rows: list[dict], columns: list[exports.Column]) -> dict:
    """The table's cells as text, with "num" on the figures (right-aligned); formatted here rather
    than by a template filter per cell, which costs more than the queries on a month by day."""
    return {
        "columns": columns,
        "rows": [
            [
                (cell_text(row.get(c.key), c.kind), "" if c.kind in ("date", "text") else "num")
                for c in columns
            ]
            for row in rows
        ],
    }


def _downloads(request: HttpRequest, report: str) -> list[dict]:
    query = urlencode({k: v for k, v in request.GET.items() if k in ("start", "end", "by", "shop", "agent")})
    return [
        {"label": label, "url": f"{reverse('reports:export', args=[report, fmt])}?{query}"}
        for label, fmt in (("Excel", "xlsx"), ("CSV", "csv"))
    ]


@staff_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The supervisor's page: today's live figures, then the reports of the chosen range."""
    if not access.sees_everyone(request.user):
        return mine(request)
    form, rng = _range_form(request)
    target = first_response_target()
    targets = targets_in_force(first_response=target)
    context: dict[str, Any] = {
        "form": form,
        "live": selectors.live_figures(target_seconds=target),
        "target": target,
    }
    if rng is not None:
        shop = form.cleaned_data.get("shop") or None
        sales = selectors.sales_report(rng=rng, shop=shop)
        service = selectors.service_report(rng=rng, agent_ids=None, target_seconds=target)
        context |= {
            "rng": rng,
            "sales_chart": _sales_chart(sales),
            "sales_table": _table(sales, exports.SALES_COLUMNS),
            "sales_downloads": _downloads(request, "sales"),
            "service_chart": _service_chart(service, targets),
            "service_rates_chart": _service_rates_chart(service, targets),
            "service_table": _table(service, exports.SERVICE_COLUMNS),
            "service_targets": service_target_notes(targets),
            "service_downloads": _downloads(request, "service"),
            "agents_table": _table(sales_agent_rows(rng, None), exports.SALES_AGENT_COLUMNS),
            "agents_targets": agent_target_notes(targets),
            "agents_downloads": _downloads(request, "agents"),
            "aftersales": selectors.aftersales_breakdown(rng=rng),
            "aftersales_downloads": _downloads(request, "aftersales"),
        }
    return render(request, "reports/dashboard.html", context)


@staff_required
@require_GET
def live(request: HttpRequest) -> HttpResponse:
    """The live figures alone, refreshed by htmx every half minute."""
    access.access_shop_figures(user=request.user)
    target = first_response_target()
    return render(
        request,
        "reports/partials/live.html",
        {"live": selectors.live_figures(target_seconds=target), "target": target},
    )


@staff_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """An agent's own figures (a supervisor may look at one agent with ``?agent=``)."""
    agent = request.GET.get("agent", "")
    agent_ids = access.access_agents(user=request.user, agent_id=int(agent) if agent.isdigit() else None)
    form, rng = _range_form(request)
    ids = agent_ids or [request.user.pk]
    context: dict[str, Any] = {"form": form, "agent_name": agent_names(ids).get(ids[0], "")}
    if rng is not None:
        targets = targets_in_force()
        service = selectors.service_report(
            rng=rng, agent_ids=ids, target_seconds=targets["first_response_seconds"]
        )
        context |= {
            "rng": rng,
            "service_chart": _service_chart(service, targets),
            "service_rates_chart": _service_rates_chart(service, targets),
            "service_table": _table(service, exports.SERVICE_COLUMNS),
            "service_targets": service_target_notes(targets),
            "service_downloads": _downloads(request, "service"),
            "agents_table": _table(sales_agent_rows(rng, ids), exports.SALES_AGENT_COLUMNS),
            "agents_targets": agent_target_notes(targets),
        }
    return render(request, "reports/mine.html", context)


EXPORTS = {
    "sales": ("销售报表", exports.SALES_COLUMNS),
    "service": ("服务数据", exports.SERVICE_COLUMNS),
    "agents": ("客服催付与接待", exports.SALES_AGENT_COLUMNS),
    "kpi": ("客服KPI", exports.KPI_COLUMNS),
    "aftersales": ("售后类型与原因", exports.AFTERSALES_COLUMNS),
    "quality": ("质检记录", exports.QUALITY_COLUMNS),
    "errors": ("差错登记", exports.ERROR_COLUMNS),
    "sanctions": ("奖惩", exports.SANCTION_COLUMNS),
}


def report_rows(*, report: str, rng: Range, shop: str | None, agent_ids: list[int] | None) -> list[dict]:
    """One report's rows, as the page, the download and the command line give them.

    ``agent_ids`` is who the reader may see (``None``: everyone); the shop-wide reports (sales,
    after-sales) are checked for a supervisor by the caller.
    """
    if report == "sales":
        return selectors.sales_report(rng=rng, shop=shop)
    if report == "service":
        return selectors.service_report(rng=rng, agent_ids=agent_ids)
    if report == "kpi":
        return selectors.kpi_report(rng=rng, agent_ids=agent_ids)
    if report == "agents":
        return sales_agent_rows(rng, agent_ids)
    if report == "aftersales":
        return selectors.aftersales_breakdown(rng=rng)
    return selectors.record_rows(report=report, rng=rng, agent_ids=agent_ids)


SHOP_WIDE = ("sales", "aftersales")
ONE_AGENT = ("service", "agents")  # ``?agent=`` narrows these to one agent


@staff_required
@require_GET
def export(request: HttpRequest, report: str, fmt: str) -> HttpResponse:
    """One report of the range as an Excel or CSV download."""
    if report not in EXPORTS or fmt not in ("xlsx", "csv"):
        raise Http404
    form, rng = _range_form(request)
    if rng is None:
        messages = [str(m) for errors in form.errors.values() for m in errors]
        return HttpResponse(" ".join(messages), status=400, content_type="text/plain; charset=utf-8")
    agent = request.GET.get("agent", "")
    if report in SHOP_WIDE:
        access.access_shop_figures(user=request.user)
        ids = None
    else:
        chosen = int(agent) if report in ONE_AGENT and agent.isdigit() else None
        ids = access.access_agents(user=request.user, agent_id=chosen)
    rows = report_rows(report=report, rng=rng, shop=form.cleaned_data.get("shop") or None, agent_ids=ids)
    title, columns = EXPORTS[report]
    name = f"{report}-{rng.start:%Y%m%d}-{rng.end:%Y%m%d}.{fmt}"
    if fmt == "xlsx":
        body = exports.rows_xlsx(title, rows, columns)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body = exports.rows_csv(rows, columns)
        content_type = "text/csv; charset=utf-8"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
