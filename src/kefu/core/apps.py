from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "kefu.core"
    label = "core"
    verbose_name = _("核心")

    def ready(self):
        from django.contrib import admin
        from django.utils.translation import gettext_lazy as _

        from kefu.core import (
            navigation,
            roles,
            rules,  # noqa: F401 - declares the shop-wide settings
        )

        navigation.register_link(
            _("店铺设置"), "core:settings", order=900, only_roles=(roles.SUPERVISOR, roles.ADMIN)
        )
        navigation.register_link(_("系统管理"), "admin:index", order=990, only_roles=(roles.ADMIN,))
        # Django's admin edits every table directly: it is the administrator's, not the team's.
        admin.site.has_permission = lambda request: (
            request.user.is_active and roles.has_role(request.user, roles.ADMIN)
        )
