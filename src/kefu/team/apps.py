from django.apps import AppConfig
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TeamConfig(AppConfig):
    name = "kefu.team"
    label = "team"
    verbose_name = _("团队")

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from kefu.core import activity, demo, duty, home, navigation, promotion, routing, sweeps
        from kefu.core.roles import SUPERVISOR, has_role
        from kefu.team import demo as team_demo
        from kefu.team import (
            rules,  # noqa: F401 — declares the team's shop settings
            selectors,
            services,
            views,
        )

        routing.register_chooser(selectors.choose_agent)
        _routing_kept_fresh(selectors)
        promotion.register(selectors.PromotionProvider())
        duty.register(selectors.on_duty_now)
        sweeps.register("team", _handover_sweep(services.handover_sweep))
        activity.register_verbs(views.VERB_LABELS)
        navigation.register_badge(
            "team_handovers_open", _unacknowledged_badge(selectors, has_role, SUPERVISOR)
        )
        navigation.register_link(
            _("团队"), "team:home", order=60, badge="team_handovers_open", only_roles=(SUPERVISOR,)
        )
        home.register_tile(
            "team_handovers",
            _("待确认的交接"),
            lambda request: selectors.handovers_unacknowledged().count(),
            "team:handovers",
            order=5,
            urgent=True,
        )
        home.register_tile(
            "team_on_duty",
            _("当班客服"),
            _on_duty_count(selectors),
            "team:home",
            order=6,
        )
        navigation.register_link(_("排班"), "team:rota", order=61)
        navigation.register_link(_("交接本"), "team:handovers", order=62)
        navigation.register_link(_("人力测算"), "team:staffing", order=63, only_roles=(SUPERVISOR,))
        navigation.register_link(_("应急预案"), "team:plans", order=64, only_roles=(SUPERVISOR,))
        demo.register("团队", team_demo.load)


def _routing_kept_fresh(selectors):
    """What the chat sockets keep of the team for routing (members, rota, promotions) is emptied
    as soon as this process saves or deletes one of them."""
    from django.db.models.signals import post_delete, post_save

    from kefu.team.models import Promotion, RotaEntry, TeamMember

    for signal in (post_save, post_delete):
        for model, clear in (
            (TeamMember, selectors.routing_clear),
            (RotaEntry, selectors.routing_clear),
            (Promotion, selectors.promotions_clear),
        ):
            signal.connect(clear, sender=model, dispatch_uid=f"team-routing-{model.__name__}")


def _handover_sweep(handover_sweep):
    def sweep(*, now=None) -> dict[str, int]:
        return {"handovers_closed": handover_sweep(now=now)}

    return sweep


def _on_duty_count(selectors):
    """The front page's tile: how many the rota has at work now (hidden on a day without a rota)."""

    def count(request) -> int | None:
        ids = selectors.on_duty_now(at=timezone.now())
        return None if ids is None else len(ids)

    return count


def _unacknowledged_badge(selectors, has_role, supervisor_role):
    def count(request) -> int:
        if not has_role(request.user, supervisor_role):
            return 0
        return selectors.handovers_unacknowledged().count()

    return count
