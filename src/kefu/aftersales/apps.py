from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AftersalesConfig(AppConfig):
    name = "kefu.aftersales"
    label = "aftersales"
    verbose_name = _("售后")

    def ready(self):
        from django.urls import reverse
        from django.utils.translation import gettext_lazy as _

        from kefu.aftersales import (
            customer_card,
            rules,  # noqa: F401 - declares the after-sales shop settings
        )
        from kefu.aftersales import demo as aftersales_demo
        from kefu.aftersales.sweep import aftersales_sweep
        from kefu.aftersales.views import VERB_LABELS
        from kefu.core import activity, demo, navigation, panels, roles, segments, sweeps, worklist

        sweeps.register("aftersales", aftersales_sweep)
        sweeps.register("customer_figures", customer_card.customer_figures_refresh)
        panels.register(
            "customers.card", customer_card.card_open_matters, order=20, name="aftersales.card_open"
        )
        segments.register(
            "case_closed_within", label=_("售后结案在几天内（天数）"), nicks=customer_card.case_closed_within
        )
        # the after-sales pages are the after-sales agents' and the supervisors' work
        aftersales_team = (roles.AFTERSALES, roles.SUPERVISOR)
        navigation.register_link(_("售后单"), "aftersales:cases", order=30, only_roles=aftersales_team)
        navigation.register_link(_("投诉"), "aftersales:complaints", order=31, only_roles=aftersales_team)
        navigation.register_link(_("中差评"), "aftersales:reviews", order=32, only_roles=aftersales_team)
        worklist.register_source(
            "aftersales",
            label=_("售后"),
            url=lambda pk: reverse("aftersales:case", args=[pk]),
            model="aftersales.aftersalescase",
        )
        worklist.register_source(
            "complaint",
            label=_("投诉"),
            url=lambda pk: reverse("aftersales:complaint", args=[pk]),
            model="aftersales.complaint",
        )
        worklist.register_source(
            "review",
            label=_("中差评"),
            url=lambda pk: reverse("aftersales:review", args=[pk]),
            model="aftersales.badreview",
        )
        activity.register_verbs(VERB_LABELS)
        demo.register("售后", aftersales_demo.load)
