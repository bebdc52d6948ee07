"""An open review's settle-by time was its inbox item's due time: copy it before the items move."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    BadReview = apps.get_model("aftersales", "BadReview")
    WorkItem = apps.get_model("aftersales", "WorkItem")
    BadReview.objects.filter(settle_by__isnull=True).update(
        settle_by=Subquery(WorkItem.objects.filter(pk=OuterRef("item_id")).values("due_at")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("aftersales", "0002_badreview_settle_by"),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
