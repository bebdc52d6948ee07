"""The team's pages: the team board, the rota, leave, the handover book, staffing, promotions and
emergency plans; one view per operation."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from kefu.core import roles, shopsettings
from kefu.core.decorators import staff_required
from kefu.core.operations import OperationPage, is_htmx
from kefu.core.spreadsheets import xlsx_bytes
from kefu.team import erlang, forms, selectors, services
from kefu.team.models import (
    Duty,
    EmergencyPlan,
    EmergencyStep,
    Handover,
    HandoverItem,
    LeaveRequest,
    Promotion,
)

VERB_LABELS = {
    "team_member_save": gettext_lazy("调整团队成员"),
    "team_rota_generate": gettext_lazy("生成排班"),
    "team_rota_set": gettext_lazy("调整排班"),
    "team_leave_request": gettext_lazy("申请请假"),
    "team_leave_approve": gettext_lazy("批准请假"),
    "team_leave_refuse": gettext_lazy("拒绝请假"),
    "team_handover_submit": gettext_lazy("交班"),
    "team_handover_acknowledge": gettext_lazy("确认交接事项"),
    "team_promotion_save": gettext_lazy("保存大促"),
    "team_promotion_delete": gettext_lazy("删除大促"),
    "team_emergency_start": gettext_lazy("启动应急预案"),
    "team_emergency_tick": gettext_lazy("完成应急步骤"),
    "team_emergency_finish": gettext_lazy("结束应急处置"),
}


def _is_supervisor(request: HttpRequest) -> bool:
    return roles.has_role(request.user, roles.SUPERVISOR)


def _month(request: HttpRequest) -> tuple[int, int]:
    today = timezone.localdate()
    form = forms.MonthForm(request.GET or {"year": today.year, "month": today.month})
    if form.is_valid():
        return form.cleaned_data["year"], form.cleaned_data["month"]
    return today.year, today.month


@staff_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    return render(
        request,
        "team/home.html",
        {
            "board": selectors.presence_board(now=now),
            "empty_shifts": [Duty(s).label for s in selectors.shifts_without_people(at=now)],
            "unacknowledged": selectors.handovers_unacknowledged() if _is_supervisor(request) else [],
            "promotion": selectors.promotion_at(now),
            "first_response_target": selectors.first_response_target_at(now),
            "runs": [r for r in selectors.run_list(limit=10) if r.finished_at is None],
            "is_supervisor": _is_supervisor(request),
        },
    )


# --- rota ------------------------------------------------------------------------------------


@staff_required
@require_GET
def rota(request: HttpRequest) -> HttpResponse:
    year, month = _month(request)
    context = _rota_context(request, year, month)
    context["prev"] = date(year - (month == 1), 12 if month == 1 else month - 1, 1)
    context["next"] = date(year + (month == 12), 1 if month == 12 else month + 1, 1)
    return render(request, "team/rota.html", context)


@staff_required
@require_GET
def rota_xlsx(request: HttpRequest) -> HttpResponse:
    year, month = _month(request)
    days = services.month_days(year, month)
    grid = selectors.rota_month(days=days, user=None if _is_supervisor(request) else request.user)
    header = [_("客服"), _("分组")] + [d.strftime("%m-%d") for d in days] + [_("上班天数"), _("休息天数")]
    rows = [
        [row.member.user.get_full_name() or row.member.user.username, row.member.get_group_display()]
        + [cell.get_duty_display() if cell else "" for cell in row.cells]
        + [row.working_days, row.rest_days]
        for row in grid.rows
    ]
    response = HttpResponse(
        xlsx_bytes(f"{year}-{month:02d}", header, rows),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="rota-{year}-{month:02d}.xlsx"'
    return response


class RotaGenerate(OperationPage):
    form_class = forms.MonthForm
    roles = (roles.SUPERVISOR,)

    def perform(self, obj, data):
        return services.rota_generate(year=data["year"], month=data["month"], by=self.request.user)

    def success_message(self, obj, result):
        text = _("已生成排班（%(n)s 条）。") % {"n": result.entries}
        if result.gaps:
            text += " " + _("有 %(n)s 个班次无人值班，见下方提示。") % {"n": len(result.gaps)}
        return text

    def success_url(self, obj, result):
        return reverse("team:rota")


def _rota_context(request: HttpRequest, year: int, month: int) -> dict:
    days = services.month_days(year, month)
    supervisor = _is_supervisor(request)
    grid = selectors.rota_month(days=days, user=None if supervisor else request.user)
    return {
        "year": year,
        "month": month,
        "grid": grid,
        "counts": list(zip(days, grid.day_counts(), strict=True)),
        "gaps": services.rota_gaps(days=days) if grid.rows else [],
        "duties": Duty.choices,
        "is_supervisor": supervisor,
    }


def _rota_grid(request: HttpRequest, day: date, *, warning: str = "", error: str = "") -> HttpResponse:
    """The month's grid alone, as htmx swaps it after a cell changed: the totals, the day's
    counts, the shifts nobody covers and the 上六休一 marks all follow the change."""
    context = _rota_context(request, day.year, day.month)
    context.update(warning=warning, error=error)
    return render(request, "team/partials/rota_grid.html", context)


@staff_required
@require_GET
def rota_cell(request: HttpRequest) -> HttpResponse:
    """One cell of the grid: shown, or (``edit=1``, supervisors) as a choice of shift / rest / leave."""
    form = forms.RotaCellForm(request.GET)
    if not form.is_valid():
        raise Http404
    editing = bool(form.cleaned_data["edit"])
    if editing and not _is_supervisor(request):
        raise PermissionDenied
    user, day = form.cleaned_data["user"], form.cleaned_data["day"]
    if user != request.user and not _is_supervisor(request):
        raise PermissionDenied
    try:
        days = services.month_days(day.year, day.month)
    except ValidationError:
        raise Http404 from None
    grid = selectors.rota_month(days=days, user_id=user.pk)
    if not grid.rows:
        raise Http404
    row = grid.rows[0]
    return render(
        request,
        "team/partials/rota_cell.html",
        {
            "row": row,
            "day": day,
            "cell": row.cells[grid.days.index(day)],
            "warn": day in row.long_run_days,
            "editing": editing,
            "duties": Duty.choices,
            "is_supervisor": _is_supervisor(request),
        },
    )


def _rhythm_warning(entry) -> str:
    """After a hand edit: say so when the person now works more days in a row than 上六休一 allows."""
    run = selectors.working_run(user_id=entry.user_id, day=entry.day)
    days_on = int(shopsettings.get("team_days_on"))
    if run <= days_on:
        return ""
    return _("注意：%(who)s %(day)s 前后连续上班 %(n)s 天，超过上%(on)s休一。") % {
        "who": entry.user.get_full_name() or entry.user.username,
        "day": entry.day.strftime("%m-%d"),
        "n": run,
        "on": days_on,
    }


class RotaSet(OperationPage):
    """Change one person's day; from the grid (htmx) the cell changes in place."""

    form_class = forms.RotaSetForm
    roles = (roles.SUPERVISOR,)

    def perform(self, obj, data):
        return services.rota_set(user=data["user"], day=data["day"], duty=data["duty"], by=self.request.user)

    def success_message(self, obj, result):
        return " ".join(filter(None, [_("已保存。"), _rhythm_warning(result)]))

    def success_url(self, obj, result):
        if result is None:
            return reverse("team:rota")
        return f"{reverse('team:rota')}?year={result.day.year}&month={result.day.month}"

    def succeeded(self, obj, result):
        if is_htmx(self.request):
            return _rota_grid(self.request, result.day, warning=_rhythm_warning(result))
        return super().succeeded(obj, result)

    def invalid(self, obj, form):
        if is_htmx(self.request) and form is not None:
            text = " ".join(str(e) for errors in form.errors.values() for e in errors)
            day = form.cleaned_data.get("day") if hasattr(form, "cleaned_data") else None
            return _rota_grid(self.request, day or timezone.localdate(), error=text)
        return super().invalid(obj, form)


