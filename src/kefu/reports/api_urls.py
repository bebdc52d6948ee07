from django.urls import path

from kefu.reports import api

app_name = "reports_api"

urlpatterns = [
    path("sales/", api.SalesReportApi.as_view(), name="sales"),
    path("sales/agents/", api.SalesByAgentApi.as_view(), name="sales_agents"),
    path("service/", api.ServiceReportApi.as_view(), name="service"),
    path("live/", api.LiveFiguresApi.as_view(), name="live"),
    path("aftersales/", api.AftersalesBreakdownApi.as_view(), name="aftersales"),
]

urlpatterns += [
    path("kpi/", api.KpiApi.as_view(), name="kpi"),
    path("quality/", api.QualityListApi.as_view(), name="quality"),
    path("quality/<int:pk>/", api.QualityRecordApi.as_view(), name="quality_record"),
    path("errors/", api.ErrorListApi.as_view(), name="errors"),
    path("sanctions/", api.SanctionListApi.as_view(), name="sanctions"),
    path("work/", api.WorkReportOpenApi.as_view(), name="work"),
    path("work/pending/", api.WorkReportPendingApi.as_view(), name="work_pending"),
    path("work/<int:pk>/submit/", api.WorkReportSubmitApi.as_view(), name="work_submit"),
]
