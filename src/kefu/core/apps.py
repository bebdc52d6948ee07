from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kefu.core"
    label = "core"
    verbose_name = "核心"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from kefu.core import (
            navigation,
            roles,
            rules,  # noqa: F401 - declares the shop-wide settings
        )

        navigation.register_link(
            _("店铺设置"), "core:settings", order=900, only_roles=(roles.SUPERVISOR, roles.ADMIN)
        )
