"""Writes of the help center: each service checks permission, validates, writes history.

Only published articles are in the search index; the services keep index and table in step in
the same transaction.
"""

import atexit
import logging
import re
import threading
import time
from collections import Counter
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, Count, F, Max, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from kefu.core import ratelimit, roles, shopsettings, worklist
from kefu.core.activity import activity_record, changes_since
from kefu.core.types import User
from kefu.customers.selectors import blacklist_entry_for, customer_for_nick
from kefu.customers.services import customer_for_buyer, customer_message_send
from kefu.helpcenter import rules
from kefu.helpcenter.models import (
    Article,
    Category,
    Question,
    QuestionReply,
    SearchLog,
    SimilarQuestionProposal,
    Tag,
)
from kefu.helpcenter.selectors import SEARCH_KIND
from kefu.search import services as search_services

logger = logging.getLogger(__name__)


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("请填写类别名称。")})
    if len(name) > 50:
        raise ValidationError({"name": _("类别名称不能超过 50 个字。")})
    return name


def article_document(article: Article, *, tags: Iterable[str] | None = None) -> search_services.Document:
    """What search sees of an article: title, then body and tags (a tag finds the article too).

    ``tags`` spares the query when the caller already knows them (a fresh import has none).
    """
    names = [t.name for t in article.tags.all()] if tags is None else list(tags)
    return search_services.Document(
        object_id=article.pk,
        title=article.title,
        body=f"{article.body}\n{' '.join(names)}",
        category_id=article.category_id,
        similar=tuple(article.similar_list),
    )


MAX_SIMILAR = 100
MAX_SIMILAR_LENGTH = 200
_SIMILAR_SPLIT = re.compile(r"[\n\r|;；]+")


def clean_similar_questions(values: Iterable[str] | str, *, title: str = "") -> list[str]:
    """Other wordings of an article's question: one per line (a cell may also separate them with
    | or ；), spaces tidied, repeats and the title itself left out, each at most 200 characters."""
    if isinstance(values, str):
        values = [values]
    out: list[str] = []
    seen = {title.strip()}
    for value in values:
        for piece in _SIMILAR_SPLIT.split(value or ""):
            line = " ".join(piece.split())[:MAX_SIMILAR_LENGTH]
            if line and line not in seen:
                seen.add(line)
                out.append(line)
    return out[:MAX_SIMILAR]


def category_counts_refresh(category_ids: Iterable[int | None] | None = None) -> None:
    """Count the published articles of these categories (all when None) into ``published_count``,
    one UPDATE; every service that publishes, unpublishes, moves or deletes an article calls it."""
    published = (
        Article.objects.filter(category=OuterRef("pk"), status=Article.Status.PUBLISHED)
        .order_by()
        .values("category")
        .annotate(n=Count("id"))
        .values("n")
    )
    categories = Category.objects.all()
    if category_ids is not None:
        ids = {i for i in category_ids if i is not None}
        if not ids:
            return
        categories = categories.filter(pk__in=ids)
    categories.update(published_count=Coalesce(Subquery(published), 0))


def _index(article: Article, *, recount: Iterable[int | None] = ()) -> None:
    """Put the article's current state into search and into its category's count (and into the
    counts of ``recount``, the categories it may have left)."""
    if article.is_published:
        search_services.index_documents(kind=SEARCH_KIND, documents=[article_document(article)])
    else:
        search_services.remove_documents(kind=SEARCH_KIND, object_ids=[article.pk])
    category_counts_refresh([article.category_id, *recount])


@transaction.atomic
def articles_reindex() -> int:
    """Rebuild the articles' search index from the table.

    Needed after the analysis itself changes (a new rjieba dictionary, stop words, a kefu upgrade),
    since each entry keeps the terms it was segmented into when it was written.
    """
    search_services.clear_kind(kind=SEARCH_KIND)
    category_counts_refresh()
    published = (
        Article.objects.filter(status=Article.Status.PUBLISHED)
        .prefetch_related("tags")
        .iterator(chunk_size=500)
    )
    return search_services.index_documents(
        kind=SEARCH_KIND, documents=(article_document(article) for article in published)
    )


