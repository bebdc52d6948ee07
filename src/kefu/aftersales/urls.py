from django.urls import path
from django.views.generic import RedirectView

from kefu.aftersales import paper_views, views

app_name = "aftersales"
urlpatterns = [
    # The inbox moved to /desk/inbox/; bookmarks of the old address still arrive there.
    path("", RedirectView.as_view(pattern_name="inbox:inbox", query_string=True), name="inbox"),
    path("cases/", views.case_list, name="cases"),
    path("cases/new/", views.case_new, name="case_new"),
    path("cases/export/", views.case_export, name="case_export"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("cases/<int:pk>/edit/", views.CaseUpdate.as_view(), name="case_update"),
    path("cases/<int:pk>/agree/", views.CaseAgree.as_view(), name="case_agree"),
    path("cases/<int:pk>/refuse/", views.CaseRefuse.as_view(), name="case_refuse"),
    path(
        "cases/<int:pk>/request-modified/",
        views.CaseRequestModified.as_view(),
        name="case_request_modified",
    ),
    path("cases/<int:pk>/return-shipped/", views.CaseReturnShipped.as_view(), name="case_return_shipped"),
    path("cases/<int:pk>/receive/", views.CaseReceive.as_view(), name="case_receive"),
    path("cases/<int:pk>/inspect/", views.CaseInspect.as_view(), name="case_inspect"),
    path("cases/<int:pk>/refund/", views.CaseRefund.as_view(), name="case_refund"),
    path("cases/<int:pk>/reship/", views.CaseReship.as_view(), name="case_reship"),
    path("cases/<int:pk>/resolve/", views.CaseResolve.as_view(), name="case_resolve"),
    path("cases/<int:pk>/close/", views.CaseClose.as_view(), name="case_close"),
    path("cases/<int:pk>/misdescription/", views.CaseMisdescription.as_view(), name="case_misdescription"),
    path("cases/<int:pk>/photos/", views.CasePhotoAdd.as_view(), name="case_photo_add"),
    path("photos/<int:pk>/", views.case_photo, name="photo"),
    path("complaints/", views.complaint_list, name="complaints"),
    path("complaints/new/", views.complaint_new, name="complaint_new"),
    path("complaints/record/", paper_views.complaint_record, name="complaint_record"),
    path("complaints/record/xlsx/", paper_views.complaint_record_xlsx, name="complaint_record_xlsx"),
    path("complaints/<int:pk>/", views.complaint_detail, name="complaint"),
    path("complaints/<int:pk>/xlsx/", paper_views.complaint_feedback_xlsx, name="complaint_xlsx"),
    path("complaints/<int:pk>/update/", views.ComplaintUpdate.as_view(), name="complaint_update"),
    path("complaints/<int:pk>/sign-off/", views.ComplaintSignOff.as_view(), name="complaint_sign_off"),
    path("complaints/<int:pk>/steps/", views.ComplaintStep.as_view(), name="complaint_step"),
    path("complaints/<int:pk>/close/", views.ComplaintClose.as_view(), name="complaint_close"),
    path("reviews/", views.review_list, name="reviews"),
    path("reviews/new/", views.review_new, name="review_new"),
    path("reviews/export/", views.review_export, name="review_export"),
    path("reviews/<int:pk>/", views.review_detail, name="review"),
    path("reviews/<int:pk>/postpone/", views.ReviewPostpone.as_view(), name="review_postpone"),
    path("reviews/<int:pk>/close/", views.ReviewClose.as_view(), name="review_close"),
]
