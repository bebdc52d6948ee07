"""The orders' paper forms as pages: each printable (打印) and downloadable as Excel.

订单评审表 per order; 订单更改通知书 (request on the order, the supervisor's decision, the warehouse
told); 发货通知单 per batch of orders ready to ship.
"""

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from kefu.core import roles
from kefu.core.decorators import staff_required
from kefu.core.operations import OperationPage
from kefu.core.paperforms import xlsx_response
from kefu.orders import forms_paper, papers, paperwork, selectors
from kefu.orders.models import ChangeState, Order, OrderChange, ShippingNotice
from kefu.orders.views import OrderOperation

PAGE_SIZE = 30


# --- 订单评审表 ------------------------------------------------------------------------------------


@staff_required
@require_safe
def review_form(request, number):
    order = selectors.order_get(number=number)
    return render(
        request,
        "orders/papers/review_form.html",
        {
            "order": order,
            "fields": papers.review_form_fields(order),
            "columns": papers.review_form_columns(),
            "rows": papers.review_form_rows(order),
            "signatures": papers.review_form_signatures(order),
        },
    )


@staff_required
@require_safe
def review_form_xlsx(request, number):
    order = selectors.order_get(number=number)
    return xlsx_response(papers.review_form_workbook(order), f"订单评审表-{order.number}.xlsx")


# --- 订单更改通知书 --------------------------------------------------------------------------------


def change_new_page(request, order: Order, form=None) -> HttpResponse:
    return render(
        request,
        "orders/papers/change_new.html",
        {
            "order": order,
            "form": form or forms_paper.ChangeRequestForm(),
            "changes": paperwork.order_change_list(order=order),
            "changeable": order.state in paperwork.CHANGEABLE,
        },
        status=400 if form is not None else 200,
    )


@staff_required
@require_safe
def change_new(request, number):
    return change_new_page(request, selectors.order_get(number=number))


class OrderChangeRequest(OrderOperation):
    form_class = forms_paper.ChangeRequestForm

    def perform(self, order: Order, data: dict) -> OrderChange:
        return paperwork.order_change_request(order=order, by=self.request.user, **data)

    def success_message(self, order: Order, result) -> str:
        return _("已记录订单更改，等待主管批准。")

    def success_url(self, order: Order, result) -> str:
        return reverse("orders:change", args=[result.pk]) if result else super().success_url(order, result)

    def invalid(self, order: Order, form):
        return change_new_page(self.request, order, form)


