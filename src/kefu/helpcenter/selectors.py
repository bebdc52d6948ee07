"""Reads of the help center. Public reads only ever see published articles, never questions."""

import html
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from django.db.models import Count, Max, Q, QuerySet, prefetch_related_objects
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.safestring import SafeString

from kefu.core import shopsettings
from kefu.helpcenter.models import (
    Article,
    Category,
    Question,
    QuestionReply,
    SearchLog,
    SimilarQuestionProposal,
)
from kefu.helpcenter.rendering import render_markdown
from kefu.search import highlight
from kefu.search import selectors as search_selectors

SEARCH_KIND = "article"
#: How much of an article's text a result list shows, on the public page and in the API alike.
SNIPPET_LENGTH = 110
# Far beyond any shop's help center; a larger page number in an address is a typo or a probe, and
# its offset would not fit the database's integers.
MAX_PAGE = 10_000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def category_list() -> QuerySet[Category]:
    """For staff: every category with its number of articles, drafts included (counted here), and
    of published ones (kept on the category)."""
    return Category.objects.annotate(article_count=Count("articles")).order_by("position", "id")


def category_list_public() -> list[Category]:
    """The public directory's categories in display order, each with its kept count of published
    articles: one query however many articles there are."""
    return list(Category.objects.order_by("position", "id"))


def public_version(categories: list[Category]) -> tuple:
    """What the public directory and article pages show changes only when this does: the
    categories (names, order, kept counts: a publish, unpublish, move or delete changes them) and
    the last change of any article (an edit, a publish or an import stamps it). One query, read
    from the end of an index: the same cost at any number of articles."""
    changed = Article.objects.aggregate(at=Max("updated_at"))["at"]
    return (tuple((c.pk, c.name, c.position, c.published_count) for c in categories), changed)


@dataclass
class ArticleResults:
    """One page of articles; ``scores`` only when the list came from a keyword search."""

    articles: list[Article]
    total: int
    page: int
    page_size: int
    scores: dict[int, float]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def _published_by_id(ids: list[int]) -> dict[int, Article]:
    """The published ones of these articles, by id. Read by primary key alone, the status checked
    here: a ``status =`` condition in the query lets SQLite walk the status index over every
    published article instead (100 ms at 100 000 articles)."""
    found = Article.objects.select_related("category").in_bulk(ids)
    published = {pk: a for pk, a in found.items() if a.status == Article.Status.PUBLISHED}
    prefetch_related_objects(list(published.values()), "tags")
    return published


def article_search(
    *,
    q: str = "",
    category_id: int | None = None,
    page: int = 1,
    page_size: int = 10,
    categories: list[Category] | None = None,
) -> ArticleResults:
    """Published articles by keyword (best first) and/or category (newest first), one page.
    ``categories``: the public categories when the caller has read them already."""
    page = min(max(1, page), MAX_PAGE)
    offset = (page - 1) * page_size
    if q.strip():
        hits, total = search_selectors.search(
            kind=SEARCH_KIND, query=q, category_id=category_id, limit=page_size, offset=offset
        )
        by_id = _published_by_id([h.object_id for h in hits])
        articles = [by_id[h.object_id] for h in hits if h.object_id in by_id]
        return ArticleResults(articles, total, page, page_size, {h.object_id: h.score for h in hits})
    categories = category_list_public() if categories is None else categories
    if category_id:
        categories = [c for c in categories if c.pk == category_id]
    total = sum(c.published_count for c in categories)
    return ArticleResults(_directory_page(categories, offset, page_size), total, page, page_size, {})


def _directory_page(categories: list[Category], offset: int, limit: int) -> list[Article]:
    """Articles ``offset`` … ``offset + limit`` of the directory (categories in display order, each
    newest first). The categories' kept counts say which categories the page spans; each of those
    gives its slice in index order, all in one query: the cost is that of the page, not of the
    number of articles or categories."""
    slices: list[tuple[Category, int, int]] = []
    for category in categories:
        if len(slices) and sum(n for _c, _o, n in slices) >= limit:
            break
        if offset >= category.published_count:
            offset -= category.published_count
            continue
        want = min(limit - sum(n for _c, _o, n in slices), category.published_count - offset)
        slices.append((category, offset, want))
        offset = 0
    if not slices:
        return []
    parts: list[str] = []
    params: list[object] = []
    for i, (category, start, want) in enumerate(slices):
        sql, part_params = (
            Article.objects.filter(category_id=category.pk, status=Article.Status.PUBLISHED)
            .order_by("-published_at", "-id")
            .values("id")[start : start + want]
            .query.sql_with_params()
        )
        parts.append(f"SELECT id FROM ({sql}) AS page_{i}")
        params.extend(part_params)
    rank = {category.pk: i for i, (category, _s, _w) in enumerate(slices)}
    by_pk = {c.pk: c for c, _s, _w in slices}
    # The parts are the ORM's own SQL; every value goes in as a parameter.
    union = RawSQL(" UNION ALL ".join(parts), params)  # noqa: S611
    articles = list(Article.objects.filter(pk__in=union))
    articles.sort(key=lambda a: (rank[a.category_id], -(a.published_at or _EPOCH).timestamp(), -a.pk))
    for article in articles:
        article.category = by_pk[article.category_id]
    prefetch_related_objects(articles, "tags")
    return articles


def article_page_size() -> int:
    """How many articles one page of the public directory holds (page and API alike)."""
    return max(1, int(shopsettings.get("helpcenter_page_size")))


def highlight_terms(q: str) -> list[str]:
    """The words of a customer's search that result lists mark."""
    return search_selectors.parse_query(q).highlight_terms() if q.strip() else []


