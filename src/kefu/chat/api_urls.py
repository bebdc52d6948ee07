from django.urls import path

from kefu.chat import api, views

app_name = "chat_api"
urlpatterns = [
    # customers (public, by token)
    path("conversations/", api.ConversationStartApi.as_view(), name="start"),
    path("conversations/current/", api.CurrentConversationApi.as_view(), name="current"),
    path("conversations/<str:token>/", api.ConversationStateApi.as_view(), name="state"),
    path("conversations/<str:token>/messages/", api.CustomerMessagesApi.as_view(), name="messages"),
    path("conversations/<str:token>/leave-message/", api.LeaveMessageApi.as_view(), name="leave_message"),
    path("conversations/<str:token>/rating/", api.RatingApi.as_view(), name="rating"),
    path("conversations/<str:token>/images/", api.CustomerImageApi.as_view(), name="images"),
    path("conversations/<str:token>/images/<int:pk>/", views.customer_image, name="image"),
    path(
        "conversations/<str:token>/images/<int:pk>/thumb/",
        views.customer_image,
        {"thumb": True},
        name="image_thumb",
    ),
    path("conversations/<str:token>/earlier/", api.CustomerEarlierApi.as_view(), name="earlier"),
    # service team
    path("staff/inbox/", api.InboxApi.as_view(), name="staff_inbox"),
    path("staff/presence/", api.PresenceApi.as_view(), name="staff_presence"),
    path("staff/phrases/", api.PhraseSuggestApi.as_view(), name="staff_phrases"),
    path("staff/suggestion-uses/", api.SuggestionUseListApi.as_view(), name="staff_suggestion_uses"),
    path("staff/conversations/", api.ConversationListApi.as_view(), name="staff_conversations"),
    path("staff/conversations/<int:pk>/", api.ConversationDetailApi.as_view(), name="staff_conversation"),
    path("staff/conversations/<int:pk>/take/", api.TakeApi.as_view(), name="staff_take"),
    path("staff/conversations/<int:pk>/messages/", api.StaffMessagesApi.as_view(), name="staff_messages"),
    path("staff/conversations/<int:pk>/close/", api.CloseApi.as_view(), name="staff_close"),
    path("staff/conversations/<int:pk>/transfer/", api.TransferApi.as_view(), name="staff_transfer"),
    path(
        "staff/conversations/<int:pk>/transfer-group/",
        api.TransferGroupApi.as_view(),
        name="staff_transfer_group",
    ),
    path("staff/conversations/<int:pk>/images/", api.StaffImageApi.as_view(), name="staff_images"),
    path("staff/conversations/<int:pk>/images/<int:message_id>/", views.staff_image, name="staff_image"),
    path(
        "staff/conversations/<int:pk>/images/<int:message_id>/thumb/",
        views.staff_image,
        {"thumb": True},
        name="staff_image_thumb",
    ),
    path("staff/conversations/<int:pk>/earlier/", api.StaffEarlierApi.as_view(), name="staff_earlier"),
    path("staff/conversations/<int:pk>/link-order/", api.LinkOrderApi.as_view(), name="staff_link_order"),
    path(
        "staff/conversations/<int:pk>/link-question/",
        api.LinkQuestionApi.as_view(),
        name="staff_link_question",
    ),
    path("staff/conversations/<int:pk>/convert/", api.ConvertApi.as_view(), name="staff_convert"),
    path("staff/conversations/<int:pk>/suggestions/", api.SuggestionsApi.as_view(), name="staff_suggestions"),
    path(
        "staff/conversations/<int:pk>/suggestions/use/",
        api.SuggestionUseApi.as_view(),
        name="staff_suggestion_use",
    ),
    path(
        "staff/conversations/<int:pk>/phrases/<int:phrase_id>/insert/",
        api.PhraseInsertApi.as_view(),
        name="staff_phrase_insert",
    ),
]
