"""The help center's pages: the public directory, detail and ask form, and the back office.

Views stay thin: a form shapes the input, a service does the work (and refuses what it must), the
page renders the result, or a partial when htmx asked for one.
"""

import html
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kefu.core import ratelimit, roles, shopsettings
from kefu.core.activity import activity_list
from kefu.core.decorators import staff_required
from kefu.core.forms import apply_service_errors
from kefu.helpcenter import forms, selectors, services
from kefu.helpcenter.models import Article, Category, Question
from kefu.helpcenter.rendering import render_markdown
from kefu.search.highlight import highlight, snippet
from kefu.search.models import SynonymGroup
from kefu.search.selectors import parse_query
from kefu.search.synonyms import synonym_groups_replace

STAFF_PAGE_SIZE = 20
VOTED_SESSION_KEY = "helpcenter_voted"


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _plain_text(markdown_text: str) -> str:
    """What a reader sees of an article body, without Markdown marks, for snippets."""
    return html.unescape(strip_tags(render_markdown(markdown_text)))


VERB_LABELS = {
    "question_submit": gettext_lazy("客户提交了问题"),
    "question_answer": gettext_lazy("单独答复"),
    "question_publish": gettext_lazy("发布为文章"),
    "question_close": gettext_lazy("关闭了问题"),
    "article_create": gettext_lazy("创建"),
    "article_update": gettext_lazy("修改"),
    "article_publish": gettext_lazy("发布"),
    "article_unpublish": gettext_lazy("下线"),
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
    """The directory: categories down the side, a keyword search, one page of articles."""
    form = forms.SearchForm(request.GET)
    form.is_valid()
    q = form.cleaned_data.get("q") or ""
    category_id = form.cleaned_data.get("category")
    page = form.cleaned_data.get("page") or 1
    page_size = max(1, int(shopsettings.get("helpcenter_page_size")))

    categories = list(selectors.category_list())
    current_category = next((c for c in categories if c.pk == category_id), None)
    if category_id and current_category is None:
        category_id = None
    results = selectors.article_search(q=q, category_id=category_id, page=page, page_size=page_size)
    if results.total and page > results.pages:
        results = selectors.article_search(
            q=q, category_id=category_id, page=results.pages, page_size=page_size
        )

    terms = parse_query(q).highlight_terms() if q else []
    rows = [
        {
            "article": article,
            "title": highlight(article.title, terms),
            "snippet": snippet(_plain_text(article.body), terms, length=110),
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
    }
    return render(request, "helpcenter/home.html", context)


@require_GET
def article_detail(request, pk: int):
    article = selectors.article_get_public(article_id=pk)
    services.article_view_count(article=article)
    article.views += 1
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
    """The "这篇文章有帮助吗？" buttons: one vote per visitor's session, so a reload cannot stuff the count."""
    article = selectors.article_get_public(article_id=pk)
    helpful = request.POST.get("helpful") == "yes"
    voted = request.session.get(VOTED_SESSION_KEY, [])
    if pk not in voted:
        services.article_feedback(article=article, helpful=helpful)
        request.session[VOTED_SESSION_KEY] = [*voted, pk][-200:]
    if _is_htmx(request):
        return render(
            request, "helpcenter/partials/feedback_thanks.html", {"article": article, "helpful": helpful}
        )
    messages.success(request, _("感谢您的反馈！"))
    return redirect("helpcenter:article", pk=pk)


@require_http_methods(["GET", "POST"])
def ask(request):
    """The public question form: CSRF, honeypot, length limits and a per-IP rate limit."""
    status = 200
    if request.method == "POST":
        form = forms.QuestionForm(request.POST)
        ip = ratelimit.client_ip(request)
        allowed = ratelimit.allow(key=f"ask:{ip}", limit=settings.KEFU_QUESTION_RATE_LIMIT, window_seconds=60)
        valid = form.is_valid()
        if not allowed:
            form.add_error(None, _("您提交得太频繁了，请一分钟后再试。您填写的内容已为您保留。"))
            status = 429
        elif valid and form.is_bot:
            # A bot filled the hidden field: look like success, store nothing.
            return render(request, "helpcenter/ask_received.html")
        elif valid:
            data = {k: v for k, v in form.cleaned_data.items() if k != "website"}
            try:
                question = services.question_submit(**data, ip_address=ip if ip != "unknown" else None)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                return redirect(reverse("helpcenter:question_status", args=[question.token]) + "?new=1")
        if status == 200:
            status = 400
    else:
        form = forms.QuestionForm(initial={"title": request.GET.get("title", "")[:120]})
    suggest_limit = shopsettings.get("helpcenter_ask_suggestions")
    return render(
        request, "helpcenter/ask.html", {"form": form, "suggest_limit": suggest_limit}, status=status
    )


@require_GET
def ask_suggest(request):
    """htmx: articles that may already answer what the customer is typing as a title."""
    title = request.GET.get("title", "")[:120]
    limit = max(0, int(shopsettings.get("helpcenter_ask_suggestions")))
    articles = selectors.article_suggest(title=title, limit=limit) if limit else []
    terms = parse_query(title).highlight_terms() if articles else []
    rows = [{"article": a, "title": highlight(a.title, terms)} for a in articles]
    return render(request, "helpcenter/partials/suggestions.html", {"rows": rows})


@require_GET
def question_status(request, token: str):
    """The customer's private page: only whoever holds the link sees the question and its answer."""
    question = selectors.question_get_by_token(token=token)
    response = render(
        request,
        "helpcenter/question_status.html",
        {
            "question": question,
            "just_submitted": request.GET.get("new") == "1",
            "private_url": request.build_absolute_uri(reverse("helpcenter:question_status", args=[token])),
            "article_public": bool(question.article and question.article.is_published),
        },
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


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


def _category_row(request, category: Category, *, form=None, saved=False):
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
@require_http_methods(["GET", "POST"])
def staff_categories(request):
    """Manage categories: rename in place, move up/down, delete (moving the articles first)."""
    if request.method == "POST":
        category_id = request.POST.get("category", "")
        category = get_object_or_404(Category, pk=int(category_id) if category_id.isdigit() else 0)
        action = request.POST.get("action")
        try:
            if action == "rename":
                form = forms.CategoryRenameForm(request.POST)
                if not form.is_valid():
                    raise ValidationError(form.errors.get("name") or _("请填写类别名称。"))
                services.category_rename(category=category, name=form.cleaned_data["name"], by=request.user)
                if _is_htmx(request):
                    return _category_row(request, category, saved=True)
                messages.success(request, _("类别已改名为“%(name)s”。") % {"name": form.cleaned_data["name"]})
            elif action in ("up", "down"):
                services.category_move(category=category, offset=-1 if action == "up" else 1, by=request.user)
            elif action == "delete":
                form = forms.CategoryDeleteForm(request.POST)
                if not form.is_valid():
                    raise ValidationError(form.errors.get("move_to"))
                name = category.name
                moved = services.category_delete(
                    category=category, by=request.user, move_to=form.cleaned_data["move_to"]
                )
                if moved:
                    messages.success(
                        request,
                        _("已删除类别“%(name)s”，%(n)d 篇文章已移到“%(to)s”。")
                        % {"name": name, "n": moved, "to": form.cleaned_data["move_to"].name},
                    )
                else:
                    messages.success(request, _("已删除类别“%(name)s”。") % {"name": name})
            else:
                messages.error(request, _("未知的操作。"))
        except ValidationError as exc:
            if action == "rename" and _is_htmx(request):
                form = forms.CategoryRenameForm(request.POST)
                form.is_valid()
                apply_service_errors(form, exc)
                # 200, because htmx does not swap in an error status: the row shows the message.
                return _category_row(request, category, form=form)
            messages.error(request, " ".join(exc.messages))
        return redirect("helpcenter:staff_categories")

    categories = list(selectors.category_list())
    return render(request, "helpcenter/staff/categories.html", {"categories": categories})


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
            "new_count": selectors.question_new_count(),
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def staff_question(request, pk: int):
    """Answer a question: individually, or edit title and answer and publish it as an article."""
    question = get_object_or_404(Question.objects.select_related("category", "article", "answered_by"), pk=pk)
    answer_form = forms.QuestionAnswerForm(
        initial={"answer": question.answer if question.status == "answered" else ""}
    )
    publish_form = forms.QuestionPublishForm(
        initial={"title": question.title, "category": question.category_id}
    )
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "answer":
                answer_form = forms.QuestionAnswerForm(request.POST)
                if answer_form.is_valid():
                    services.question_answer(question=question, by=request.user, **answer_form.cleaned_data)
                    messages.success(request, _("答复已保存，客户可以在其专属链接里看到。"))
                    return redirect("helpcenter:staff_question", pk=pk)
            elif action == "publish":
                publish_form = forms.QuestionPublishForm(request.POST)
                if publish_form.is_valid():
                    data = publish_form.cleaned_data
                    article = services.question_publish(
                        question=question,
                        by=request.user,
                        title=data["title"],
                        answer=data["answer"],
                        category=data["category"],
                        tags=publish_form.tag_list,
                    )
                    messages.success(request, _("已发布为文章“%(title)s”。") % {"title": article.title})
                    return redirect("helpcenter:staff_question", pk=pk)
            elif action == "close":
                services.question_close(question=question, by=request.user)
                messages.success(request, _("问题已关闭。"))
                return redirect("helpcenter:staff_questions")
        except ValidationError as exc:
            target = publish_form if action == "publish" else answer_form
            if action == "close":
                messages.error(request, " ".join(exc.messages))
                return redirect("helpcenter:staff_question", pk=pk)
            apply_service_errors(target, exc)
        status = 400
    return render(
        request,
        "helpcenter/staff/question.html",
        {
            "question": question,
            "answer_form": answer_form,
            "publish_form": publish_form,
            "similar": selectors.article_suggest(title=question.title, limit=5),
            "history": _history(question),
            "private_url": request.build_absolute_uri(
                reverse("helpcenter:question_status", args=[question.token])
            ),
        },
        status=status,
    )


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
    return render(
        request, "helpcenter/staff/articles.html", {"form": form, "page": page, "params": urlencode(params)}
    )


@staff_required
@require_http_methods(["GET", "POST"])
def staff_article_add(request):
    form = forms.ArticleForm(request.POST or None, initial={"category": request.GET.get("category")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            article = services.article_create(
                category=data["category"],
                title=data["title"],
                body=data["body"],
                tags=form.tag_list,
                publish=data["publish"],
                by=request.user,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("文章“%(title)s”已保存。") % {"title": article.title})
            return redirect("helpcenter:staff_article_edit", pk=article.pk)
    return render(
        request,
        "helpcenter/staff/article_form.html",
        {"form": form, "article": None},
        status=400 if form.errors else 200,
    )


@staff_required
@require_http_methods(["GET", "POST"])
def staff_article_edit(request, pk: int):
    """Edit, publish or unpublish, or delete an article (after a confirmation)."""
    article = get_object_or_404(
        Article.objects.select_related("category", "updated_by").prefetch_related("tags"), pk=pk
    )
    initial = {
        "category": article.category_id,
        "title": article.title,
        "body": article.body,
        "tags": " ".join(t.name for t in article.tags.all()),
        "publish": article.is_published,
    }
    form = forms.ArticleForm(initial=initial)
    if request.method == "POST":
        action = request.POST.get("action", "save")
        try:
            if action == "delete":
                title = article.title
                services.article_delete(article=article, by=request.user)
                messages.success(request, _("文章“%(title)s”已删除。") % {"title": title})
                return redirect("helpcenter:staff_articles")
            if action in ("publish", "unpublish"):
                services.article_set_published(
                    article=article, by=request.user, published=action == "publish"
                )
                messages.success(
                    request, _("文章已发布。") if action == "publish" else _("文章已下线，公众不再能看到它。")
                )
                return redirect("helpcenter:staff_article_edit", pk=pk)
            form = forms.ArticleForm(request.POST)
            if form.is_valid():
                data = form.cleaned_data
                services.article_update(
                    article=article,
                    by=request.user,
                    category=data["category"],
                    title=data["title"],
                    body=data["body"],
                    tags=form.tag_list,
                )
                messages.success(request, _("修改已保存。"))
                return redirect("helpcenter:staff_article_edit", pk=pk)
        except ValidationError as exc:
            apply_service_errors(form, exc)
    return render(
        request,
        "helpcenter/staff/article_form.html",
        {
            "form": form,
            "article": article,
            "questions": article.questions.order_by("-created_at")[:10],
            "history": _history(article),
        },
        status=400 if form.errors else 200,
    )


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
