from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "kefu.orders"
    label = "orders"
    verbose_name = "订单"

    def ready(self):
        from kefu.orders import rules  # noqa: F401 - declares the orders' shop settings