# --- categories (admins only) -------------------------------------------------------------


@transaction.atomic
def category_create(*, name: str, by: User, description: str = "") -> Category:
    roles.require_role(by, roles.ADMIN)
    name = _clean_name(name)
    if Category.objects.filter(name=name).exists():
        raise ValidationError({"name": _("类别“%(name)s”已存在。") % {"name": name}})
    position = (Category.objects.aggregate(m=Max("position"))["m"] or 0) + 1
    category = Category.objects.create(name=name, description=description, position=position)
    activity_record(target=category, actor=by, verb="category_create", message=name)
    return category


@transaction.atomic
def category_rename(*, category: Category, name: str, by: User, description: str | None = None) -> Category:
    roles.require_role(by, roles.ADMIN)
    name = _clean_name(name)
    if Category.objects.filter(name=name).exclude(pk=category.pk).exists():
        raise ValidationError({"name": _("类别“%(name)s”已存在。") % {"name": name}})
    old = category.name
    category.name = name
    fields = ["name"]
    if description is not None:
        category.description = description
        fields.append("description")
    category.save(update_fields=fields)
    activity_record(target=category, actor=by, verb="category_rename", message=f"{old} → {name}")
    return category


@transaction.atomic
def category_reorder(*, ordered_ids: list[int], by: User) -> None:
    """Set the display order to ``ordered_ids``; categories not named keep their place after them."""
    roles.require_role(by, roles.ADMIN)
    known = list(Category.objects.select_for_update().order_by("position", "id").values_list("id", flat=True))
    unknown = set(ordered_ids) - set(known)
    if unknown:
        raise ValidationError(_("类别不存在：%(ids)s") % {"ids": ", ".join(map(str, sorted(unknown)))})
    order = list(dict.fromkeys(ordered_ids)) + [i for i in known if i not in ordered_ids]
    for position, category_id in enumerate(order, start=1):
        Category.objects.filter(pk=category_id).update(position=position)


def category_move(*, category: Category, offset: int, by: User) -> None:
    """Move one category up (offset -1) or down (+1) in the display order."""
    order = list(Category.objects.order_by("position", "id").values_list("id", flat=True))
    i = order.index(category.pk)
    j = min(max(i + offset, 0), len(order) - 1)
    order.insert(j, order.pop(i))
    category_reorder(ordered_ids=order, by=by)


@transaction.atomic
def category_delete(*, category: Category, by: User, move_to: Category | None = None) -> int:
    """Delete a category; refused while it holds articles unless they are moved to ``move_to``."""
    roles.require_role(by, roles.ADMIN)
    category = Category.objects.select_for_update().get(pk=category.pk)
    count = category.articles.count()
    moved = 0
    if count and move_to is None:
        raise ValidationError(
            _("类别“%(name)s”下还有 %(n)d 篇文章，请先把文章移到其他类别。")
            % {"name": category.name, "n": count}
        )
    if move_to is not None:
        if move_to.pk == category.pk:
            raise ValidationError(_("不能把文章移到要删除的类别本身。"))
        clashes = set(category.articles.values_list("title", flat=True)) & set(
            move_to.articles.values_list("title", flat=True)
        )
        if clashes:
            raise ValidationError(
                _("目标类别已有同名文章：%(titles)s") % {"titles": "、".join(sorted(clashes))}
            )
        ids = list(category.articles.values_list("id", flat=True))
        moved = Article.objects.filter(id__in=ids).update(category=move_to)
        for article in Article.objects.filter(id__in=ids).prefetch_related("tags"):
            _index(article)
        category_counts_refresh([move_to.pk])
    activity_record(
        target=category, actor=by, verb="category_delete", message=category.name, data={"moved": moved}
    )
    category.delete()
    return moved


# --- articles (any staff member proposes; supervisors and admins decide what the public sees) ---


