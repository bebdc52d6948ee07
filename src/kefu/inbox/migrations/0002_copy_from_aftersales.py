"""Copy the work items and notes from their old after-sales tables, keeping their ids (links and
bookmarks to /items/<id>/ stay right), and name each item's source from the old one-to-one links.
Their history moves with them. Runs before aftersales 0004 drops the old tables."""

from django.core.management.color import no_style
from django.db import migrations

KIND_TO_SOURCE = {"question": "question", "aftersales": "aftersales", "complaint": "complaint", "review": "review"}
COPIED = (
    "id",
    "state",
    "title",
    "customer_id",
    "customer_label",
    "owner_id",
    "required_role",
    "priority",
    "due_at",
    "overdue",
    "escalated_at",
    "escalated_by_id",
    "escalation_reason",
    "created_at",
    "updated_at",
    "closed_at",
)


def _sources(apps) -> dict[int, tuple[str, int]]:
    out: dict[int, tuple[str, int]] = {}
    for model, source in (("AfterSalesCase", "aftersales"), ("Complaint", "complaint"), ("BadReview", "review")):
        for pk, item_id in apps.get_model("aftersales", model).objects.values_list("pk", "item_id"):
            out[item_id] = (source, pk)
    return out


def copy_items(apps, schema_editor):
    OldItem = apps.get_model("aftersales", "WorkItem")
    OldNote = apps.get_model("aftersales", "WorkNote")
    WorkItem = apps.get_model("inbox", "WorkItem")
    WorkNote = apps.get_model("inbox", "WorkNote")
    ContentType = apps.get_model("contenttypes", "ContentType")
    ActivityLog = apps.get_model("core", "ActivityLog")
    sources = _sources(apps)
    batch = []
    for row in OldItem.objects.values(*COPIED, "kind", "question_id").iterator(chunk_size=2000):
        if row["kind"] == "question":
            source, source_id = "question", row["question_id"]
        else:
            source, source_id = sources.get(row["id"], (KIND_TO_SOURCE.get(row["kind"], row["kind"]), None))
        if source_id is None:
            continue  # an item whose case is gone: nothing left to work on
        batch.append(WorkItem(source=source, source_id=source_id, **{k: row[k] for k in COPIED}))
        if len(batch) >= 2000:
            WorkItem.objects.bulk_create(batch)
            batch = []
    WorkItem.objects.bulk_create(batch)
    kept = set(WorkItem.objects.values_list("id", flat=True))
    WorkNote.objects.bulk_create(
        WorkNote(id=n["id"], item_id=n["item_id"], author_id=n["author_id"], text=n["text"], created_at=n["created_at"])
        for n in OldNote.objects.values("id", "item_id", "author_id", "text", "created_at")
        if n["item_id"] in kept
    )
    # auto_now_add set created_at on the copies: keep the original times.
    for n in OldNote.objects.values("id", "created_at"):
        WorkNote.objects.filter(pk=n["id"]).update(created_at=n["created_at"])
    old_type = ContentType.objects.filter(app_label="aftersales", model="workitem").first()
    if old_type is not None:
        new_type, _ = ContentType.objects.get_or_create(app_label="inbox", model="workitem")
        ActivityLog.objects.filter(content_type=old_type).update(content_type=new_type)
    _reset_sequences(apps, schema_editor)


def _reset_sequences(apps, schema_editor):
    # The ids were copied as they were: the next new item must not reuse one (PostgreSQL sequences).
    models = [apps.get_model("inbox", "WorkItem"), apps.get_model("inbox", "WorkNote")]
    statements = schema_editor.connection.ops.sequence_reset_sql(no_style(), models)
    with schema_editor.connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def copy_back(apps, schema_editor):
    WorkItem = apps.get_model("inbox", "WorkItem")
    WorkNote = apps.get_model("inbox", "WorkNote")
    WorkNote.objects.all().delete()
    WorkItem.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("inbox", "0001_initial"),
        ("aftersales", "0003_badreview_settle_by_fill"),
        ("helpcenter", "0001_initial"),
        ("core", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    # The old tables must still be there: this runs before after-sales drops them.
    run_before = [("aftersales", "0004_work_items_moved_to_inbox")]

    operations = [
        migrations.RunPython(copy_items, copy_back),
    ]
