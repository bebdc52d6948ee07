"""The customers' pages: the list (and the blacklist), one customer's page, one view per operation."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from kefu.core import roles
from kefu.core.activity import activity_list
from kefu.core.decorators import staff_required
from kefu.core.operations import OperationPage
from kefu.customers import forms, selectors, services
from kefu.customers.models import Customer


def _apply(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@staff_required
@require_GET
def customer_list(request):
    q = request.GET.get("q", "")[:60]
    black = request.GET.get("blacklisted") == "1"
    qs = selectors.customer_list(q=q, blacklisted=True if black else None)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    params = urlencode({k: v for k, v in (("q", q), ("blacklisted", "1" if black else "")) if v})
    return render(
        request,
        "customers/list.html",
        {"page": page, "q": q, "black": black, "params": params, "black_count": selectors.blacklist_count()},
    )


@staff_required
@require_http_methods(["GET", "POST"])
def customer_new(request):
    form = forms.CustomerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            customer = services.customer_create(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, _("客户已添加。"))
            return redirect("customers:detail", pk=customer.pk)
    return render(request, "customers/new.html", {"form": form}, status=400 if form.errors else 200)


VERBS = {
    "customer_create": gettext_lazy("添加客户"),
    "customer_update": gettext_lazy("修改资料"),
    "customer_misdescription": gettext_lazy("虚假描述"),
    "customer_blacklist": gettext_lazy("加入黑名单"),
    "customer_blacklist_lift": gettext_lazy("解除黑名单"),
}


def _detail_page(request, customer: Customer, *, form=None, reason_form=None, status: int = 200):
    """The customer page: profile, blacklist, history, and what the apps above show of the customer
    (their orders, their work items) through ``kefu.core.panels``."""
    initial = {f: getattr(customer, f) for f in forms.CustomerForm.base_fields}
    history = [
        {
            "when": e.created_at,
            "who": e.actor.get_full_name() or e.actor.username if e.actor else _("系统"),
            "label": VERBS.get(e.verb, e.verb),
            "message": e.message,
        }
        for e in activity_list(target=customer).order_by("-created_at", "-id")[:30]
    ]
    return render(
        request,
        "customers/detail.html",
        {
            "customer": customer,
            "form": form or forms.CustomerForm(initial=initial),
            "reason_form": reason_form or forms.ReasonForm(),
            "history": history,
            "is_supervisor": roles.has_role(request.user, roles.SUPERVISOR),
        },
        status=status,
    )


@staff_required
@require_GET
def customer_detail(request, pk: int):
    """A customer: profile, blacklist (supervisors add or lift it, with the reason), their orders
    and work items."""
    return _detail_page(request, selectors.customer_get(pk=pk))


class _CustomerOperation(OperationPage):
    def get_object(self) -> Customer:
        return selectors.customer_get(pk=self.kwargs["pk"])

    def success_url(self, customer, result) -> str:
        return reverse("customers:detail", args=[customer.pk])


class CustomerUpdate(_CustomerOperation):
    form_class = forms.CustomerForm

    def perform(self, customer, data):
        return services.customer_update(customer=customer, by=self.request.user, **data)

    def success_message(self, customer, result):
        return _("客户资料已保存。")

    def invalid(self, customer, form):
        return _detail_page(self.request, customer, form=form, status=400)


class CustomerBlacklist(_CustomerOperation):
    form_class = forms.ReasonForm

    def perform(self, customer, data):
        return services.customer_blacklist_add(customer=customer, by=self.request.user, **data)

    def success_message(self, customer, result):
        return _("已加入黑名单。")

    def invalid(self, customer, form):
        return _detail_page(self.request, customer, reason_form=form, status=400)


class CustomerBlacklistLift(CustomerBlacklist):
    def perform(self, customer, data):
        return services.customer_blacklist_lift(customer=customer, by=self.request.user, **data)

    def success_message(self, customer, result):
        return _("已解除黑名单。")
