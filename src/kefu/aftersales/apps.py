from django.apps import AppConfig


class AftersalesConfig(AppConfig):
    name = "kefu.aftersales"
    label = "aftersales"
    verbose_name = "售后"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from kefu.aftersales import demo as aftersales_demo
        from kefu.aftersales import rules  # noqa: F401 - declares the after-sales shop settings
        from kefu.aftersales.sweep import aftersales_sweep
        from kefu.core import demo, navigation, sweeps

        sweeps.register("aftersales", aftersales_sweep)
        navigation.register_badge("inbox_waiting", _inbox_badge)
        navigation.register_link(_("工作待办"), "aftersales:inbox", order=1, badge="inbox_waiting")
        navigation.register_link(_("售后单"), "aftersales:cases", order=30)
        navigation.register_link(_("投诉"), "aftersales:complaints", order=31)
        navigation.register_link(_("中差评"), "aftersales:reviews", order=32)
        demo.register("售后", aftersales_demo.load)


def _inbox_badge(request) -> int:
    """Open items that are the agent's own or nobody's yet: what they could pick up now."""
    from kefu.aftersales.selectors import inbox_counts

    counts = inbox_counts(user=request.user)
    return counts["mine"] + counts["unassigned"]
