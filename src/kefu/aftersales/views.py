"""The case, complaint and bad-review pages. Thin: a form shapes the input, a service does the work (and
refuses what it must), the page shows the result, or the form again with the errors beside fields."""

from urllib.parse import quote, urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from kefu.aftersales import forms, registers, rules, selectors, services
from kefu.aftersales.models import (
    QUICK_STEPS,
    CaseKind,
    CasePhoto,
    CaseState,
)
from kefu.core import roles, worklist
from kefu.core.decorators import staff_required
from kefu.core.forms import apply_service_errors
from kefu.core.operations import OperationPage, is_htmx
from kefu.core.worklist import Priority
from kefu.customers import services as customer_services
from kefu.customers.selectors import blacklist_entry_for
from kefu.orders.models import Order

PAGE_SIZE = 30

VERB_LABELS = {
    "case_create": gettext_lazy("登记售后"),
    "case_update": gettext_lazy("修改登记信息"),
    "case_agree": gettext_lazy("同意"),
    "case_refuse": gettext_lazy("拒绝"),
    "case_request_modified": gettext_lazy("买家修改了申请"),
    "case_return_shipped": gettext_lazy("买家已退货"),
    "case_receive": gettext_lazy("确认收到退货"),
    "case_inspect": gettext_lazy("验货登记"),
    "case_refund": gettext_lazy("退款登记"),
    "case_reship": gettext_lazy("补发/换货发出"),
    "case_resolve": gettext_lazy("登记处理结果"),
    "case_close": gettext_lazy("关闭售后单"),
    "case_misdescription": gettext_lazy("登记客户虚假描述"),
    "case_photo": gettext_lazy("上传照片"),
    "case_auto_agree": gettext_lazy("超时自动同意"),
    "case_auto_refund": gettext_lazy("超时自动退款"),
    "case_auto_close": gettext_lazy("超时关闭"),
    "complaint_create": gettext_lazy("登记投诉"),
    "complaint_update": gettext_lazy("填写投诉反馈表"),
    "complaint_sign_off": gettext_lazy("主管签字"),
    "complaint_step": gettext_lazy("快速处理步骤"),
    "complaint_close": gettext_lazy("投诉结案"),
    "review_record": gettext_lazy("登记中差评"),
    "review_postpone": gettext_lazy("延期处理"),
    "review_close": gettext_lazy("中差评结案"),
}


def _due(at) -> dict:
    """A deadline as the due-time fragment shows it."""
    return {"due_at": at, "is_overdue": at is not None and at < timezone.now()}


# --- after-sales cases ----------------------------------------------------------------------


