"""The inbox's sweep (registered with ``kefu.core.sweeps``): the overdue marks. Two set-based
UPDATEs; running it twice changes nothing the second time."""

from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from kefu.inbox.models import OPEN_STATES, WorkItem, WorkState


def inbox_sweep(*, now: datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    open_items = WorkItem.objects.filter(state__in=OPEN_STATES)
    marked = open_items.filter(overdue=False, due_at__lt=now).update(overdue=True)
    cleared = (
        WorkItem.objects.filter(overdue=True)
        .filter(Q(due_at__isnull=True) | Q(due_at__gte=now) | Q(state=WorkState.DONE))
        .update(overdue=False)
    )
    return {"marked_overdue": marked, "overdue_cleared": cleared}
