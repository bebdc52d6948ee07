from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "kefu.customers"
    label = "customers"
    verbose_name = "客户"

    def ready(self):
        from kefu.customers import rules  # noqa: F401 - declares the blacklist threshold
