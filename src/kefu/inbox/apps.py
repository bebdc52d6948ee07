from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InboxConfig(AppConfig):
    name = "kefu.inbox"
    label = "inbox"
    verbose_name = _("工作待办")

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from kefu.core import activity, demo, handover, home, navigation, panels, roles, sweeps, worklist
        from kefu.inbox import demo as inbox_demo
        from kefu.inbox import views
        from kefu.inbox.backend import WorklistBackend
        from kefu.inbox.handover import handover_matters
        from kefu.inbox.selectors import inbox_counts
        from kefu.inbox.sweep import inbox_sweep

        worklist.register_backend(WorklistBackend())
        sweeps.register("inbox", inbox_sweep)
        activity.register_verbs(views.VERB_LABELS)
        navigation.register_badge("inbox_waiting", _inbox_badge(inbox_counts))
        navigation.register_link(_("工作待办"), "inbox:inbox", order=1, badge="inbox_waiting")
        for slot, source in (
            ("aftersales.case", "aftersales"),
            ("aftersales.complaint", "complaint"),
            ("aftersales.review", "review"),
        ):
            panels.register(slot, views.item_panel(source), name=f"inbox.item.{source}")
        panels.register(
            "customers.customer", views.customer_items_panel, order=50, name="inbox.customer_items"
        )
        demo.register("工作待办", inbox_demo.load)
        counts = _counts_once(inbox_counts)
        home.register_tile(
            "inbox_mine",
            _("我的待办"),
            lambda r: counts(r)["mine"],
            "inbox:inbox",
            query="owner=me",
            order=10,
        )
        home.register_tile(
            "inbox_mine_overdue",
            _("我的已超时"),
            lambda r: counts(r)["mine_overdue"],
            "inbox:inbox",
            query="owner=me&due=overdue",
            order=11,
            urgent=True,
        )
        home.register_tile(
            "inbox_unassigned",
            _("待领取"),
            lambda r: counts(r)["unassigned"],
            "inbox:inbox",
            query="owner=unassigned",
            order=12,
        )
        home.register_tile(
            "inbox_supervisor",
            _("需主管处理"),
            lambda r: counts(r)["supervisor"],
            "inbox:inbox",
            query="owner=supervisor",
            order=13,
            only_roles=(roles.SUPERVISOR,),
        )
        handover.register("inbox", handover_matters)


def _inbox_badge(inbox_counts):
    def count(request) -> int:
        """Open items that are the agent's own or nobody's yet: what they could pick up now."""
        counts = inbox_counts(user=request.user)
        return counts["mine"] + counts["unassigned"]

    return count


def _counts_once(inbox_counts):
    """The inbox's counters for the front page's tiles: one query per request, however many tiles."""

    def counts(request) -> dict[str, int]:
        cached = getattr(request, "_kefu_inbox_counts", None)
        if cached is None:
            cached = request._kefu_inbox_counts = inbox_counts(user=request.user)
        return cached

    return counts
