"""The case, complaint and bad-review pages. Thin: a form shapes the input, a service does the work (and
refuses what it must), the page shows the result, or the form again with the errors beside fields."""

from urllib.parse import quote, urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
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
from kefu.core.worklist import Priority
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


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _due(at) -> dict:
    """A deadline as the due-time fragment shows it."""
    return {"due_at": at, "is_overdue": at is not None and at < timezone.now()}


def _who(user) -> str:
    return (user.get_full_name() or user.username) if user else _("系统")


# --- after-sales cases ----------------------------------------------------------------------


@staff_required
@require_GET
def case_list(request):
    kind = request.GET.get("kind", "")
    state = request.GET.get("state", "")
    q = request.GET.get("q", "")[:60]
    qs = selectors.case_list(
        kind=kind if kind in CaseKind.values else "", state=state if state in CaseState.values else "", q=q
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    nicks = selectors.blacklisted_case_nicks(cases=list(page))
    owners = worklist.work_owners(source="aftersales", source_ids=[c.pk for c in page])
    for c in page:
        c.owner_name = owners.get(c.pk, "")
    return render(
        request,
        "aftersales/case_list.html",
        {
            "page": page,
            "kinds": CaseKind.choices,
            "states": CaseState.choices,
            "kind": kind,
            "state": state,
            "q": q,
            "params": urlencode({k: v for k, v in (("kind", kind), ("state", state), ("q", q)) if v}),
            "blacklisted": nicks,
            "rights": selectors.rights_protection_refunds(),
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


CASE_ACTIONS = {
    "agree": None,
    "refuse": forms.RefuseForm,
    "modified": None,
    "return_shipped": forms.ReturnShippedForm,
    "receive": None,
    "inspect": forms.InspectForm,
    "refund": forms.RefundForm,
    "reship": forms.ReshipForm,
    "resolve": forms.ResolveForm,
    "close": forms.CloseForm,
    "misdescribed": forms.MisdescriptionForm,
    "photo": forms.PhotoForm,
    "update": None,
}


def _do_case_action(request, case, action: str, form) -> str:
    by = request.user
    data = form.cleaned_data if form is not None else {}
    if action == "agree":
        services.case_agree(case=case, by=by)
        return _("已同意。")
    if action == "refuse":
        services.case_refuse(case=case, by=by, reason=data["reason"])
        return _("已拒绝，买家有 %(n)s 天时间处理。") % {
            "n": rules.shopsettings.get("refund_buyer_idle_after_refusal_days")
        }
    if action == "modified":
        services.case_request_modified(
            case=case,
            by=by,
            note=request.POST.get("note", ""),
            refund_requested=request.POST.get("refund_requested") or None,
        )
        return _("已记录买家修改了申请。")
    if action == "return_shipped":
        services.case_return_shipped(
            case=case, by=by, waybill=data["waybill"], courier=data["courier"], method=data["method"]
        )
        return _("已登记买家退货。")
    if action == "receive":
        services.case_receive(case=case, by=by)
        return _("已确认收到退货，请验货登记。")
    if action == "inspect":
        services.case_inspect(case=case, by=by, condition=data["condition"], result=data["result"])
        if data.get("photo"):
            services.case_photo_add(
                case=case, by=by, image=data["photo"], purpose=CasePhoto.Purpose.INSPECTION
            )
        return _("验货已登记。")
    if action == "refund":
        services.case_refund(
            case=case,
            by=by,
            amount=data["amount"],
            channel=data["channel"],
            rights_protection=data["rights_protection"],
        )
        return _("退款已登记。")
    if action == "reship":
        services.case_reship(
            case=case, by=by, waybill=data["waybill"], courier=data["courier"], note=data["note"]
        )
        return _("已登记发出。")
    if action == "resolve":
        services.case_resolve(case=case, by=by, resolution=data["resolution"])
        return _("处理结果已登记。")
    if action == "close":
        services.case_close(case=case, by=by, reason=data["reason"])
        return _("售后单已关闭。")
    if action == "misdescribed":
        case = services.case_misdescription_record(case=case, by=by, note=data["note"])
        if case.customer and case.customer.blacklisted:
            return _("已登记。该客户虚假描述已达 %(n)d 次，已自动加入黑名单。") % {
                "n": case.customer.misdescription_count
            }
        return _("已登记客户虚假描述（累计 %(n)d 次）。") % {"n": case.customer.misdescription_count}
    if action == "photo":
        services.case_photo_add(case=case, by=by, image=data["image"], purpose=data["purpose"])
        return _("照片已上传。")
    raise ValidationError(_("未知的操作。"))


@staff_required
@require_http_methods(["GET", "POST"])
def case_detail(request, pk: int):
    """One case: registration, postage, eligibility, timers, the next actions of its state, the item."""
    case = selectors.case_get(pk=pk)
    edit_form = forms.CaseForm(initial={f: getattr(case, f) for f in services.CASE_FIELDS}, editing=True)
    action_forms = {name: cls() for name, cls in CASE_ACTIONS.items() if cls is not None}
    action_forms["refund"] = forms.RefundForm(
        initial={"amount": _refund_suggestion(case), "channel": "platform"}
    )
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in CASE_ACTIONS:
            messages.error(request, _("未知的操作。"))
            return redirect("aftersales:case", pk=pk)
        form = None
        try:
            if action == "update":
                edit_form = forms.CaseForm(request.POST, editing=True)
                if edit_form.is_valid():
                    services.case_update(case=case, by=request.user, **edit_form.service_fields())
                    messages.success(request, _("登记信息已保存。"))
                    return redirect("aftersales:case", pk=pk)
            else:
                cls = CASE_ACTIONS[action]
                form = cls(request.POST, request.FILES) if cls else None
                if form is None or form.is_valid():
                    messages.success(request, _do_case_action(request, case, action, form))
                    return redirect("aftersales:case", pk=pk)
                action_forms[action] = form
        except PermissionDenied as exc:
            messages.error(request, str(exc) or _("您没有权限执行此操作。"))
            return redirect("aftersales:case", pk=pk)
        except ValidationError as exc:
            target = edit_form if action == "update" else form
            if target is None:
                messages.error(request, " ".join(exc.messages))
                return redirect("aftersales:case", pk=pk)
            apply_service_errors(target, exc)
            if action != "update":
                action_forms[action] = target
        status = 400
        case = selectors.case_get(pk=pk)
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
    context = {
        "case": case,
        "split": split,
        "eligibility": eligibility,
        "deadline": services.case_deadline(case),
        "deadline_passed": _due(services.case_deadline(case))["is_overdue"],
        "deadline_label": _deadline_label(case),
        "blacklisted": blacklist_entry_for(buyer_nick=case.buyer_nick, phone=case.buyer_phone),
        "edit_form": edit_form,
        "af": action_forms,
        "actions": _available_actions(case),
        "can_money": roles.has_role(request.user, roles.AFTERSALES, roles.SUPERVISOR),
        "photos": list(case.photos.all()),
        "open_action": request.POST.get("action") if status == 400 else "",
    }
    return render(request, "aftersales/case_detail.html", context, status=status)


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
    """The register as the seed keeps it (问题件/退回件表格, 售后记录表), with the list's filters."""
    kind = request.GET.get("kind", "")
    state = request.GET.get("state", "")
    qs = selectors.case_list(
        kind=kind if kind in CaseKind.values else "",
        state=state if state in CaseState.values else "",
        q=request.GET.get("q", "")[:60],
    )
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
    open_only = request.GET.get("open") == "1"
    page = Paginator(selectors.complaint_list(open_only=open_only), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for c in page:
        c.due = _due(None if c.closed_at else services.complaint_due_at(c))
    return render(
        request,
        "aftersales/complaint_list.html",
        {"page": page, "open_only": open_only, "params": "open=1" if open_only else ""},
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


@staff_required
@require_http_methods(["GET", "POST"])
def complaint_detail(request, pk: int):
    """The 《客户投诉反馈表》: the seed's steps in order, the six quick steps, the form to fill."""
    complaint = selectors.complaint_get(pk=pk)
    progress = forms.ComplaintProgressForm(initial=_complaint_initial(complaint))
    close_form = forms.ComplaintCloseForm()
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "progress":
                progress = forms.ComplaintProgressForm(request.POST, initial=_complaint_initial(complaint))
                if progress.is_valid():
                    services.complaint_update(
                        complaint=complaint, by=request.user, **progress.changed_values()
                    )
                    messages.success(request, _("投诉反馈表已保存。"))
                    return redirect("aftersales:complaint", pk=pk)
            elif action == "sign_off":
                services.complaint_sign_off(complaint=complaint, by=request.user)
                messages.success(request, _("已签字。"))
                return redirect("aftersales:complaint", pk=pk)
            elif action == "step":
                step = forms.StepForm(request.POST)
                if step.is_valid():
                    complaint = services.complaint_step_set(
                        complaint=complaint, by=request.user, **step.cleaned_data
                    )
                if _is_htmx(request):
                    return render(
                        request,
                        "aftersales/partials/quick_steps.html",
                        {"complaint": complaint, "steps": _quick_steps(complaint)},
                    )
                return redirect("aftersales:complaint", pk=pk)
            elif action == "close":
                close_form = forms.ComplaintCloseForm(request.POST)
                if close_form.is_valid():
                    services.complaint_close(
                        complaint=complaint,
                        by=request.user,
                        satisfaction=close_form.cleaned_data["satisfaction"],
                    )
                    messages.success(request, _("投诉已结案。"))
                    return redirect("aftersales:complaint", pk=pk)
        except PermissionDenied as exc:
            messages.error(request, str(exc) or _("您没有权限执行此操作。"))
            return redirect("aftersales:complaint", pk=pk)
        except ValidationError as exc:
            target = close_form if action == "close" else progress
            apply_service_errors(target, exc)
        status = 400
    context = {
        "complaint": complaint,
        "steps": services.complaint_steps(complaint),
        "quick": _quick_steps(complaint),
        "progress": progress,
        "close_form": close_form,
        "is_supervisor": roles.has_role(request.user, roles.SUPERVISOR),
    }
    return render(request, "aftersales/complaint_detail.html", context, status=status)


def _quick_steps(complaint) -> list[dict]:
    return [{"key": k, "label": label, "done": k in complaint.quick_steps} for k, label in QUICK_STEPS]


# --- bad reviews ----------------------------------------------------------------------------


@staff_required
@require_GET
def review_list(request):
    open_only = request.GET.get("open", "1") == "1"
    page = Paginator(selectors.review_list(open_only=open_only), PAGE_SIZE).get_page(request.GET.get("page"))
    for r in page:
        r.due = _due(None if r.closed_at else r.settle_by)
    return render(
        request,
        "aftersales/review_list.html",
        {
            "page": page,
            "open_only": open_only,
            "params": "open=1" if open_only else "open=0",
            "now": timezone.now(),
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


@staff_required
@require_http_methods(["GET", "POST"])
def review_detail(request, pk: int):
    review = selectors.review_get(pk=pk)
    close_form = forms.ReviewCloseForm()
    postpone_form = forms.PostponeForm()
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "close":
                close_form = forms.ReviewCloseForm(request.POST)
                if close_form.is_valid():
                    services.review_close(review=review, by=request.user, **close_form.cleaned_data)
                    messages.success(request, _("中差评已处理完。"))
                    return redirect("aftersales:review", pk=pk)
            elif action == "postpone":
                postpone_form = forms.PostponeForm(request.POST)
                if postpone_form.is_valid():
                    services.review_postpone(
                        review=review, by=request.user, reason=postpone_form.cleaned_data["reason"]
                    )
                    messages.success(
                        request,
                        _("已延期到下一天 %(t)s 前处理。")
                        % {"t": rules.shopsettings.get("review_settle_by")},
                    )
                    return redirect("aftersales:review", pk=pk)
        except PermissionDenied as exc:
            messages.error(request, str(exc) or _("您没有权限执行此操作。"))
            return redirect("aftersales:review", pk=pk)
        except ValidationError as exc:
            apply_service_errors(postpone_form if action == "postpone" else close_form, exc)
        status = 400
    now = timezone.now()
    context = {
        "review": review,
        "close_form": close_form,
        "postpone_form": postpone_form,
        "is_supervisor": roles.has_role(request.user, roles.SUPERVISOR),
        "change_days_left": max(0, (review.change_deadline - now).days),
        "change_window_open": review.change_deadline > now,
    }
    return render(request, "aftersales/review_detail.html", context, status=status)
