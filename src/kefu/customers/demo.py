"""The demo shop's customer care: two saved groups, the return visits (回访) of the last weeks with
what the customers said, and their ratings of the visits.

It runs after the orders and chats are loaded (a later stage): the visits go to buyers whose
profiles the orders built.
"""

from datetime import timedelta

from django.utils import timezone

from kefu.core import demo
from kefu.customers import services
from kefu.customers.models import Customer, ReturnVisit, Satisfaction, VisitOutcome

PLAN = "收货后回访"
NOTES = {
    VisitOutcome.SATISFIED: "买家说用着不错，会回购",
    VisitOutcome.UNSATISFIED: "买家觉得保湿效果一般",
    VisitOutcome.SUGGESTION: "建议出大容量装",
    VisitOutcome.PROBLEM: "面霜用了有点刺痛，需售后跟进",
    VisitOutcome.UNREACHED: "电话未接，旺旺留言",
}
OUTCOMES = [
    (VisitOutcome.SATISFIED, 62),
    (VisitOutcome.UNSATISFIED, 6),
    (VisitOutcome.SUGGESTION, 12),
    (VisitOutcome.UNREACHED, 20),
]
SCORES = {
    VisitOutcome.SATISFIED: [5, 5, 5, 4],
    VisitOutcome.UNSATISFIED: [2, 3],
    VisitOutcome.SUGGESTION: [4, 4, 5],
}


def load() -> str:
    staff = demo.demo_staff()
    supervisor = staff["supervisor"]
    agents = [staff[u] for u in demo.PRESALES_STAFF]
    r = demo.rng("customers")
    now = timezone.now()
    services.group_save(
        by=supervisor,
        name="高价值老客户",
        kind="filter",
        filters={"returning": True, "min_paid_amount": "300"},
    )
    services.group_save(
        by=supervisor, name="流失客户（30 天未购买）", kind="filter", filters={"lost_days": 30}
    )

    visits, ratings = [], []
    buyers = Customer.objects.filter(
        last_paid_at__gte=now - timedelta(days=36), last_paid_at__lt=now - timedelta(days=8)
    ).order_by("id")
    for customer in buyers:
        if r.random() > 0.35:
            continue
        due = customer.last_paid_at + timedelta(days=7)
        done_at = timezone.localtime(due + timedelta(days=r.random() * 3))
        done_at = done_at.replace(hour=r.randint(10, 19), minute=r.randint(0, 59))
        if done_at >= now - timedelta(days=2) or r.random() < 0.15:
            visits.append(
                ReturnVisit(
                    customer=customer, plan=PLAN, reason="收货满 7 天", agent=r.choice(agents), created_at=due
                )
            )
            continue
        outcome = r.choices([o for o, _w in OUTCOMES], weights=[w for _o, w in OUTCOMES])[0]
        agent = r.choice(agents)
        visits.append(
            ReturnVisit(
                customer=customer,
                plan=PLAN,
                reason="收货满 7 天",
                state=ReturnVisit.DONE,
                outcome=outcome,
                note=NOTES[outcome],
                agent=agent,
                created_at=due,
                done_at=done_at,
            )
        )
        if outcome in SCORES and r.random() < 0.7:
            ratings.append((customer, agent, r.choice(SCORES[outcome]), done_at + timedelta(minutes=5)))
    with demo.timestamps_kept(ReturnVisit, Satisfaction):
        ReturnVisit.objects.bulk_create(visits, batch_size=500)
        ids = dict(ReturnVisit.objects.filter(plan=PLAN).values_list("customer_id", "id"))
        Satisfaction.objects.bulk_create(
            [
                Satisfaction(kind="visit", source_id=ids[c.pk], agent=a, customer=c, score=s, created_at=at)
                for c, a, s, at in ratings
            ]
        )
    done = sum(1 for v in visits if v.state == ReturnVisit.DONE)
    return f"2 个客户分组，{len(visits)} 次回访（{done} 次已回访），{len(ratings)} 个回访评价"
