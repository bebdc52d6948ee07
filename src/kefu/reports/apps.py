from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "kefu.reports"
    label = "reports"
    verbose_name = "报表"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from kefu.core import navigation, roles, sweeps
        from kefu.reports import summary

        navigation.register_link(_("报表"), "reports:dashboard", order=90, only_roles=(roles.SUPERVISOR,))
        navigation.register_link(
            _("我的数据"), "reports:mine", order=91, only_roles=(roles.AGENT, roles.AFTERSALES)
        )
        sweeps.register("reports_summary", summary.summary_sweep)
