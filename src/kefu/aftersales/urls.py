from django.urls import path
from django.views.generic import RedirectView

from kefu.aftersales import views

app_name = "aftersales"
urlpatterns = [
    # The inbox moved to /desk/inbox/; bookmarks of the old address still arrive there.
    path("", RedirectView.as_view(pattern_name="inbox:inbox", query_string=True), name="inbox"),
    path("cases/", views.case_list, name="cases"),
    path("cases/new/", views.case_new, name="case_new"),
    path("cases/export/", views.case_export, name="case_export"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("photos/<int:pk>/", views.case_photo, name="photo"),
    path("complaints/", views.complaint_list, name="complaints"),
    path("complaints/new/", views.complaint_new, name="complaint_new"),
    path("complaints/<int:pk>/", views.complaint_detail, name="complaint"),
    path("reviews/", views.review_list, name="reviews"),
    path("reviews/new/", views.review_new, name="review_new"),
    path("reviews/export/", views.review_export, name="review_export"),
    path("reviews/<int:pk>/", views.review_detail, name="review"),
]
