from django.urls import path, re_path

from kefu.orders import views

app_name = "orders"
urlpatterns = [
    path("", views.order_list, name="list"),
    path("review/", views.review_queue, name="review"),
    path("recheck/", views.recheck, name="recheck"),
    path("reminders/", views.reminder_queue, name="reminders"),
    path("scripts/", views.scripts, name="scripts"),
    path("scripts/<int:pk>/", views.scripts, name="script_edit"),
    path("scripts/<int:pk>/delete/", views.script_delete, name="script_delete"),
    path("import/", views.import_upload, name="import"),
    path("import/<int:pk>/", views.import_status, name="import_status"),
    re_path(r"^(?P<number>\d{1,32})/$", views.order_detail, name="detail"),
]
