"""The replies' back-office pages (/desk/replies/…): thin views over the services and selectors."""

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kefu.core import roles
from kefu.core.decorators import staff_required
from kefu.core.forms import apply_service_errors
from kefu.core.operations import OperationPage, is_htmx
from kefu.replies import api, forms, linter, phrase_io, selectors, services
from kefu.replies.models import ForbiddenPhrase, PhraseGroup, QuickPhrase
from kefu.replies.placeholders import PLACEHOLDERS


def _is_supervisor(user) -> bool:
    return roles.has_role(user, roles.SUPERVISOR, roles.ADMIN)


# --- quick phrases --------------------------------------------------------------------------


@staff_required
def home(request):
    return redirect("replies:phrases")


@staff_required
def phrases(request):
    """All the phrases one may use, by group, with their usage counts; the most used on top."""
    scope = request.GET.get("scope", "all")
    if scope not in ("all", "team", "mine"):
        scope = "all"
    q = request.GET.get("q", "").strip()
    rows = list(selectors.phrase_list(user=request.user, scope=scope, q=q))
    # The shop's own phrases must not teach the wording the linter forbids: flag them in the list.
    rules, facts = linter.active_rules(), linter.fact_words()
    groups: dict[str, list[QuickPhrase]] = {}
    for phrase in rows:
        phrase.editable = selectors.can_edit_phrase(request.user, phrase)
        phrase.lint_hits = linter.lint(phrase.text, rules=rules, fact_words=facts)
        groups.setdefault(phrase.group.name, []).append(phrase)
    top = sorted((p for p in rows if p.use_count), key=lambda p: (-p.use_count, p.pk))[:10]
    return render(
        request,
        "replies/phrases.html",
        {
            "groups": groups,
            "count": len(rows),
            "total_uses": sum(p.use_count for p in rows),
            "never_used": sum(1 for p in rows if not p.use_count),
            "flagged": sum(1 for p in rows if p.lint_hits),
            "top": top,
            "scope": scope,
            "q": q,
            "can_team": _is_supervisor(request.user),
            "header_actions": [
                {"label": _("分组"), "url": reverse("replies:groups")},
                {"label": _("导入 / 导出"), "url": reverse("replies:phrase_import")},
                {"label": _("+ 新建短语"), "url": reverse("replies:phrase_add"), "primary": True},
            ],
        },
    )


def _phrase_form_page(request, *, phrase: QuickPhrase | None):
    can_team = _is_supervisor(request.user)
    editing = phrase is not None
    if request.method == "POST":
        form = forms.PhraseForm(request.POST, can_team=can_team, editing=editing)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if editing:
                    services.phrase_update(
                        phrase=phrase,
                        by=request.user,
                        text=data["text"],
                        group=data["group"],
                        shortcut=data["shortcut"],
                    )
                    messages.success(request, _("快捷短语已保存。"))
                else:
                    services.phrase_create(
                        text=data["text"],
                        group=data["group"],
                        shortcut=data["shortcut"],
                        team=data.get("scope") == "team",
                        by=request.user,
                    )
                    messages.success(request, _("已添加快捷短语。"))
                return redirect("replies:phrases")
            except ValidationError as exc:
                apply_service_errors(form, exc)
    elif editing:
        form = forms.PhraseForm(
            initial={"text": phrase.text, "shortcut": phrase.shortcut, "group": phrase.group.name},
            can_team=can_team,
            editing=True,
        )
    else:
        form = forms.PhraseForm(
            initial={"group": request.GET.get("group", ""), "scope": "team" if can_team else "personal"},
            can_team=can_team,
        )
    return render(
        request,
        "replies/phrase_form.html",
        {
            "form": form,
            "phrase": phrase,
            "group_names": [g.name for g in selectors.phrase_group_list()],
            "placeholders": PLACEHOLDERS,
        },
    )


@staff_required
def phrase_add(request):
    return _phrase_form_page(request, phrase=None)


@staff_required
def phrase_edit(request, pk: int):
    phrase = selectors.access_phrase(user=request.user, pk=pk)
    if not selectors.can_edit_phrase(request.user, phrase):
        raise PermissionDenied(_("团队短语只有主管或管理员可以修改。"))
    return _phrase_form_page(request, phrase=phrase)


@staff_required
@require_POST
def phrase_delete(request, pk: int):
    phrase = selectors.access_phrase(user=request.user, pk=pk)
    services.phrase_delete(phrase=phrase, by=request.user)
    messages.success(request, _("已删除快捷短语。"))
    return redirect("replies:phrases")


@staff_required
def phrase_suggest(request):
    """The ``/`` menu as an htmx partial (``?q=`` is what follows the "/"), for the chat console."""
    found = selectors.phrase_suggest(user=request.user, query=request.GET.get("q", ""))
    return render(request, "replies/partials/suggest.html", {"phrases": found, "q": request.GET.get("q", "")})


