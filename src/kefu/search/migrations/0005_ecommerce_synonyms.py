"""Data: the broad e-commerce synonym list (data/synonyms_zh.txt, with one-way "=>" groups for
colloquial wordings). Only missing lines are added; a shop's own lines stay as they are."""

from pathlib import Path

from django.db import migrations

LIST = Path(__file__).resolve().parent.parent / "data" / "synonyms_zh.txt"


def _lines() -> list[str]:
    text = LIST.read_text(encoding="utf-8")
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return [line for line in lines if line and not line.startswith("#")]


def add(apps, schema_editor):
    SynonymGroup = apps.get_model("search", "SynonymGroup")
    have = set(SynonymGroup.objects.values_list("words", flat=True))
    SynonymGroup.objects.bulk_create(SynonymGroup(words=w) for w in dict.fromkeys(_lines()) if w not in have)


def remove(apps, schema_editor):
    SynonymGroup = apps.get_model("search", "SynonymGroup")
    SynonymGroup.objects.filter(words__in=_lines()).delete()


class Migration(migrations.Migration):
    dependencies = [("search", "0004_more_synonyms")]
    operations = [migrations.RunPython(add, remove)]
