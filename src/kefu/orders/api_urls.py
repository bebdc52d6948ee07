from django.urls import path, re_path

from kefu.orders import api, paper_api

app_name = "orders_api"
N = r"^(?P<number>\d{1,32})/"
urlpatterns = [
    path("", api.OrderListApi.as_view(), name="orders"),
    path("review/", api.ReviewQueueApi.as_view(), name="review_queue"),
    path("review/bulk-confirm/", api.ReviewBulkConfirmApi.as_view(), name="review_bulk_confirm"),
    path("recheck/", api.RecheckListApi.as_view(), name="recheck"),
    path("reminders/", api.ReminderQueueApi.as_view(), name="reminder_queue"),
    path("scripts/", api.ScriptListApi.as_view(), name="scripts"),
    path("scripts/<int:pk>/", api.ScriptDetailApi.as_view(), name="script"),
    re_path(
        r"^scripts/(?P<pk>\d+)/render/(?P<number>\d{1,32})/$",
        api.ScriptRenderApi.as_view(),
        name="script_render",
    ),
    path("imports/", api.ImportStartApi.as_view(), name="imports"),
    path("imports/<int:pk>/", api.ImportStatusApi.as_view(), name="import"),
    path("imports/<int:pk>/resume/", api.ImportResumeApi.as_view(), name="import_resume"),
    path("changes/", paper_api.OrderChangeListApi.as_view(), name="changes"),
    path("changes/<int:pk>/", paper_api.OrderChangeDetailApi.as_view(), name="change"),
    path("changes/<int:pk>/approve/", paper_api.OrderChangeApproveApi.as_view(), name="change_approve"),
    path("changes/<int:pk>/refuse/", paper_api.OrderChangeRefuseApi.as_view(), name="change_refuse"),
    path(
        "changes/<int:pk>/warehouse-notified/",
        paper_api.OrderChangeWarehouseNotifyApi.as_view(),
        name="change_warehouse_notify",
    ),
    path("shipping/ready/", paper_api.ShippingReadyApi.as_view(), name="shipping_ready"),
    path("shipping/notices/", paper_api.ShippingNoticeListApi.as_view(), name="shipping_notices"),
    path("shipping/notices/<int:pk>/", paper_api.ShippingNoticeDetailApi.as_view(), name="shipping_notice"),
    re_path(N + "$", api.OrderDetailApi.as_view(), name="order"),
    re_path(N + "changes/$", paper_api.OrderChangeRequestApi.as_view(), name="change_request"),
    re_path(N + "transition/$", api.OrderTransitionApi.as_view(), name="transition"),
    re_path(N + "remarks/$", api.OrderRemarkApi.as_view(), name="remarks"),
    re_path(N + "flag/$", api.OrderFlagApi.as_view(), name="flag"),
    re_path(N + "terms-changed/$", api.TermsChangedApi.as_view(), name="terms_changed"),
    re_path(N + "review/confirm/$", api.ReviewConfirmApi.as_view(), name="review_confirm"),
    re_path(N + "gifts/$", api.GiftAddApi.as_view(), name="gifts"),
    re_path(N + "courier/$", api.CourierChangeApi.as_view(), name="courier"),
    re_path(N + "address/$", api.AddressEditApi.as_view(), name="address"),
    re_path(N + "reminders/$", api.ReminderRecordApi.as_view(), name="reminder_record"),
]
