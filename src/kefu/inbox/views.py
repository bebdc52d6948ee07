"""The inbox page, the item panel other pages show, and one view per operation on an item.

Reading the inbox never writes: the apps below put their rows here when they change
(``kefu.core.worklist``), so a GET only reads."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from kefu.core import duty, roles, worklist
from kefu.core.activity import verb_label
from kefu.core.decorators import staff_required
from kefu.core.operations import OperationPage, is_htmx
from kefu.inbox import forms, selectors, services
from kefu.inbox.models import Priority, WorkItem, WorkState

PAGE_SIZE = 30

VERB_LABELS = {
    "item_take": gettext_lazy("领取"),
    "item_assign": gettext_lazy("分配"),
    "item_hand_over": gettext_lazy("转交"),
    "item_escalate": gettext_lazy("升级给主管"),
    "item_priority": gettext_lazy("修改优先级"),
    "item_note": gettext_lazy("添加内部备注"),
}


def item_url(item: WorkItem) -> str:
    """Where an inbox row leads: the page of the thing it stands for, as its app registered it."""
    source = worklist.source(item.source)
    return source.url(item.source_id) if source else reverse("inbox:inbox")


def _who(user) -> str:
    return services.name_of(user)


def _history(item: WorkItem) -> list[dict]:
    return [
        {"when": e.created_at, "who": _who(e.actor), "label": verb_label(e.verb), "message": e.message}
        for e in selectors.item_history(item=item).order_by("-created_at", "-id")[:50]
    ]


def item_context(request: HttpRequest, item: WorkItem) -> dict:
    user = request.user
    # who the rota has at work now first, marked (the team app answers through kefu.core.duty)
    at_work = duty.on_duty_ids()
    holders = duty.on_duty_first(selectors.staff_for(item=item), ids=at_work, key=lambda u: u.pk)
    team = duty.on_duty_first(
        selectors.staff_for(item=WorkItem(source=item.source)), ids=at_work, key=lambda u: u.pk
    )
    hands_back = (
        item.state == WorkState.ESCALATED
        and item.source != "review"
        and roles.has_role(user, roles.SUPERVISOR)
    )
    return {
        "item": item,
        "item_notes": item.notes.select_related("author")[:50],
        "history": _history(item),
        "assignable": holders,
        "on_duty_ids": at_work or set(),
        # A supervisor may hand an escalated matter back to any agent, with the decision as the note.
        "hand_over_to": team if hands_back else holders,
        "supervisors": [u for u in team if roles.has_role(u, roles.SUPERVISOR)],
        "can_take": item.is_open and item.owner_id is None and services.may_hold(user, item),
        "can_assign": item.is_open and roles.has_role(user, roles.SUPERVISOR),
        "can_hand_over": item.is_open
        and (item.owner_id == user.pk or roles.has_role(user, roles.SUPERVISOR)),
        # A bad review already needs a supervisor: there is no one higher to escalate it to.
        "can_escalate": item.is_open
        and item.state != WorkState.ESCALATED
        and item.required_role != roles.SUPERVISOR,
        "priorities": Priority.choices,
        "note_form": forms.NoteForm(),
        "escalate_form": forms.EscalateForm(),
    }


def item_panel(source: str):
    """The panel a source's page shows (registered with ``kefu.core.panels``)."""

    def render_panel(request: HttpRequest, obj) -> str | None:
        item = selectors.item_of_source(source=source, source_id=obj.pk)
        if item is None:
            return None
        return render_to_string(
            "inbox/partials/item_panel.html", item_context(request, item), request=request
        )

    render_panel.__qualname__ = f"item_panel.{source}"
    return render_panel


def customer_items_panel(request: HttpRequest, customer) -> str | None:
    """The customer page's list of their work items, open and done."""
    items = [{"item": i, "url": item_url(i)} for i in selectors.items_of_customer(customer=customer)[:50]]
    return render_to_string("inbox/partials/customer_items.html", {"items": items}, request=request)


# --- the inbox page -------------------------------------------------------------------------


@staff_required
@require_GET
def inbox(request):
    """Everything that waits on the team, most pressing first; filters by kind, owner, state, due."""
    form = forms.InboxFilterForm(request.GET)
    form.is_valid()
    filters = {k: form.cleaned_data.get(k) or "" for k in ("kind", "owner", "state", "due", "q")}
    now = timezone.now()
    qs = selectors.inbox_list(user=request.user, now=now, **filters)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"item": item, "url": item_url(item)} for item in page]
    params = urlencode({k: v for k, v in filters.items() if v})
    return render(
        request,
        "inbox/inbox.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "params": params,
            "counts": selectors.inbox_counts(user=request.user, now=now),
            "filters": filters,
            "now": now,
            # What the team registers most often straight from the inbox.
            "actions": [
                {"label": _("登记售后"), "url": reverse("aftersales:case_new")},
                {"label": _("登记投诉"), "url": reverse("aftersales:complaint_new")},
                {"label": _("登记中差评"), "url": reverse("aftersales:review_new")},
            ],
        },
    )


# --- one view per operation -----------------------------------------------------------------


class _ItemOperation(OperationPage):
    def get_object(self) -> WorkItem:
        return selectors.work_item_get(pk=self.kwargs["pk"])

    def success_url(self, item: WorkItem, result) -> str:
        return item_url(item)


class ItemTake(_ItemOperation):
    form_class = forms.TakeForm

    def perform(self, item, data):
        return services.work_item_take(item=item, by=self.request.user)

    def success_message(self, item, result):
        return _("已领取，现在由您负责。")

    def _row(self, item: WorkItem) -> HttpResponse:
        item = selectors.work_item_get(pk=item.pk)
        return render(
            self.request, "inbox/partials/inbox_row.html", {"row": {"item": item, "url": item_url(item)}}
        )

    def succeeded(self, item, result):
        # From the inbox list, htmx swaps the row in place.
        return self._row(item) if is_htmx(self.request) else super().succeeded(item, result)

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        if is_htmx(request) and response.status_code == 302:
            return self._row(self.get_object())  # refused (taken by someone else): show who has it
        return response


class ItemAssign(_ItemOperation):
    form_class = forms.AssignForm

    def perform(self, item, data):
        return services.work_item_assign(item=item, to=data["to"], by=self.request.user)

    def success_message(self, item, result):
        return _("已分配给 %(who)s。") % {"who": _who(result.owner)}


class ItemHandOver(_ItemOperation):
    form_class = forms.HandOverForm

    def perform(self, item, data):
        return services.work_item_hand_over(item=item, to=data["to"], by=self.request.user, note=data["note"])

    def success_message(self, item, result):
        return _("已转交给 %(who)s。") % {"who": _who(result.owner)}


class ItemEscalate(_ItemOperation):
    form_class = forms.EscalateForm

    def perform(self, item, data):
        return services.work_item_escalate(
            item=item, by=self.request.user, reason=data["reason"], to=data["to"]
        )

    def success_message(self, item, result):
        return _("已升级给主管。")


class ItemPriority(_ItemOperation):
    form_class = forms.PriorityForm

    def perform(self, item, data):
        return services.work_item_set_priority(item=item, by=self.request.user, priority=data["priority"])

    def success_message(self, item, result):
        return _("优先级已修改。")


class ItemNote(_ItemOperation):
    form_class = forms.NoteForm

    def perform(self, item, data):
        return services.work_note_add(item=item, by=self.request.user, text=data["text"])

    def success_message(self, item, result):
        return _("内部备注已添加。")
