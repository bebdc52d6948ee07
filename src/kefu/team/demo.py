"""The demo shop's team: the demo agents in their groups, this month's rota, one handover."""

from django.contrib.auth import get_user_model
from django.utils import timezone

from kefu.team import services
from kefu.team.models import AgentGroup, Duty

GROUPS = {"agent": AgentGroup.PRESALES, "aftersales": AgentGroup.AFTERSALES, "supervisor": AgentGroup.SUPPORT}


def load() -> str:
    User = get_user_model()
    supervisor = User.objects.filter(username="supervisor").first()
    if supervisor is None:
        return "没有主管账号，跳过"
    for username, group in GROUPS.items():
        user = User.objects.filter(username=username).first()
        if user is not None:
            services.member_save(user=user, by=supervisor, group=group)
    today = timezone.localdate()
    result = services.rota_generate(year=today.year, month=today.month, by=supervisor)
    handover = services.handover_open(day=today, shift=Duty.DAY, by=supervisor)
    return f"{result.entries} 条排班，交接本 {handover} 列出 {handover.items.count()} 项"