@staff_required
@require_safe
def change_list(request):
    form = forms_paper.ChangeFilterForm(request.GET or None)
    state = form.cleaned_data.get("state") if form.is_valid() else ""
    page = Paginator(paperwork.order_change_list(state=state or None), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    export = reverse("orders:change_export") + (f"?state={state}" if state else "")
    return render(
        request,
        "orders/papers/change_list.html",
        {"form": form, "page": page, "export_url": export, "params": f"state={state}" if state else ""},
    )


@staff_required
@require_safe
def change_export(request):
    form = forms_paper.ChangeFilterForm(request.GET or None)
    state = form.cleaned_data.get("state") if form.is_valid() else ""
    return xlsx_response(
        papers.change_list_workbook(paperwork.order_change_list(state=state or None)),
        f"订单更改登记-{timezone.localdate():%Y%m%d}.xlsx",
    )


def change_page(request, change: OrderChange, *, bound: dict | None = None) -> HttpResponse:
    bound = bound or {}
    return render(
        request,
        "orders/papers/change_notice.html",
        {
            "change": change,
            "fields": papers.change_fields(change),
            "signatures": papers.change_signatures(change),
            "can_decide": change.state == ChangeState.REQUESTED
            and roles.has_role(request.user, roles.SUPERVISOR),
            "can_notify": change.state == ChangeState.APPROVED and change.warehouse_notified_at is None,
            "decision_form": bound.get("decision") or forms_paper.ChangeDecisionForm(),
            "notify_form": bound.get("notify") or forms_paper.WarehouseNotifyForm(),
        },
        status=400 if bound else 200,
    )


@staff_required
@require_safe
def change_detail(request, pk):
    return change_page(request, paperwork.order_change_get(pk=pk))


@staff_required
@require_safe
def change_xlsx(request, pk):
    change = paperwork.order_change_get(pk=pk)
    return xlsx_response(papers.change_workbook(change), f"订单更改通知书-{change.notice_number}.xlsx")


class _ChangeOperation(OperationPage):
    form_name = ""
    done = ""

    def get_object(self) -> OrderChange:
        return paperwork.order_change_get(pk=self.kwargs["pk"])

    def success_message(self, change, result) -> str:
        return str(self.done)

    def success_url(self, change, result) -> str:
        return reverse("orders:change", args=[change.pk])

    def invalid(self, change, form):
        return change_page(
            self.request, paperwork.order_change_get(pk=change.pk), bound={self.form_name: form}
        )


class OrderChangeApprove(_ChangeOperation):
    form_class = forms_paper.ChangeDecisionForm
    form_name = "decision"
    roles = (roles.SUPERVISOR,)
    done = gettext_lazy("已批准，请通知仓库收回原订单。")

    def perform(self, change, data):
        return paperwork.order_change_approve(change=change, by=self.request.user, note=data["note"])


class OrderChangeRefuse(_ChangeOperation):
    form_class = forms_paper.ChangeDecisionForm
    form_name = "decision"
    roles = (roles.SUPERVISOR,)
    done = gettext_lazy("已记录不批准，请告知客户原因。")

    def perform(self, change, data):
        return paperwork.order_change_refuse(change=change, by=self.request.user, note=data["note"])


class OrderChangeWarehouseNotify(_ChangeOperation):
    form_class = forms_paper.WarehouseNotifyForm
    form_name = "notify"
    done = gettext_lazy("已记录通知仓库。")

    def perform(self, change, data):
        return paperwork.order_change_warehouse_notify(
            change=change, by=self.request.user, contact=data["contact"]
        )


# --- 发货通知单 ------------------------------------------------------------------------------------


def shipping_page(request, form=None) -> HttpResponse:
    ready = list(paperwork.ready_to_ship().prefetch_related("remarks")[:500])
    for order in ready:
        order.special = papers.special_requests(order)
    notices = Paginator(paperwork.shipping_notice_list(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "orders/papers/shipping.html",
        {
            "ready": ready,
            "notices": notices,
            "form": form or forms_paper.ShippingNoticeForm(),
            "ship_on": paperwork.ship_on(timezone.now()),
        },
        status=400 if form is not None else 200,
    )


@staff_required
@require_safe
def shipping(request):
    return shipping_page(request)


class ShippingNoticeCreate(OperationPage):
    form_class = forms_paper.ShippingNoticeForm

    def perform(self, obj, data: dict) -> ShippingNotice:
        ids = list(Order.objects.filter(shop="", number__in=data["numbers"]).values_list("pk", flat=True))
        missing = set(data["numbers"]) - set(
            Order.objects.filter(pk__in=ids).values_list("number", flat=True)
        )
        if missing:
            raise ValidationError({"numbers": _("找不到订单：%(n)s") % {"n": "、".join(sorted(missing))}})
        return paperwork.shipping_notice_create(
            order_ids=ids, by=self.request.user, urgent=data["urgent"], note=data["note"]
        )

    def success_message(self, obj, result) -> str:
        return _("发货通知单已编制，请打印交物控部。")

    def success_url(self, obj, result) -> str:
        return reverse("orders:shipping_notice", args=[result.pk]) if result else reverse("orders:shipping")

    def invalid(self, obj, form):
        return shipping_page(self.request, form)


@staff_required
@require_safe
def shipping_notice(request, pk):
    notice = paperwork.shipping_notice_get(pk=pk)
    return render(
        request,
        "orders/papers/shipping_notice.html",
        {
            "notice": notice,
            "fields": papers.notice_fields(notice),
            "columns": papers.notice_columns(),
            "rows": list(papers.notice_rows(notice)),
            "signatures": papers.notice_signatures(),
        },
    )


@staff_required
@require_safe
def shipping_notice_xlsx(request, pk):
    notice = paperwork.shipping_notice_get(pk=pk)
    return xlsx_response(papers.notice_workbook(notice), f"发货通知单-{notice.notice_number}.xlsx")
