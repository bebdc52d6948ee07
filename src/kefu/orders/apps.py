from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "kefu.orders"
    label = "orders"
    verbose_name = "订单"

    def ready(self):
        from kefu.core import sweeps
        from kefu.orders import (
            lifecycle,
            rules,  # noqa: F401 - declares the orders' shop settings
        )

        sweeps.register("orders", lifecycle.orders_sweep)
