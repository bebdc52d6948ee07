import functools

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "kefu.orders"
    label = "orders"
    verbose_name = _("订单")

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from kefu.core import demo, home, navigation, panels, roles, segments, sweeps
        from kefu.orders import (
            customer_profiles,
            lifecycle,
            rules,  # noqa: F401 - declares the orders' shop settings
            selectors,
            services,
            tasks,
        )
        from kefu.orders import demo as orders_demo
        from kefu.orders import panels as orders_panels
        from kefu.orders.importing import bulkload, queue

        queue.runner_register(tasks.order_import_task)
        sweeps.register("orders", lifecycle.orders_sweep)
        sweeps.register("orders_imports", services.orders_imports_sweep)
        sweeps.register("orders_indexes", functools.partial(bulkload.indexes_restore, unless_loading=True))
        navigation.register_badge("orders_review", lambda request: selectors.review_queue_count())
        navigation.register_badge("orders_reminders", lambda request: selectors.reminder_queue_count())
        navigation.register_link(_("订单"), "orders:list", order=20)
        navigation.register_link(
            _("订单审核"),
            "orders:review",
            order=21,
            badge="orders_review",
            only_roles=(roles.AGENT, roles.SUPERVISOR),
        )
        navigation.register_link(
            _("催付"),
            "orders:reminders",
            order=22,
            badge="orders_reminders",
            only_roles=(roles.AGENT, roles.SUPERVISOR),
        )
        home.register_tile(
            "orders_review",
            _("待审核订单"),
            navigation.badge_count("orders_review"),
            "orders:review",
            order=20,
        )
        home.register_tile(
            "orders_reminders",
            _("待催付"),
            navigation.badge_count("orders_reminders"),
            "orders:reminders",
            order=21,
        )
        demo.register("订单", orders_demo.load)
        panels.register(
            "customers.customer", orders_panels.customer_orders, order=10, name="orders.customer_orders"
        )
        panels.register(
            "customers.customer", orders_panels.customer_contacts, order=5, name="orders.customer_contacts"
        )
        panels.register("customers.card", orders_panels.card_orders, order=10, name="orders.card_orders")
        segments.register(
            "bought_in_month",
            label=_("某月购买过（年-月）"),
            nicks=customer_profiles.bought_in_month,
            help_text=_("如 2026-11"),
        )
        segments.register(
            "bought_product", label=_("购买过的宝贝（标题包含）"), nicks=customer_profiles.bought_product
        )
        segments.register(
            "bought_months_ago", label=_("几个月前购买（月数）"), nicks=customer_profiles.bought_months_ago
        )
        segments.register(
            "logistics_exception",
            label=_("物流异常（已发货未收货）"),
            nicks=customer_profiles.logistics_exception,
            for_groups=False,
        )
        segments.register(
            "received_days_ago", label=_("收货已过几天（天数）"), nicks=customer_profiles.received_days_ago
        )
