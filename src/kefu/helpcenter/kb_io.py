"""Import and export of the knowledge base as CSV (``category,title,body[,similar_questions]``).

The optional ``similar_questions`` column (also 相似问法) holds other wordings of each article's
question, one per line in the cell (or separated by | or ；). A file without the column leaves the
articles' similar questions as they are; with it, the cell replaces them.

Re-importing updates articles by (category, title) and never duplicates; a bad row is reported
with its line number and the other rows still land. Rows are streamed in batches so a large file
needs bounded memory.
"""

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core import roles
from kefu.core.spreadsheets import csv_cell, csv_uncell, excerpt
from kefu.helpcenter.models import Article, Category
from kefu.helpcenter.selectors import SEARCH_KIND
from kefu.helpcenter.services import article_document, category_counts_refresh, clean_similar_questions
from kefu.search import services as search_services

HEADER = ["category", "title", "body"]
SIMILAR = "similar_questions"
EXPORT_HEADER = [*HEADER, SIMILAR]
# Other names a shop's spreadsheet may give the columns.
ALIASES = {
    "类别": "category",
    "分类": "category",
    "标题": "title",
    "问题": "title",
    "正文": "body",
    "答案": "body",
    "similar": SIMILAR,
    "similar questions": SIMILAR,
    "similar_question": SIMILAR,
    "相似问法": SIMILAR,
    "相似问题": SIMILAR,
}
BATCH = 500

Row = tuple[int, str, str, str, list[str] | None]


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    categories_created: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    # Set when the file as a whole cannot be used (unreadable, no header): nothing was imported.
    fatal: str = ""

    @property
    def ok(self) -> int:
        return self.created + self.updated + self.unchanged


def _decode(raw: bytes) -> str | None:
    """UTF-8 (with or without BOM), else GB18030 (a superset of GBK) — what shops' files come in.

    None when the bytes are neither (a spreadsheet saved as .xlsx, a picture…).
    """
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        return None


def _rows(text: str, report: ImportReport) -> Iterator[Row]:
    """Valid rows as (line, category, title, body, similar questions or None when the file has no
    such column); bad ones go into ``report``.

    ``line`` is the file line where the record starts: a quoted body may span several lines,
    and the shop looks for the row where it begins in its spreadsheet or editor.
    """
    reader = csv.reader(io.StringIO(text))
    try:
        header = [h.strip().lower() for h in next(reader)]
        header = [ALIASES.get(h, h) for h in header]
    except StopIteration:
        report.fatal = _("文件是空的。")
        return
    except csv.Error as exc:
        report.fatal = _("无法读取表头：%(error)s") % {"error": excerpt(exc)}
        return
    missing = [h for h in HEADER if h not in header]
    if missing:
        report.fatal = _("表头缺少列：%(cols)s（需要 category,title,body）") % {"cols": ", ".join(missing)}
        return
    at = {name: header.index(name) for name in HEADER}
    similar_at = header.index(SIMILAR) if SIMILAR in header else None
    end = reader.line_num
    while True:
        start = end + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            # The reader cannot find its footing again after a malformed record: stop here,
            # keeping the rows already read.
            report.errors.append(
                (start, _("无法解析，此行及之后的内容未导入：%(error)s") % {"error": excerpt(exc)})
            )
            return
        end = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        line = start
        # Our own export quotes a cell that looks like a formula; the quote is not the shop's text.
        values = {name: (csv_uncell(row[i].strip()) if i < len(row) else "") for name, i in at.items()}
        category = " ".join(values["category"].split())
        title, body = " ".join(values["title"].split()), values["body"]
        if not category:
            report.errors.append((line, _("缺少类别")))
        elif len(category) > 50:
            report.errors.append((line, _("类别名称超过 50 个字")))
        elif not title:
            report.errors.append((line, _("缺少标题")))
        elif len(title) > 200:
            report.errors.append((line, _("标题超过 200 个字")))
        elif not body:
            report.errors.append((line, _("缺少正文")))
        else:
            similar = None
            if similar_at is not None:
                cell = csv_uncell(row[similar_at]) if similar_at < len(row) else ""
                similar = clean_similar_questions(cell, title=title)
            yield line, category, title, body, similar


