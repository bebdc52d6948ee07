"""The history every service writes: one row per change, readable per object."""

from collections.abc import Mapping
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


_VERBS: dict[str, Any] = {}


def register_verbs(labels: Mapping[str, Any]) -> None:
    """What each app's history verbs are called on a page (``{"case_agree": _("同意")}``), so a page
    of another app can show the history of rows it does not own."""
    _VERBS.update(labels)


def verb_label(verb: str) -> str:
    return str(_VERBS.get(verb, verb))
