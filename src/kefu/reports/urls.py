from django.urls import path

from kefu.reports import supervision_views, views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("live/", views.live, name="live"),
    path("mine/", views.mine, name="mine"),
    path("export/<slug:report>.<slug:fmt>", views.export, name="export"),
    path("kpi/", supervision_views.kpi, name="kpi"),
    path("quality/", supervision_views.quality, name="quality"),
    path("quality/<int:pk>/", supervision_views.quality_chat, name="quality_chat"),
    path("quality/<int:pk>/record/", supervision_views.QualityReviewRecord.as_view(), name="quality_record"),
    path("errors/", supervision_views.errors, name="errors"),
    path("errors/record/", supervision_views.ErrorRecord.as_view(), name="error_record"),
    path("sanctions/record/", supervision_views.SanctionRecord.as_view(), name="sanction_record"),
    path("work/", supervision_views.work, name="work"),
    path("work/<int:pk>/", supervision_views.work_detail, name="work_detail"),
    path("work/<int:pk>/submit/", supervision_views.WorkReportSubmit.as_view(), name="work_submit"),
]