@staff_required
@require_GET
def case_list(request):
    filter_form = forms.CaseFilterForm(request.GET)
    filters = filter_form.filters()
    page = Paginator(selectors.case_list(**filters), PAGE_SIZE).get_page(request.GET.get("page"))
    nicks = selectors.blacklisted_case_nicks(cases=list(page))
    params = urlencode({k: v for k, v in filters.items() if v})
    export_url = reverse("aftersales:case_export") + (f"?{params}" if params else "")
    owners = worklist.work_owners(source="aftersales", source_ids=[c.pk for c in page])
    for c in page:
        c.owner_name = owners.get(c.pk, "")
    return render(
        request,
        "aftersales/case_list.html",
        {
            "page": page,
            "filter_form": filter_form,
            "params": params,
            "blacklisted": nicks,
            "rights": selectors.rights_protection_refunds(),
            "header_actions": [
                {"label": _("导出 Excel"), "url": export_url, "id": "export"},
                {"label": _("登记售后"), "url": reverse("aftersales:case_new"), "primary": True},
            ],
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def case_new(request):
    """Register a case (退换货、补发、问题件、退回件登记); the order number brings the order's fields."""
    initial = {
        "kind": request.GET.get("kind") or CaseKind.RETURN_REFUND,
        "order_number": request.GET.get("order", ""),
    }
    form = forms.CaseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        order = form.order
        try:
            case = services.case_create(
                by=request.user,
                kind=form.cleaned_data["kind"],
                order=order,
                customer_name=form.cleaned_data.get("customer_name") or "",
                priority=form.cleaned_data.get("priority") or Priority.NORMAL,
                # Unticked boxes stay unsaid, so an order's own free shipping is not overridden.
                **{k: v for k, v in form.service_fields().items() if v not in (None, "", False)},
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("售后单已登记。"))
            return redirect("aftersales:case", pk=case.pk)
    return render(request, "aftersales/case_new.html", {"form": form}, status=400 if form.errors else 200)


# The steps of a case shown as a form on its page, in the order the buttons appear:
# the name the page and its tests use → (URL name, title of the form).
CASE_STEPS = {
    "refuse": ("aftersales:case_refuse", gettext_lazy("拒绝")),
    "modified": ("aftersales:case_request_modified", gettext_lazy("买家修改了申请")),
    "return_shipped": ("aftersales:case_return_shipped", gettext_lazy("登记买家退货")),
    "inspect": ("aftersales:case_inspect", gettext_lazy("验货登记")),
    "refund": ("aftersales:case_refund", gettext_lazy("退款登记")),
    "reship": ("aftersales:case_reship", gettext_lazy("补发/换货发出")),
    "resolve": ("aftersales:case_resolve", gettext_lazy("登记处理结果")),
    "close": ("aftersales:case_close", gettext_lazy("关闭售后单")),
}


def _case_forms(case) -> dict:
    """Every input form of the case page, empty (the refund suggests what the buyer asked for)."""
    return {
        "refuse": forms.RefuseForm(),
        "modified": forms.RequestModifiedForm(),
        "return_shipped": forms.ReturnShippedForm(),
        "inspect": forms.InspectForm(),
        "refund": forms.RefundForm(initial={"amount": _refund_suggestion(case), "channel": "platform"}),
        "reship": forms.ReshipForm(),
        "resolve": forms.ResolveForm(),
        "close": forms.CloseForm(),
        "misdescribed": forms.MisdescriptionForm(),
        "photo": forms.PhotoForm(),
        "update": forms.CaseEditForm(
            initial={**{f: getattr(case, f) for f in services.CASE_FIELDS}, "version": case.version}
        ),
    }


def _case_page(request, case, *, bound: dict | None = None, status: int = 200) -> HttpResponse:
    """One case: registration, postage, eligibility, timers, the next steps of its state, the item.

    ``bound`` holds the form an operation sent back with errors, so the page shows what was typed.
    """
    case = selectors.case_get(pk=case.pk)  # as stored: a refused operation changed nothing
    bound = bound or {}
    af = {**_case_forms(case), **bound}
    actions = _available_actions(case)
    split = rules.postage_split(
        quality_problem=case.quality_problem,
        free_shipping=case.free_shipping,
        outbound_postage=case.outbound_postage,
        return_postage=case.return_postage,
    )
    eligibility = rules.no_reason_return_eligibility(
        received_at=case.received_by_buyer_at,
        at=case.requested_at,
        exclusion=case.exclusion,
        quality_problem=case.quality_problem,
    )
    open_action = next(iter(bound), "")
    steps = [
        {
            "name": name,
            "url": reverse(CASE_STEPS[name][0], args=[case.pk]),
            "label": CASE_STEPS[name][1],
            "form": af[name],
            "danger": name in ("close", "refuse"),
            "open": open_action == name or (not open_action and i == 0),
        }
        for i, name in enumerate(_shown_steps(actions, open_action))
    ]
    context = {
        "case": case,
        "case_number": f"#{case.pk}",
        "split": split,
        "eligibility": eligibility,
        "deadline": services.case_deadline(case),
        "deadline_passed": _due(services.case_deadline(case))["is_overdue"],
        "deadline_label": _deadline_label(case),
        "blacklisted": blacklist_entry_for(buyer_nick=case.buyer_nick, phone=case.buyer_phone),
        "edit_form": af["update"],
        "af": af,
        "actions": actions,
        "steps": steps,
        "can_money": roles.has_role(request.user, roles.AFTERSALES, roles.SUPERVISOR),
        "photos": list(case.photos.all()),
        "open_action": open_action,
        "survey_url": _survey_url(request, "case", case, case.refunded_by_id or case.inspected_by_id)
        if case.is_final
        else "",
    }
    return render(request, "aftersales/case_detail.html", context, status=status)


def _survey_url(request, kind: str, row, agent_id: int | None) -> str:
    """The no-account satisfaction survey for a finished case or complaint, to send the customer."""
    token = customer_services.survey_token(
        kind=kind, source_id=row.pk, agent_id=agent_id, customer_id=row.customer_id
    )
    return request.build_absolute_uri(reverse("customers_survey:survey", args=[token]))


def _shown_steps(actions: list[str], open_action: str) -> list[str]:
    """The forms of the steps the state allows, and the one just refused even if the case moved on
    meanwhile (a colleague agreed first): the person sees why, and what they typed."""
    names = [n for n in actions if n in CASE_STEPS]
    if open_action in CASE_STEPS and open_action not in names:
        names.insert(0, open_action)
    return names


@staff_required
@require_GET
def case_detail(request, pk: int):
    return _case_page(request, selectors.case_get(pk=pk))


class _CaseOperation(OperationPage):
    """One step on a case, posted from its page; a refusal shows the page again with the form."""

    #: The form's key on the case page (``_case_forms``).
    name = ""

    def get_object(self):
        return selectors.case_get(pk=self.kwargs["pk"])

    def success_url(self, case, result) -> str:
        return reverse("aftersales:case", args=[case.pk])

    def invalid(self, case, form) -> HttpResponse:
        return _case_page(self.request, case, bound={self.name: form}, status=400)


class CaseAgree(_CaseOperation):
    def perform(self, case, data):
        return services.case_agree(case=case, by=self.request.user)

    def success_message(self, case, result) -> str:
        return _("已同意。")


class CaseRefuse(_CaseOperation):
    name = "refuse"
    form_class = forms.RefuseForm

    def perform(self, case, data):
        return services.case_refuse(case=case, by=self.request.user, **data)

    def success_message(self, case, result) -> str:
        return _("已拒绝，买家有 %(n)s 天时间处理。") % {
            "n": rules.shopsettings.get("refund_buyer_idle_after_refusal_days")
        }


class CaseRequestModified(_CaseOperation):
    name = "modified"
    form_class = forms.RequestModifiedForm

    def perform(self, case, data):
        return services.case_request_modified(case=case, by=self.request.user, **data)

    def success_message(self, case, result) -> str:
        return _("已记录买家修改了申请。")


class CaseReturnShipped(_CaseOperation):
    name = "return_shipped"
    form_class = forms.ReturnShippedForm

    def perform(self, case, data):
        return services.case_return_shipped(case=case, by=self.request.user, **data)

    def success_message(self, case, result) -> str:
        return _("已登记买家退货。")


class CaseReceive(_CaseOperation):
    def perform(self, case, data):
        return services.case_receive(case=case, by=self.request.user)

    def success_message(self, case, result) -> str:
        return _("已确认收到退货，请验货登记。")


class CaseInspect(_CaseOperation):
    name = "inspect"
    form_class = forms.InspectForm

    def perform(self, case, data):
        return services.case_inspect(case=case, by=self.request.user, **data)

    def success_message(self, case, result) -> str:
        return _("验货已登记。")


class CaseRefund(_CaseOperation):
    name = "refund"
    form_class = forms.RefundForm

    def perform(self, case, data):
        return services.case_refund(case=case, by=self.request.user, **data)

    def success_message(self, case, result) -> str:
        return _("退款已登记。")


class CaseReship(_CaseOperation):
    name = "reship"
    form_class = forms.ReshipForm

    def perform(self, case, data):
        return services.case_reship(case=case, by=self.request.user, **data)

    def success_message(self, case, result) -> str:
        return _("已登记发出。")


class CaseResolve(_CaseOperation):
    name = "resolve"
    form_class = forms.ResolveForm

    def perform(self, case, data):
        return services.case_resolve(case=case, by=self.request.user, **data)

    def success_message(self, case, result) -> str:
        return _("处理结果已登记。")


class CaseClose(_CaseOperation):
    name = "close"
    form_class = forms.CloseForm

    def perform(self, case, data):
        return services.case_close(case=case, by=self.request.user, **data)

    def success_message(self, case, result) -> str:
        return _("售后单已关闭。")


class CaseMisdescription(_CaseOperation):
    name = "misdescribed"
    form_class = forms.MisdescriptionForm

    def perform(self, case, data):
        return services.case_misdescription_record(case=case, by=self.request.user, **data)

    def success_message(self, case, result) -> str:
        customer = result.customer
        if customer and customer.blacklisted:
            return _("已登记。该客户虚假描述已达 %(n)d 次，已自动加入黑名单。") % {
                "n": customer.misdescription_count
            }
        return _("已登记客户虚假描述（累计 %(n)d 次）。") % {
            "n": customer.misdescription_count if customer else 0
        }


class CasePhotoAdd(_CaseOperation):
    name = "photo"
    form_class = forms.PhotoForm

    def perform(self, case, data):
        return services.case_photo_add(case=case, by=self.request.user, **data)

    def success_message(self, case, result) -> str:
        return _("照片已上传。")


class CaseUpdate(_CaseOperation):
    name = "update"
    form_class = forms.CaseEditForm

    def perform(self, case, data):
        version = data.pop("version", None)
        return services.case_update(case=case, by=self.request.user, expected_version=version, **data)

    def success_message(self, case, result) -> str:
        return _("登记信息已保存。")


def _refund_suggestion(case):
    if case.refund_requested is not None:
        return case.refund_requested
    return case.amount


def _deadline_label(case) -> str:
    labels = {
        CaseState.REQUESTED: _("卖家须在此前处理，否则系统自动同意") if case.is_refund else _("处理时限"),
        CaseState.REFUSED: _("买家在此前未操作，退款关闭"),
        CaseState.AWAITING_RETURN: _("买家须在此前退货，否则退款关闭"),
        CaseState.RETURN_SHIPPED: _("卖家须在此前确认收货，否则自动退款"),
        CaseState.RECEIVED: _("验货处理时限"),
        CaseState.REFUND_PENDING: _("退款处理时限"),
    }
    return labels.get(case.state, "")


def _available_actions(case) -> list[str]:
    """The buttons the case's state allows; the services still refuse anything else."""
    s, kind = case.state, case.kind
    actions = []
    if s == CaseState.REQUESTED:
        if kind in (CaseKind.RETURN_REFUND, CaseKind.REFUND_ONLY, CaseKind.EXCHANGE):
            actions += ["agree", "refuse"]
        if kind == CaseKind.RESHIPMENT:
            actions.append("reship")
        if kind in (CaseKind.PROBLEM_PARCEL, CaseKind.RETURNED_PARCEL):
            actions.append("resolve")
    elif s == CaseState.REFUSED:
        actions.append("modified")
    elif s == CaseState.AWAITING_RETURN:
        actions.append("return_shipped")
    elif s == CaseState.RETURN_SHIPPED:
        actions.append("receive")
    elif s == CaseState.RECEIVED:
        if not case.inspection_result:
            actions.append("inspect")
        elif kind == CaseKind.EXCHANGE:
            actions.append("reship")
    elif s == CaseState.REFUND_PENDING:
        actions.append("refund")
    if not case.is_final:
        actions.append("close")
    return actions


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@staff_required
@require_GET
def case_export(request):
    """The after-sales register as the shop keeps it in Excel (问题件/退回件表格, 售后记录表), with
    the list's filters; ``rights=1`` lists the rights-protection refunds only."""
    qs = selectors.case_list(**forms.CaseFilterForm(request.GET).filters())
    if request.GET.get("rights") == "1":
        qs = qs.filter(rights_protection=True, refunded_at__isnull=False)
    return _xlsx(registers.cases_workbook(cases=qs), f"售后记录-{timezone.localdate():%Y%m%d}.xlsx")


@staff_required
@require_GET
def review_export(request):
    """The bad-review count (对较差评价进行excel统计)."""
    return _xlsx(
        registers.reviews_workbook(reviews=selectors.review_list()),
        f"中差评统计-{timezone.localdate():%Y%m%d}.xlsx",
    )


@staff_required
@require_GET
def case_photo(request, pk: int):
    """Photos are the customer's and the shop's evidence: served to the team only."""
    photo = get_object_or_404(CasePhoto, pk=pk)
    try:
        return FileResponse(photo.image.open("rb"))
    except FileNotFoundError:
        raise Http404 from None


# --- complaints -----------------------------------------------------------------------------


@staff_required
@require_GET
def complaint_list(request):
    filter_form = forms.ComplaintFilterForm(request.GET)
    open_only = filter_form.is_valid() and filter_form.cleaned_data.get("open") == "1"
    page = Paginator(selectors.complaint_list(open_only=open_only), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for c in page:
        c.due = _due(None if c.closed_at else services.complaint_due_at(c))
    return render(
        request,
        "aftersales/complaint_list.html",
        {
            "page": page,
            "filter_form": filter_form,
            "open_only": open_only,
            "params": "open=1" if open_only else "",
            "header_actions": [
                {"label": _("登记投诉"), "url": reverse("aftersales:complaint_new"), "primary": True},
                {"label": _("客户投诉记录表"), "url": reverse("aftersales:complaint_record"), "id": "record"},
            ],
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def complaint_new(request):
    form = forms.ComplaintForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        number = data.pop("order_number", "")
        order = Order.objects.filter(number=number).first() if number else None
        try:
            complaint = services.complaint_create(by=request.user, order=order, **data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("投诉已登记，请按步骤处理，最好当天给客户答复。"))
            return redirect("aftersales:complaint", pk=complaint.pk)
    return render(
        request, "aftersales/complaint_new.html", {"form": form}, status=400 if form.errors else 200
    )


def _complaint_initial(complaint) -> dict:
    # What is stored, so ``changed_data`` sees every line the agent filled in.
    return {name: getattr(complaint, name) for name in forms.ComplaintProgressForm.base_fields}


def _complaint_page(request, complaint, *, bound: dict | None = None, status: int = 200) -> HttpResponse:
    """The 《客户投诉反馈表》: the handling steps in order, the six quick steps, the form to fill."""
    complaint = selectors.complaint_get(pk=complaint.pk)
    bound = bound or {}
    context = {
        "complaint": complaint,
        "steps": services.complaint_steps(complaint),
        "quick": _quick_steps(complaint),
        "progress": bound["progress"]
        if "progress" in bound
        else forms.ComplaintProgressForm(initial=_complaint_initial(complaint)),
        "close_form": bound["close"] if "close" in bound else forms.ComplaintCloseForm(),
        "is_supervisor": roles.has_role(request.user, roles.SUPERVISOR),
        "survey_url": _survey_url(request, "complaint", complaint, complaint.signed_off_by_id)
        if complaint.closed_at
        else "",
    }
    return render(request, "aftersales/complaint_detail.html", context, status=status)


@staff_required
@require_GET
def complaint_detail(request, pk: int):
    return _complaint_page(request, selectors.complaint_get(pk=pk))


def _quick_steps(complaint) -> list[dict]:
    return [{"key": k, "label": label, "done": k in complaint.quick_steps} for k, label in QUICK_STEPS]


class _ComplaintOperation(OperationPage):
    name = ""

    def get_object(self):
        return selectors.complaint_get(pk=self.kwargs["pk"])

    def success_url(self, complaint, result) -> str:
        return reverse("aftersales:complaint", args=[complaint.pk])

    def invalid(self, complaint, form) -> HttpResponse:
        return _complaint_page(self.request, complaint, bound={self.name: form}, status=400)


class ComplaintUpdate(_ComplaintOperation):
    name = "progress"
    form_class = forms.ComplaintProgressForm

    def get_form_kwargs(self, complaint) -> dict:
        return {"initial": _complaint_initial(complaint)}

    def perform(self, complaint, data):
        # Only the lines this person changed: a line a colleague filled meanwhile is kept.
        form = self.form_class(self.request.POST, initial=_complaint_initial(complaint))
        form.is_valid()
        return services.complaint_update(
            complaint=complaint,
            by=self.request.user,
            expected_version=data.get("version"),
            **form.changed_values(),
        )

    def success_message(self, complaint, result) -> str:
        return _("投诉反馈表已保存。")


class ComplaintSignOff(_ComplaintOperation):
    def perform(self, complaint, data):
        return services.complaint_sign_off(complaint=complaint, by=self.request.user)

    def success_message(self, complaint, result) -> str:
        return _("已签字。")


class ComplaintStep(_ComplaintOperation):
    """Tick a quick step; with htmx only the list of steps comes back."""

    form_class = forms.StepForm

    def perform(self, complaint, data):
        return services.complaint_step_set(complaint=complaint, by=self.request.user, **data)

    def success_message(self, complaint, result) -> str:
        return ""

    def _steps(self, complaint) -> HttpResponse:
        if is_htmx(self.request):
            complaint = selectors.complaint_get(pk=complaint.pk)
            return render(
                self.request,
                "aftersales/partials/quick_steps.html",
                {"complaint": complaint, "steps": _quick_steps(complaint)},
            )
        return redirect(self.success_url(complaint, None))

    def succeeded(self, complaint, result) -> HttpResponse:
        return self._steps(result)

    def invalid(self, complaint, form) -> HttpResponse:
        return self._steps(complaint)


class ComplaintClose(_ComplaintOperation):
    name = "close"
    form_class = forms.ComplaintCloseForm

    def perform(self, complaint, data):
        return services.complaint_close(complaint=complaint, by=self.request.user, **data)

    def success_message(self, complaint, result) -> str:
        return _("投诉已结案。")


# --- bad reviews ----------------------------------------------------------------------------


@staff_required
@require_GET
def review_list(request):
    filter_form = forms.ReviewFilterForm(request.GET)
    open_only = filter_form.open_only()
    page = Paginator(selectors.review_list(open_only=open_only), PAGE_SIZE).get_page(request.GET.get("page"))
    for r in page:
        r.due = _due(None if r.closed_at else r.settle_by)
    return render(
        request,
        "aftersales/review_list.html",
        {
            "page": page,
            "filter_form": filter_form,
            "open_only": open_only,
            "params": "open=1" if open_only else "open=0",
            "now": timezone.now(),
            "header_actions": [
                {"label": _("导出 Excel 统计"), "url": reverse("aftersales:review_export")},
                {"label": _("登记中差评"), "url": reverse("aftersales:review_new"), "primary": True},
            ],
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def review_new(request):
    form = forms.ReviewForm(
        request.POST or None, initial={"reviewed_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")}
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        order = Order.objects.filter(number=data["order_number"]).first() if data["order_number"] else None
        try:
            review = services.review_record(by=request.user, order=order, **data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("中差评已登记，已交给主管处理。"))
            return redirect("aftersales:review", pk=review.pk)
    return render(request, "aftersales/review_new.html", {"form": form}, status=400 if form.errors else 200)


def _review_page(request, review, *, bound: dict | None = None, status: int = 200) -> HttpResponse:
    review = selectors.review_get(pk=review.pk)
    bound = bound or {}
    now = timezone.now()
    context = {
        "review": review,
        "close_form": bound["close"] if "close" in bound else forms.ReviewCloseForm(),
        "postpone_form": bound["postpone"] if "postpone" in bound else forms.PostponeForm(),
        "is_supervisor": roles.has_role(request.user, roles.SUPERVISOR),
        "change_days_left": max(0, (review.change_deadline - now).days),
        "change_window_open": review.change_deadline > now,
    }
    return render(request, "aftersales/review_detail.html", context, status=status)


@staff_required
@require_GET
def review_detail(request, pk: int):
    return _review_page(request, selectors.review_get(pk=pk))


class _ReviewOperation(OperationPage):
    name = ""

    def get_object(self):
        return selectors.review_get(pk=self.kwargs["pk"])

    def success_url(self, review, result) -> str:
        return reverse("aftersales:review", args=[review.pk])

    def invalid(self, review, form) -> HttpResponse:
        return _review_page(self.request, review, bound={self.name: form}, status=400)


class ReviewClose(_ReviewOperation):
    name = "close"
    form_class = forms.ReviewCloseForm

    def perform(self, review, data):
        return services.review_close(review=review, by=self.request.user, **data)

    def success_message(self, review, result) -> str:
        return _("中差评已处理完。")


class ReviewPostpone(_ReviewOperation):
    name = "postpone"
    form_class = forms.PostponeForm

    def perform(self, review, data):
        return services.review_postpone(review=review, by=self.request.user, **data)

    def success_message(self, review, result) -> str:
        return _("已延期到下一天 %(t)s 前处理。") % {"t": rules.shopsettings.get("review_settle_by")}