@staff_required
@require_http_methods(["GET", "POST"])
def phrase_import(request):
    can_team = _is_supervisor(request.user)
    report = None
    if request.method == "POST":
        form = forms.ImportForm(request.POST, request.FILES, can_team=can_team)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > phrase_io.MAX_BYTES:
                form.add_error("file", _("文件太大（最大 5 MB）。"))
            else:
                report = phrase_io.import_file(
                    data=upload.read(),
                    filename=upload.name,
                    by=request.user,
                    team=form.cleaned_data.get("scope") == "team",
                )
                if report.fatal:
                    form.add_error("file", report.fatal)
                    report = None
    else:
        form = forms.ImportForm(can_team=can_team)
    return render(request, "replies/import.html", {"form": form, "report": report, "can_team": can_team})


@staff_required
def phrase_export(request):
    return api.export_response(
        user=request.user,
        fmt=request.GET.get("format", "csv"),
        scope=request.GET.get("scope", "team"),
        encoding=request.GET.get("encoding", "utf-8"),
    )


def _groups_page(request, *, bound: tuple[int, forms.GroupRenameForm] | None = None) -> HttpResponse:
    """The groups; ``bound`` is a rename that came back with errors, shown again as typed (400)."""
    rows = list(selectors.phrase_group_list().annotate(phrase_count=Count("phrases")))
    errors: dict[int, str] = {}
    if bound is not None:
        group_id, form = bound
        errors[group_id] = "；".join(e for field_errors in form.errors.values() for e in field_errors)
        for row in rows:
            if row.pk == group_id:
                row.typed_name = form.data.get("name", "")
    return render(
        request,
        "replies/groups.html",
        {"rows": rows, "can_edit": _is_supervisor(request.user), "errors": errors},
        status=400 if bound is not None else 200,
    )


@staff_required
@require_GET
def groups(request):
    """Rename, reorder and delete (empty) groups; supervisors and admins only change them."""
    return _groups_page(request)


class _GroupOperation(OperationPage):
    roles = (roles.SUPERVISOR, roles.ADMIN)

    def get_object(self) -> PhraseGroup:
        return get_object_or_404(PhraseGroup, pk=self.kwargs["pk"])

    def success_url(self, group, result) -> str:
        return reverse("replies:groups")

    def success_message(self, group, result) -> str:
        return ""


class GroupRename(_GroupOperation):
    form_class = forms.GroupRenameForm

    def perform(self, group, data):
        return services.phrase_group_rename(group=group, by=self.request.user, **data)

    def success_message(self, group, result) -> str:
        return _("分组已改名。")

    def invalid(self, group, form):
        return _groups_page(self.request, bound=(group.pk, form))


class GroupMoveUp(_GroupOperation):
    offset = -1

    def perform(self, group, data):
        services.phrase_group_move(group=group, offset=self.offset, by=self.request.user)


class GroupMoveDown(GroupMoveUp):
    offset = 1


class GroupDelete(_GroupOperation):
    def perform(self, group, data):
        name = group.name
        services.phrase_group_delete(group=group, by=self.request.user)
        return name

    def success_message(self, group, name) -> str:
        return _("已删除分组“%(name)s”。") % {"name": name}


# --- forbidden phrases ----------------------------------------------------------------------


@staff_required
def forbidden(request):
    """The forbidden list: everyone reads it, supervisors and admins edit it."""
    can_edit = _is_supervisor(request.user)
    form = forms.ForbiddenForm(initial={"is_active": True, "match": "contains"})
    if request.method == "POST":
        form = forms.ForbiddenForm(request.POST)
        if form.is_valid():
            try:
                services.forbidden_phrase_create(by=request.user, **form.cleaned_data)
                messages.success(request, _("已添加禁用说法“%(p)s”。") % {"p": form.cleaned_data["phrase"]})
                return redirect("replies:forbidden")
            except ValidationError as exc:
                apply_service_errors(form, exc)
    rows = list(selectors.forbidden_phrase_list())
    return render(
        request,
        "replies/forbidden.html",
        {
            "rows": rows,
            "form": form,
            "can_edit": can_edit,
            "overrides": selectors.lint_override_list(limit=20) if can_edit else [],
            "override_total": sum(r.override_count for r in rows),
            "header_actions": [{"label": _("检查一条回复"), "url": reverse("replies:lint")}],
        },
    )


@staff_required
def forbidden_edit(request, pk: int):
    row = get_object_or_404(ForbiddenPhrase, pk=pk)
    if not _is_supervisor(request.user):
        raise PermissionDenied(_("只有主管或管理员可以修改禁用说法。"))
    if request.method == "POST":
        form = forms.ForbiddenForm(request.POST)
        if form.is_valid():
            try:
                services.forbidden_phrase_update(forbidden=row, by=request.user, **form.cleaned_data)
                messages.success(request, _("已保存。"))
                return redirect("replies:forbidden")
            except ValidationError as exc:
                apply_service_errors(form, exc)
    else:
        form = forms.ForbiddenForm(
            initial={name: getattr(row, name) for name in forms.ForbiddenForm.base_fields}
        )
    return render(request, "replies/forbidden_edit.html", {"form": form, "row": row})


@staff_required
@require_POST
def forbidden_delete(request, pk: int):
    row = get_object_or_404(ForbiddenPhrase, pk=pk)
    services.forbidden_phrase_delete(forbidden=row, by=request.user)
    messages.success(request, _("已删除禁用说法“%(p)s”。") % {"p": row.phrase})
    return redirect("replies:forbidden")


