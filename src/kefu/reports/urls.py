from django.urls import path

from kefu.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("live/", views.live, name="live"),
    path("mine/", views.mine, name="mine"),
    path("export/<slug:report>.<slug:fmt>", views.export, name="export"),
]
