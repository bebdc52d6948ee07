"""Reads of the help center. Public reads only ever see published articles, never questions."""

import html
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Max, Q, QuerySet
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


def category_list() -> QuerySet[Category]:
    return Category.objects.annotate(
        article_count=Count("articles", distinct=True),
        published_count=Count("articles", filter=Q(articles__status=Article.Status.PUBLISHED), distinct=True),
    ).order_by("position", "id")


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


def _published() -> QuerySet[Article]:
    return (
        Article.objects.filter(status=Article.Status.PUBLISHED)
        .select_related("category")
        .prefetch_related("tags")
    )


def article_search(
    *, q: str = "", category_id: int | None = None, page: int = 1, page_size: int = 10
) -> ArticleResults:
    """Published articles by keyword (best first) and/or category (newest first), one page."""
    page = min(max(1, page), MAX_PAGE)
    offset = (page - 1) * page_size
    if q.strip():
        hits, total = search_selectors.search(
            kind=SEARCH_KIND, query=q, category_id=category_id, limit=page_size, offset=offset
        )
        by_id = _published().in_bulk([h.object_id for h in hits])
        articles = [by_id[h.object_id] for h in hits if h.object_id in by_id]
        return ArticleResults(articles, total, page, page_size, {h.object_id: h.score for h in hits})
    qs = _published().order_by("category__position", "-published_at", "-id")
    if category_id:
        qs = qs.filter(category_id=category_id)
    total = qs.count()
    return ArticleResults(list(qs[offset : offset + page_size]), total, page, page_size, {})


def article_page_size() -> int:
    """How many articles one page of the public directory holds (page and API alike)."""
    return max(1, int(shopsettings.get("helpcenter_page_size")))


def highlight_terms(q: str) -> list[str]:
    """The words of a customer's search that result lists mark."""
    return search_selectors.parse_query(q).highlight_terms() if q.strip() else []


def article_plain_text(body: str) -> str:
    """What a reader sees of an article body: Markdown marks gone; HTML an author typed stays as
    text (escaped before rendering), so a snippet never drops or runs it."""
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
    return get_object_or_404(_published(), pk=article_id)


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
