from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChatConfig(AppConfig):
    name = "kefu.chat"
    label = "chat"
    verbose_name = _("会话")

    def ready(self):
        from kefu.chat import demo as chat_demo
        from kefu.chat import panels as chat_panels
        from kefu.chat import rules  # noqa: F401 - declares the chat's shop settings
        from kefu.chat.caches import connect as caches_connect
        from kefu.chat.selectors import conversation_mine_list, waiting_count
        from kefu.chat.services import chat_no_answer_sweep, presence_away_sweep
        from kefu.core import demo, home, navigation, panels, roles, sweeps

        caches_connect()
        navigation.register_badge("chat_waiting", waiting_count)
        navigation.register_link(_("在线咨询"), "chat:console", order=1, badge="chat_waiting")
        navigation.register_link(_("会话记录"), "chat:history", order=2)
        navigation.register_link(
            _("推荐采纳"), "chat:learned", order=15, only_roles=(roles.SUPERVISOR, roles.ADMIN)
        )
        sweeps.register("chat_no_answer", chat_no_answer_sweep)
        sweeps.register("chat_presence_away", presence_away_sweep)
        demo.register("在线咨询", chat_demo.load)
        panels.register("helpcenter.page_end", chat_panels.chat_widget, name="chat.widget")
        home.register_tile(
            "chat_waiting",
            _("等待接入的咨询"),
            navigation.badge_count("chat_waiting"),
            "chat:console",
            order=1,
            urgent=True,
        )
        home.register_tile(
            "chat_mine",
            _("我正在接待"),
            lambda request: conversation_mine_list(user=request.user).count(),
            "chat:console",
            order=2,
        )
