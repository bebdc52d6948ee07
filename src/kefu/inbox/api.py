"""The inbox's REST API (/api/v1/inbox/; the old /api/v1/aftersales/inbox/ and items/ paths answer
the same): the list, one item, and one view per operation, each validating its input with the
same form as the page."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from kefu.core.api import paginate
from kefu.core.operations import form_input, form_schema
from kefu.inbox import forms, selectors, services
from kefu.inbox.models import WorkItem

TAG = "售后与待办"


class UserRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.SerializerMethodField()

    class Meta:
        ref_name = "InboxUserRef"

    def get_name(self, user) -> str:
        return user.get_full_name() or user.username


class WorkItemOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField(source="source")
    kind_display = serializers.CharField(source="source_label")
    state = serializers.CharField()
    state_display = serializers.CharField(source="get_state_display")
    title = serializers.CharField()
    customer_id = serializers.IntegerField(allow_null=True)
    customer_label = serializers.CharField()
    customer_blacklisted = serializers.SerializerMethodField()
    owner = UserRefSerializer(allow_null=True)
    required_role = serializers.CharField()
    priority = serializers.IntegerField()
    priority_display = serializers.CharField(source="get_priority_display")
    due_at = serializers.DateTimeField(allow_null=True)
    is_overdue = serializers.BooleanField()
    escalated_at = serializers.DateTimeField(allow_null=True)
    escalation_reason = serializers.CharField()
    case_id = serializers.SerializerMethodField(help_text="售后单/投诉/中差评的 id；客户问题为 question id")
    created_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)

    class Meta:
        ref_name = "WorkItem"

    def get_customer_blacklisted(self, item) -> bool:
        return bool(item.customer and item.customer.blacklisted)

    def get_case_id(self, item) -> int | None:
        return item.source_id


class WorkItemDetailSerializer(WorkItemOutputSerializer):
    notes = serializers.SerializerMethodField()
    history = serializers.SerializerMethodField()

    class Meta:
        ref_name = "WorkItemDetail"

    def get_notes(self, item) -> list[dict]:
        return [
            {"author": n.author.username if n.author else None, "text": n.text, "created_at": n.created_at}
            for n in item.notes.select_related("author")
        ]

    def get_history(self, item) -> list[dict]:
        return [
            {
                "verb": e.verb,
                "actor": e.actor.username if e.actor else None,
                "message": e.message,
                "at": e.created_at,
            }
            for e in selectors.item_history(item=item).order_by("created_at", "id")
        ]


# --- the inbox ------------------------------------------------------------------------------


class InboxListApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary="待办列表（一个收件箱：客户问题、售后、投诉、中差评）",
        operation_id="inbox_list",
        parameters=[
            OpenApiParameter("kind", str, description="question / aftersales / complaint / review …"),
            OpenApiParameter("owner", str, description="me / unassigned / supervisor / 用户 id"),
            OpenApiParameter(
                "state", str, description="open（默认）/ all / new / open / waiting / escalated / done"
            ),
            OpenApiParameter("due", str, enum=["today", "overdue"]),
            OpenApiParameter("q", str),
        ],
        responses=WorkItemOutputSerializer(many=True),
    )
    def get(self, request):
        p = request.query_params
        qs = selectors.inbox_list(
            user=request.user, **{k: p.get(k, "") for k in ("kind", "owner", "state", "due", "q")}
        )
        return paginate(request, qs, WorkItemOutputSerializer)


class WorkItemDetailApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary="待办详情（含内部备注和处理记录）",
        operation_id="inbox_item",
        responses=WorkItemDetailSerializer,
    )
    def get(self, request, pk: int):
        return Response(WorkItemDetailSerializer(selectors.work_item_get(pk=pk)).data)


def _operation(name: str, form_class, summary: str, perform):
    """One API view per operation: the page's form validates the body, the service does the work."""

    @extend_schema(
        tags=[TAG],
        summary=summary,
        operation_id=f"inbox_item_{name}",
        request=form_schema(form_class, f"WorkItem{name.title().replace('_', '')}Input"),
        responses=WorkItemDetailSerializer,
    )
    def post(self, request, pk: int):
        item = get_object_or_404(WorkItem, pk=pk)
        data = form_input(form_class, request)
        perform(item=item, by=request.user, data=data)
        return Response(WorkItemDetailSerializer(selectors.work_item_get(pk=pk)).data)

    return type(f"WorkItem{name.title().replace('_', '')}Api", (APIView,), {"post": post})


WorkItemTakeApi = _operation(
    "take",
    forms.TakeForm,
    "领取（两人同时领取时只有一人成功）",
    lambda *, item, by, data: services.work_item_take(item=item, by=by),
)
WorkItemAssignApi = _operation(
    "assign",
    forms.AssignForm,
    "分配（主管）",
    lambda *, item, by, data: services.work_item_assign(item=item, to=data["to"], by=by),
)
WorkItemHandOverApi = _operation(
    "hand_over",
    forms.HandOverForm,
    "转交",
    lambda *, item, by, data: services.work_item_hand_over(
        item=item, to=data["to"], by=by, note=data["note"]
    ),
)
WorkItemEscalateApi = _operation(
    "escalate",
    forms.EscalateForm,
    "升级给主管",
    lambda *, item, by, data: services.work_item_escalate(
        item=item, by=by, reason=data["reason"], to=data["to"]
    ),
)
WorkItemPriorityApi = _operation(
    "priority",
    forms.PriorityForm,
    "修改优先级",
    lambda *, item, by, data: services.work_item_set_priority(item=item, by=by, priority=data["priority"]),
)
WorkItemNoteApi = _operation(
    "note",
    forms.NoteForm,
    "添加内部备注",
    lambda *, item, by, data: services.work_note_add(item=item, by=by, text=data["text"]),
)