def require_article_publisher(by: User) -> None:
    """What customers read in the help center is the shop speaking: a supervisor or an admin
    puts it up, takes it down or deletes it; an agent proposes drafts, unless the shop lets
    agents publish directly."""
    if not can_publish_articles(by):
        roles.require_role(by, roles.SUPERVISOR, roles.ADMIN)


def can_publish_articles(user: User | None) -> bool:
    if roles.has_role(user, roles.SUPERVISOR, roles.ADMIN):
        return True
    return roles.is_staff_member(user) and bool(shopsettings.get("helpcenter_agents_publish"))


def _article_changed_since(article: Article, saves: int) -> str:
    """ "Changed meanwhile": who saved the article since the editor opened it, when, and what."""
    return _(
        "您打开后，这篇文章已被修改（%(changes)s）。请查看最新内容后再保存，您填写的内容仍在表单里。"
    ) % {"changes": changes_since(article, saves)}


def _tags(names: Iterable[str]) -> list[Tag]:
    cleaned = []
    for name in names:
        name = " ".join(name.split())[:30]
        if name and name not in cleaned:
            cleaned.append(name)
    return [Tag.objects.get_or_create(name=name)[0] for name in cleaned]


def _validate_article(
    *, category: Category | None, title: str, body: str, exclude_pk: int | None = None
) -> str:
    errors = {}
    title = " ".join((title or "").split())
    if category is None:
        errors["category"] = _("请选择类别。")
    if not title:
        errors["title"] = _("请填写标题。")
    elif len(title) > 200:
        errors["title"] = _("标题不能超过 200 个字。")
    if not (body or "").strip():
        errors["body"] = _("请填写正文。")
    if category is not None and title:
        clash = Article.objects.filter(category=category, title=title)
        if exclude_pk is not None:
            clash = clash.exclude(pk=exclude_pk)
        if clash.exists():
            errors["title"] = _("该类别下已有同名文章。")
    if errors:
        raise ValidationError(errors)
    return title


@transaction.atomic
def article_create(
    *,
    category: Category | None,
    title: str,
    body: str,
    by: User,
    tags: Iterable[str] = (),
    publish: bool = True,
    similar_questions: Iterable[str] = (),
) -> Article:
    """A new article; ``category`` may come in empty from a form, and is refused then.
    Any staff member may save a draft; publishing it at once takes a supervisor or an admin."""
    roles.require_staff(by)
    if publish:
        require_article_publisher(by)
    title = _validate_article(category=category, title=title, body=body)
    assert category is not None  # _validate_article refused a missing one
    now = timezone.now()
    article = Article.objects.create(
        category=category,
        title=title,
        body=body.strip(),
        similar_questions="\n".join(clean_similar_questions(similar_questions, title=title)),
        status=Article.Status.PUBLISHED if publish else Article.Status.DRAFT,
        published_at=now if publish else None,
        created_by=by,
        updated_by=by,
    )
    article.tags.set(_tags(tags))
    _index(article)
    activity_record(target=article, actor=by, verb="article_create", message=title)
    return article


@transaction.atomic
def article_update(
    *,
    article: Article,
    by: User,
    category: Category,
    title: str,
    body: str,
    tags: Iterable[str] | None = None,
    similar_questions: Iterable[str] | None = None,
    version: int | None = None,
) -> Article:
    """Save an article's text. ``version`` is the one the editor's form was loaded at: a form
    older than a colleague's save is refused and the editor told what changed. A published
    article is what customers read: only those who may publish change its text."""
    roles.require_staff(by)
    article = Article.objects.select_for_update().get(pk=article.pk)
    if article.is_published and not can_publish_articles(by):
        raise PermissionDenied(_("这篇文章已发布，只有主管可以修改；请把修改意见告诉主管，或请主管先下线。"))
    if version is not None and article.version != version:
        raise ValidationError(_article_changed_since(article, article.version - version))
    title = _validate_article(category=category, title=title, body=body, exclude_pk=article.pk)
    old_category_id = article.category_id
    similar = (
        article.similar_questions
        if similar_questions is None
        else "\n".join(clean_similar_questions(similar_questions, title=title))
    )
    changed = [
        f
        for f, v in (
            ("category", category),
            ("title", title),
            ("body", body.strip()),
            ("similar_questions", similar),
        )
        if getattr(article, f) != v
    ]
    article.category = category
    article.title = title
    article.body = body.strip()
    article.similar_questions = similar
    article.updated_by = by
    article.version += 1
    article.save(
        update_fields=[
            "category",
            "title",
            "body",
            "similar_questions",
            "updated_by",
            "updated_at",
            "version",
        ]
    )
    if tags is not None:
        article.tags.set(_tags(tags))
    _index(article, recount=[old_category_id] if old_category_id != article.category_id else [])
    activity_record(target=article, actor=by, verb="article_update", message=title, data={"changed": changed})
    return article


