"""The customers' pages: the list (and the blacklist), one customer's profile and cases."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from kefu.core import roles
from kefu.core.activity import activity_list
from kefu.core.decorators import staff_required
from kefu.customers import forms, selectors, services
from kefu.customers.models import Customer


def order_url(number: str) -> str:
    """The orders app's page of an order, when it has one (it is another engineer's app)."""
    try:
        return reverse("orders:detail", args=[number])
    except NoReverseMatch:
        return ""


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


@staff_required
@require_http_methods(["GET", "POST"])
def customer_detail(request, pk: int):
    """A customer: profile, blacklist (supervisors add or lift it, with the reason), their cases."""
    from kefu.aftersales.selectors import items_of_customer
    from kefu.aftersales.views import item_url

    customer = get_object_or_404(Customer.objects.select_related("blacklisted_by"), pk=pk)
    initial = {f: getattr(customer, f) for f in forms.CustomerForm.base_fields}
    form = forms.CustomerForm(initial=initial)
    reason_form = forms.ReasonForm()
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "update":
                form = forms.CustomerForm(request.POST, initial=initial)
                if form.is_valid():
                    services.customer_update(customer=customer, by=request.user, **form.cleaned_data)
                    messages.success(request, _("客户资料已保存。"))
                    return redirect("customers:detail", pk=pk)
            elif action in ("blacklist", "lift"):
                reason_form = forms.ReasonForm(request.POST)
                if reason_form.is_valid():
                    reason = reason_form.cleaned_data["reason"]
                    if action == "lift":
                        services.customer_blacklist_lift(customer=customer, by=request.user, reason=reason)
                        messages.success(request, _("已解除黑名单。"))
                    else:
                        services.customer_blacklist_add(customer=customer, by=request.user, reason=reason)
                        messages.success(request, _("已加入黑名单。"))
                    return redirect("customers:detail", pk=pk)
        except PermissionDenied as exc:
            messages.error(request, str(exc) or _("您没有权限执行此操作。"))
            return redirect("customers:detail", pk=pk)
        except ValidationError as exc:
            _apply(form if action == "update" else reason_form, exc)
        status = 400
    items = [{"item": i, "url": item_url(i)} for i in items_of_customer(customer=customer)[:50]]
    orders = [{"order": o, "url": order_url(o.number)} for o in selectors.customer_orders(customer=customer)]
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
            "form": form,
            "reason_form": reason_form,
            "items": items,
            "orders": orders,
            "history": history,
            "is_supervisor": roles.has_role(request.user, roles.SUPERVISOR),
        },
        status=status,
    )