# --- the linter page ------------------------------------------------------------------------


def _marked(text: str, hits) -> list[tuple[str, object]]:
    """The text cut into (piece, hit-or-None), for the template to mark each hit (escaped as usual)."""
    out, pos = [], 0
    for hit in hits:
        if hit.start > pos:
            out.append((text[pos : hit.start], None))
        out.append((text[hit.start : hit.end], hit))
        pos = hit.end
    if pos < len(text):
        out.append((text[pos:], None))
    return out


@staff_required
def lint(request):
    """Check a reply before sending it; with htmx the result updates as the agent types."""
    data = request.POST if request.method == "POST" else request.GET
    form = forms.LintForm(data or None)
    text = customer = ""
    if form.is_bound and form.is_valid():
        text, customer = form.cleaned_data["text"], form.cleaned_data["customer_message"]
    hits = linter.lint_reply(text, customer_message=customer) if text.strip() else []
    context = {
        "form": form,
        "text": text,
        "hits": hits,
        "pieces": _marked(text, hits),
        "checked": bool(text.strip()),
        "header_actions": [{"label": _("禁用说法列表"), "url": reverse("replies:forbidden")}],
    }
    if data.get("inline") and not hits:
        return HttpResponse("")  # under a field staff are writing in: silent while all is well
    if is_htmx(request):
        return render(request, "replies/partials/lint_result.html", context)
    return render(request, "replies/lint.html", context)


# --- auto-reply -----------------------------------------------------------------------------


def _autoreply_page(request, *, bound: dict[str, django_forms.Form] | None = None) -> HttpResponse:
    """The auto-reply rules, promotion mode and the no-answer delay; agents read, supervisors edit.

    ``bound`` holds the one form that came back with errors (by its prefix), shown again as typed."""
    bound = bound or {}
    rules = selectors.autoreply_rule_list()
    promotion = selectors.promotion_get()
    rule_forms = {
        r.trigger: bound.get(r.trigger)
        or forms.AutoReplyForm(prefix=r.trigger, initial={"text": r.text, "is_enabled": r.is_enabled})
        for r in rules
    }
    promotion_form = bound.get("promo") or forms.PromotionForm(
        prefix="promo",
        initial={
            name: getattr(promotion, name)
            for name in ("is_enabled", "name", "starts_at", "ends_at", "offer", "text")
        },
    )
    seconds_form = bound.get("wait") or forms.NoAnswerForm(
        prefix="wait", initial={"seconds": selectors.autoreply_no_answer_seconds()}
    )
    previews = {
        trigger: selectors.autoreply_text(trigger=trigger, buyer=_("小王")) for trigger in selectors.TRIGGERS
    }
    sections = [(r, rule_forms[r.trigger], previews.get(r.trigger)) for r in rules]
    return render(
        request,
        "replies/autoreply.html",
        {
            "sections": sections,
            "promotion": promotion,
            "promotion_form": promotion_form,
            "promotion_preview": selectors.promotion_render(promotion, buyer=_("小王")),
            "seconds_form": seconds_form,
            "can_edit": _is_supervisor(request.user),
            "off_hours_now": selectors.autoreply_is_off_hours(),
        },
        status=400 if bound else 200,
    )


@staff_required
@require_GET
def autoreply(request):
    return _autoreply_page(request)


class _AutoReplyOperation(OperationPage):
    """One section of the auto-reply page; its form carries the section's prefix on the page."""

    roles = (roles.SUPERVISOR, roles.ADMIN)
    prefix = ""

    def get_prefix(self) -> str:
        return self.prefix

    def get_form_kwargs(self, obj):
        return {"prefix": self.get_prefix()}

    def success_url(self, obj, result) -> str:
        return reverse("replies:autoreply")

    def invalid(self, obj, form):
        return _autoreply_page(self.request, bound={self.get_prefix(): form})


class AutoReplyRuleSave(_AutoReplyOperation):
    form_class = forms.AutoReplyForm

    def get_prefix(self) -> str:
        return self.kwargs["trigger"]

    def get_object(self) -> str:
        if self.kwargs["trigger"] not in selectors.TRIGGERS:
            raise Http404
        return self.kwargs["trigger"]

    def perform(self, trigger, data):
        return services.autoreply_rule_update(trigger=trigger, by=self.request.user, **data)

    def success_message(self, trigger, result) -> str:
        return _("自动回复已保存。")


class PromotionSave(_AutoReplyOperation):
    form_class = forms.PromotionForm
    prefix = "promo"

    def perform(self, obj, data):
        return services.promotion_update(by=self.request.user, **data)

    def success_message(self, obj, result) -> str:
        return _("大促模式已保存。")


class NoAnswerSecondsSave(_AutoReplyOperation):
    form_class = forms.NoAnswerForm
    prefix = "wait"

    def perform(self, obj, data):
        return services.autoreply_no_answer_seconds_set(by=self.request.user, **data)

    def success_message(self, obj, result) -> str:
        return _("等待时间已保存。")
