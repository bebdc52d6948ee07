from django.urls import path, re_path

from kefu.orders import views

app_name = "orders"
N = r"^(?P<number>\d{1,32})/"
urlpatterns = [
    path("", views.order_list, name="list"),
    path("review/", views.review_queue, name="review"),
    path("review/bulk-confirm/", views.ReviewBulkConfirm.as_view(), name="review_bulk_confirm"),
    path("recheck/", views.recheck, name="recheck"),
    path("reminders/", views.reminder_queue, name="reminders"),
    path("scripts/", views.scripts, name="scripts"),
    path("scripts/<int:pk>/", views.scripts, name="script_edit"),
    path("scripts/<int:pk>/delete/", views.script_delete, name="script_delete"),
    path("import/", views.import_upload, name="import"),
    path("import/<int:pk>/", views.import_status, name="import_status"),
    path("import/<int:pk>/resume/", views.ImportResume.as_view(), name="import_resume"),
    re_path(N + "$", views.order_detail, name="detail"),
    re_path(N + "review/confirm/$", views.OrderReviewConfirm.as_view(), name="review_confirm"),
    re_path(N + "terms-changed/$", views.OrderTermsChanged.as_view(), name="terms_changed"),
    re_path(N + "remarks/$", views.OrderRemarkAdd.as_view(), name="remark_add"),
    re_path(N + "transition/$", views.OrderTransition.as_view(), name="transition"),
    re_path(N + "gifts/$", views.OrderGiftAdd.as_view(), name="gift_add"),
    re_path(N + "courier/$", views.OrderCourierChange.as_view(), name="courier_change"),
    re_path(N + "address/$", views.OrderAddressEdit.as_view(), name="address_edit"),
    re_path(N + "reminders/$", views.OrderReminderRecord.as_view(), name="reminder_record"),
]