@transaction.atomic
def article_set_published(*, article: Article, by: User, published: bool) -> Article:
    """Publish or unpublish: an unpublished article leaves the public site and its search."""
    require_article_publisher(by)
    article = Article.objects.select_for_update().get(pk=article.pk)
    article.status = Article.Status.PUBLISHED if published else Article.Status.DRAFT
    if published and article.published_at is None:
        article.published_at = timezone.now()
    article.updated_by = by
    article.version += 1
    article.save(update_fields=["status", "published_at", "updated_by", "updated_at", "version"])
    _index(article)
    activity_record(target=article, actor=by, verb="article_publish" if published else "article_unpublish")
    return article


@transaction.atomic
def article_delete(*, article: Article, by: User) -> None:
    """An agent may throw away a draft; a public article is deleted by a supervisor or an admin."""
    roles.require_staff(by)
    article = Article.objects.select_for_update().get(pk=article.pk)
    if article.is_published:
        require_article_publisher(by)
    search_services.remove_documents(kind=SEARCH_KIND, object_ids=[article.pk])
    activity_record(target=article, actor=by, verb="article_delete", message=article.title)
    category_id = article.category_id
    article.delete()
    category_counts_refresh([category_id])


# Article views are added up in each server process and written in one statement at most every
# VIEW_FLUSH_SECONDS (or once VIEW_FLUSH_VIEWS are waiting), and when the process ends: reading an
# article writes nothing to the database. A process killed outright loses its last seconds of views.
VIEW_FLUSH_SECONDS = 30.0
VIEW_FLUSH_VIEWS = 500
_views_lock = threading.Lock()
_views_pending: Counter[int] = Counter()
_views_flushed_at = [time.monotonic()]


def article_view_count(*, article_id: int) -> None:
    """Count one view of the article; written later with the other views (``article_views_flush``)."""
    with _views_lock:
        _views_pending[article_id] += 1
        due = (
            _views_pending.total() >= VIEW_FLUSH_VIEWS
            or time.monotonic() - _views_flushed_at[0] >= VIEW_FLUSH_SECONDS
        )
    if due:
        article_views_flush()


def article_views_pending(article_id: int) -> int:
    """Views of the article this process counted and has not written yet."""
    with _views_lock:
        return _views_pending[article_id]


def article_views_flush() -> int:
    """Write the views this process counted, in one UPDATE with F() (concurrent writers never lose
    a view); returns how many views were written."""
    with _views_lock:
        pending = dict(_views_pending)
        _views_pending.clear()
        _views_flushed_at[0] = time.monotonic()
    if not pending:
        return 0
    Article.objects.filter(pk__in=pending).update(
        views=F("views") + Case(*(When(pk=pk, then=Value(n)) for pk, n in pending.items()), default=Value(0))
    )
    return sum(pending.values())


def article_views_forget() -> None:
    """Drop the views not written yet (a test starts from nothing)."""
    with _views_lock:
        _views_pending.clear()
        _views_flushed_at[0] = time.monotonic()


def _flush_views_at_exit() -> None:
    try:
        article_views_flush()
    except Exception:  # noqa: BLE001 - the database may be gone when the process ends
        logger.warning("article views not written at exit", exc_info=True)


atexit.register(_flush_views_at_exit)


VOTE_MEMORY_SECONDS = 30 * 24 * 3600


