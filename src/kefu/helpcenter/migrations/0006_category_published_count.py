"""Categories keep their number of published articles; an index serves a category's newest first."""

from django.db import migrations, models
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce


def fill_counts(apps, schema_editor):
    Category = apps.get_model("helpcenter", "Category")
    Article = apps.get_model("helpcenter", "Article")
    published = (
        Article.objects.filter(category=OuterRef("pk"), status="published")
        .order_by()
        .values("category")
        .annotate(n=Count("id"))
        .values("n")
    )
    Category.objects.update(published_count=Coalesce(Subquery(published), 0))


class Migration(migrations.Migration):
    dependencies = [("helpcenter", "0005_question_replies")]

    operations = [
        migrations.AddField(
            model_name="category",
            name="published_count",
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name="已发布文章数"),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                fields=["category", "status", "-published_at", "-id"], name="article_category_newest"
            ),
        ),
        migrations.RunPython(fill_counts, migrations.RunPython.noop),
    ]
