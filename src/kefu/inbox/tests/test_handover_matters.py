"""The inbox's part of the handover book: open items overdue or due within the next hours."""

from datetime import timedelta

from django.utils import timezone

from kefu.core import handover
from kefu.inbox.handover import handover_matters
from kefu.inbox.models import WorkItem, WorkState


def test_overdue_and_due_soon_items_are_handed_over(db):
    now = timezone.now()
    late = WorkItem.objects.create(
        source="question", source_id=1, title="尺码问题", due_at=now - timedelta(hours=1)
    )
    soon = WorkItem.objects.create(
        source="aftersales", source_id=2, title="退货待收", due_at=now + timedelta(hours=2)
    )
    WorkItem.objects.create(
        source="aftersales", source_id=3, title="下周的事", due_at=now + timedelta(days=3)
    )
    WorkItem.objects.create(
        source="aftersales", source_id=4, title="已完成", due_at=now, state=WorkState.DONE
    )
    matters = handover_matters(now=now)
    assert [m.ref for m in matters] == [f"work:{late.pk}", f"work:{soon.pk}"]
    assert "已超时" in matters[0].title and "尺码问题" in matters[0].title
    assert "即将到期" in matters[1].title
    assert "inbox" in handover.names()
