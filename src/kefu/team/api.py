"""The team's REST API (/api/team/): the Erlang C calculator, who is on duty, the handover book."""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from kefu.core import shopsettings
from kefu.core.operations import form_errors, form_input, form_schema
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


class RotaEntryOutput(serializers.Serializer):
    user = serializers.IntegerField(source="user_id")
    day = serializers.DateField()
    duty = serializers.CharField(help_text="day 白班 / night 晚班 / rest 休息 / leave 请假")
    edited = serializers.BooleanField(help_text="手工调整（重新生成排班时保留）")
    working_run = serializers.IntegerField(help_text="这一天前后连续上班的天数")
    days_on = serializers.IntegerField(help_text="上六休一中的“六”（店铺设置）")
    breaks_rhythm = serializers.BooleanField(help_text="连续上班超过上六休一")


class RotaSetApi(APIView):
    """Change one person's day in the rota (supervisors), as a click in the month grid does."""

    @extend_schema(tags=[TAG], request=form_schema(forms.RotaSetForm), responses=RotaEntryOutput)
    def post(self, request):
        data = form_input(forms.RotaSetForm, request)
        entry = services.rota_set(user=data["user"], day=data["day"], duty=data["duty"], by=request.user)
        run = selectors.working_run(user_id=entry.user_id, day=entry.day)
        days_on = int(shopsettings.get("team_days_on"))
        entry.working_run, entry.days_on, entry.breaks_rhythm = run, days_on, run > days_on
        return Response(RotaEntryOutput(entry).data)
