from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "kefu.orders"
    label = "orders"
    verbose_name = "订单"
