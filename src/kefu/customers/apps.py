from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "kefu.customers"
    label = "customers"
    verbose_name = "客户"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from kefu.core import navigation
        from kefu.customers import rules  # noqa: F401 - declares the blacklist threshold

        navigation.register_link(_("客户"), "customers:list", order=40)
