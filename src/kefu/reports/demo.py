"""The demo shop's supervision: chats inspected over the six weeks (质检), a few mistakes in the error
log (差错登记), last month's rewards and penalties, and the agents' daily reports of the last two
weeks (most submitted the evening of the day), so the KPI has every part to show."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from kefu.chat.models import Conversation, ConversationStatus
from kefu.core import demo
from kefu.orders.models import Order
from kefu.reports import services
from kefu.reports.models import ErrorKind, QualityReview, WorkReport, WorkReportKind
from kefu.reports.rules import first_response_target

COMMENTS = {
    100: "回复及时，话术规范",
    75: "整体不错，注意结束语",
    50: "响应偏慢，问题未完全解决",
    25: "需要复训",
}
ERRORS = [
    (ErrorKind.REMARK, "漏看买家留言“请发顺丰”，按申通发出", Decimal("12.00")),
    (ErrorKind.ADDRESS, "地址登记错一个门牌号，包裹退回重发", Decimal("16.00")),
    (ErrorKind.PRICE, "报错活动价，按承诺退差价", Decimal("20.00")),
    (ErrorKind.PROMISE, "答应当天补寄赠品，次日才登记", Decimal("0.00")),
    (ErrorKind.WRONG_GOODS, "色号备注写错，发错口红", Decimal("35.00")),
]
NOTES = [
    "今天主要是发货和物流咨询，已全部回复。",
    "催付 3 单，挽回 1 单。",
    "整理了敏感肌推荐话术，明天分享给大家。",
]
PLANS = ["明天继续跟进待付款订单。", "跟进两单退货的仓库签收。", "提高首次响应速度。"]


def load() -> str:
    staff = demo.demo_staff()
    supervisor = staff["supervisor"]
    r = demo.rng("reports")
    now = timezone.now()
    target = first_response_target()

    # 质检: a few chats of each agent a day, inspected one to three days later
    chats = list(
        Conversation.objects.filter(
            status=ConversationStatus.CLOSED, agent__isnull=False, customer_message_count__gt=0
        ).order_by("created_at", "id")
    )
    reviews = []
    for conv in chats:
        inspected = conv.closed_at + timedelta(days=1 + r.random() * 2)
        if inspected >= now or r.random() > 0.035:
            continue
        checks = {
            "in_time": (conv.first_response_seconds or 0) <= target,
            "wording_ok": r.random() < 0.95,
            "attitude_ok": r.random() < 0.97,
            "solved": r.random() < 0.9,
        }
        score = services.quality_score(checks)
        reviews.append(
            QualityReview(
                conversation=conv,
                agent_id=conv.agent_id,
                reviewer=supervisor,
                score=score,
                comment=COMMENTS.get(score, "需要复训"),
                created_at=inspected,
                **checks,
            )
        )
    with demo.timestamps_kept(QualityReview):
        QualityReview.objects.bulk_create(reviews)

    # 差错登记 on real orders of the agents' weeks, and last month's 奖惩
    agents = [staff[u] for u in (*demo.PRESALES_STAFF, *demo.AFTERSALES_STAFF)]
    days = demo.history_days(now)
    for n, (kind, description, cost) in enumerate(ERRORS):
        day = days[3 + n * 8]
        order = Order.objects.filter(created_at__lt=demo.at(day, 0)).order_by("-created_at").first()
        services.error_record(
            agent=agents[n % len(agents)],
            by=supervisor,
            kind=kind,
            occurred_on=day,
            description=description,
            cost=cost,
            order_number=order.number if order else "",
        )
    last_month = (days[-1].replace(day=1) - timedelta(days=1)).replace(day=1)
    services.sanction_record(
        agent=staff["agent"],
        by=supervisor,
        month=last_month,
        kind="reward",
        amount=Decimal("200"),
        reason="月度好评第一",
    )
    services.sanction_record(
        agent=agents[4],
        by=supervisor,
        month=last_month,
        kind="penalty",
        amount=Decimal("50"),
        reason="发错货造成损失",
    )

    # the daily reports of the last two weeks: each agent's, for the days she served chats
    made = 0
    for author in agents:
        worked = {
            timezone.localdate(c.created_at)
            for c in chats
            if c.agent_id == author.pk
            and c.created_at >= demo.at(days[-15], 0)
            and c.created_at < demo.at(days[-1], 0)
        }
        for day in sorted(worked):
            if r.random() < 0.12:
                continue
            report = services.work_report_prepare(author=author, kind=WorkReportKind.DAY, day=day, by=author)
            services.work_report_submit(report=report, by=author, notes=r.choice(NOTES), plan=r.choice(PLANS))
            submitted = demo.at(day, 18 * 3600 + r.random() * 5400)
            WorkReport.objects.filter(pk=report.pk).update(submitted_at=submitted)
            made += 1
    last_week = days[-1] - timedelta(days=7)
    report = services.work_report_prepare(
        author=supervisor, kind=WorkReportKind.WEEK, day=last_week, by=supervisor
    )
    services.work_report_submit(
        report=report, by=supervisor, notes="上周整体平稳，物流咨询偏多。", plan="本周做双十二预热。"
    )
    return f"{len(reviews)} 条质检，{len(ERRORS)} 条差错登记，2 条奖惩，{made} 份日报和 1 份周报"
