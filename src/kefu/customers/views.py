"""The customers' pages: the list (and the blacklist), one customer's page, one view per operation."""

from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from kefu.core import roles, shopsettings
from kefu.core.activity import activity_list
from kefu.core.decorators import staff_required
from kefu.core.operations import OperationPage
from kefu.customers import forms, selectors, services
from kefu.customers.models import Customer
from kefu.customers.templatetags.customers import card_html


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
    kind = request.GET.get("kind", "")
    returning = {"returning": True, "new": False}.get(kind)
    qs = selectors.customer_list(q=q, blacklisted=True if black else None, returning=returning)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    params = urlencode(
        {k: v for k, v in (("q", q), ("blacklisted", "1" if black else ""), ("kind", kind)) if v}
    )
    table = selectors.levels()
    for customer in page:
        # agents see masked phones in lists (privacy); the level from the shop's thresholds
        customer.phone_shown = selectors.phone_masked(customer.phone)
        customer.level = selectors.level_of(customer, table)
    return render(
        request,
        "customers/list.html",
        {
            "page": page,
            "q": q,
            "black": black,
            "kind": kind,
            "params": params,
            "black_count": selectors.blacklist_count(),
            "is_admin": roles.has_role(request.user, roles.ADMIN),
        },
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
    "customer_tags": gettext_lazy("修改标签"),
    "customer_merge": gettext_lazy("合并客户"),
}


def _detail_page(
    request,
    customer: Customer,
    *,
    form=None,
    reason_form=None,
    tags_form=None,
    merge_form=None,
    status: int = 200,
):
    """The customer page: profile, blacklist, history, and what the apps above show of the customer
    (their orders, their work items) through ``kefu.core.panels``."""
    initial = {f: getattr(customer, f) for f in forms.CustomerForm.base_fields}
    full_phone = roles.has_role(request.user, roles.SUPERVISOR)
    if not full_phone:
        initial["phone"] = selectors.phone_masked(customer.phone)
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
            "is_supervisor": full_phone,
            "level": selectors.level_of(customer),
            "contacts": [
                {"contact": c, "phone": selectors.phone_for(request.user, c.phone, on_profile=True)}
                for c in selectors.contacts_of(customer=customer)
            ],
            "tags_form": tags_form or forms.TagsForm(initial={"tags": ", ".join(customer.tags or [])}),
            "merge_form": merge_form or forms.MergeForm(),
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
        if "*" in (data.get("phone") or ""):
            data = {k: v for k, v in data.items() if k != "phone"}  # the masked phone, left as it was
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


class CustomerTags(_CustomerOperation):
    form_class = forms.TagsForm

    def perform(self, customer, data):
        return services.customer_tags_set(customer=customer, by=self.request.user, tags=data["tags"])

    def success_message(self, customer, result):
        return _("标签已保存。")

    def invalid(self, customer, form):
        return _detail_page(self.request, customer, tags_form=form, status=400)


class CustomerMergeView(_CustomerOperation):
    form_class = forms.MergeForm

    def perform(self, customer, data):
        other_key = data["other"].strip()
        other = selectors.customer_for_nick(other_key)
        if other is None and other_key.isdigit():
            other = Customer.objects.filter(pk=int(other_key)).first()
        if other is None:
            raise ValidationError({"other": _("找不到这位客户。")})
        return services.customer_merge(kept=customer, merged=other, by=self.request.user)

    def success_message(self, customer, result):
        return _("已合并。")

    def invalid(self, customer, form):
        return _detail_page(self.request, customer, merge_form=form, status=400)


@staff_required
@require_GET
def buyer_card(request):
    """The buyer card of a member name, as a fragment (the chat console fetches it)."""
    return HttpResponse(card_html(request, request.GET.get("nick", "")[:64]))


