"""The demo shop's inbox: what the six weeks' history finished (answered questions, settled cases,
complaints and reviews, each done by the one who handled it), and a few of today's items already
taken, so the counters and the KPI show something of each."""

from datetime import timedelta

from django.db.models import Q

from kefu.aftersales.models import AfterSalesCase, BadReview, CaseKind, Complaint
from kefu.core import demo, roles
from kefu.helpcenter.models import Question
from kefu.inbox import services
from kefu.inbox.models import Priority, WorkItem, WorkState


def load() -> str:
    staff = demo.demo_staff()
    r = demo.rng("inbox")
    have = set(WorkItem.objects.values_list("source", "source_id"))
    rows: list[WorkItem] = []

    def done(
        source,
        pk,
        *,
        title,
        owner,
        created,
        closed,
        customer_id=None,
        label="",
        role="",
        priority=Priority.NORMAL,
    ):
        if (source, pk) in have or closed is None:
            return
        rows.append(
            WorkItem(
                source=source,
                source_id=pk,
                state=WorkState.DONE,
                title=title[:200],
                customer_id=customer_id,
                customer_label=label[:120],
                owner=owner,
                required_role=role,
                priority=priority,
                due_at=created + timedelta(hours=24),
                created_at=created,
                closed_at=closed,
            )
        )

    aftersales = [staff[u] for u in demo.AFTERSALES_STAFF]
    labels = dict(CaseKind.choices)
    for case in AfterSalesCase.objects.filter(closed_at__isnull=False):
        owner = next((u for u in aftersales if u.pk in (case.refunded_by_id, case.inspected_by_id)), None)
        done(
            "aftersales",
            case.pk,
            title=f"{labels[case.kind]}：{case.item_title or case.reason}",
            owner=owner or r.choice(aftersales),
            created=case.requested_at,
            closed=case.closed_at,
            customer_id=case.customer_id,
            label=case.buyer_nick,
        )
    for complaint in Complaint.objects.filter(closed_at__isnull=False):
        done(
            "complaint",
            complaint.pk,
            title=complaint.problem,
            owner=r.choice(aftersales),
            created=complaint.received_at,
            closed=complaint.closed_at,
            customer_id=complaint.customer_id,
            label=complaint.customer_name,
            priority=Priority.HIGH,
        )
    for review in BadReview.objects.filter(closed_at__isnull=False):
        done(
            "review",
            review.pk,
            title=f"{review.get_rating_display()}：{review.text}",
            owner=staff["supervisor"],
            created=review.reviewed_at,
            closed=review.closed_at,
            customer_id=review.customer_id,
            label=review.buyer_nick,
            role=roles.SUPERVISOR,
        )
    presales = [staff[u] for u in demo.PRESALES_STAFF]
    for question in Question.objects.filter(Q(answered_at__isnull=False) | Q(status=Question.Status.CLOSED)):
        closed = question.answered_at or question.created_at + timedelta(hours=2 + r.random() * 5)
        done(
            "question",
            question.pk,
            title=question.title,
            owner=question.answered_by or r.choice(presales),
            created=question.created_at,
            closed=closed,
            label=question.name,
        )
    WorkItem.objects.bulk_create(rows, batch_size=500)

    taken = 0
    for username, source in (
        ("aftersales", "aftersales"),
        ("xiaochen", "aftersales"),
        ("supervisor", "review"),
        ("agent", "question"),
    ):
        item = WorkItem.objects.filter(source=source, owner__isnull=True, state="new").order_by("id").first()
        if item is not None:
            services.work_item_take(item=item, by=staff[username])
            taken += 1
    return f"{len(rows)} 条已完成的待办（六周），{taken} 条今天的待办已有人领取"
