"""The team's REST API (/api/team/): the Erlang C calculator, who is on duty, the handover book."""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from kefu.core.operations import form_errors
from kefu.team import erlang, forms, selectors, services
from kefu.team.models import HandoverItem

TAG = "团队"


class ErlangOutput(serializers.Serializer):
    agents = serializers.IntegerField(help_text="达到服务水平所需的最少客服人数")
    service_level = serializers.FloatField(help_text="这些客服能达到的服务水平")
    probability_of_waiting = serializers.FloatField(help_text="客户需要等待的概率（Erlang C）")
    traffic_erlangs = serializers.FloatField()
    occupancy = serializers.FloatField()
    average_speed_of_answer = serializers.FloatField(help_text="平均应答时间（秒）")
    calls = serializers.FloatField()
    minutes = serializers.FloatField()
    aht = serializers.FloatField()
    answer_within = serializers.FloatField()
    target_service_level = serializers.FloatField()
    agents_with_shrinkage = serializers.IntegerField(required=False)


class StaffingErlangApi(APIView):
    """Agents needed for one period by Erlang C; the same figures as ``kefu staffing erlang``."""

    @extend_schema(
        tags=[TAG],
        parameters=[
            OpenApiParameter(name, type=float, required=name in ("calls", "aht"))
            for name in ("calls", "minutes", "aht", "answer_within", "service_level", "shrinkage")
        ],
        responses=ErlangOutput,
    )
    def get(self, request):
        params = {k.replace("-", "_"): v for k, v in request.query_params.items()}
        form = forms.ErlangForm(params)
        if not form.is_valid():
            raise exceptions.ValidationError(form_errors(form))
        data = form.cleaned_data
        result = erlang.agents_needed(
            calls=data["calls"],
            minutes=data["minutes"],
            aht=data["aht"],
            answer_within=data["answer_within"],
            service_level=data["service_level"],
        )
        out = result.as_dict()
        if data.get("shrinkage") is not None:
            out["shrinkage"] = data["shrinkage"]
            out["agents_with_shrinkage"] = erlang.with_shrinkage(result.agents, data["shrinkage"])
        return Response(out)


class AgentOnDutyOutput(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    group = serializers.CharField(help_text="分组：售前 / 售后 / 辅助")
    on_duty = serializers.BooleanField(help_text="按排班此刻当班")
    status = serializers.ChoiceField(choices=["online", "away", "offline"])
    open_chats = serializers.IntegerField()


class OnDutyOutput(serializers.Serializer):
    promotion = serializers.CharField(allow_null=True, help_text="进行中的大促名称")
    first_response_target_seconds = serializers.IntegerField()
    agents = AgentOnDutyOutput(many=True)


class HandoverItemOutput(serializers.Serializer):
    id = serializers.IntegerField()
    acknowledged_at = serializers.DateTimeField()


class OnDutyApi(APIView):
    """Every team member: group, on duty by the rota now, presence (online / away / offline), open chats."""

    @extend_schema(tags=[TAG], responses=OnDutyOutput)
    def get(self, request):
        now = timezone.now()
        promotion = selectors.promotion_at(now)
        return Response(
            {
                "promotion": promotion.name if promotion else None,
                "first_response_target_seconds": selectors.first_response_target_at(now),
                "agents": [
                    {
                        "id": row.user.pk,
                        "username": row.user.username,
                        "group": row.group,
                        "on_duty": row.on_duty,
                        "status": row.status,
                        "open_chats": row.open_chats,
                    }
                    for row in selectors.presence_board(now=now)
                ],
            }
        )


class HandoverItemAcknowledgeApi(APIView):
    @extend_schema(tags=[TAG], request=None, responses=HandoverItemOutput)
    def post(self, request, pk):
        item = get_object_or_404(HandoverItem, pk=pk)
        item = services.handover_item_acknowledge(item=item, by=request.user)
        return Response({"id": item.pk, "acknowledged_at": item.acknowledged_at})