EXPORT_TYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@staff_required
@require_GET
def customer_export(request):
    """The profiles as a file: admins only, every export recorded."""
    fmt = request.GET.get("format", "xlsx")
    if fmt not in EXPORT_TYPES:
        fmt = "xlsx"
    roles.require_role(request.user, roles.ADMIN)
    data, _count = services.customers_export(by=request.user, fmt=fmt, channel="page")
    response = HttpResponse(data, content_type=EXPORT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="customers.{fmt}"'
    return response


@staff_required
@require_GET
def satisfaction_results(request):
    """Satisfaction per agent and per kind, by month, and the survey coverage target."""
    try:
        days = max(1, min(int(request.GET.get("days", 90)), 3660))
    except ValueError:
        days = 90
    return render(
        request,
        "customers/satisfaction.html",
        {
            "days": days,
            "by_agent": selectors.satisfaction_results(days=days, by="agent"),
            "by_kind": selectors.satisfaction_results(days=days, by="kind"),
            "by_month": selectors.satisfaction_results(days=days, by="kind", period="month"),
            "target": shopsettings.get("survey_coverage_target"),
        },
    )


@require_http_methods(["GET", "POST"])
def survey(request, token: str):
    """The customer rates 1–5 with an optional comment through the link; no account needed."""
    try:
        services.survey_read(token)
    except ValidationError as exc:
        return render(request, "customers/survey.html", {"invalid": exc.messages[0]}, status=400)
    form = forms.SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_submit(token=token, **form.cleaned_data)
        except ValidationError as exc:
            _apply(form, exc)
        else:
            return render(request, "customers/survey.html", {"thanks": True})
    return render(request, "customers/survey.html", {"form": form}, status=400 if form.errors else 200)


# --- groups and leads ----------------------------------------------------------------------------------


def _groups_page(request, form, status=200):
    groups = list(selectors.group_list())
    return render(request, "customers/groups.html", {"groups": groups, "form": form}, status=status)


@staff_required
@require_http_methods(["GET", "POST"])
def group_list(request):
    """Groups: static lists and saved filters (lost customers, high value, bought in a month …)."""
    form = forms.GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            group = services.group_save(
                by=request.user,
                name=form.cleaned_data["name"],
                kind=form.cleaned_data["kind"],
                filters=form.filters(),
                nicks=form.cleaned_data["nicks"],
            )
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, _("分组已保存。"))
            return redirect("customers:group", pk=group.pk)
    return _groups_page(request, form, status=400 if form.errors else 200)


@staff_required
@require_GET
def group_detail(request, pk: int):
    group = selectors.group_get(pk=pk)
    page = Paginator(selectors.group_members(group=group), 50).get_page(request.GET.get("page"))
    table = selectors.levels()
    for customer in page:
        customer.phone_shown = selectors.phone_masked(customer.phone)
        customer.level = selectors.level_of(customer, table)
    return render(
        request,
        "customers/group.html",
        {"group": group, "page": page, "params": "", "is_admin": roles.has_role(request.user, roles.ADMIN)},
    )


