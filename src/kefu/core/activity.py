"""The history every service writes: one row per change, readable per object."""

from collections.abc import Mapping
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

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


def _field_label(row: models.Model, name: str) -> str:
    try:
        return str(row._meta.get_field(name).verbose_name)
    except Exception:  # noqa: BLE001 - a field renamed since the entry was written
        return name


def changes_since(row: models.Model, saves: int) -> str:
    """ "Changed meanwhile" in the shop's words, for an editor whose form is ``saves`` versions old:
    who, when and (for corrections) which fields, from the row's last ``saves`` history entries."""
    entries = list(activity_list(target=row).order_by("-created_at", "-id")[: max(saves, 1)])
    parts = []
    for entry in entries:
        who = (entry.actor.get_full_name() or entry.actor.username) if entry.actor else _("系统")
        changed = (entry.data or {}).get("changed") or []
        labels = "、".join(_field_label(row, name) for name in changed)
        parts.append(
            _("%(who)s %(when)s %(what)s")
            % {
                "who": who,
                "when": timezone.localtime(entry.created_at).strftime("%m-%d %H:%M"),
                "what": (_("修改了%(fields)s") % {"fields": labels}) if labels else verb_label(entry.verb),
            }
        )
    return "；".join(parts) or _("有人保存过")