def article_feedback(
    *, article: Article, helpful: bool, visitor: str, ip_address: str, from_search: int | None = None
) -> bool:
    """ "这篇文章有帮助吗？": one vote per visitor and article, and no more than the shop's limit of
    votes from one address an hour, so neither a reload nor a script can stuff the count. The
    help-center page and the API both count here. True when the vote counted.

    ``from_search``: the search the visitor opened the article from; a "yes" proposes the words
    she searched as a similar question of the article."""
    if not cache.add(f"voted:{article.pk}:{visitor}", 1, timeout=VOTE_MEMORY_SECONDS):
        return False
    if not ratelimit.allow(
        key=f"vote:{ip_address or 'unknown'}", limit=settings.KEFU_FEEDBACK_RATE_LIMIT, window_seconds=3600
    ):
        return False
    field = "helpful_yes" if helpful else "helpful_no"
    Article.objects.filter(pk=article.pk).update(**{field: F(field) + 1})
    if helpful and from_search:
        query = (
            SearchLog.objects.filter(pk=from_search, clicked_article=article)
            .values_list("query", flat=True)
            .first()
        )
        if query:
            similar_question_propose(
                article=article, text=query, source=SimilarQuestionProposal.Source.SEARCH_HELPFUL
            )
    return True


# --- customer questions -------------------------------------------------------------------


def _blacklisted(*, phone: str, im_id: str) -> bool:
    """A customer on the shop's blacklist may not submit questions."""
    return blacklist_entry_for(buyer_nick=im_id, phone=phone) is not None


TOO_FREQUENT = _lazy("您提交得太频繁了，请一分钟后再试。")
TOO_FREQUENT_CODE = "too_frequent"


def question_allowance_take(*, ip_address: str | None) -> None:
    """Questions from one address a minute, whichever door they come through (the ask form, its
    API, a message left in the chat): every submission counts, good or bad."""
    allowed = ratelimit.allow(
        key=f"ask:{ip_address or 'unknown'}", limit=settings.KEFU_QUESTION_RATE_LIMIT, window_seconds=60
    )
    if not allowed:
        raise ValidationError(TOO_FREQUENT, code=TOO_FREQUENT_CODE)


QUESTION_LIMITS = {"title": 120, "details": 2000, "name": 40, "phone": 20, "email": 254, "im_id": 60}


@transaction.atomic
def question_submit(
    *,
    title: str,
    name: str,
    details: str = "",
    phone: str = "",
    email: str = "",
    im_id: str = "",
    category: Category | None = None,
    ip_address: str | None = None,
    website: str = "",
) -> Question:
    """A customer's question; stored hidden from the public, reachable only by its private token.
    It waits on the team: it enters the inbox in the same transaction.

    ``website`` is the ask form's hidden field: people never see it, form-filling bots fill it in.
    Then nothing is stored and an unsaved question (``pk`` None, a fresh token) comes back, so
    the bot is answered as if it had succeeded and learns nothing.
    """
    if website:
        return Question(title=title, status=Question.Status.NEW)
    values = {
        "title": " ".join((title or "").split()),
        "details": (details or "").strip(),
        "name": (name or "").strip(),
        "phone": (phone or "").strip(),
        "email": (email or "").strip(),
        "im_id": (im_id or "").strip(),
    }
    errors = {}
    if not values["title"]:
        errors["title"] = _("请填写问题标题。")
    if not values["name"]:
        errors["name"] = _("请填写您的称呼。")
    if not (values["phone"] or values["email"] or values["im_id"]):
        errors["phone"] = _("请至少留下一种联系方式：手机、邮箱或旺旺/微信。")
    for field, limit in QUESTION_LIMITS.items():
        if len(values[field]) > limit:
            errors[field] = _("不能超过 %(n)d 个字。") % {"n": limit}
    if errors:
        raise ValidationError(errors)
    # A blacklisted customer is answered like everybody else (the page does not tell who is on
    # the blacklist); the question is marked and waits on a supervisor, who decides.
    blacklisted = _blacklisted(phone=values["phone"], im_id=values["im_id"])
    # the 旺旺 named in the question is the buyer's member name: her profile, and a lead's clock
    customer_for_buyer(buyer_nick=values["im_id"], name=values["name"], phone=values["phone"])
    question = Question(
        category=category, ip_address=ip_address or None, from_blacklisted=blacklisted, **values
    )
    question.full_clean(exclude=["token"])
    question.save()
    worklist.work_put(
        source="question",
        source_id=question.pk,
        title=question.title[:200],
        customer_label=(_("%(name)s（黑名单）") % {"name": question.name} if blacklisted else question.name)[
            :120
        ],
        due_at=rules.question_due(question.created_at),
        required_role=roles.SUPERVISOR if blacklisted else None,
        created_at=question.created_at,
    )
    activity_record(target=question, actor=None, verb="question_submit", message=question.title)
    return question


