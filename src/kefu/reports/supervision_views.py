"""Pages of the supervision records: KPI, quality inspection, error log and 奖惩, work reports.

One view per operation; the writes go through ``services`` with the same forms as the API.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from kefu.chat.models import Conversation, Message
from kefu.core import roles, shopsettings
from kefu.core.decorators import staff_required
from kefu.core.operations import OperationPage
from kefu.reports import access, exports, forms, selectors, services
from kefu.reports.models import WorkReport, WorkReportKind
from kefu.reports.periods import MAX_DAYS
from kefu.reports.rules import first_response_target, survey_coverage_target
from kefu.reports.views import _downloads, _range_form

KPI_EXPLAINED = [
    (
        "score_sales",
        "kpi_weight_sales",
        gettext_lazy("达成业绩"),
        gettext_lazy(
            "接待会话关联的订单在期内付款的金额，加上催付后付款的金额（按最后一次催付的客服计），与月业绩目标按天数折算后相比。"
        ),
    ),
    (
        "score_order_review",
        "kpi_weight_order_review",
        gettext_lazy("订单审核"),
        gettext_lazy("期内审核的订单数，与月审核目标按天数折算后相比。"),
    ),
    (
        "score_aftersales",
        "kpi_weight_aftersales",
        gettext_lazy("售后处理"),
        gettext_lazy("期内处理完成的待办（售后单、投诉、中差评、客户问题），与月目标按天数折算后相比。"),
    ),
    (
        "score_statistics",
        "kpi_weight_statistics",
        gettext_lazy("统计数据"),
        gettext_lazy("提交的日报数 ÷ 有接待的天数。"),
    ),
    (
        "score_feedback",
        "kpi_weight_feedback",
        gettext_lazy("问题反馈"),
        gettext_lazy("期内质检的平均得分（没有质检的记满分）。"),
    ),
]


@staff_required
@require_GET
def kpi(request: HttpRequest) -> HttpResponse:
    """Each agent's KPI of the range; an agent sees only her own line."""
    agent_ids = access.access_agents(user=request.user)
    form, rng = _range_form(request)
    rows = selectors.kpi_report(rng=rng, agent_ids=agent_ids) if rng else []
    explained = [
        {"label": label, "weight": shopsettings.get(key), "how": how}
        for _score, key, label, how in KPI_EXPLAINED
    ]
    coverage_target = f"{survey_coverage_target() * 100:g}"
    explained.append(
        {
            "label": _("客户评价（不计分）"),
            "weight": "—",
            "how": _(
                "期内开始的会话结束后客户给的评分（1–5 分）：评价会话数、平均评分、满意率（4–5 分的评价 ÷ 评价会话）"
                "和评价覆盖率（评价会话 ÷ 客服接入后结束的会话），覆盖率目标 %(p)s%%。"
            )
            % {"p": coverage_target},
        }
    )
    return render(
        request,
        "reports/kpi.html",
        {
            "form": form,
            "rng": rng,
            "rows": rows,
            "explained": explained,
            "coverage_target": coverage_target,
            "sees_everyone": agent_ids is None,
            "downloads": _downloads(request, "kpi"),
        },
    )


# --- quality inspection -------------------------------------------------------------------------


@staff_required
@require_GET
def quality(request: HttpRequest) -> HttpResponse:
    """Draw chats to inspect, and the inspections so far (an agent sees her own)."""
    agent_ids = access.access_agents(user=request.user)
    form, rng = _range_form(request)
    sample_form = forms.QualitySampleForm(request.GET or None)
    sample: list[Conversation] = []
    if agent_ids is None and rng is not None and "size" in request.GET and sample_form.is_valid():
        agent = sample_form.cleaned_data.get("agent")
        sample = selectors.quality_sample(
            rng=rng,
            agent_id=agent.pk if agent else None,
            size=sample_form.cleaned_data.get("size") or 10,
            only=sample_form.cleaned_data.get("only") or "",
            target_seconds=first_response_target(),
        )
    reviews = selectors.quality_review_list(agent_ids=agent_ids)[:100]
    return render(
        request,
        "reports/quality.html",
        {
            "form": form,
            "sample_form": sample_form,
            "sample": sample,
            "reviews": reviews,
            "sees_everyone": agent_ids is None,
            "downloads": _downloads(request, "quality"),
        },
    )


