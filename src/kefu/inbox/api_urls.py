from django.urls import path

from kefu.inbox import api

app_name = "inbox_api"


def _item_paths(prefix: str, names: bool) -> list:
    def name(value: str) -> dict:
        return {"name": value} if names else {}

    # The old addresses stay out of the API document: one operation, documented once.
    extra = {} if names else {"schema": None}

    return [
        path(f"{prefix}<int:pk>/", api.WorkItemDetailApi.as_view(**extra), **name("item")),
        path(f"{prefix}<int:pk>/take/", api.WorkItemTakeApi.as_view(**extra), **name("item_take")),
        path(f"{prefix}<int:pk>/assign/", api.WorkItemAssignApi.as_view(**extra), **name("item_assign")),
        path(
            f"{prefix}<int:pk>/hand-over/", api.WorkItemHandOverApi.as_view(**extra), **name("item_hand_over")
        ),
        path(
            f"{prefix}<int:pk>/escalate/", api.WorkItemEscalateApi.as_view(**extra), **name("item_escalate")
        ),
        path(
            f"{prefix}<int:pk>/priority/", api.WorkItemPriorityApi.as_view(**extra), **name("item_priority")
        ),
        path(f"{prefix}<int:pk>/notes/", api.WorkItemNoteApi.as_view(**extra), **name("item_note")),
    ]


urlpatterns = [
    path("", api.InboxListApi.as_view(), name="inbox"),
    *_item_paths("items/", names=True),
]

# The addresses before the inbox was its own app (/api/v1/aftersales/inbox/, .../items/<id>/...):
# shop scripts still call them, so they answer the same, from the same views.
legacy_urlpatterns = [
    path("inbox/", api.InboxListApi.as_view(schema=None)),
    *_item_paths("items/", names=False),
]
