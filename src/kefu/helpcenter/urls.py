from django.urls import path

from kefu.helpcenter import views

app_name = "helpcenter"
urlpatterns = [
    # public help center
    path("", views.home, name="home"),
    path("help/articles/<int:pk>/", views.article_detail, name="article"),
    path("help/articles/<int:pk>/feedback/", views.article_feedback, name="article_feedback"),
    path("help/ask/", views.ask, name="ask"),
    path("help/ask/submit/", views.ask_submit, name="ask_submit"),
    path("help/ask/suggest/", views.ask_suggest, name="ask_suggest"),
    path("help/q/<str:token>/", views.question_status, name="question_status"),
    path("help/q/<str:token>/reply/", views.question_reply, name="question_reply"),
    # back office: categories (administrators)
    path("desk/help/categories/", views.staff_categories, name="staff_categories"),
    path("desk/help/categories/add/", views.staff_category_add, name="staff_category_add"),
    path(
        "desk/help/categories/<int:pk>/rename/",
        views.StaffCategoryRename.as_view(),
        name="staff_category_rename",
    ),
    path(
        "desk/help/categories/<int:pk>/up/",
        views.StaffCategoryMoveUp.as_view(),
        name="staff_category_move_up",
    ),
    path(
        "desk/help/categories/<int:pk>/down/",
        views.StaffCategoryMoveDown.as_view(),
        name="staff_category_move_down",
    ),
    path(
        "desk/help/categories/<int:pk>/delete/",
        views.StaffCategoryDelete.as_view(),
        name="staff_category_delete",
    ),
    # back office: customer questions
    path("desk/help/questions/", views.staff_questions, name="staff_questions"),
    path("desk/help/questions/<int:pk>/", views.staff_question, name="staff_question"),
    path(
        "desk/help/questions/<int:pk>/answer/",
        views.StaffQuestionAnswer.as_view(),
        name="staff_question_answer",
    ),
    path(
        "desk/help/questions/<int:pk>/publish/",
        views.StaffQuestionPublish.as_view(),
        name="staff_question_publish",
    ),
    path(
        "desk/help/questions/<int:pk>/close/", views.StaffQuestionClose.as_view(), name="staff_question_close"
    ),
    # back office: articles
    path("desk/help/articles/", views.staff_articles, name="staff_articles"),
    path("desk/help/articles/add/", views.staff_article_add, name="staff_article_add"),
    path("desk/help/articles/<int:pk>/edit/", views.staff_article_edit, name="staff_article_edit"),
    path(
        "desk/help/articles/<int:pk>/publish/",
        views.StaffArticlePublish.as_view(),
        name="staff_article_publish",
    ),
    path(
        "desk/help/articles/<int:pk>/unpublish/",
        views.StaffArticleUnpublish.as_view(),
        name="staff_article_unpublish",
    ),
    path(
        "desk/help/articles/<int:pk>/delete/", views.StaffArticleDelete.as_view(), name="staff_article_delete"
    ),
    path("desk/help/synonyms/", views.staff_synonyms, name="staff_synonyms"),
    path("desk/help/similar/", views.staff_similar_proposals, name="staff_similar_proposals"),
    path("desk/help/searches/", views.staff_search_stats, name="staff_search_stats"),
    path(
        "desk/help/searches/similar/", views.StaffSearchGapSimilar.as_view(), name="staff_search_gap_similar"
    ),
    path(
        "desk/help/similar/<int:pk>/accept/", views.StaffSimilarAccept.as_view(), name="staff_similar_accept"
    ),
    path(
        "desk/help/similar/<int:pk>/reject/", views.StaffSimilarReject.as_view(), name="staff_similar_reject"
    ),
    path("desk/help/preview/", views.staff_preview, name="staff_preview"),
]
