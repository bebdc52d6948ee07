"""The inbox's part of the handover book (``kefu.core.handover``): open items overdue or due within
the next few hours (questions, after-sales cases, complaints, bad reviews)."""

from datetime import datetime, timedelta

from django.utils.translation import gettext as _

from kefu.core import shopsettings, worklist
from kefu.core.handover import DUE_SOON_HOURS, Matter
from kefu.inbox.models import OPEN_STATES, WorkItem


def handover_matters(*, now: datetime, limit: int = 200) -> list[Matter]:
    hours = int(shopsettings.get(DUE_SOON_HOURS))
    out = []
    for item in WorkItem.objects.filter(
        state__in=OPEN_STATES, due_at__lt=now + timedelta(hours=hours)
    ).order_by("due_at", "id")[:limit]:
        source = worklist.source(item.source)
        label = _("已超时") if item.due_at and item.due_at < now else _("即将到期")
        out.append(
            Matter(
                kind=item.source,
                ref=f"work:{item.pk}",
                title=f"[{source.label if source else item.source}·{label}] {item.title}"[:200],
                url=source.url(item.source_id) if source else "",
                due_at=item.due_at,
            )
        )
    return out
