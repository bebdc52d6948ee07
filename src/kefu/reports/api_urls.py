from django.urls import path

from kefu.reports import api

app_name = "reports_api"

urlpatterns = [
    path("sales/", api.SalesReportApi.as_view(), name="sales"),
    path("sales/agents/", api.SalesByAgentApi.as_view(), name="sales_agents"),
    path("service/", api.ServiceReportApi.as_view(), name="service"),
    path("live/", api.LiveFiguresApi.as_view(), name="live"),
]