@staff_required
@require_GET
def quality_chat(request: HttpRequest, pk: int) -> HttpResponse:
    """One chat to inspect: its messages, the checklist pre-filled from the rules and the linter."""
    access.access_shop_figures(user=request.user)
    conversation = get_object_or_404(Conversation.objects.select_related("agent"), pk=pk)
    return quality_chat_page(request, conversation)


def quality_chat_page(request: HttpRequest, conversation: Conversation, form=None) -> HttpResponse:
    prefill = services.quality_prefill(conversation=conversation)
    if form is None:
        form = forms.QualityReviewForm(initial={k: prefill[k] for k in services.CHECKLIST})
    messages = Message.objects.filter(conversation=conversation).select_related("author").order_by("id")
    return render(
        request,
        "reports/quality_chat.html",
        {
            "conversation": conversation,
            "messages": messages,
            "prefill": prefill,
            "form": form,
            "review": getattr(conversation, "quality_review", None),
        },
    )


class QualityReviewRecord(OperationPage):
    form_class = forms.QualityReviewForm
    roles = (roles.SUPERVISOR,)

    def get_object(self):
        return get_object_or_404(Conversation, pk=self.kwargs["pk"])

    def perform(self, conversation, data):
        return services.quality_review_record(conversation=conversation, by=self.request.user, **data)

    def success_message(self, conversation, review):
        return _("已质检，得分 %(score)s。") % {"score": review.score}

    def success_url(self, conversation, review):
        return reverse("reports:quality")

    def invalid(self, conversation, form):
        return quality_chat_page(self.request, conversation, form)


# --- error log ----------------------------------------------------------------------------------


@staff_required
@require_GET
def errors(request: HttpRequest) -> HttpResponse:
    agent_ids = access.access_agents(user=request.user)
    return errors_page(request, agent_ids=agent_ids)


def errors_page(request: HttpRequest, *, agent_ids, error_form=None, sanction_form=None) -> HttpResponse:
    context: dict[str, Any] = {
        "entries": selectors.error_list(agent_ids=agent_ids)[:200],
        "sanctions": selectors.sanction_list(agent_ids=agent_ids)[:200],
        "sees_everyone": agent_ids is None,
        "downloads": _year_downloads(),
    }
    if agent_ids is None:
        context["error_form"] = error_form or forms.ErrorForm(initial={"occurred_on": timezone.localdate()})
        context["sanction_form"] = sanction_form or forms.SanctionForm(
            initial={"month": timezone.localdate()}
        )
    return render(request, "reports/errors.html", context)


def _year_downloads() -> list[dict]:
    """The error log and 奖惩 of the last year (the longest range a report takes)."""
    end = timezone.localdate()
    query = urlencode({"start": end - dt.timedelta(days=MAX_DAYS - 1), "end": end})
    return [
        {"label": f"{label} {fmt.upper()}", "url": f"{reverse('reports:export', args=[report, fmt])}?{query}"}
        for report, label in (("errors", _("差错登记")), ("sanctions", _("奖惩")))
        for fmt in ("xlsx", "csv")
    ]


class ErrorRecord(OperationPage):
    form_class = forms.ErrorForm
    roles = (roles.SUPERVISOR,)

    def perform(self, _obj, data):
        return services.error_record(by=self.request.user, **data)

    def success_message(self, _obj, entry):
        return _("已登记差错。")

    def success_url(self, _obj, entry):
        return reverse("reports:errors")

    def invalid(self, _obj, form):
        return errors_page(self.request, agent_ids=None, error_form=form)


class SanctionRecord(OperationPage):
    form_class = forms.SanctionForm
    roles = (roles.SUPERVISOR,)

    def perform(self, _obj, data):
        return services.sanction_record(by=self.request.user, **data)

    def success_message(self, _obj, sanction):
        return _("已登记奖惩。")

    def success_url(self, _obj, sanction):
        return reverse("reports:errors")

    def invalid(self, _obj, form):
        return errors_page(self.request, agent_ids=None, sanction_form=form)


