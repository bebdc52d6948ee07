"""The history every service writes: one row per change, readable per object."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from kefu.core.models import ActivityLog


def activity_record(
    *, target: models.Model, actor: Any, verb: str, message: str = "", data: dict | None = None
) -> ActivityLog:
    return ActivityLog.objects.create(
        content_type=ContentType.objects.get_for_model(target),
        object_id=str(target.pk),
        actor=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
        verb=verb,
        message=message,
        data=data or {},
    )


def activity_list(*, target: models.Model) -> models.QuerySet[ActivityLog]:
    return ActivityLog.objects.filter(
        content_type=ContentType.objects.get_for_model(target), object_id=str(target.pk)
    ).select_related("actor")
