from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "kefu.customers"
    label = "customers"
    verbose_name = _("客户")

    def ready(self):
        from django.urls import reverse
        from django.utils.translation import gettext_lazy as _

        from kefu.core import activity, demo, navigation, roles, sweeps, worklist
        from kefu.customers import demo as customers_demo
        from kefu.customers import (
            rules,  # noqa: F401 - declares the customers' shop settings
            services,
        )

        navigation.register_link(_("客户"), "customers:list", order=40)
        navigation.register_link(_("客户分组"), "customers:groups", order=41, only_roles=(roles.SUPERVISOR,))
        navigation.register_link(
            _("咨询未下单"), "customers:leads", order=42, only_roles=(roles.AGENT, roles.SUPERVISOR)
        )
        navigation.register_link(_("回访"), "customers:visits", order=43)
        navigation.register_link(_("客户通知"), "customers:notices", order=44, only_roles=(roles.SUPERVISOR,))
        # after the orders and chats: the visits go to the buyers the orders made
        demo.register("客户", customers_demo.load, stage=1)
        # messages that failed are tried again with back-off
        sweeps.register("customer_notices", services.notices_deliver)
        # a visit that found a problem waits in the inbox until someone solves it
        worklist.register_source(
            "visit", label=_("回访"), url=lambda pk: reverse("customers:visit", args=[pk])
        )
        activity.register_verbs(
            {
                "customer_tags": _("修改标签"),
                "customer_merge": _("合并客户"),
                "customer_group_create": _("新建客户分组"),
                "customer_group_update": _("修改客户分组"),
                "customer_visit_plan": _("安排回访"),
                "customer_visit": _("回访"),
                "customer_notice_create": _("新建客户通知"),
                "customer_notice_send": _("发送客户通知"),
            }
        )
