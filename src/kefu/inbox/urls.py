from django.urls import path

from kefu.inbox import views

app_name = "inbox"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("items/<int:pk>/take/", views.ItemTake.as_view(), name="item_take"),
    path("items/<int:pk>/assign/", views.ItemAssign.as_view(), name="item_assign"),
    path("items/<int:pk>/hand-over/", views.ItemHandOver.as_view(), name="item_hand_over"),
    path("items/<int:pk>/escalate/", views.ItemEscalate.as_view(), name="item_escalate"),
    path("items/<int:pk>/priority/", views.ItemPriority.as_view(), name="item_priority"),
    path("items/<int:pk>/note/", views.ItemNote.as_view(), name="item_note"),
]
