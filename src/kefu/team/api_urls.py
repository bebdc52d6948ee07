from django.urls import path

from kefu.team import api

app_name = "team_api"

urlpatterns = [
    path("staffing/erlang/", api.StaffingErlangApi.as_view(), name="staffing_erlang"),
    path("rota/set/", api.RotaSetApi.as_view(), name="rota_set"),
    path("on-duty/", api.OnDutyApi.as_view(), name="on_duty"),
    path(
        "handovers/items/<int:pk>/acknowledge/", api.HandoverItemAcknowledgeApi.as_view(), name="handover_ack"
    ),
]
