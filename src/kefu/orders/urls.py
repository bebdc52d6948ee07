from django.urls import path, re_path

from kefu.orders import paper_views, views

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
    path("changes/", paper_views.change_list, name="changes"),
    path("changes/export/", paper_views.change_export, name="change_export"),
    path("changes/<int:pk>/", paper_views.change_detail, name="change"),
    path("changes/<int:pk>/xlsx/", paper_views.change_xlsx, name="change_xlsx"),
    path("changes/<int:pk>/approve/", paper_views.OrderChangeApprove.as_view(), name="change_approve"),
    path("changes/<int:pk>/refuse/", paper_views.OrderChangeRefuse.as_view(), name="change_refuse"),
    path(
        "changes/<int:pk>/warehouse-notified/",
        paper_views.OrderChangeWarehouseNotify.as_view(),
        name="change_warehouse_notify",
    ),
    path("shipping/", paper_views.shipping, name="shipping"),
    path("shipping/notices/", paper_views.ShippingNoticeCreate.as_view(), name="shipping_notice_create"),
    path("shipping/notices/<int:pk>/", paper_views.shipping_notice, name="shipping_notice"),
    path("shipping/notices/<int:pk>/xlsx/", paper_views.shipping_notice_xlsx, name="shipping_notice_xlsx"),
    re_path(N + "$", views.order_detail, name="detail"),
    re_path(N + "review-form/$", paper_views.review_form, name="review_form"),
    re_path(N + "review-form/xlsx/$", paper_views.review_form_xlsx, name="review_form_xlsx"),
    re_path(N + "changes/new/$", paper_views.change_new, name="change_new"),
    re_path(N + "changes/$", paper_views.OrderChangeRequest.as_view(), name="change_request"),
    re_path(N + "review/confirm/$", views.OrderReviewConfirm.as_view(), name="review_confirm"),
    re_path(N + "terms-changed/$", views.OrderTermsChanged.as_view(), name="terms_changed"),
    re_path(N + "remarks/$", views.OrderRemarkAdd.as_view(), name="remark_add"),
    re_path(N + "transition/$", views.OrderTransition.as_view(), name="transition"),
    re_path(N + "gifts/$", views.OrderGiftAdd.as_view(), name="gift_add"),
    re_path(N + "courier/$", views.OrderCourierChange.as_view(), name="courier_change"),
    re_path(N + "address/$", views.OrderAddressEdit.as_view(), name="address_edit"),
    re_path(N + "reminders/$", views.OrderReminderRecord.as_view(), name="reminder_record"),
]
