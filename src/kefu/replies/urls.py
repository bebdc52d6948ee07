from django.urls import path

from kefu.replies import views

app_name = "replies"
urlpatterns = [
    path("", views.home, name="home"),
    path("phrases/", views.phrases, name="phrases"),
    path("phrases/add/", views.phrase_add, name="phrase_add"),
    path("phrases/suggest/", views.phrase_suggest, name="phrase_suggest"),
    path("phrases/import/", views.phrase_import, name="phrase_import"),
    path("phrases/export/", views.phrase_export, name="phrase_export"),
    path("phrases/<int:pk>/edit/", views.phrase_edit, name="phrase_edit"),
    path("phrases/<int:pk>/delete/", views.phrase_delete, name="phrase_delete"),
    path("groups/", views.groups, name="groups"),
    path("forbidden/", views.forbidden, name="forbidden"),
    path("forbidden/<int:pk>/edit/", views.forbidden_edit, name="forbidden_edit"),
    path("forbidden/<int:pk>/delete/", views.forbidden_delete, name="forbidden_delete"),
    path("lint/", views.lint, name="lint"),
    path("autoreply/", views.autoreply, name="autoreply"),
]
