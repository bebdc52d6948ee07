"""The help center's pages: the public directory, detail and ask form, and the back office.

Views stay thin: a form shapes the input, a service does the work (and refuses what it must), the
page renders the result, or a partial when htmx asked for one.
"""

from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kefu.core import ratelimit, roles, shopsettings
from kefu.core.activity import activity_list
from kefu.core.decorators import staff_required
from kefu.core.forms import apply_service_errors
from kefu.core.operations import OperationPage, is_htmx
from kefu.helpcenter import forms, pagecache, selectors, services
from kefu.helpcenter.models import Article, Category, Question, SimilarQuestionProposal
from kefu.helpcenter.rendering import render_markdown
from kefu.search.highlight import highlight
from kefu.search.models import SynonymGroup
from kefu.search.synonyms import synonym_groups_replace

STAFF_PAGE_SIZE = 20
VOTED_SESSION_KEY = "helpcenter_voted"
FROM_SEARCH_SESSION_KEY = "helpcenter_from_search"


VERB_LABELS = {
    "question_submit": gettext_lazy("客户提交了问题"),
    "question_answer": gettext_lazy("单独答复"),
    "question_reply": gettext_lazy("客户追问"),
    "question_answer_again": gettext_lazy("再次答复"),
    "question_publish": gettext_lazy("发布为文章"),
    "question_close": gettext_lazy("关闭了问题"),
    "article_create": gettext_lazy("创建"),
    "article_update": gettext_lazy("修改"),
    "article_publish": gettext_lazy("发布"),
    "article_unpublish": gettext_lazy("下线"),
    "similar_accept": gettext_lazy("采纳相似问法"),
    "similar_reject": gettext_lazy("拒绝相似问法"),
}


def _history(target) -> list[dict]:
    return [
        {
            "when": entry.created_at,
            "who": (entry.actor.get_full_name() or entry.actor.username) if entry.actor else _("客户"),
            "label": VERB_LABELS.get(entry.verb, entry.verb),
        }
        for entry in activity_list(target=target).order_by("-created_at", "-id")[:20]
    ]


def admin_required(view):
    """Category pages: on the team and an administrator (403 for the rest of the team)."""

    @staff_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not roles.has_role(request.user, roles.ADMIN):
            raise PermissionDenied(_("只有管理员可以管理类别。"))
        return view(request, *args, **kwargs)

    return wrapper


def _page_links(page: int, pages: int, params: dict) -> list[dict]:
    """Numbered links around the current page (1 … 4 5 [6] 7 8 … 20)."""
    wanted = {1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)}
    links, last = [], 0
    for n in sorted(wanted):
        if n - last > 1:
            links.append({"gap": True})
        links.append({"number": n, "current": n == page, "query": urlencode({**params, "page": n})})
        last = n
    return links


# --- public help center -------------------------------------------------------------------


@require_GET
def home(request):
    """The directory: categories down the side, a keyword search, one page of articles. Without a
    search, a visitor without a session gets the page this process keeps (see ``pagecache``)."""
    form = forms.SearchForm(request.GET)
    form.is_valid()
    q = form.cleaned_data.get("q") or ""
    categories = selectors.category_list_public()
    if q:
        return _home_page(request, form, q, categories)
    page_size = selectors.article_page_size()
    return pagecache.serve(
        request,
        key=("home", page_size, selectors.public_version(categories)),
        render=lambda: _home_page(request, form, q, categories),
    )


def _home_page(request, form: forms.SearchForm, q: str, categories: list[Category]) -> HttpResponse:
    category_id = form.cleaned_data.get("category")
    page = form.cleaned_data.get("page") or 1
    page_size = selectors.article_page_size()
    current_category = next((c for c in categories if c.pk == category_id), None)
    if category_id and current_category is None:
        category_id = None
    results = selectors.article_search(
        q=q, category_id=category_id, page=page, page_size=page_size, categories=categories
    )
    if results.total and page > results.pages:
        results = selectors.article_search(
            q=q, category_id=category_id, page=results.pages, page_size=page_size, categories=categories
        )

    search_log = None
    if q and results.page == 1 and not category_id:
        search_log = services.search_log_record(
            query=q,
            results=results.total,
            top_article_id=results.articles[0].pk if results.articles else None,
        )
    terms = selectors.highlight_terms(q)
    rows = [
        {
            "article": article,
            "title": highlight(article.title, terms),
            "snippet": selectors.article_snippet(article, terms),
        }
        for article in results.articles
    ]
    params = {k: v for k, v in (("q", q), ("category", category_id or "")) if v}
    context = {
        "form": form,
        "q": q,
        "categories": categories,
        "current_category": current_category,
        "published_total": sum(c.published_count for c in categories),
        "results": results,
        "rows": rows,
        "page_links": _page_links(results.page, results.pages, params) if results.pages > 1 else [],
        "prev_query": urlencode({**params, "page": results.page - 1}),
        "next_query": urlencode({**params, "page": results.page + 1}),
        "ask_query": urlencode({"title": q}) if q else "",
        "search_log": search_log,
    }
    return render(request, "helpcenter/home.html", context)


