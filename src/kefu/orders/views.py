"""The orders' back-office pages: search, detail with timeline, review queue, recheck, 催付, import.

Thin: each change to an order is one operation with its own URL and view (``OrderOperation``): a
form shapes the input, a service does the work or refuses with a reason shown on the form (which
keeps what the agent typed), and the page redirects after a successful change.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from kefu.core import roles
from kefu.core.decorators import staff_required
from kefu.core.forms import apply_service_errors
from kefu.core.operations import OperationPage
from kefu.customers.selectors import blacklisted_nicks
from kefu.orders import forms, lifecycle, reminders, rulebook, selectors, services
from kefu.orders.models import Order, OrderImport, OrderState, ReminderScript

PAGE_SIZE = 30


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _blacklisted(orders) -> set[str]:
    return blacklisted_nicks(nicks=[o.buyer_nick for o in orders if o.buyer_nick])


@staff_required
def order_list(request):
    form = forms.SearchForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    page = _page(
        request,
        selectors.order_search(
            q=data.get("q", ""), state=data.get("state") or None, flag=data.get("flag") or None
        ),
    )
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "orders/list.html",
        {"form": form, "page": page, "params": params.urlencode(), "blacklisted": _blacklisted(page)},
    )


# --- one order --------------------------------------------------------------------------------


def _allowed_states(order: Order) -> list[str]:
    return sorted(lifecycle.TRANSITIONS[order.state], key=lambda s: lifecycle.STATE_RANK[s])


def order_detail_page(request, order: Order, *, bound: dict | None = None) -> HttpResponse:
    """The order page; ``bound`` holds an operation's form that came back with errors, shown with
    what the agent typed (and the page answers 400)."""
    bound = bound or {}
    initial = {"version": order.version}
    context = {
        "order": order,
        "timeline": selectors.order_timeline(order=order),
        "flag_label": rulebook.flag_label(order.flag),
        "warnings": rulebook.review_warnings(order) if order.state == OrderState.WAIT_SELLER_SEND else [],
        "payment_deadline": lifecycle.payment_deadline(order),
        "confirm_deadline": lifecycle.confirm_deadline(order),
        "blacklisted": bool(_blacklisted([order])),
        "remark_form": bound.get("remark") or forms.RemarkForm(initial=initial),
        "transition_form": bound.get("transition") or forms.TransitionForm(allowed=_allowed_states(order)),
        "gift_form": bound.get("gift") or forms.GiftForm(initial=initial),
        "courier_form": bound.get("courier")
        or forms.CourierForm(initial={**initial, "courier": order.courier}),
        "address_form": bound.get("address")
        or forms.AddressForm(
            initial={
                **initial,
                "receiver_name": order.receiver_name,
                "receiver_phone": order.receiver_phone,
                "receiver_address": order.receiver_address,
            }
        ),
        "remind_form": bound.get("remind") or forms.ReminderForm(),
        "reviewable": order.state in services.REVIEWABLE,
        "scripts": [(s, reminders.script_render(script=s, order=order)) for s in ReminderScript.objects.all()]
        if order.state == OrderState.WAIT_BUYER_PAY
        else [],
    }
    return render(request, "orders/detail.html", context, status=400 if bound else 200)


@staff_required
@require_safe
def order_detail(request, number):
    return order_detail_page(request, selectors.order_get(number=number))


class OrderOperation(OperationPage):
    """An operation on one order from its page: back to the order afterwards; a form that comes
    back with errors is shown on the order page as ``form_name``."""

    form_name = ""
    done = ""

    def get_object(self) -> Order:
        return selectors.order_get(number=self.kwargs["number"])

    def success_message(self, order: Order, result) -> str:
        return str(self.done)

    def success_url(self, order: Order, result) -> str:
        return reverse("orders:detail", args=[order.number])

    def invalid(self, order: Order, form):
        if not self.form_name:  # nothing typed to keep: say why on the order page
            return super().invalid(order, form)
        return order_detail_page(self.request, order, bound={self.form_name: form})


class OrderReviewConfirm(OrderOperation):
    form_class = forms.VersionedForm
    done = gettext_lazy("订单已审核确认。")

    def perform(self, order: Order, data: dict) -> Order:
        return services.order_review_confirm(
            order=order, by=self.request.user, expected_version=data["version"]
        )


class OrderTermsChanged(OrderOperation):
    done = gettext_lazy("已记录修改交易条件，未付款关闭时间重新计算。")

    def perform(self, order: Order, data: dict) -> Order:
        return services.order_terms_changed(order=order, by=self.request.user)


class OrderRemarkAdd(OrderOperation):
    form_class = forms.RemarkForm
    form_name = "remark"
    done = gettext_lazy("备注已保存。")

    def perform(self, order: Order, data: dict):
        return services.order_remark_add(
            order=order, by=self.request.user, text=data["text"], flag=data["flag"] or None,
            expected_version=data["version"],
        )  # fmt: skip


class OrderTransition(OrderOperation):
    form_class = forms.TransitionForm
    form_name = "transition"
    done = gettext_lazy("订单状态已更新。")

    def get_form_kwargs(self, order: Order) -> dict:
        return {"allowed": _allowed_states(order)}

    def perform(self, order: Order, data: dict) -> Order:
        data = dict(data)
        return lifecycle.order_transition(order=order, by=self.request.user, to=data.pop("state"), **data)


class OrderGiftAdd(OrderOperation):
    form_class = forms.GiftForm
    form_name = "gift"
    done = gettext_lazy("已添加赠品。")

    def perform(self, order: Order, data: dict):
        data = dict(data)
        version = data.pop("version")
        return services.order_gift_add(order=order, by=self.request.user, expected_version=version, **data)


class OrderCourierChange(OrderOperation):
    form_class = forms.CourierForm
    form_name = "courier"
    done = gettext_lazy("快递已修改。")

    def perform(self, order: Order, data: dict) -> Order:
        return services.order_courier_change(
            order=order, by=self.request.user, courier=data["courier"], expected_version=data["version"]
        )


class OrderAddressEdit(OrderOperation):
    form_class = forms.AddressForm
    form_name = "address"
    done = gettext_lazy("收货信息已修改并记入备注。")

    def perform(self, order: Order, data: dict) -> Order:
        data = dict(data)
        version = data.pop("version")
        return services.order_address_edit(
            order=order, by=self.request.user, expected_version=version, **data
        )


class OrderReminderRecord(OrderOperation):
    form_class = forms.ReminderForm
    form_name = "remind"
    done = gettext_lazy("已记录催付并加紫旗备注。")

    def perform(self, order: Order, data: dict):
        return reminders.reminder_record(order=order, by=self.request.user, **data)


# --- queues -----------------------------------------------------------------------------------


@staff_required
def review_queue(request):
    page = _page(request, selectors.review_queue())
    rows = [
        {"order": o, "warnings": rulebook.review_warnings(o), "bulk": rulebook.bulk_confirmable(o)}
        for o in page
    ]
    return render(
        request,
        "orders/review.html",
        {"page": page, "rows": rows, "blacklisted": _blacklisted(page), "total": page.paginator.count},
    )


class ReviewBulkConfirm(OperationPage):
    form_class = forms.BulkConfirmForm

    def perform(self, obj, data: dict) -> dict:
        numbers = data["numbers"]
        ids = list(selectors.order_search().filter(number__in=numbers).values_list("pk", flat=True))
        return services.order_review_bulk_confirm(order_ids=ids, by=self.request.user)

    def success_message(self, obj, result: dict) -> str:
        return _("已批量审核 %(n)d 单；%(s)d 单不符合批量条件，请逐单审核。") % {
            "n": result["confirmed"],
            "s": len(result["skipped"]),
        }

    def success_url(self, obj, result) -> str:
        return reverse("orders:review")


@staff_required
def recheck(request):
    now = timezone.now()
    rows = selectors.recheck_list(now=now)
    return render(
        request,
        "orders/recheck.html",
        {
            "rows": rows,
            "late_count": sum(1 for r in rows if r.late),
            "cutoff": rulebook.shipping_cutoff_on(timezone.localdate(now)),
        },
    )


@staff_required
def reminder_queue(request):
    now = timezone.now()
    page = _page(request, selectors.reminder_queue(now=now))
    return render(
        request,
        "orders/reminders.html",
        {
            "page": page,
            "in_window": rulebook.in_call_window(now),
            "next_window": rulebook.next_call_window(now),
            "recovered": selectors.reminders_recovered_today(now=now),
            "blacklisted": _blacklisted(page),
        },
    )


# --- scripts ----------------------------------------------------------------------------------


@staff_required
def scripts(request, pk=None):
    can_edit = roles.has_role(request.user, roles.SUPERVISOR, roles.ADMIN)
    script = get_object_or_404(ReminderScript, pk=pk) if pk else None
    form = forms.ScriptForm(instance=script)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(_("只有主管可以修改话术。"))
        form = forms.ScriptForm(request.POST, instance=script)
        if form.is_valid():
            try:
                if script:
                    reminders.script_update(script=script, by=request.user, **form.cleaned_data)
                else:
                    reminders.script_create(by=request.user, **form.cleaned_data)
                messages.success(request, _("话术已保存。"))
                return redirect("orders:scripts")
            except ValidationError as exc:
                apply_service_errors(form, exc)
    return render(
        request,
        "orders/scripts.html",
        {"scripts": ReminderScript.objects.all(), "form": form, "editing": script, "can_edit": can_edit},
    )


@staff_required
@require_POST
def script_delete(request, pk):
    reminders.script_delete(script=get_object_or_404(ReminderScript, pk=pk), by=request.user)
    messages.success(request, _("话术已删除。"))
    return redirect("orders:scripts")


# --- import -----------------------------------------------------------------------------------


@staff_required
def import_upload(request):
    form = forms.ImportForm()
    if request.method == "POST":
        form = forms.ImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                job = services.order_import_start(
                    by=request.user,
                    file=form.cleaned_data["file"],
                    lines_file=form.cleaned_data.get("lines_file"),
                )
                return redirect("orders:import_status", pk=job.pk)
            except ValidationError as exc:
                apply_service_errors(form, exc)
    recent = OrderImport.objects.select_related("by")[:10]
    return render(request, "orders/import.html", {"form": form, "recent": recent})


@staff_required
def import_status(request, pk):
    job = get_object_or_404(OrderImport, pk=pk)
    template = (
        "orders/partials/import_progress.html"
        if request.headers.get("HX-Request")
        else "orders/import_status.html"
    )
    return render(
        request,
        template,
        {
            "job": job,
            "running": job.status in ("queued", "running"),
            "can_resume": job.status == OrderImport.Status.INTERRUPTED and bool(job.file),
        },
    )


class ImportResume(OperationPage):
    """继续导入: run an interrupted import again from its stored files."""

    def get_object(self) -> OrderImport:
        return get_object_or_404(OrderImport, pk=self.kwargs["pk"])

    def perform(self, job: OrderImport, data: dict) -> OrderImport:
        return services.order_import_resume(job=job, by=self.request.user)

    def success_message(self, job: OrderImport, result) -> str:
        return _("已重新排队，已导入的行不会重复。")

    def success_url(self, job: OrderImport, result) -> str:
        return reverse("orders:import_status", args=[job.pk])
