"""The demo shop's team: the demo agents in their groups, the rota of last month and this one, the
handover book of the last week (handed over and acknowledged) and today's page, one leave request
waiting, and the promotions (Double-11 behind, Double-12 ahead) the forecast and targets know."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from kefu.core import demo
from kefu.team import services
from kefu.team.models import AgentGroup, Duty, Handover, HandoverItem, Promotion

GROUPS = {
    "agent": AgentGroup.PRESALES,
    "xiaoxue": AgentGroup.PRESALES,
    "xiaozhou": AgentGroup.PRESALES,
    "aftersales": AgentGroup.AFTERSALES,
    "xiaochen": AgentGroup.AFTERSALES,
    "supervisor": AgentGroup.SUPPORT,
}
NOTES = [
    "今天咨询量正常，物流问题较多，已统一回复。",
    "两单地址待买家确认，已备注红旗。",
    "口红 02 色号库存紧张，推荐时请先看库存。",
    "申通网点今天延迟揽收，已和仓库确认明早补发。",
    "一位买家反映面霜过敏，已转售后跟进。",
]
MATTERS = [
    ("order", "订单地址待买家确认"),
    ("aftersales", "退货包裹待仓库签收"),
    ("chat", "答应买家下班前回复赠品补寄单号"),
]


def _local(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _promotion(by, name: str, start: datetime, end: datetime, **fields) -> None:
    if not Promotion.objects.filter(starts_at__lt=end, ends_at__gt=start).exists():
        services.promotion_save(by=by, name=name, starts_at=start, ends_at=end, **fields)


def load() -> str:
    staff = demo.demo_staff()
    supervisor = staff["supervisor"]
    for username, group in GROUPS.items():
        services.member_save(user=staff[username], by=supervisor, group=group)
    r = demo.rng("team")
    now = timezone.now()
    today = timezone.localdate(now)
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    services.rota_generate(year=last_month.year, month=last_month.month, by=supervisor)
    result = services.rota_generate(year=today.year, month=today.month, by=supervisor)

    # the promotions of the demo's season: Double-11 behind (its targets held during it), Double-12 ahead
    for year in (today.year - 1, today.year):
        eleven = date(year, 11, 11)
        _promotion(
            supervisor,
            f"{year} 双十一",
            _local(eleven - timedelta(days=1), 20),
            _local(eleven + timedelta(days=1), 2),
            first_response_seconds=30,
            auto_reply="亲，双十一活动进行中，全场满 199 减 30，咨询较多请稍候~",
            expected_chats=180,
        )
    twelve = date(today.year, 12, 12)
    if twelve >= today:
        _promotion(
            supervisor,
            f"{today.year} 双十二",
            _local(twelve, 0),
            _local(twelve + timedelta(days=1), 0),
            auto_reply="亲，双十二全场满 199 减 20，下单前记得领券哦~",
            expected_chats=150,
        )

    # the handover book of the last week: every shift handed over and taken over
    writers = [staff[u] for u in demo.PRESALES_STAFF]
    pages = 0
    for back in range(7, 0, -1):
        day = today - timedelta(days=back)
        for shift, hour in ((Duty.DAY, 18), (Duty.NIGHT, 23)):
            if Handover.objects.filter(day=day, shift=shift).exists():
                continue
            submitted = _local(day, hour, r.randint(0, 25))
            writer = r.choice(writers)
            handover = Handover.objects.create(
                day=day,
                shift=shift,
                notes=r.choice(NOTES),
                written_by=writer,
                created_at=submitted - timedelta(minutes=20),
                submitted_at=submitted,
                acknowledged_at=submitted + timedelta(minutes=10 + r.randint(0, 30)),
            )
            HandoverItem.objects.bulk_create(
                [
                    HandoverItem(
                        handover=handover,
                        kind=kind,
                        ref=f"{kind}:demo-{day:%m%d}-{shift}-{n}",
                        title=title,
                        due_at=submitted + timedelta(hours=12),
                        acknowledged_by=r.choice([w for w in writers if w.pk != writer.pk]),
                        acknowledged_at=handover.acknowledged_at,
                    )
                    for n, (kind, title) in enumerate(r.sample(MATTERS, r.randint(0, 2)))
                ]
            )
            pages += 1
    handover = services.handover_open(day=today, shift=Duty.DAY, by=supervisor)
    if not staff["xiaoxue"].leave_requests.exists():
        services.leave_request(
            by=staff["xiaoxue"],
            start=today + timedelta(days=9),
            end=today + timedelta(days=10),
            reason="家里有事",
        )
    return (
        f"{result.entries} 条本月排班（上月也已排好），{pages} 页已交接的交接本，"
        f"今天的交接本 {handover} 列出 {handover.items.count()} 项，1 条待审批请假"
    )