@lru_cache(maxsize=1024)
def article_plain_text(body: str) -> str:
    """What a reader sees of an article body: Markdown marks gone; HTML an author typed stays as
    text (escaped before rendering), so a snippet never drops or runs it. Kept per process by the
    body itself: a result list shows the same popular articles again and again, and rendering the
    Markdown was most of what a search page's snippets cost."""
    return html.unescape(strip_tags(render_markdown(body.replace("<", "&lt;"))))


def article_snippet(article: Article, terms: list[str]) -> SafeString:
    """The piece of an article a result list shows, the search words marked, escaped."""
    return highlight.snippet(article_plain_text(article.body), terms, length=SNIPPET_LENGTH)


def article_suggest(*, title: str, limit: int = 5) -> list[Article]:
    """Articles that may already answer what a customer is typing into the ask form."""
    if len(title.strip()) < 2:
        return []
    return article_search(q=title, page_size=limit).articles


def article_get_public(*, article_id: int) -> Article:
    article = _published_by_id([article_id]).get(article_id)
    if article is None:
        raise Http404
    return article


def article_list_staff(
    *, q: str = "", category_id: int | None = None, status: str | None = None
) -> QuerySet[Article]:
    qs = Article.objects.select_related("category", "updated_by").prefetch_related("tags")
    if q.strip():
        qs = qs.filter(Q(title__icontains=q.strip()) | Q(body__icontains=q.strip()))
    if category_id:
        qs = qs.filter(category_id=category_id)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-updated_at", "-id")


def article_get_staff(*, article_id: int) -> Article:
    return get_object_or_404(article_list_staff(), pk=article_id)


def question_get(*, question_id: int) -> Question:
    return get_object_or_404(question_list(), pk=question_id)


def question_list(*, status: str | None = None, category_id: int | None = None) -> QuerySet[Question]:
    """Newest first, as staff work through them."""
    qs = Question.objects.select_related("category", "answered_by", "article")
    if status:
        qs = qs.filter(status=status)
    if category_id:
        qs = qs.filter(category_id=category_id)
    return qs.order_by("-created_at", "-id")


def question_new_count() -> int:
    return Question.objects.filter(status=Question.Status.NEW).count()


def question_get_by_token(*, token: str) -> Question:
    return get_object_or_404(Question.objects.select_related("article", "category"), token=token)


def question_replies(*, question: Question) -> list[QuestionReply]:
    """What the customer and staff wrote after the first answer, oldest first (one query)."""
    return list(question.replies.select_related("by").order_by("created_at", "id"))


def similar_proposal_list(
    *, status: str | None = SimilarQuestionProposal.Status.PENDING
) -> QuerySet[SimilarQuestionProposal]:
    """Proposed similar questions, newest first, with their article (one query)."""
    qs = SimilarQuestionProposal.objects.select_related("article", "article__category", "decided_by")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-id")


def similar_proposal_pending_count() -> int:
    return SimilarQuestionProposal.objects.filter(status=SimilarQuestionProposal.Status.PENDING).count()


@dataclass
class SearchStat:
    query: str
    searches: int
    empty: int
    clicked: int
    top_article_id: int | None
    top_article_title: str = ""

    @property
    def unanswered(self) -> int:
        """Searches that found nothing or whose results nobody opened."""
        return self.searches - self.clicked


def search_stats(*, days: int = 30, limit: int = 50, gaps_only: bool = False) -> list[SearchStat]:
    """The public searches of the last ``days`` days by wording, most frequent first: how many found
    nothing, how many led to an opened article, and the article that came first. ``gaps_only``: the
    wordings that found nothing or that nobody clicked (content gaps)."""
    since = timezone.now() - timedelta(days=days)
    qs = (
        SearchLog.objects.filter(created_at__gte=since)
        .values("query")
        .annotate(
            searches=Count("id"),
            empty=Count("id", filter=Q(results=0)),
            clicked=Count("clicked_article"),
            top=Max("top_article"),
        )
    )
    if gaps_only:
        qs = qs.filter(clicked=0)
    rows = list(qs.order_by("-searches", "query")[:limit])
    titles = dict(
        Article.objects.filter(pk__in={r["top"] for r in rows if r["top"]}).values_list("pk", "title")
    )
    return [
        SearchStat(
            query=r["query"],
            searches=r["searches"],
            empty=r["empty"],
            clicked=r["clicked"],
            top_article_id=r["top"],
            top_article_title=titles.get(r["top"], ""),
        )
        for r in rows
    ]


def search_totals(*, days: int = 30) -> dict[str, int]:
    since = timezone.now() - timedelta(days=days)
    return SearchLog.objects.filter(created_at__gte=since).aggregate(
        searches=Count("id"),
        empty=Count("id", filter=Q(results=0)),
        no_click=Count("id", filter=Q(clicked_article__isnull=True)),
    )


SEARCH_ANALYTICS_MAX_DAYS = 366


def search_analytics_days(value: str | None) -> int:
    """The period the analytics look back on: whole days from 1 to a year; anything else is 30."""
    text = (value or "").strip()
    return int(text) if text.isdigit() and 0 < int(text) <= SEARCH_ANALYTICS_MAX_DAYS else 30


def search_analytics(*, days: int = 30, limit: int = 50) -> dict:
    """What customers searched in the last ``days`` days: the totals, the top searches and the
    content gaps (wordings that found nothing or whose results nobody opened). Four queries."""
    return {
        "days": days,
        "totals": search_totals(days=days),
        "top": search_stats(days=days, limit=limit),
        "gaps": search_stats(days=days, limit=limit, gaps_only=True),
    }