@transaction.atomic
def question_answer(*, question: Question, by: User, answer: str, page_url: str = "") -> Question:
    """Answer the customer individually; the answer appears on their private page only.
    When the customer had written back, the answer goes under their reply and they are told
    (``question_answer_again``)."""
    roles.require_staff(by)
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": _("请填写答复内容。")})
    question = Question.objects.select_for_update().get(pk=question.pk)
    if question.status == Question.Status.REPLIED:
        return question_answer_again(question=question, by=by, answer=answer, page_url=page_url)
    if question.status == Question.Status.PUBLISHED:
        raise ValidationError(_("该问题已发布为文章。"))
    question.answer = answer
    question.status = Question.Status.ANSWERED
    question.answered_by = by
    question.answered_at = timezone.now()
    question.save(update_fields=["answer", "status", "answered_by", "answered_at"])
    for article in Article.objects.filter(pk__in=linked_article_ids(answer), status=Article.Status.PUBLISHED):
        similar_question_propose(
            article=article, text=question.title, source=SimilarQuestionProposal.Source.QUESTION_LINKED
        )
    worklist.work_done(source="question", source_id=question.pk, by=by)
    activity_record(target=question, actor=by, verb="question_answer")
    return question


@transaction.atomic
def question_publish(
    *,
    question: Question,
    by: User,
    title: str,
    answer: str,
    category: Category | None = None,
    tags: Iterable[str] = (),
) -> Article:
    """Edit the title and answer and publish them as an article, in one step.

    The customer's own text is never published: the article is made only of what staff wrote
    here. The question links to the article and the customer sees the answer on their page.
    Publishing takes a supervisor or an admin, as for any article.
    """
    require_article_publisher(by)
    question = Question.objects.select_for_update().get(pk=question.pk)
    if question.status == Question.Status.PUBLISHED or question.article_id:
        raise ValidationError(_("该问题已经发布过了。"))
    category = category or question.category
    if not (answer or "").strip():
        raise ValidationError({"answer": _("请填写答复内容。")})
    try:
        with transaction.atomic():
            article = article_create(category=category, title=title, body=answer, by=by, tags=tags)
    except IntegrityError as exc:
        raise ValidationError({"title": _("该类别下已有同名文章。")}) from exc
    similar_question_propose(
        article=article, text=question.title, source=SimilarQuestionProposal.Source.QUESTION_PUBLISHED
    )
    question.article = article
    question.answer = article.body
    question.status = Question.Status.PUBLISHED
    question.answered_by = by
    question.answered_at = timezone.now()
    question.save(update_fields=["article", "answer", "status", "answered_by", "answered_at"])
    worklist.work_done(source="question", source_id=question.pk, by=by)
    activity_record(target=question, actor=by, verb="question_publish", data={"article": article.pk})
    return article


@transaction.atomic
def question_close(*, question: Question, by: User) -> Question:
    """Close a question that needs no answer (spam, duplicate)."""
    roles.require_staff(by)
    updated = (
        Question.objects.filter(pk=question.pk)
        .exclude(status=Question.Status.PUBLISHED)
        .update(status=Question.Status.CLOSED)
    )
    if not updated:
        raise ValidationError(_("已发布的问题不能关闭。"))
    worklist.work_done(source="question", source_id=question.pk, by=by)
    activity_record(target=question, actor=by, verb="question_close")
    question.refresh_from_db()
    return question


