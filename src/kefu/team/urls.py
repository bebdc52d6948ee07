from django.urls import path

from kefu.team import views

app_name = "team"

urlpatterns = [
    path("", views.home, name="home"),
    path("rota/", views.rota, name="rota"),
    path("rota/export.xlsx", views.rota_xlsx, name="rota_xlsx"),
    path("rota/generate/", views.RotaGenerate.as_view(), name="rota_generate"),
    path("rota/cell/", views.rota_cell, name="rota_cell"),
    path("rota/set/", views.RotaSet.as_view(), name="rota_set"),
    path("members/", views.members, name="members"),
    path("members/save/", views.MemberSave.as_view(), name="member_save"),
    path("leave/", views.leave, name="leave"),
    path("leave/request/", views.LeaveRequestCreate.as_view(), name="leave_request"),
    path("leave/<int:pk>/decide/", views.LeaveDecide.as_view(), name="leave_decide"),
    path("handovers/", views.handovers, name="handovers"),
    path("handovers/open/", views.HandoverOpen.as_view(), name="handover_open"),
    path("handovers/<int:pk>/", views.handover, name="handover"),
    path("handovers/<int:pk>/submit/", views.HandoverSubmit.as_view(), name="handover_submit"),
    path("handovers/items/<int:pk>/acknowledge/", views.HandoverAcknowledge.as_view(), name="handover_ack"),
    path("staffing/", views.staffing, name="staffing"),
    path("promotions/", views.promotions, name="promotions"),
    path("promotions/create/", views.PromotionCreate.as_view(), name="promotion_create"),
    path("promotions/<int:pk>/delete/", views.PromotionDelete.as_view(), name="promotion_delete"),
    path("plans/", views.plans, name="plans"),
    path("plans/<int:pk>/start/", views.EmergencyStart.as_view(), name="emergency_start"),
    path("plans/runs/<int:pk>/", views.run, name="run"),
    path("plans/runs/<int:pk>/finish/", views.EmergencyFinish.as_view(), name="emergency_finish"),
    path("plans/steps/<int:pk>/tick/", views.EmergencyTick.as_view(), name="emergency_tick"),
]
