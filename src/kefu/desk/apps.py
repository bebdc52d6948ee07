from django.apps import AppConfig


def _no_answer_sweep(*, now=None) -> dict[str, int]:
    from kefu.desk.services import chat_no_answer_sweep

    return chat_no_answer_sweep(now=now)


class DeskConfig(AppConfig):
    name = "kefu.desk"
    label = "desk"
    verbose_name = "会话"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from kefu.core import demo, navigation, roles, sweeps
        from kefu.desk import demo as desk_demo
        from kefu.desk import rules  # noqa: F401 - declares the chat's shop settings
        from kefu.desk.selectors import waiting_count

        navigation.register_badge("chat_waiting", waiting_count)
        navigation.register_link(_("在线咨询"), "desk:console", order=1, badge="chat_waiting")
        navigation.register_link(_("会话记录"), "desk:history", order=2)
        navigation.register_link(
            _("推荐采纳"), "desk:learned", order=15, only_roles=(roles.SUPERVISOR, roles.ADMIN)
        )
        sweeps.register("chat_no_answer", _no_answer_sweep)
        demo.register("在线咨询", desk_demo.load)