# --- the customer writes back; staff answer again ------------------------------------------------

REPLY_LIMIT = 2000
# a question the customer may write back on: it has an answer, individual or as an article
REPLYABLE = (Question.Status.ANSWERED, Question.Status.PUBLISHED, Question.Status.REPLIED)


def _question_label(question: Question) -> str:
    if question.from_blacklisted:
        return (_("%(name)s（黑名单）") % {"name": question.name})[:120]
    return question.name[:120]


@transaction.atomic
def question_reply(*, question: Question, text: str, ip_address: str | None = None) -> QuestionReply:
    """The customer writes back on their private page (whoever holds the link is the customer).

    Preconditions: the question has an answer (individual or as an article) and is not closed.
    Side effects: the reply is kept under the question, the question is "客户追问" and its inbox
    item comes back open with a fresh deadline. The per-address allowance is taken by the form,
    as for asking."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("请填写回复内容。")})
    if len(text) > REPLY_LIMIT:
        raise ValidationError({"text": _("不能超过 %(n)d 个字。") % {"n": REPLY_LIMIT}})
    question = Question.objects.select_for_update().get(pk=question.pk)
    if question.status not in REPLYABLE:
        raise ValidationError(_("客服答复后才能在这里回复；已关闭的问题请重新提问。"))
    reply = QuestionReply.objects.create(
        question=question, from_customer=True, text=text, ip_address=ip_address or None
    )
    question.status = Question.Status.REPLIED
    question.save(update_fields=["status"])
    worklist.work_put(
        source="question",
        source_id=question.pk,
        title=question.title[:200],
        customer_label=_question_label(question),
        due_at=rules.question_due(reply.created_at),
        required_role=roles.SUPERVISOR if question.from_blacklisted else None,
    )
    activity_record(target=question, actor=None, verb="question_reply", message=text[:200])
    return reply


def question_answer_again(*, question: Question, by: User, answer: str, page_url: str = "") -> Question:
    """Staff answer the customer's reply (called by ``question_answer`` inside its transaction,
    on the locked question). The answer is kept under the reply, the question is answered (or
    published again, when it became an article) and its inbox item is done; the customer is told
    through the notices' senders — e-mail, SMS or the outbox, by the contacts they left — with the
    link to their page."""
    QuestionReply.objects.create(question=question, from_customer=False, text=answer, by=by)
    question.status = Question.Status.PUBLISHED if question.article_id else Question.Status.ANSWERED
    question.answered_by = by
    question.answered_at = timezone.now()
    question.save(update_fields=["status", "answered_by", "answered_at"])
    worklist.work_done(source="question", source_id=question.pk, by=by)
    with translation.override(settings.LANGUAGE_CODE):  # the customer reads the shop's language
        subject = _("您的问题有新的答复")
        text = _("%(name)s，您好！您的问题“%(title)s”有新的答复，请查看：%(url)s") % {
            "name": question.name,
            "title": question.title,
            "url": page_url or reverse("helpcenter:question_status", args=[question.token]),
        }
    customer_message_send(
        subject=subject,
        text=text,
        phone=question.phone,
        email=question.email,
        customer=customer_for_nick(question.im_id) if question.im_id else None,
        source="question",
        source_id=question.pk,
    )
    activity_record(target=question, actor=by, verb="question_answer_again")
    return question


# --- learning from staff: proposed similar questions ----------------------------------------

_ARTICLE_LINK = re.compile(r"/help/articles/(\d{1,18})/")


def linked_article_ids(text: str) -> set[int]:
    """The help-center articles a staff reply links to (…/help/articles/12/)."""
    return {int(pk) for pk in _ARTICLE_LINK.findall(text or "")}


def similar_question_propose(*, article: Article, text: str, source: str) -> SimilarQuestionProposal | None:
    """Propose a customer's wording as one more similar question of ``article``; called where staff
    tie a customer's question to the article (no one's permission: the supervisor decides later).

    Nothing is proposed when the wording is the title, already one of its similar questions, or
    already proposed (accepted, pending or rejected: a rejected wording does not come back).
    """
    cleaned = clean_similar_questions(text or "", title=article.title)
    if not cleaned or len(cleaned[0]) < 2:
        return None
    wording = cleaned[0][:200]
    if wording in article.similar_list:
        return None
    proposal, created = SimilarQuestionProposal.objects.get_or_create(
        article=article, text=wording, defaults={"source": source}
    )
    return proposal if created else None


@transaction.atomic
def similar_question_decide(
    *, proposal: SimilarQuestionProposal, by: User, accept: bool
) -> SimilarQuestionProposal:
    """Accept (the wording joins the article's similar questions and search finds it at once) or
    reject a proposal; supervisors and admins only."""
    roles.require_role(by, roles.SUPERVISOR, roles.ADMIN)
    proposal = SimilarQuestionProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != SimilarQuestionProposal.Status.PENDING:
        raise ValidationError(_("这条建议已经处理过了。"))
    if accept:
        article = Article.objects.select_for_update().get(pk=proposal.article_id)
        similar = clean_similar_questions([*article.similar_list, proposal.text], title=article.title)
        article.similar_questions = "\n".join(similar)
        article.save(update_fields=["similar_questions"])
        _index(article)
    proposal.status = (
        SimilarQuestionProposal.Status.ACCEPTED if accept else SimilarQuestionProposal.Status.REJECTED
    )
    proposal.decided_by = by
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "decided_by", "decided_at"])
    activity_record(
        target=proposal.article,
        actor=by,
        verb="similar_accept" if accept else "similar_reject",
        message=proposal.text,
    )
    return proposal


# --- search analytics -------------------------------------------------------------------------

_LONG_NUMBER = re.compile(r"\d{5,}")
_EMAIL = re.compile(r"\S+@\S+")


def anonymise_query(query: str) -> str:
    """What a search log keeps of the customer's words: phone, order and other long numbers and
    e-mail addresses masked, spaces tidied, at most 100 characters."""
    text = _EMAIL.sub("＊", _LONG_NUMBER.sub("＊", query or ""))
    return " ".join(text.split())[:100]


def search_log_record(*, query: str, results: int, top_article_id: int | None) -> SearchLog | None:
    """Keep one public search for the supervisors' analytics (anonymised; nobody's permission)."""
    text = anonymise_query(query)
    if not text:
        return None
    return SearchLog.objects.create(query=text, results=results, top_article_id=top_article_id)


def search_logs_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Forget the searches older than the shop keeps them (one DELETE; the analytics never look
    back further than a year)."""
    now = now or timezone.now()
    keep_days = int(shopsettings.get("search_log_keep_days"))
    forgotten, _per_model = SearchLog.objects.filter(created_at__lt=now - timedelta(days=keep_days)).delete()
    return {"search_logs_forgotten": forgotten}


def search_log_click(*, log_id: int, article: Article) -> None:
    """The customer opened ``article`` from that search's results (the first click counts)."""
    SearchLog.objects.filter(pk=log_id, clicked_article__isnull=True).update(clicked_article=article)


@transaction.atomic
def search_gap_to_similar(*, query: str, article: Article, by: User) -> Article:
    """From the search analytics, one click: a searched wording becomes a similar question of
    ``article`` at once (supervisors and admins)."""
    roles.require_role(by, roles.SUPERVISOR, roles.ADMIN)
    proposal = similar_question_propose(
        article=article, text=query, source=SimilarQuestionProposal.Source.SEARCH_GAP
    )
    if proposal is None:
        proposal = SimilarQuestionProposal.objects.filter(
            article=article, text=" ".join(query.split())[:200], status=SimilarQuestionProposal.Status.PENDING
        ).first()
    if proposal is None:
        raise ValidationError(_("这个问法已经是这篇文章的标题或相似问法，或之前被拒绝过。"))
    similar_question_decide(proposal=proposal, by=by, accept=True)
    article.refresh_from_db()
    return article
