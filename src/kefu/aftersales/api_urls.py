from django.urls import path

from kefu.aftersales import api

app_name = "aftersales_api"
urlpatterns = [
    path("cases/", api.CaseListApi.as_view(), name="cases"),
    path("cases/<int:pk>/", api.CaseDetailApi.as_view(), name="case"),
    path("cases/<int:pk>/agree/", api.CaseAgreeApi.as_view(), name="case_agree"),
    path("cases/<int:pk>/refuse/", api.CaseRefuseApi.as_view(), name="case_refuse"),
    path(
        "cases/<int:pk>/request-modified/", api.CaseRequestModifiedApi.as_view(), name="case_request_modified"
    ),
    path("cases/<int:pk>/return-shipped/", api.CaseReturnShippedApi.as_view(), name="case_return_shipped"),
    path("cases/<int:pk>/receive/", api.CaseReceiveApi.as_view(), name="case_receive"),
    path("cases/<int:pk>/inspect/", api.CaseInspectApi.as_view(), name="case_inspect"),
    path("cases/<int:pk>/refund/", api.CaseRefundApi.as_view(), name="case_refund"),
    path("cases/<int:pk>/reship/", api.CaseReshipApi.as_view(), name="case_reship"),
    path("cases/<int:pk>/resolve/", api.CaseResolveApi.as_view(), name="case_resolve"),
    path("cases/<int:pk>/close/", api.CaseCloseApi.as_view(), name="case_close"),
    path("cases/<int:pk>/misdescription/", api.CaseMisdescriptionApi.as_view(), name="case_misdescription"),
    path("cases/<int:pk>/photos/", api.CasePhotoApi.as_view(), name="case_photo"),
    path("complaints/", api.ComplaintListApi.as_view(), name="complaints"),
    path("complaints/<int:pk>/", api.ComplaintDetailApi.as_view(), name="complaint"),
    path("complaints/<int:pk>/sign-off/", api.ComplaintSignOffApi.as_view(), name="complaint_sign_off"),
    path("complaints/<int:pk>/steps/", api.ComplaintStepApi.as_view(), name="complaint_step"),
    path("complaints/<int:pk>/close/", api.ComplaintCloseApi.as_view(), name="complaint_close"),
    path("reviews/", api.ReviewListApi.as_view(), name="reviews"),
    path("reviews/<int:pk>/", api.ReviewDetailApi.as_view(), name="review"),
    path("reviews/<int:pk>/postpone/", api.ReviewPostponeApi.as_view(), name="review_postpone"),
    path("reviews/<int:pk>/close/", api.ReviewCloseApi.as_view(), name="review_close"),
]
