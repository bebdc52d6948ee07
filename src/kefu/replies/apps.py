from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RepliesConfig(AppConfig):
    name = "kefu.replies"
    label = "replies"
    verbose_name = _("快捷短语")

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from kefu.core import demo, lint, navigation, roles
        from kefu.replies import demo as replies_demo
        from kefu.replies import rules  # noqa: F401 - declares the replies' shop settings

        navigation.register_link(_("快捷短语"), "replies:phrases", order=5)
        navigation.register_link(
            _("自动回复"), "replies:autoreply", order=6, only_roles=(roles.SUPERVISOR, roles.ADMIN)
        )
        navigation.register_link(
            _("禁用说法"), "replies:forbidden", order=7, only_roles=(roles.SUPERVISOR, roles.ADMIN)
        )
        navigation.register_link(
            _("回复检查"), "replies:lint", order=8, only_roles=(roles.SUPERVISOR, roles.ADMIN)
        )
        demo.register("快捷短语", replies_demo.load)
        lint.register_checker("replies:lint")