@require_GET
def article_detail(request, pk: int):
    """An article. Its view is counted on every request (in memory, written in batches); a visitor
    without a session who did not come from a search gets the page this process keeps."""
    from_search = request.GET.get("s", "")
    if from_search:
        response = _article_page(request, pk, from_search)
    else:
        version = selectors.public_version(selectors.category_list_public())
        response = pagecache.serve(
            request, key=("article", pk, version), render=lambda: _article_page(request, pk, "")
        )
    services.article_view_count(article_id=pk)
    return response


def _article_page(request, pk: int, from_search: str) -> HttpResponse:
    article = selectors.article_get_public(article_id=pk)
    if from_search.isdigit() and len(from_search) < 18:
        services.search_log_click(log_id=int(from_search), article=article)
        # kept so that a "helpful" on this page knows which search it answered
        remembered = {**request.session.get(FROM_SEARCH_SESSION_KEY, {}), str(pk): int(from_search)}
        request.session[FROM_SEARCH_SESSION_KEY] = dict(list(remembered.items())[-50:])
    article.views += services.article_views_pending(article.pk)
    related = _related(article)
    voted = pk in request.session.get(VOTED_SESSION_KEY, [])
    return render(
        request,
        "helpcenter/article.html",
        {"article": article, "body": render_markdown(article.body), "related": related, "voted": voted},
    )


def _related(article: Article, limit: int = 5) -> list[Article]:
    """Articles found by this one's title, topped up with the newest of its category."""
    found = selectors.article_search(q=article.title, page_size=limit + 1).articles
    related = [a for a in found if a.pk != article.pk][:limit]
    if len(related) < limit:
        seen = {article.pk, *(a.pk for a in related)}
        same = selectors.article_search(category_id=article.category_id, page_size=limit + len(seen)).articles
        related += [a for a in same if a.pk not in seen][: limit - len(related)]
    return related


@require_POST
def article_feedback(request, pk: int):
    """The "这篇文章有帮助吗？" buttons; the session remembers the vote so the page shows the thanks."""
    article = selectors.article_get_public(article_id=pk)
    form = forms.ArticleFeedbackForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(" ".join(form.errors["helpful"]))
    helpful = form.cleaned_data["helpful"]
    voted = request.session.get(VOTED_SESSION_KEY, [])
    if pk not in voted:
        if not request.session.session_key:
            request.session.save()  # the visitor is known by the session from the first vote on
        services.article_feedback(
            article=article,
            helpful=helpful,
            visitor=ratelimit.visitor_key(request),
            ip_address=ratelimit.client_ip(request),
            from_search=request.session.get(FROM_SEARCH_SESSION_KEY, {}).get(str(pk)),
        )
        request.session[VOTED_SESSION_KEY] = [*voted, pk][-200:]
    if is_htmx(request):
        return render(
            request, "helpcenter/partials/feedback_thanks.html", {"article": article, "helpful": helpful}
        )
    messages.success(request, _("感谢您的反馈！"))
    return redirect("helpcenter:article", pk=pk)


def _ask_page(request, form: forms.QuestionForm, *, status: int = 200) -> HttpResponse:
    suggest_limit = shopsettings.get("helpcenter_ask_suggestions")
    return render(
        request, "helpcenter/ask.html", {"form": form, "suggest_limit": suggest_limit}, status=status
    )


@require_GET
def ask(request):
    """The public question form."""
    return _ask_page(request, forms.QuestionForm(initial={"title": request.GET.get("title", "")[:120]}))