# --- members ---------------------------------------------------------------------------------


@staff_required
@require_GET
def members(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "team/members.html",
        {
            "members": selectors.member_list(),
            "form": forms.MemberForm(),
            "is_supervisor": _is_supervisor(request),
        },
    )


class MemberSave(OperationPage):
    form_class = forms.MemberForm
    roles = (roles.SUPERVISOR,)

    def perform(self, obj, data):
        return services.member_save(
            user=data["user"],
            by=self.request.user,
            group=data["group"],
            max_chats=data["max_chats"],
            active=data["active"],
        )

    def success_url(self, obj, result):
        return reverse("team:members")


# --- leave -----------------------------------------------------------------------------------


@staff_required
@require_GET
def leave(request: HttpRequest) -> HttpResponse:
    supervisor = _is_supervisor(request)
    qs = LeaveRequest.objects.select_related("user", "decided_by")
    if not supervisor:
        qs = qs.filter(user=request.user)
    return render(
        request,
        "team/leave.html",
        {"leaves": qs[:100], "form": forms.LeaveForm(), "is_supervisor": supervisor},
    )


class LeaveRequestCreate(OperationPage):
    form_class = forms.LeaveForm

    def perform(self, obj, data):
        return services.leave_request(by=self.request.user, **data)

    def success_message(self, obj, result):
        return _("请假申请已提交，等待主管审批。")

    def success_url(self, obj, result):
        return reverse("team:leave")