@staff_required
@require_GET
def group_export(request, pk: int):
    """A group as a file: admins only, recorded."""
    group = selectors.group_get(pk=pk)
    fmt = request.GET.get("format", "xlsx")
    if fmt not in EXPORT_TYPES:
        fmt = "xlsx"
    roles.require_role(request.user, roles.ADMIN)
    data, _count = services.customers_export(by=request.user, fmt=fmt, channel="page", group=group)
    response = HttpResponse(data, content_type=EXPORT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="customer-group-{group.pk}.{fmt}"'
    return response


@staff_required
@require_GET
def lead_list(request):
    """咨询未下单: buyers who chatted or asked and did not order, for the pre-sales agents, daily."""
    page = Paginator(selectors.leads(), 50).get_page(request.GET.get("page"))
    for customer in page:
        customer.phone_shown = selectors.phone_masked(customer.phone)
    now = timezone.now()
    return render(
        request,
        "customers/leads.html",
        {
            "page": page,
            "params": "",
            "days": shopsettings.get("lead_days"),
            "conversion": selectors.conversion(since=now - timedelta(days=30), until=now),
        },
    )


# --- return visits -------------------------------------------------------------------------------------


def _visits_page(request, plan_form=None, status=200):
    mine = request.GET.get("all") != "1"
    page = Paginator(selectors.visit_queue(user=request.user, mine=mine), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "customers/visits.html",
        {
            "page": page,
            "params": "" if mine else "all=1",
            "mine": mine,
            "plan_form": plan_form or forms.VisitPlanForm(),
            "is_supervisor": roles.has_role(request.user, roles.SUPERVISOR),
            "rest": services.in_rest_hours(),
        },
        status=status,
    )


@staff_required
@require_GET
def visit_list(request):
    """回访: my queue of visits (and those nobody was given); supervisors plan visits for a group."""
    return _visits_page(request)


class VisitPlan(OperationPage):
    form_class = forms.VisitPlanForm

    def get_object(self):
        return None

    def perform(self, obj, data):
        return services.visit_plan(by=self.request.user, **data)

    def success_message(self, obj, result):
        return _("已安排 %(n)d 个回访。") % {"n": result}

    def success_url(self, obj, result) -> str:
        return reverse("customers:visits")

    def invalid(self, obj, form):
        return _visits_page(self.request, plan_form=form, status=400)


def _visit_page(request, visit, form=None, status=200):
    name = request.user.get_full_name() or request.user.username
    survey = ""
    if visit.state == visit.DONE:
        survey = request.build_absolute_uri(
            reverse(
                "customers_survey:survey",
                args=[
                    services.survey_token(
                        kind="visit",
                        source_id=visit.pk,
                        agent_id=visit.agent_id,
                        customer_id=visit.customer_id,
                    )
                ],
            )
        )
    return render(
        request,
        "customers/visit.html",
        {
            "visit": visit,
            "script": services.visit_script(visit=visit, agent_name=name),
            "form": form or forms.VisitRecordForm(),
            "rest": services.in_rest_hours(),
            "survey": survey,
        },
        status=status,
    )


@staff_required
@require_GET
def visit_detail(request, pk: int):
    return _visit_page(request, selectors.visit_get(pk=pk))


class VisitRecord(OperationPage):
    form_class = forms.VisitRecordForm

    def get_object(self):
        return selectors.visit_get(pk=self.kwargs["pk"])

    def perform(self, visit, data):
        return services.visit_record(visit=visit, by=self.request.user, **data)

    def success_message(self, visit, result):
        return _("回访已记录。")

    def success_url(self, visit, result) -> str:
        return reverse("customers:visit", args=[visit.pk])

    def invalid(self, visit, form):
        return _visit_page(self.request, visit, form=form, status=400)


# --- notices -------------------------------------------------------------------------------------------


def _notices_page(request, form=None, status=200):
    singles = selectors.single_messages()
    for message in singles:
        message.to_shown = message.email or selectors.phone_masked(message.phone)
    return render(
        request,
        "customers/notices.html",
        {
            "notices": list(selectors.notice_list()[:100]),
            "singles": singles,
            "form": form or forms.NoticeForm(),
        },
        status=status,
    )


@staff_required
@require_http_methods(["GET", "POST"])
def notice_list(request):
    """Notices to affected customers (物流异常通知): select, fill the template, preview, send."""
    if request.method != "POST":
        return _notices_page(request)
    form = forms.NoticeForm(request.POST)
    if form.is_valid():
        try:
            notice = services.notice_create(
                by=request.user,
                title=form.cleaned_data["title"],
                template=form.cleaned_data["template"],
                channel=form.cleaned_data["channel"],
                group=form.cleaned_data["group"],
                filters=form.filters(),
            )
        except ValidationError as exc:
            _apply(form, exc)
        else:
            return redirect("customers:notice", pk=notice.pk)
    return _notices_page(request, form, status=400)


@staff_required
@require_GET
def notice_detail(request, pk: int):
    """The preview (how many, how it reads) and the outbox of the notice: each message and its state."""
    notice = selectors.notice_get(pk=pk)
    page = Paginator(selectors.outbox(notice=notice), 50).get_page(request.GET.get("page"))
    for message in page:
        message.phone_shown = selectors.phone_masked(message.to_phone)
    return render(
        request,
        "customers/notice.html",
        {
            "notice": notice,
            "preview": services.notice_preview(notice=notice),
            "page": page,
            "params": "",
            "is_supervisor": roles.has_role(request.user, roles.SUPERVISOR),
        },
    )


class NoticeSend(OperationPage):
    form_class = None

    def get_object(self):
        return selectors.notice_get(pk=self.kwargs["pk"])

    def perform(self, notice, data):
        return services.notice_send(notice=notice, by=self.request.user)

    def success_message(self, notice, result):
        return _("已发送 %(sent)d 条，失败 %(failed)d 条（失败的会自动重试）。") % {
            "sent": result["notices_sent"],
            "failed": result["notices_failed"],
        }

    def success_url(self, notice, result) -> str:
        return reverse("customers:notice", args=[notice.pk])

    def invalid(self, notice, form):
        return redirect("customers:notice", pk=notice.pk)
