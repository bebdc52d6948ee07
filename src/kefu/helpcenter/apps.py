from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HelpcenterConfig(AppConfig):
    name = "kefu.helpcenter"
    label = "helpcenter"
    verbose_name = _("帮助中心")

    def ready(self):
        from django.urls import reverse
        from django.utils.translation import gettext_lazy as _

        from kefu.core import demo, navigation, roles, sweeps, worklist
        from kefu.helpcenter import demo as helpcenter_demo
        from kefu.helpcenter import rules  # noqa: F401 - declares the help center's shop settings
        from kefu.helpcenter.selectors import question_new_count, similar_proposal_pending_count
        from kefu.helpcenter.services import search_logs_sweep

        sweeps.register("helpcenter_search_logs", search_logs_sweep)

        navigation.register_badge("new_questions", lambda request: question_new_count())
        navigation.register_link(_("客户问题"), "helpcenter:staff_questions", order=10, badge="new_questions")
        navigation.register_link(_("文章目录"), "helpcenter:staff_articles", order=11)
        navigation.register_link(
            _("提交文章"),
            "helpcenter:staff_article_add",
            order=12,
            only_roles=(roles.SUPERVISOR, roles.ADMIN),
        )
        navigation.register_link(
            _("类别管理"), "helpcenter:staff_categories", order=13, only_roles=(roles.ADMIN,)
        )
        navigation.register_link(
            _("搜索同义词"), "helpcenter:staff_synonyms", order=14, only_roles=(roles.SUPERVISOR, roles.ADMIN)
        )
        navigation.register_badge("similar_proposals", lambda request: similar_proposal_pending_count())
        navigation.register_link(
            _("相似问法建议"),
            "helpcenter:staff_similar_proposals",
            order=15,
            badge="similar_proposals",
            only_roles=(roles.SUPERVISOR, roles.ADMIN),
        )
        navigation.register_link(
            _("搜索分析"),
            "helpcenter:staff_search_stats",
            order=16,
            only_roles=(roles.SUPERVISOR, roles.ADMIN),
        )
        worklist.register_source(
            "question",
            label=_("客户问题"),
            url=lambda pk: reverse("helpcenter:staff_question", args=[pk]),
            model="helpcenter.question",
        )
        demo.register("帮助中心", helpcenter_demo.load)
