"""The chat's content types take the app's new name: ``desk.conversation`` becomes ``chat.conversation``.

The row is renamed in place, so everything that points at it by id keeps pointing at the same kind
of thing: the permissions given to groups and people, the admin's history and the history every
service writes (``core.ActivityLog``). Should a ``chat`` row already exist next to the old one (the
new code ran for a moment before the migration), what pointed at the old row moves to the new one
and the old row goes.
"""

from django.db import migrations

MODELS = ["agentpresence", "conversation", "message", "suggestionuse"]


def _relabel(apps, old_label: str, new_label: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    for model in MODELS:
        old = ContentType.objects.filter(app_label=old_label, model=model).first()
        if old is None:
            continue
        new = ContentType.objects.filter(app_label=new_label, model=model).first()
        if new is None:
            old.app_label = new_label
            old.save(update_fields=["app_label"])
            continue
        _move_permissions(Permission, old, new)
        for related in _pointing_at_content_types(apps):
            related.objects.filter(content_type=old).update(content_type=new)
        old.delete()


def _move_permissions(Permission, old, new) -> None:
    """Groups and people keep what they were allowed, on the permission of the new row."""
    Group = Permission.group_set.rel.related_model
    User = Permission.user_set.rel.related_model
    for permission in Permission.objects.filter(content_type=old):
        same = Permission.objects.filter(content_type=new, codename=permission.codename).first()
        if same is None:
            permission.content_type = new
            permission.save(update_fields=["content_type"])
            continue
        for group in Group.objects.filter(permissions=permission):
            group.permissions.add(same)
        for user in User.objects.filter(user_permissions=permission):
            user.user_permissions.add(same)
        permission.delete()


def _pointing_at_content_types(apps):
    """Every model (other than permissions) with a ``content_type`` foreign key: the history
    tables of core and the admin, and whatever app adds one later."""
    for model in apps.get_models():
        if model._meta.label_lower == "auth.permission":
            continue
        field = next((f for f in model._meta.concrete_fields if f.name == "content_type"), None)
        if (
            field is not None
            and field.is_relation
            and field.related_model._meta.label_lower == "contenttypes.contenttype"
        ):
            yield model


def forwards(apps, schema_editor):
    _relabel(apps, "desk", "chat")


def backwards(apps, schema_editor):
    _relabel(apps, "chat", "desk")


class Migration(migrations.Migration):
    dependencies = [
        ("chat", "0002_rename_tables"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("core", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
