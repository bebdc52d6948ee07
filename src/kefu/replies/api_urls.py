from django.urls import path

from kefu.replies import api

app_name = "replies_api"
urlpatterns = [
    path("phrases/", api.PhraseListApi.as_view(), name="phrases"),
    path("phrases/search/", api.PhraseSearchApi.as_view(), name="phrase_search"),
    path("phrases/import/", api.PhraseImportApi.as_view(), name="phrase_import"),
    path("phrases/export/", api.PhraseExportApi.as_view(), name="phrase_export"),
    path("phrases/<int:pk>/", api.PhraseDetailApi.as_view(), name="phrase"),
    path("phrases/<int:pk>/render/", api.PhraseRenderApi.as_view(), name="phrase_render"),
    path("phrases/<int:pk>/use/", api.PhraseUseApi.as_view(), name="phrase_use"),
    path("groups/", api.PhraseGroupListApi.as_view(), name="groups"),
    path("groups/<int:pk>/", api.PhraseGroupDetailApi.as_view(), name="group"),
    path("lint/", api.LintApi.as_view(), name="lint"),
    path("lint/override/", api.LintOverrideApi.as_view(), name="lint_override"),
    path("forbidden/", api.ForbiddenListApi.as_view(), name="forbidden"),
    path("forbidden/<int:pk>/", api.ForbiddenDetailApi.as_view(), name="forbidden_detail"),
    path("autoreplies/", api.AutoReplyListApi.as_view(), name="autoreplies"),
    path("autoreplies/preview/", api.AutoReplyPreviewApi.as_view(), name="autoreply_preview"),
    path("autoreplies/promotion/", api.PromotionApi.as_view(), name="promotion"),
    path("autoreplies/no-answer-seconds/", api.NoAnswerSecondsApi.as_view(), name="no_answer_seconds"),
    path("autoreplies/<str:trigger>/", api.AutoReplyDetailApi.as_view(), name="autoreply"),
]