def kb_import(*, data: bytes, by=None) -> ImportReport:
    """Import a CSV file's bytes. ``by`` is the staff member (None: the command line, trusted)."""
    if by is not None:
        roles.require_role(by, roles.ADMIN)
    report = ImportReport()
    text = _decode(data)
    if text is None:
        report.fatal = _("无法识别文件编码，请另存为 UTF-8 或 GBK 编码的 CSV 文件。")
        return report
    batch: list[Row] = []
    for row in _rows(text, report):
        batch.append(row)
        if len(batch) >= BATCH:
            _import_batch(batch, report, by)
            batch = []
    if batch:
        _import_batch(batch, report, by)
    report.errors.sort()
    return report


@transaction.atomic
def _import_batch(batch: list[Row], report: ImportReport, by) -> None:
    # The last row wins when a file repeats a (category, title).
    latest: dict[tuple[str, str], tuple[int, str, list[str] | None]] = {}
    for line, category, title, body, similar in batch:
        latest[(category, title)] = (line, body, similar)
    names = {c for c, _ in latest}
    categories = {c.name: c for c in Category.objects.filter(name__in=names)}
    position = Category.objects.count()
    for name in sorted(names - set(categories)):
        position += 1
        categories[name] = Category.objects.create(name=name, position=position)
        report.categories_created += 1
    existing = {
        (a.category_id, a.title): a
        for a in Article.objects.filter(
            category__in=categories.values(), title__in={t for _, t in latest}
        ).prefetch_related("tags")
    }
    now = timezone.now()
    actor = by if by is not None and by.is_authenticated else None
    creates, updates = [], []
    for (category_name, title), (_line, body, similar) in latest.items():
        category = categories[category_name]
        article = existing.get((category.pk, title))
        similar_text = None if similar is None else "\n".join(similar)
        if article is None:
            creates.append(
                Article(
                    category=category,
                    title=title,
                    body=body,
                    similar_questions=similar_text or "",
                    status=Article.Status.PUBLISHED,
                    published_at=now,
                    created_by=actor,
                    updated_by=actor,
                )
            )
        elif article.body != body or (similar_text is not None and article.similar_questions != similar_text):
            article.body = body
            if similar_text is not None:
                article.similar_questions = similar_text
            article.updated_by = actor
            article.updated_at = now
            updates.append(article)
        else:
            report.unchanged += 1
    Article.objects.bulk_create(creates)
    if not all(a.pk for a in creates):  # backends that do not return ids (none we support) — refetch
        creates = list(
            Article.objects.filter(category__in=categories.values(), title__in=[a.title for a in creates])
        )
    Article.objects.bulk_update(updates, ["body", "similar_questions", "updated_by", "updated_at"])
    report.created += len(creates)
    report.updated += len(updates)
    # The same document the services index (tags included), so an import never drops a tag
    # from search.
    search_services.index_documents(
        kind=SEARCH_KIND,
        documents=[
            *(article_document(a, tags=()) for a in creates),
            *(article_document(a) for a in updates if a.status == Article.Status.PUBLISHED),
        ],
    )
    if creates:
        category_counts_refresh({a.category_id for a in creates})


def kb_export(*, stream: io.TextIOBase, include_drafts: bool = True) -> int:
    """Write every article as ``category,title,body,similar_questions`` (UTF-8, similar questions one
    per line in their cell); returns the number written. A body that starts like a formula (a
    Markdown list's ``-``) is quoted so Excel shows it as text."""
    writer = csv.writer(stream)
    writer.writerow(EXPORT_HEADER)
    count = 0
    qs = Article.objects.select_related("category").order_by("category__position", "category_id", "id")
    if not include_drafts:
        qs = qs.filter(status=Article.Status.PUBLISHED)
    for article in qs.iterator(chunk_size=2000):
        writer.writerow(
            [
                csv_cell(article.category.name),
                csv_cell(article.title),
                csv_cell(article.body),
                csv_cell(article.similar_questions),
            ]
        )
        count += 1
    return count
