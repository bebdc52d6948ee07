"""客户投诉记录表 as a page to print and an Excel file, for a period of days."""

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from kefu.aftersales import papers, selectors
from kefu.core.decorators import staff_required
from kefu.core.paperforms import PeriodForm, xlsx_response


def _complaints(request):
    form = PeriodForm(request.GET or None)
    first, after = form.bounds()
    qs = (
        selectors.complaint_list()
        .select_related("order")
        .filter(received_at__gte=first, received_at__lt=after)
        .order_by("received_at", "id")
    )
    return form, qs


@staff_required
@require_safe
def complaint_record(request):
    form, qs = _complaints(request)
    complaints = list(qs)
    start, end = form.period()
    return render(
        request,
        "aftersales/papers/complaint_record.html",
        {
            "form": form,
            "fields": papers.record_fields(complaints, start, end),
            "columns": papers.record_columns(),
            "rows": papers.record_rows(complaints),
            "signatures": [(_("记录人"), ""), (_("部门领导签字"), "")],
            "query": request.GET.urlencode(),
        },
    )


@staff_required
@require_safe
def complaint_record_xlsx(request):
    form, qs = _complaints(request)
    start, end = form.period()
    return xlsx_response(
        papers.record_workbook(qs, start, end), f"客户投诉记录表-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"
    )


@staff_required
@require_safe
def complaint_feedback_xlsx(request, pk: int):
    complaint = selectors.complaint_get(pk=pk)
    return xlsx_response(
        papers.feedback_workbook(complaint),
        f"客户投诉反馈表-{complaint.pk}-{timezone.localtime(complaint.received_at):%Y%m%d}.xlsx",
    )
