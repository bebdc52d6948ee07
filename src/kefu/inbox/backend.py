"""The inbox behind ``kefu.core.worklist``: what the apps below reach when they put work here."""

from datetime import datetime
from typing import Any

from kefu.core.types import User
from kefu.inbox.api import WorkItemOutputSerializer
from kefu.inbox.models import WorkItem
from kefu.inbox.services import name_of, work_item_done, work_item_put


class WorklistBackend:
    """What ``kefu.core.worklist`` calls; registered from ``InboxConfig.ready``."""

    def put(self, **kwargs: Any) -> None:
        work_item_put(**kwargs)

    def done(self, *, source: str, source_id: int, by: User | None, at: datetime | None) -> None:
        work_item_done(source=source, source_id=source_id, by=by, at=at)

    def owners(self, *, source: str, source_ids: list[int]) -> dict[int, str]:
        rows = WorkItem.objects.filter(source=source, source_id__in=source_ids, owner__isnull=False)
        return {item.source_id: name_of(item.owner) for item in rows.select_related("owner")}

    def infos(self, *, source: str, source_ids: list[int]) -> dict[int, dict[str, Any]]:
        items = WorkItem.objects.select_related("owner", "customer").filter(
            source=source, source_id__in=source_ids
        )
        return {item.source_id: dict(WorkItemOutputSerializer(item).data) for item in items}
