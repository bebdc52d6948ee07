from django.urls import path

from kefu.customers import paper_views, views

app_name = "customers"
urlpatterns = [
    path("", views.customer_list, name="list"),
    path("new/", views.customer_new, name="new"),
    path("card/", views.buyer_card, name="card"),
    path("groups/", views.group_list, name="groups"),
    path("groups/<int:pk>/", views.group_detail, name="group"),
    path("groups/<int:pk>/export/", views.group_export, name="group_export"),
    path("leads/", views.lead_list, name="leads"),
    path("notices/", views.notice_list, name="notices"),
    path("notices/<int:pk>/", views.notice_detail, name="notice"),
    path("notices/<int:pk>/send/", views.NoticeSend.as_view(), name="notice_send"),
    path("visits/", views.visit_list, name="visits"),
    path("visits/plan/", views.VisitPlan.as_view(), name="visit_plan"),
    path("visits/<int:pk>/", views.visit_detail, name="visit"),
    path("visits/<int:pk>/record/", views.VisitRecord.as_view(), name="visit_record"),
    path("export/", views.customer_export, name="export"),
    path("satisfaction/", views.satisfaction_results, name="satisfaction"),
    path("satisfaction/survey-form/", paper_views.survey_form, name="survey_form"),
    path("satisfaction/survey-form/xlsx/", paper_views.survey_form_xlsx, name="survey_form_xlsx"),
    path("<int:pk>/tags/", views.CustomerTags.as_view(), name="tags"),
    path("<int:pk>/merge/", views.CustomerMergeView.as_view(), name="merge"),
    path("<int:pk>/", views.customer_detail, name="detail"),
    path("<int:pk>/update/", views.CustomerUpdate.as_view(), name="update"),
    path("<int:pk>/blacklist/", views.CustomerBlacklist.as_view(), name="blacklist"),
    path("<int:pk>/lift/", views.CustomerBlacklistLift.as_view(), name="lift"),
]

# the customer's side of a satisfaction survey: no account, the signed token is the key
survey_urlpatterns = [path("<str:token>/", views.survey, name="survey")]
