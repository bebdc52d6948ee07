from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "kefu.reports"
    label = "reports"
    verbose_name = _("报表")

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from kefu.core import demo, home, navigation, roles, sweeps
        from kefu.reports import demo as reports_demo
        from kefu.reports import services, summary

        navigation.register_link(_("报表"), "reports:dashboard", order=90, only_roles=(roles.SUPERVISOR,))
        navigation.register_link(
            _("我的数据"), "reports:mine", order=91, only_roles=(roles.AGENT, roles.AFTERSALES)
        )
        demo.register("报表", reports_demo.load)
        sweeps.register("reports_summary", summary.summary_sweep)
        sweeps.register("reports_daily_reports", services.work_reports_sweep)
        home.register_tile(
            "reports_daily_reports_waiting",
            _("待提交的日报"),
            _daily_reports_waiting,
            "reports:work",
            order=40,
            only_roles=(roles.AGENT, roles.AFTERSALES),
        )


def _daily_reports_waiting(request) -> int:
    from kefu.reports.models import WorkReport, WorkReportKind

    return WorkReport.objects.filter(
        author_id=request.user.pk, kind=WorkReportKind.DAY, submitted_at__isnull=True
    ).count()
