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
    path("groups/<int:pk>/rename/", views.GroupRename.as_view(), name="group_rename"),
    path("groups/<int:pk>/up/", views.GroupMoveUp.as_view(), name="group_move_up"),
    path("groups/<int:pk>/down/", views.GroupMoveDown.as_view(), name="group_move_down"),
    path("groups/<int:pk>/delete/", views.GroupDelete.as_view(), name="group_delete"),
    path("forbidden/", views.forbidden, name="forbidden"),
    path("forbidden/<int:pk>/edit/", views.forbidden_edit, name="forbidden_edit"),
    path("forbidden/<int:pk>/delete/", views.forbidden_delete, name="forbidden_delete"),
    path("lint/", views.lint, name="lint"),
    path("autoreply/", views.autoreply, name="autoreply"),
    path("autoreply/promotion/", views.PromotionSave.as_view(), name="promotion_save"),
    path("autoreply/wait/", views.NoAnswerSecondsSave.as_view(), name="no_answer_seconds_save"),
    path("autoreply/<str:trigger>/", views.AutoReplyRuleSave.as_view(), name="autoreply_rule_save"),
]
