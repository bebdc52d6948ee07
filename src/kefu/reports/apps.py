from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "kefu.reports"
    label = "reports"
    verbose_name = "报表"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from kefu.core import demo, navigation, roles
        from kefu.reports import demo as reports_demo

        navigation.register_link(_("报表"), "reports:dashboard", order=90, only_roles=(roles.SUPERVISOR,))
        navigation.register_link(
            _("我的数据"), "reports:mine", order=91, only_roles=(roles.AGENT, roles.AFTERSALES)
        )
        demo.register("报表", reports_demo.load)
