"""Writing to the search index. Callers (helpcenter, quick phrases…) index what the public may find."""

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction

from kefu.search.analysis import VARIANT_SEPARATOR, analyze_document
from kefu.search.models import SearchEntry

BATCH = 500


@dataclass(frozen=True)
class Document:
    object_id: int
    title: str
    body: str = ""
    category_id: int | None = None
    # Other wordings of the title's question (an article's similar questions): found like the title.
    similar: tuple[str, ...] = ()


def _vocabulary(row: Mapping[str, Any]) -> set[str]:
    return {
        term
        for column in ("title_terms", "title_grams", "body_terms", "body_grams")
        for term in row[column].split()
    } - {VARIANT_SEPARATOR}


def _df_apply(kind: str, delta: Counter) -> None:
    """Add ``delta`` to the document frequencies in one set-based upsert."""
    rows = [(kind, term, n) for term, n in delta.items() if n]
    if not rows:
        return
    sql = (
        "INSERT INTO search_searchterm (kind, term, df) VALUES (%s, %s, %s) "
        "ON CONFLICT (kind, term) DO UPDATE SET df = search_searchterm.df + excluded.df"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
        if any(n < 0 for _, _, n in rows):
            cursor.execute("DELETE FROM search_searchterm WHERE kind = %s AND df <= 0 AND term <> ''", [kind])


def index_documents(*, kind: str, documents: Iterable[Document]) -> int:
    """Add or replace documents of ``kind``; returns how many were written.

    Streams in batches so a bulk import never holds more than one batch of analysed text.
    """
    written = 0
    batch: list[Document] = []
    for document in documents:
        batch.append(document)
        if len(batch) >= BATCH:
            written += _index_batch(kind, batch)
            batch = []
    if batch:
        written += _index_batch(kind, batch)
    return written


@transaction.atomic
def _index_batch(kind: str, batch: list[Document]) -> int:
    latest = {d.object_id: d for d in batch}
    old_rows = {
        row["object_id"]: row
        for row in SearchEntry.objects.filter(kind=kind, object_id__in=latest).values(
            "id", "object_id", "title_terms", "title_grams", "body_terms", "body_grams"
        )
    }
    delta: Counter = Counter()
    creates, updates = [], []
    for object_id, document in latest.items():
        analyzed = analyze_document(title=document.title, body=document.body, similar=document.similar)
        columns = analyzed.columns()
        new_vocab = analyzed.vocabulary()
        old = old_rows.get(object_id)
        if old is None:
            delta[""] += 1
            delta.update(new_vocab)
            creates.append(
                SearchEntry(kind=kind, object_id=object_id, category_id=document.category_id, **columns)
            )
        else:
            old_vocab = _vocabulary(old)
            delta.update(new_vocab - old_vocab)
            delta.subtract(old_vocab - new_vocab)
            updates.append(SearchEntry(id=old["id"], category_id=document.category_id, **columns))
    SearchEntry.objects.bulk_create(creates)
    if updates:
        SearchEntry.objects.bulk_update(
            updates, ["category_id", "title_terms", "title_grams", "body_terms", "body_grams"]
        )
    _df_apply(kind, delta)
    return len(latest)


@transaction.atomic
def remove_documents(*, kind: str, object_ids: Iterable[int]) -> int:
    ids = list(object_ids)
    rows = list(
        SearchEntry.objects.filter(kind=kind, object_id__in=ids).values(
            "id", "title_terms", "title_grams", "body_terms", "body_grams"
        )
    )
    if not rows:
        return 0
    delta: Counter = Counter()
    for row in rows:
        delta[""] -= 1
        delta.subtract(_vocabulary(row))
    SearchEntry.objects.filter(id__in=[r["id"] for r in rows]).delete()
    _df_apply(kind, delta)
    return len(rows)


@transaction.atomic
def clear_kind(*, kind: str) -> None:
    SearchEntry.objects.filter(kind=kind).delete()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM search_searchterm WHERE kind = %s", [kind])