# --- work reports -------------------------------------------------------------------------------


@staff_required
@require_GET
def work(request: HttpRequest) -> HttpResponse:
    """The author's report of a day (or, for a supervisor, a week or month), generated now."""
    open_form = forms.WorkReportOpenForm(
        request.GET if "day" in request.GET else {"kind": WorkReportKind.DAY, "day": timezone.localdate()}
    )
    report = None
    error = ""
    if open_form.is_valid():
        try:
            report = services.work_report_prepare(
                author=request.user,
                by=request.user,
                kind=open_form.cleaned_data["kind"],
                day=open_form.cleaned_data["day"],
            )
        except (PermissionDenied, ValidationError) as exc:
            error = " ".join(getattr(exc, "messages", [str(exc)]))
    return work_page(request, open_form=open_form, report=report, error=error)


def work_page(
    request: HttpRequest, *, open_form, report: WorkReport | None, error: str = "", form=None
) -> HttpResponse:
    agent_ids = access.access_agents(user=request.user)
    reports = WorkReport.objects.select_related("author").filter(submitted_at__isnull=False)
    if agent_ids is not None:
        reports = reports.filter(author_id__in=agent_ids)
    if report is not None and form is None:
        form = forms.WorkReportForm(initial={"notes": report.notes, "plan": report.plan})
    now = timezone.now()
    # her daily reports generated at the end of her shifts and not sent yet
    waiting = WorkReport.objects.filter(
        author=request.user, kind=WorkReportKind.DAY, submitted_at__isnull=True
    ).order_by("-period_start")
    if report is not None:
        waiting = waiting.exclude(pk=report.pk)
    return render(
        request,
        "reports/work.html",
        {
            "open_form": open_form,
            "report": report,
            "figures": _figure_rows(report.figures) if report else [],
            "form": form,
            "error": error,
            "submitted": reports.order_by("-period_start", "-id")[:100],
            "waiting": waiting[:31],
            # for a supervisor: who has not submitted the daily report of a shift of the last week
            "pending": selectors.daily_reports_pending(
                since=timezone.localdate(now) - dt.timedelta(days=PENDING_DAYS - 1), now=now
            )
            if agent_ids is None
            else [],
            "pending_days": PENDING_DAYS,
        },
    )


PENDING_DAYS = 7

FIGURE_LABELS = {
    "chats": gettext_lazy("接待会话"),
    "answered_chats": gettext_lazy("已回复会话"),
    "orders_reviewed": gettext_lazy("审核订单"),
    "reminders": gettext_lazy("催付"),
    "items_done": gettext_lazy("完成待办（售后/投诉/中差评/提问）"),
    "questions_answered": gettext_lazy("答复客户提问"),
}


def _figure_rows(figures: dict) -> list[tuple[str, Any]]:
    labels = dict(FIGURE_LABELS) | {
        c.key: gettext_lazy(c.header) for c in [*exports.SALES_COLUMNS, *exports.SERVICE_COLUMNS]
    }
    return [(labels.get(key, key), value) for key, value in figures.items() if value is not None]


class WorkReportSubmit(OperationPage):
    form_class = forms.WorkReportForm

    def get_object(self):
        return get_object_or_404(WorkReport, pk=self.kwargs["pk"], author=self.request.user)

    def perform(self, report, data):
        return services.work_report_submit(report=report, by=self.request.user, **data)

    def success_message(self, report, result):
        return _("报告已提交。")

    def success_url(self, report, result):
        return f"{reverse('reports:work')}?kind={report.kind}&day={report.period_start}"


@staff_required
@require_GET
def work_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(WorkReport.objects.select_related("author"), pk=pk)
    agent_ids = access.access_agents(user=request.user)
    if agent_ids is not None and report.author_id not in agent_ids:
        raise PermissionDenied
    return render(
        request, "reports/work_detail.html", {"report": report, "figures": _figure_rows(report.figures)}
    )