class LeaveDecide(OperationPage):
    form_class = forms.LeaveDecideForm
    roles = (roles.SUPERVISOR,)

    def get_object(self):
        return get_object_or_404(LeaveRequest, pk=self.kwargs["pk"])

    def perform(self, obj, data):
        return services.leave_decide(leave=obj, by=self.request.user, approve=data["approve"])

    def success_url(self, obj, result):
        return reverse("team:leave")


# --- the handover book -----------------------------------------------------------------------


@staff_required
@require_GET
def handovers(request: HttpRequest) -> HttpResponse:
    day, shift = selectors.current_shift()
    return render(
        request,
        "team/handovers.html",
        {
            "handovers": selectors.handover_list(limit=60),
            "form": forms.HandoverOpenForm(initial={"day": day, "shift": shift}),
            "is_supervisor": _is_supervisor(request),
        },
    )


class HandoverOpen(OperationPage):
    form_class = forms.HandoverOpenForm

    def perform(self, obj, data):
        return services.handover_open(day=data["day"], shift=data["shift"], by=self.request.user)

    def success_message(self, obj, result):
        return ""

    def success_url(self, obj, result):
        return reverse("team:handover", args=[result.pk]) if result else reverse("team:handovers")


@staff_required
@require_GET
def handover(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        page = selectors.handover_get(pk=pk)
    except Handover.DoesNotExist:
        raise Http404 from None
    return render(
        request,
        "team/handover.html",
        {
            "handover": page,
            "items": selectors.handover_items(handover=page),
            # the people who acknowledge: those the rota has at work now, with their presence
            "on_duty": [row for row in selectors.presence_board() if row.on_duty],
            "form": forms.HandoverSubmitForm(initial={"notes": page.notes}),
            "is_supervisor": _is_supervisor(request),
        },
    )


class HandoverSubmit(OperationPage):
    form_class = forms.HandoverSubmitForm

    def get_object(self):
        return get_object_or_404(Handover, pk=self.kwargs["pk"])

    def perform(self, obj, data):
        item_notes = {
            int(key.removeprefix("item_note_")): value
            for key, value in self.request.POST.items()
            if key.startswith("item_note_") and key.removeprefix("item_note_").isdigit()
        }
        return services.handover_submit(
            handover=obj, by=self.request.user, notes=data["notes"], item_notes=item_notes
        )

    def success_message(self, obj, result):
        return _("已交班，等待下一班确认。")

    def success_url(self, obj, result):
        return reverse("team:handover", args=[obj.pk])


class HandoverAcknowledge(OperationPage):
    def get_object(self):
        return get_object_or_404(HandoverItem, pk=self.kwargs["pk"])

    def perform(self, obj, data):
        return services.handover_item_acknowledge(item=obj, by=self.request.user)

    def success_message(self, obj, result):
        return _("已确认。")

    def success_url(self, obj, result):
        return reverse("team:handover", args=[obj.handover_id])


# --- staffing --------------------------------------------------------------------------------


@staff_required
@require_GET
def staffing(request: HttpRequest) -> HttpResponse:
    """The Erlang C calculator and the Double-11 plan beside the rota."""
    today = timezone.localdate()
    erlang_form = forms.ErlangForm(request.GET if "calls" in request.GET else None)
    erlang_result = erlang_error = None
    if erlang_form.is_bound and erlang_form.is_valid():
        data = erlang_form.cleaned_data
        try:
            erlang_result = erlang.agents_needed(
                calls=data["calls"],
                minutes=data["minutes"],
                aht=data["aht"],
                answer_within=data["answer_within"],
                service_level=data["service_level"],
            )
        except ValidationError as exc:
            erlang_error = " ".join(exc.messages)
    plan_form = forms.StaffingForm(
        request.GET if "year" in request.GET else None,
        initial={"year": today.year, "day": date(today.year, 11, 11)},
        auto_id="plan_%s",  # both forms have an "aht" field: keep the ids apart
    )
    plan = forecast = plan_error = None
    if plan_form.is_bound and plan_form.is_valid():
        data = plan_form.cleaned_data
        forecast = selectors.double11_forecast(
            year=data["year"],
            chats=selectors.VolumeHistory(
                data["october_avg"], data["last_october_avg"], data["last_double11"]
            ),
            orders=selectors.VolumeHistory(
                data["orders_october_avg"], data["orders_last_october_avg"], data["orders_last_double11"]
            ),
        )
        day = data["day"] or date(data["year"], 11, 11)
        volume = data["daily_volume"] or forecast.volume or selectors.promotion_expected_chats(day)
        if volume:
            try:
                plan = selectors.staffing_plan(day=day, daily_volume=volume, aht=data["aht"])
            except ValidationError as exc:
                plan_error = " ".join(exc.messages)
        else:
            plan_error = _(
                "没有足够的历史数据：请填写今年10月日均、去年10月日均和去年双十一咨询量（或订单量），"
                "或直接指定当日咨询量。"
            )
    return render(
        request,
        "team/staffing.html",
        {
            "erlang_form": erlang_form,
            "erlang_result": erlang_result,
            "erlang_error": erlang_error,
            "plan_form": plan_form,
            "plan": plan,
            "chart": _staffing_chart(plan) if plan else None,
            "forecast": forecast,
            "plan_error": plan_error,
            "is_supervisor": _is_supervisor(request),
        },
    )


def _staffing_chart(plan: selectors.StaffingPlan) -> dict:
    """The plan as the chart script reads it: per half hour the agents to roster, the rota's
    people and the gap (negative: short)."""
    return {
        "x": [r.label for r in plan.rows],
        "series": [
            {"name": _("需排班"), "type": "bar", "data": [r.rostered_needed for r in plan.rows]},
            {"name": _("已排班"), "type": "bar", "data": [r.on_rota for r in plan.rows]},
            {"name": _("缺口"), "type": "line", "gap": True, "data": [r.gap for r in plan.rows]},
        ],
    }


# --- promotions ------------------------------------------------------------------------------


@staff_required
@require_GET
def promotions(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "team/promotions.html",
        {
            "promotions": selectors.promotion_list(),
            "form": forms.PromotionForm(),
            "is_supervisor": _is_supervisor(request),
            "active": selectors.promotion_at(timezone.now()),
        },
    )


class PromotionCreate(OperationPage):
    form_class = forms.PromotionForm
    roles = (roles.SUPERVISOR,)

    def perform(self, obj, data):
        return services.promotion_save(by=self.request.user, **data)

    def success_url(self, obj, result):
        return reverse("team:promotions")


class PromotionDelete(OperationPage):
    roles = (roles.SUPERVISOR,)

    def get_object(self):
        return get_object_or_404(Promotion, pk=self.kwargs["pk"])

    def perform(self, obj, data):
        services.promotion_delete(promotion=obj, by=self.request.user)

    def success_message(self, obj, result):
        return _("已删除。")

    def success_url(self, obj, result):
        return reverse("team:promotions")


# --- emergency plans -------------------------------------------------------------------------


@staff_required
@require_GET
def plans(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "team/plans.html",
        {
            "plans": selectors.plan_list(),
            "runs": selectors.run_list(limit=30),
            "form": forms.EmergencyStartForm(),
            "is_supervisor": _is_supervisor(request),
        },
    )


@staff_required
@require_GET
def run(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        found = selectors.run_get(pk=pk)
    except selectors.EmergencyRun.DoesNotExist:
        raise Http404 from None
    return render(
        request,
        "team/run.html",
        {
            "run": found,
            "steps": found.step_rows.select_related("done_by"),
            "is_supervisor": _is_supervisor(request),
        },
    )


class EmergencyStart(OperationPage):
    form_class = forms.EmergencyStartForm
    roles = (roles.SUPERVISOR,)

    def get_object(self):
        return get_object_or_404(EmergencyPlan, pk=self.kwargs["pk"])

    def perform(self, obj, data):
        return services.emergency_start(plan=obj, by=self.request.user, note=data["note"])

    def success_message(self, obj, result):
        return _("应急预案已启动。")

    def success_url(self, obj, result):
        return reverse("team:run", args=[result.pk]) if result else reverse("team:plans")


class EmergencyTick(OperationPage):
    def get_object(self):
        return get_object_or_404(EmergencyStep, pk=self.kwargs["pk"])

    def perform(self, obj, data):
        return services.emergency_tick(step=obj, by=self.request.user)

    def success_message(self, obj, result):
        return ""

    def success_url(self, obj, result):
        return reverse("team:run", args=[obj.run_id])


class EmergencyFinish(OperationPage):
    roles = (roles.SUPERVISOR,)

    def get_object(self):
        return get_object_or_404(selectors.EmergencyRun, pk=self.kwargs["pk"])

    def perform(self, obj, data):
        return services.emergency_finish(run=obj, by=self.request.user)

    def success_message(self, obj, result):
        return _("应急处置已结束。")

    def success_url(self, obj, result):
        return reverse("team:run", args=[obj.pk])