@require_POST
def ask_submit(request):
    """Submit a question: the form checks the input, the hidden field and the per-address rate limit
    (the API asks with the same form), the service stores it."""
    ip = ratelimit.client_ip(request)
    form = forms.QuestionForm(request.POST, client_ip=ip)
    if form.is_valid():
        try:
            question = services.question_submit(
                **form.cleaned_data, ip_address=ip if ip != "unknown" else None
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            if question.pk is None:  # the hidden field was filled: look like success
                return render(request, "helpcenter/ask_received.html")
            return redirect(reverse("helpcenter:question_status", args=[question.token]) + "?new=1")
    return _ask_page(request, form, status=429 if form.too_frequent else 400)


@require_GET
def ask_suggest(request):
    """htmx: articles that may already answer what the customer is typing as a title."""
    title = request.GET.get("title", "")[:120]
    limit = max(0, int(shopsettings.get("helpcenter_ask_suggestions")))
    articles = selectors.article_suggest(title=title, limit=limit) if limit else []
    terms = selectors.highlight_terms(title) if articles else []
    rows = [{"article": a, "title": highlight(a.title, terms)} for a in articles]
    return render(request, "helpcenter/partials/suggestions.html", {"rows": rows})


def _private_headers(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _question_status_page(
    request, question: Question, *, reply_form: forms.QuestionReplyForm | None = None, status: int = 200
) -> HttpResponse:
    token = question.token
    return _private_headers(
        render(
            request,
            "helpcenter/question_status.html",
            {
                "question": question,
                "just_submitted": request.GET.get("new") == "1",
                "private_url": request.build_absolute_uri(
                    reverse("helpcenter:question_status", args=[token])
                ),
                "article_public": bool(question.article and question.article.is_published),
                "replies": selectors.question_replies(question=question),
                "can_reply": question.status in services.REPLYABLE,
                "reply_form": reply_form or forms.QuestionReplyForm(),
            },
            status=status,
        )
    )


@require_GET
def question_status(request, token: str):
    """The customer's private page: only whoever holds the link sees the question and its answer."""
    return _question_status_page(request, selectors.question_get_by_token(token=token))


@require_POST
def question_reply(request, token: str):
    """The customer writes back on the private page after an answer; rate-limited like asking
    (the API posts the same form to the same service)."""
    question = selectors.question_get_by_token(token=token)
    ip = ratelimit.client_ip(request)
    form = forms.QuestionReplyForm(request.POST, client_ip=ip)
    if form.is_valid():
        try:
            services.question_reply(
                question=question, text=form.cleaned_data["text"], ip_address=ip if ip != "unknown" else None
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已收到您的回复，客服答复后会显示在本页。"))
            return _private_headers(redirect("helpcenter:question_status", token=token))
    return _question_status_page(request, question, reply_form=form, status=429 if form.too_frequent else 400)


# --- back office: categories (admins) -----------------------------------------------------


@admin_required
@require_http_methods(["GET", "POST"])
def staff_category_add(request):
    form = forms.CategoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            category = services.category_create(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已添加类别“%(name)s”。") % {"name": category.name})
            if "again" in request.POST:
                return redirect("helpcenter:staff_category_add")
            return redirect("helpcenter:staff_categories")
    return render(
        request, "helpcenter/staff/category_add.html", {"form": form}, status=400 if form.errors else 200
    )


def _category_row(request, category: Category, *, form=None, saved=False) -> HttpResponse:
    category = selectors.category_list().get(pk=category.pk)
    return render(
        request,
        "helpcenter/partials/category_row.html",
        {
            "c": category,
            "rename_form": form,
            "saved": saved,
            "others": Category.objects.exclude(pk=category.pk).order_by("position", "id"),
        },
    )


@admin_required
@require_GET
def staff_categories(request):
    """Manage categories: rename in place, move up/down, delete (moving the articles first)."""
    categories = list(selectors.category_list())
    header_actions = [
        {"label": _("+ 添加类别"), "url": reverse("helpcenter:staff_category_add"), "primary": True}
    ]
    return render(
        request,
        "helpcenter/staff/categories.html",
        {"categories": categories, "header_actions": header_actions},
    )


class _CategoryOperation(OperationPage):
    """One change to one category; only administrators manage categories."""

    roles = (roles.ADMIN,)

    def get_object(self) -> Category:
        return get_object_or_404(Category, pk=self.kwargs["pk"])

    def success_url(self, category, result) -> str:
        return reverse("helpcenter:staff_categories")

    def success_message(self, category, result) -> str:
        return ""


class StaffCategoryRename(_CategoryOperation):
    form_class = forms.CategoryEditForm

    def get_form_kwargs(self, category):
        return {"category": category}

    def perform(self, category, data):
        return services.category_rename(category=category, by=self.request.user, **data)

    def succeeded(self, category, result):
        if is_htmx(self.request):
            return _category_row(self.request, category, saved=True)
        return super().succeeded(category, result)

    def success_message(self, category, result) -> str:
        return _("类别已改名为“%(name)s”。") % {"name": result.name}

    def invalid(self, category, form):
        if is_htmx(self.request):
            # 200, because htmx does not swap in an error status: the row shows the message.
            return _category_row(self.request, category, form=form)
        return super().invalid(category, form)


class StaffCategoryMoveUp(_CategoryOperation):
    offset = -1

    def perform(self, category, data):
        services.category_move(category=category, offset=self.offset, by=self.request.user)


class StaffCategoryMoveDown(StaffCategoryMoveUp):
    offset = 1


class StaffCategoryDelete(_CategoryOperation):
    form_class = forms.CategoryDeleteForm

    def perform(self, category, data):
        self.deleted_name, self.moved_to = category.name, data["move_to"]
        return services.category_delete(category=category, by=self.request.user, move_to=data["move_to"])

    def success_message(self, category, moved) -> str:
        if moved:
            return _("已删除类别“%(name)s”，%(n)d 篇文章已移到“%(to)s”。") % {
                "name": self.deleted_name,
                "n": moved,
                "to": self.moved_to.name,
            }
        return _("已删除类别“%(name)s”。") % {"name": self.deleted_name}


# --- back office: customer questions ------------------------------------------------------


@staff_required
@require_GET
def staff_questions(request):
    """New questions first; filter by status and category."""
    form = forms.QuestionFilterForm(request.GET)
    form.is_valid()
    status = form.cleaned_data.get("status") or None
    category = form.cleaned_data.get("category")
    qs = selectors.question_list(status=status, category_id=category.pk if category else None)
    page = Paginator(qs, STAFF_PAGE_SIZE).get_page(request.GET.get("page"))
    params = {k: v for k, v in (("status", status), ("category", category.pk if category else "")) if v}
    return render(
        request,
        "helpcenter/staff/questions.html",
        {
            "form": form,
            "page": page,
            "params": urlencode(params),
            "new_count_text": _("%(n)d 个待处理") % {"n": new_count}
            if (new_count := selectors.question_new_count())
            else "",
        },
    )


def _question_page(request, question: Question, *, bound: dict | None = None) -> HttpResponse:
    """The question with its two answer forms; ``bound`` holds the form that came back with errors
    (shown again as typed, status 400), the other starts fresh."""
    bound = bound or {}
    answer_form = bound.get("answer") or forms.QuestionAnswerForm(
        initial={"answer": question.answer if question.status == Question.Status.ANSWERED else ""}
    )
    publish_form = bound.get("publish") or forms.QuestionPublishForm(
        initial={"title": question.title, "category": question.category_id}
    )
    return render(
        request,
        "helpcenter/staff/question.html",
        {
            "question": question,
            "answer_form": answer_form,
            "publish_form": publish_form,
            "can_publish": services.can_publish_articles(request.user),
            "similar": selectors.article_suggest(title=question.title, limit=5),
            "history": _history(question),
            "replies": selectors.question_replies(question=question),
            "private_url": request.build_absolute_uri(
                reverse("helpcenter:question_status", args=[question.token])
            ),
        },
        status=400 if bound else 200,
    )


@staff_required
@require_GET
def staff_question(request, pk: int):
    """Answer a question: individually, or edit title and answer and publish it as an article."""
    return _question_page(request, selectors.question_get(question_id=pk))


class _QuestionOperation(OperationPage):
    bound_as = ""

    def get_object(self) -> Question:
        return selectors.question_get(question_id=self.kwargs["pk"])

    def success_url(self, question, result) -> str:
        return reverse("helpcenter:staff_question", args=[question.pk])

    def invalid(self, question, form):
        return _question_page(self.request, question, bound={self.bound_as: form})


class StaffQuestionAnswer(_QuestionOperation):
    form_class = forms.QuestionAnswerForm
    bound_as = "answer"

    def perform(self, question, data):
        page_url = self.request.build_absolute_uri(
            reverse("helpcenter:question_status", args=[question.token])
        )
        return services.question_answer(question=question, by=self.request.user, page_url=page_url, **data)

    def success_message(self, question, result) -> str:
        return _("答复已保存，客户可以在其专属链接里看到。")


class StaffQuestionPublish(_QuestionOperation):
    form_class = forms.QuestionPublishForm
    bound_as = "publish"

    def get_form_kwargs(self, question):
        return {"question": question}

    def perform(self, question, data):
        return services.question_publish(question=question, by=self.request.user, **data)

    def success_message(self, question, article) -> str:
        return _("已发布为文章“%(title)s”。") % {"title": article.title}


class StaffQuestionClose(_QuestionOperation):
    def perform(self, question, data):
        return services.question_close(question=question, by=self.request.user)

    def success_message(self, question, result) -> str:
        return _("问题已关闭。")

    def success_url(self, question, result) -> str:
        # Closed: on to the next question; refused: back to this one, with the reason.
        if result is None:
            return super().success_url(question, result)
        return reverse("helpcenter:staff_questions")


# --- back office: articles ----------------------------------------------------------------


@staff_required
@require_GET
def staff_articles(request):
    """The article directory for staff: drafts too, with views and helpful counts."""
    form = forms.ArticleFilterForm(request.GET)
    form.is_valid()
    q = form.cleaned_data.get("q") or ""
    category = form.cleaned_data.get("category")
    status = form.cleaned_data.get("status") or None
    qs = selectors.article_list_staff(q=q, category_id=category.pk if category else None, status=status)
    page = Paginator(qs, STAFF_PAGE_SIZE).get_page(request.GET.get("page"))
    params = {
        k: v for k, v in (("q", q), ("category", category.pk if category else ""), ("status", status)) if v
    }
    header_actions = [
        {"label": _("搜索同义词"), "url": reverse("helpcenter:staff_synonyms")},
        {"label": _("+ 提交文章"), "url": reverse("helpcenter:staff_article_add"), "primary": True},
    ]
    return render(
        request,
        "helpcenter/staff/articles.html",
        {"form": form, "page": page, "params": urlencode(params), "header_actions": header_actions},
    )


def _article_form_page(request, form: forms.ArticleForm, article: Article | None) -> HttpResponse:
    context = {"form": form, "article": article, "can_publish": services.can_publish_articles(request.user)}
    if article is not None:
        context["questions"] = article.questions.order_by("-created_at")[:10]
        context["history"] = _history(article)
    return render(request, "helpcenter/staff/article_form.html", context, status=400 if form.errors else 200)


@staff_required
@require_http_methods(["GET", "POST"])
def staff_article_add(request):
    """Submit an article: the form page, and its post creates the article."""
    form = forms.ArticleForm(
        request.POST or None,
        initial={"category": request.GET.get("category"), "title": request.GET.get("title", "")[:200]},
    )
    if request.method == "POST" and form.is_valid():
        try:
            data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
            article = services.article_create(by=request.user, **data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("文章“%(title)s”已保存。") % {"title": article.title})
            return redirect("helpcenter:staff_article_edit", pk=article.pk)
    return _article_form_page(request, form, None)


@staff_required
@require_http_methods(["GET", "POST"])
def staff_article_edit(request, pk: int):
    """Edit an article: the form page, and its post saves the changes. Publishing, taking offline
    and deleting are operations of their own (the buttons beside the form)."""
    article = selectors.article_get_staff(article_id=pk)
    if request.method == "POST":
        form = forms.ArticleForm(request.POST)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "publish"}
            try:
                services.article_update(article=article, by=request.user, **data)
            except ValidationError as exc:
                apply_service_errors(form, exc)
                # Told what changed, the editor may save again on purpose: the form now carries
                # the version they were shown.
                form.data = form.data.copy()
                form.data["version"] = str(Article.objects.values_list("version", flat=True).get(pk=pk))
            else:
                messages.success(request, _("修改已保存。"))
                return redirect("helpcenter:staff_article_edit", pk=pk)
    else:
        form = forms.ArticleForm(
            initial={
                "category": article.category_id,
                "title": article.title,
                "body": article.body,
                "tags": " ".join(t.name for t in article.tags.all()),
                "similar_questions": article.similar_questions,
                "publish": article.is_published,
                "version": article.version,
            }
        )
    return _article_form_page(request, form, article)


class _ArticleOperation(OperationPage):
    def get_object(self) -> Article:
        return get_object_or_404(Article, pk=self.kwargs["pk"])

    def success_url(self, article, result) -> str:
        return reverse("helpcenter:staff_article_edit", args=[article.pk])


class StaffArticlePublish(_ArticleOperation):
    published = True

    def perform(self, article, data):
        return services.article_set_published(article=article, by=self.request.user, published=self.published)

    def success_message(self, article, result) -> str:
        return _("文章已发布。")


class StaffArticleUnpublish(StaffArticlePublish):
    published = False

    def success_message(self, article, result) -> str:
        return _("文章已下线，公众不再能看到它。")


class StaffArticleDelete(_ArticleOperation):
    def perform(self, article, data):
        title = article.title
        services.article_delete(article=article, by=self.request.user)
        return title

    def success_message(self, article, title) -> str:
        return _("文章“%(title)s”已删除。") % {"title": title}

    def success_url(self, article, title) -> str:
        if title is None:
            return super().success_url(article, title)
        return reverse("helpcenter:staff_articles")


@staff_required
@require_POST
def staff_preview(request):
    """htmx: the Markdown of the body field rendered exactly as the public page will show it."""
    body = request.POST.get("body") or request.POST.get("answer") or ""
    return render(
        request,
        "helpcenter/partials/preview.html",
        {"html": render_markdown(body), "empty": not body.strip()},
    )


# --- back office: synonyms ----------------------------------------------------------------


@staff_required
@require_http_methods(["GET", "POST"])
def staff_synonyms(request):
    """The shop's synonym list, one group per line; supervisors and admins may save it."""
    can_edit = roles.has_role(request.user, roles.SUPERVISOR, roles.ADMIN)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(_("只有主管或管理员可以修改同义词。"))
        form = forms.SynonymsForm(request.POST)
        if form.is_valid():
            count = synonym_groups_replace(lines=form.lines, by=request.user)
            messages.success(request, _("已保存 %(n)d 组同义词，搜索立即生效。") % {"n": count})
            return redirect("helpcenter:staff_synonyms")
    else:
        groups = SynonymGroup.objects.order_by("id").values_list("words", flat=True)
        form = forms.SynonymsForm(initial={"text": "\n".join(groups)})
    return render(request, "helpcenter/staff/synonyms.html", {"form": form, "can_edit": can_edit})


# --- proposed similar questions (supervisors decide) ----------------------------------------


@staff_required
@require_GET
def staff_similar_proposals(request):
    """The customers' wordings staff tied to an article, waiting for a supervisor's decision."""
    paginator = Paginator(selectors.similar_proposal_list(), 50)
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "page": page,
        "can_decide": roles.has_role(request.user, roles.SUPERVISOR, roles.ADMIN),
    }
    return render(request, "helpcenter/staff/similar_proposals.html", context)


class StaffSimilarAccept(OperationPage):
    roles = (roles.SUPERVISOR, roles.ADMIN)
    accept = True

    def get_object(self) -> SimilarQuestionProposal:
        return get_object_or_404(SimilarQuestionProposal, pk=self.kwargs["pk"])

    def perform(self, proposal, data):
        return services.similar_question_decide(proposal=proposal, by=self.request.user, accept=self.accept)

    def success_message(self, proposal, result) -> str:
        if self.accept:
            return _("已采纳，“%(text)s”现在能搜到这篇文章。") % {"text": proposal.text}
        return _("已拒绝。")

    def success_url(self, proposal, result) -> str:
        return reverse("helpcenter:staff_similar_proposals")


class StaffSimilarReject(StaffSimilarAccept):
    accept = False


# --- search analytics (supervisors) -----------------------------------------------------------


@staff_required
@require_GET
def staff_search_stats(request):
    """What customers searched: top searches, content gaps (nothing found, nothing opened), and
    which article answered; from a gap, one click to a new article or a similar question."""
    if not roles.has_role(request.user, roles.SUPERVISOR, roles.ADMIN):
        raise PermissionDenied(_("只有主管或管理员可以查看搜索分析。"))
    days = selectors.search_analytics_days(request.GET.get("days"))
    return render(request, "helpcenter/staff/search_stats.html", selectors.search_analytics(days=days))


class StaffSearchGapSimilar(OperationPage):
    """A searched wording becomes a similar question of the article that came first."""

    roles = (roles.SUPERVISOR, roles.ADMIN)
    form_class = forms.SearchGapSimilarForm

    def perform(self, obj, data):
        return services.search_gap_to_similar(
            query=data["query"], article=data["article"], by=self.request.user
        )

    def success_message(self, obj, result) -> str:
        return _("已加为《%(title)s》的相似问法，搜索立即生效。") % {"title": result.title}

    def success_url(self, obj, result) -> str:
        return reverse("helpcenter:staff_search_stats")
