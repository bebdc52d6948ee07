from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "kefu.reports"
    label = "reports"
    verbose_name = _("报表")

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from kefu.core import navigation, roles

        navigation.register_link(_("报表"), "reports:dashboard", order=90, only_roles=(roles.SUPERVISOR,))
        navigation.register_link(
            _("我的数据"), "reports:mine", order=91, only_roles=(roles.AGENT, roles.AFTERSALES)
        )
