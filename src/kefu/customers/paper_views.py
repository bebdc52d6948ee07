"""客户满意度调查表 as a page to print and an Excel file, for a period of days (by default this
month; the half-yearly survey picks its six months)."""

from datetime import timedelta

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from kefu.core.decorators import staff_required
from kefu.core.paperforms import PeriodForm, xlsx_response
from kefu.customers import papers


def _ratings(request):
    form = PeriodForm(request.GET or None)
    first, after = form.bounds()
    start, end = form.period()
    return start, end, list(papers.survey_list(start=first, end=after)), form


@staff_required
@require_safe
def survey_form(request):
    start, end, ratings, form = _ratings(request)
    today = timezone.localdate()
    return render(
        request,
        "customers/papers/survey_form.html",
        {
            "form": form,
            "fields": papers.survey_fields(ratings, start, end),
            "columns": papers.survey_columns(),
            "rows": papers.survey_rows(ratings),
            "signatures": papers.survey_signatures(),
            "query": request.GET.urlencode(),
            "half_year": f"start={(today - timedelta(days=182)).isoformat()}&end={today.isoformat()}",
        },
    )


@staff_required
@require_safe
def survey_form_xlsx(request):
    start, end, ratings, _form = _ratings(request)
    return xlsx_response(
        papers.survey_workbook(ratings, start, end), f"客户满意度调查表-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"
    )
