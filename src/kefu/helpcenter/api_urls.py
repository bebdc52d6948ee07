from django.urls import path

from kefu.helpcenter import api

app_name = "helpcenter_api"
urlpatterns = [
    # public
    path("categories/", api.CategoryListApi.as_view(), name="categories"),
    path("categories/reorder/", api.CategoryReorderApi.as_view(), name="category_reorder"),
    path("categories/<int:pk>/", api.CategoryDetailApi.as_view(), name="category"),
    path("articles/", api.ArticleListApi.as_view(), name="articles"),
    path("articles/<int:pk>/", api.ArticleDetailApi.as_view(), name="article"),
    path("articles/<int:pk>/feedback/", api.ArticleFeedbackApi.as_view(), name="article_feedback"),
    path("questions/", api.QuestionSubmitApi.as_view(), name="question_submit"),
    path("questions/<str:token>/", api.QuestionStatusApi.as_view(), name="question_status"),
    path("questions/<str:token>/replies/", api.QuestionReplyApi.as_view(), name="question_reply"),
    # service team
    path("staff/questions/", api.StaffQuestionListApi.as_view(), name="staff_questions"),
    path("staff/questions/<int:pk>/", api.StaffQuestionDetailApi.as_view(), name="staff_question"),
    path(
        "staff/questions/<int:pk>/answer/", api.StaffQuestionAnswerApi.as_view(), name="staff_question_answer"
    ),
    path(
        "staff/questions/<int:pk>/publish/",
        api.StaffQuestionPublishApi.as_view(),
        name="staff_question_publish",
    ),
    path("staff/questions/<int:pk>/close/", api.StaffQuestionCloseApi.as_view(), name="staff_question_close"),
    path("staff/articles/", api.StaffArticleListApi.as_view(), name="staff_articles"),
    path("staff/articles/<int:pk>/", api.StaffArticleDetailApi.as_view(), name="staff_article"),
    path(
        "staff/articles/<int:pk>/publish/", api.StaffArticlePublishApi.as_view(), name="staff_article_publish"
    ),
    path(
        "staff/articles/<int:pk>/unpublish/",
        api.StaffArticleUnpublishApi.as_view(),
        name="staff_article_unpublish",
    ),
    path("staff/synonyms/", api.SynonymsApi.as_view(), name="staff_synonyms"),
    path("staff/search-analytics/", api.SearchAnalyticsApi.as_view(), name="staff_search_analytics"),
    path(
        "staff/search-analytics/similar/", api.SearchGapSimilarApi.as_view(), name="staff_search_gap_similar"
    ),
    path("staff/similar-proposals/", api.SimilarProposalListApi.as_view(), name="staff_similar_proposals"),
    path(
        "staff/similar-proposals/<int:pk>/accept/",
        api.SimilarProposalAcceptApi.as_view(),
        name="staff_similar_accept",
    ),
    path(
        "staff/similar-proposals/<int:pk>/reject/",
        api.SimilarProposalRejectApi.as_view(),
        name="staff_similar_reject",
    ),
]
