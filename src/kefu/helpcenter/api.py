"""The help center's REST API (/api/v1/help/): one small view per operation, calling the services.

Public endpoints (categories, articles, asking a question, a question's private page) opt out of
the API's staff-only default explicitly; everything under ``staff/`` and every change to
categories needs a member of the service team, and the services decide the finer roles
(only admins manage categories, supervisors and admins edit synonyms).
"""

import html

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from kefu.core import ratelimit, roles
from kefu.core.api import paginate
from kefu.core.operations import form_errors, form_input, form_schema
from kefu.helpcenter import forms, selectors, services
from kefu.helpcenter.models import Article, Category, Question, SimilarQuestionProposal
from kefu.helpcenter.rendering import render_markdown
from kefu.search.models import SynonymGroup
from kefu.search.synonyms import synonym_groups_replace

TAG = "帮助中心"
STAFF_TAG = "帮助中心（后台）"


# --- shared pieces --------------------------------------------------------------------------


def _page_number(request) -> int:
    """The page the address asks for, read as the directory page reads it: out of range is page 1."""
    form = forms.SearchForm(request.query_params)
    form.is_valid()
    return form.cleaned_data.get("page") or 1


def _page_response(request, *, items: list, total: int, page: int, page_size: int) -> Response:
    """The same envelope as DRF's PageNumberPagination, for lists that come from the search index."""

    def link(number: int) -> str:
        url = request.build_absolute_uri()
        params = request.query_params.copy()
        params["page"] = number
        return f"{url.split('?')[0]}?{params.urlencode()}"

    pages = max(1, -(-total // page_size))
    return Response(
        {
            "count": total,
            "next": link(page + 1) if page < pages else None,
            "previous": link(page - 1) if page > 1 and page <= pages + 1 else None,
            "results": items,
        }
    )


def _paginated(serializer_class: type[serializers.Serializer], name: str) -> type[serializers.Serializer]:
    """The schema of a page of ``serializer_class`` items (count/next/previous/results)."""
    return type(
        name,
        (serializers.Serializer,),
        {
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": serializer_class(many=True),
            "Meta": type("Meta", (), {"ref_name": name}),
        },
    )


def _public_article_url(request, article: Article) -> str:
    return request.build_absolute_uri(reverse("helpcenter:article", args=[article.pk]))


def _question_url(request, token: str) -> str:
    return request.build_absolute_uri(reverse("helpcenter:question_status", args=[token]))


class CategoryRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()

    class Meta:
        ref_name = "HelpCategoryRef"


class MessageSerializer(serializers.Serializer):
    detail = serializers.CharField()

    class Meta:
        ref_name = "HelpMessage"


class ArticleStaffOutputSerializer(serializers.Serializer):
    """An article as staff see it, drafts included."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    category = CategoryRefSerializer()
    body = serializers.CharField(help_text="Markdown 原文")
    body_html = serializers.SerializerMethodField(help_text="渲染并净化后的 HTML")
    tags = serializers.SerializerMethodField()
    similar_questions = serializers.ListField(
        child=serializers.CharField(), source="similar_list", help_text="相似问法（只对客服人员可见）"
    )
    status = serializers.CharField()
    status_display = serializers.CharField(source="get_status_display")
    views = serializers.IntegerField()
    helpful_yes = serializers.IntegerField()
    helpful_no = serializers.IntegerField()
    version = serializers.IntegerField(help_text="修改时带上它：期间有人保存过则拒绝并说明改了什么")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    published_at = serializers.DateTimeField(allow_null=True)
    updated_by = serializers.CharField(source="updated_by.username", default=None, allow_null=True)
    url = serializers.SerializerMethodField(help_text="公开页面地址（仅已发布的文章）")

    class Meta:
        ref_name = "HelpArticleStaff"

    def get_body_html(self, article) -> str:
        return str(render_markdown(article.body))

    def get_tags(self, article) -> list[str]:
        return [t.name for t in article.tags.all()]

    def get_url(self, article) -> str | None:
        if not article.is_published:
            return None
        return _public_article_url(self.context["request"], article)


# --- public: categories and articles ----------------------------------------------------------


class CategoryListApi(APIView):
    """GET: the categories with their published article counts (public). POST: add one (admins)."""

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        name = serializers.CharField()
        description = serializers.CharField()
        position = serializers.IntegerField()
        article_count = serializers.IntegerField(source="published_count", help_text="已发布文章数")

        class Meta:
            ref_name = "HelpCategory"

    def get_permissions(self):
        if self.request.method == "GET":
            return [AllowAny()]
        return super().get_permissions()

    @extend_schema(
        tags=[TAG],
        responses=OutputSerializer(many=True),
        summary="类别列表",
        operation_id="help_categories_list",
    )
    def get(self, request):
        return Response(self.OutputSerializer(selectors.category_list_public(), many=True).data)

    @extend_schema(
        tags=[STAFF_TAG],
        request=form_schema(forms.CategoryForm, "CategoryCreateInput"),
        responses={201: OutputSerializer},
        summary="添加类别（管理员）",
        operation_id="help_categories_create",
    )
    def post(self, request):
        data = form_input(forms.CategoryForm, request)
        category = services.category_create(by=request.user, **data)
        category = selectors.category_list().get(pk=category.pk)
        return Response(self.OutputSerializer(category).data, status=status.HTTP_201_CREATED)


class CategoryDetailApi(APIView):
    """PATCH: rename a category (or change its description); DELETE: remove it, ``?move_to=<id>``
    moving its articles first."""

    @extend_schema(
        tags=[STAFF_TAG],
        request=form_schema(forms.CategoryEditForm, "CategoryRenameInput"),
        responses=CategoryListApi.OutputSerializer,
        summary="重命名类别（管理员）",
        operation_id="help_categories_rename",
    )
    def patch(self, request, pk: int):
        category = get_object_or_404(Category, pk=pk)
        data = form_input(forms.CategoryEditForm, request, category=category)
        services.category_rename(category=category, by=request.user, **data)
        category = selectors.category_list().get(pk=category.pk)
        return Response(CategoryListApi.OutputSerializer(category).data)

    @extend_schema(
        tags=[STAFF_TAG],
        parameters=[
            OpenApiParameter("move_to", int, description="先把文章移到这个类别（类别下有文章时必填）")
        ],
        responses={204: None},
        summary="删除类别（管理员）",
        operation_id="help_categories_delete",
    )
    def delete(self, request, pk: int):
        category = get_object_or_404(Category, pk=pk)
        # The target comes in the query string (a DELETE has no body); the page's form checks it.
        form = forms.CategoryDeleteForm(request.query_params)
        if not form.is_valid():
            raise exceptions.ValidationError(form_errors(form))
        services.category_delete(category=category, by=request.user, **form.cleaned_data)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CategoryReorderApi(APIView):
    class InputSerializer(serializers.Serializer):
        ids = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)

        class Meta:
            ref_name = "HelpCategoryReorderInput"

    @extend_schema(
        tags=[STAFF_TAG],
        request=InputSerializer,
        responses=CategoryListApi.OutputSerializer(many=True),
        summary="调整类别顺序（管理员）",
        operation_id="help_categories_reorder",
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.category_reorder(ordered_ids=data.validated_data["ids"], by=request.user)
        return Response(CategoryListApi.OutputSerializer(selectors.category_list(), many=True).data)


class ArticleListApi(APIView):
    """Published articles; with ``q`` a keyword search, best first, each with its score."""

    permission_classes = [AllowAny]

    class FilterSerializer(serializers.Serializer):
        q = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
        category = serializers.IntegerField(required=False, allow_null=True, default=None)
        page = serializers.IntegerField(required=False, min_value=1, default=1)

        class Meta:
            ref_name = "HelpArticleFilter"

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        title = serializers.CharField()
        category = CategoryRefSerializer()
        snippet = serializers.CharField(help_text="正文摘要（纯文本）")
        snippet_html = serializers.CharField(help_text="摘要 HTML，已转义，命中的词用 <mark> 标出")
        score = serializers.FloatField(allow_null=True, help_text="相关度（仅关键词搜索时）")
        url = serializers.URLField()

        class Meta:
            ref_name = "HelpArticleListItem"

    @extend_schema(
        tags=[TAG],
        parameters=[FilterSerializer],
        responses=_paginated(OutputSerializer, "HelpArticlePage"),
        summary="文章目录与搜索",
        operation_id="help_articles_list",
    )
    def get(self, request):
        params = self.FilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        q, category_id, page = (params.validated_data[k] for k in ("q", "category", "page"))
        page_size = selectors.article_page_size()
        results = selectors.article_search(q=q, category_id=category_id, page=page, page_size=page_size)
        terms = selectors.highlight_terms(q)
        items = []
        for article in results.articles:
            snippet_html = str(selectors.article_snippet(article, terms))
            items.append(
                {
                    "id": article.pk,
                    "title": article.title,
                    "category": {"id": article.category_id, "name": article.category.name},
                    "snippet": html.unescape(strip_tags(snippet_html)),
                    "snippet_html": snippet_html,
                    "score": results.scores.get(article.pk) if q.strip() else None,
                    "url": _public_article_url(request, article),
                }
            )
        data = self.OutputSerializer(items, many=True).data
        return _page_response(request, items=data, total=results.total, page=page, page_size=page_size)


class ArticleDetailApi(APIView):
    """One published article; each read counts a view."""

    permission_classes = [AllowAny]

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        title = serializers.CharField()
        category = CategoryRefSerializer()
        body = serializers.CharField(help_text="Markdown 原文")
        body_html = serializers.CharField(help_text="渲染并净化后的 HTML")
        tags = serializers.ListField(child=serializers.CharField())
        views = serializers.IntegerField()
        helpful_yes = serializers.IntegerField()
        helpful_no = serializers.IntegerField()
        published_at = serializers.DateTimeField(allow_null=True)
        updated_at = serializers.DateTimeField()
        url = serializers.URLField()

        class Meta:
            ref_name = "HelpArticleDetail"

    @extend_schema(
        tags=[TAG], responses=OutputSerializer, summary="文章详情", operation_id="help_articles_get"
    )
    def get(self, request, pk: int):
        article = selectors.article_get_public(article_id=pk)
        services.article_view_count(article_id=article.pk)
        article.refresh_from_db(fields=["views", "helpful_yes", "helpful_no"])
        article.views += services.article_views_pending(article.pk)
        data = {
            "id": article.pk,
            "title": article.title,
            "category": {"id": article.category_id, "name": article.category.name},
            "body": article.body,
            "body_html": str(render_markdown(article.body)),
            "tags": [t.name for t in article.tags.all()],
            "views": article.views,
            "helpful_yes": article.helpful_yes,
            "helpful_no": article.helpful_no,
            "published_at": article.published_at,
            "updated_at": article.updated_at,
            "url": _public_article_url(request, article),
        }
        return Response(self.OutputSerializer(data).data)


class ArticleFeedbackApi(APIView):
    """ "Was this helpful?" — counts a yes or a no, once per visitor and article (the counts come
    back either way)."""

    permission_classes = [AllowAny]

    class OutputSerializer(serializers.Serializer):
        helpful_yes = serializers.IntegerField()
        helpful_no = serializers.IntegerField()

        class Meta:
            ref_name = "HelpFeedbackOutput"

    @extend_schema(
        tags=[TAG],
        request=form_schema(forms.ArticleFeedbackForm, "FeedbackInput"),
        responses=OutputSerializer,
        summary="这篇文章有帮助吗",
        operation_id="help_articles_feedback",
    )
    def post(self, request, pk: int):
        article = selectors.article_get_public(article_id=pk)
        data = form_input(forms.ArticleFeedbackForm, request)
        services.article_feedback(
            article=article,
            visitor=ratelimit.visitor_key(request),
            ip_address=ratelimit.client_ip(request),
            **data,
        )
        article.refresh_from_db(fields=["helpful_yes", "helpful_no"])
        return Response(self.OutputSerializer(article).data)


# --- public: customer questions -----------------------------------------------------------


class QuestionSubmitApi(APIView):
    """A customer's question. Never shown publicly; the reply carries the private link to it."""

    permission_classes = [AllowAny]

    class OutputSerializer(serializers.Serializer):
        token = serializers.CharField(help_text="私密凭据：凭它查看答复，请妥善保存")
        url = serializers.URLField(help_text="客户查看答复的私密页面")
        status = serializers.CharField()

        class Meta:
            ref_name = "HelpQuestionSubmitOutput"

    @extend_schema(
        tags=[TAG],
        request=form_schema(forms.QuestionForm, "QuestionSubmitInput"),
        responses={201: OutputSerializer, 400: None, 429: MessageSerializer},
        summary="提交问题",
        operation_id="help_questions_submit",
    )
    def post(self, request):
        ip = ratelimit.client_ip(request)
        try:
            data = form_input(forms.QuestionForm, request, client_ip=ip)
        except exceptions.ValidationError as exc:
            # The ask page's form counted this submission too; too many from one address is a 429.
            if services.TOO_FREQUENT in exc.detail.get("detail", []):
                raise exceptions.Throttled(detail=str(services.TOO_FREQUENT)) from exc
            raise
        # A filled hidden field comes back as an unsaved question with a fresh token: the bot is
        # answered as if stored and learns nothing.
        question = services.question_submit(**data, ip_address=ip if ip != "unknown" else None)
        body = {
            "token": question.token,
            "url": _question_url(request, question.token),
            "status": question.status,
        }
        return Response(self.OutputSerializer(body).data, status=status.HTTP_201_CREATED)


class QuestionReplySerializer(serializers.Serializer):
    from_customer = serializers.BooleanField(help_text="true：客户的追问；false：客服的答复")
    text = serializers.CharField()
    created_at = serializers.DateTimeField()

    class Meta:
        ref_name = "HelpQuestionReply"


class QuestionStatusApi(APIView):
    """The customer's own question and its answer, reachable only by the unguessable token."""

    permission_classes = [AllowAny]

    class OutputSerializer(serializers.Serializer):
        title = serializers.CharField()
        details = serializers.CharField()
        category = CategoryRefSerializer(allow_null=True)
        status = serializers.CharField()
        status_display = serializers.CharField(source="get_status_display")
        answer = serializers.CharField()
        answer_html = serializers.SerializerMethodField()
        answered_at = serializers.DateTimeField(allow_null=True)
        article_url = serializers.SerializerMethodField()
        created_at = serializers.DateTimeField()
        replies = serializers.SerializerMethodField()
        can_reply = serializers.SerializerMethodField()

        class Meta:
            ref_name = "HelpQuestionStatus"

        def get_replies(self, question) -> list[dict]:
            return QuestionReplySerializer(selectors.question_replies(question=question), many=True).data

        def get_can_reply(self, question) -> bool:
            return question.status in services.REPLYABLE

        def get_answer_html(self, question) -> str:
            return str(render_markdown(question.answer)) if question.answer else ""

        def get_article_url(self, question) -> str | None:
            article = question.article
            if article is None or not article.is_published:
                return None
            return _public_article_url(self.context["request"], article)

    @extend_schema(
        tags=[TAG],
        responses=OutputSerializer,
        summary="查看我的问题与答复",
        operation_id="help_questions_status",
    )
    def get(self, request, token: str):
        question = selectors.question_get_by_token(token=token)
        return Response(self.OutputSerializer(question, context={"request": request}).data)


class QuestionReplyApi(APIView):
    """The customer writes back after an answer, by the private token; rate-limited like asking."""

    permission_classes = [AllowAny]

    @extend_schema(
        tags=[TAG],
        request=form_schema(forms.QuestionReplyForm, "QuestionReplyInput"),
        responses={201: QuestionReplySerializer, 400: None, 404: None, 429: MessageSerializer},
        summary="追问（回复客服的答复）",
        operation_id="help_questions_reply",
    )
    def post(self, request, token: str):
        question = selectors.question_get_by_token(token=token)
        ip = ratelimit.client_ip(request)
        try:
            data = form_input(forms.QuestionReplyForm, request, client_ip=ip)
        except exceptions.ValidationError as exc:
            if services.TOO_FREQUENT in exc.detail.get("detail", []):
                raise exceptions.Throttled(detail=str(services.TOO_FREQUENT)) from exc
            raise
        reply = services.question_reply(
            question=question, text=data["text"], ip_address=ip if ip != "unknown" else None
        )
        return Response(QuestionReplySerializer(reply).data, status=status.HTTP_201_CREATED)


# --- staff: customer questions ----------------------------------------------------------------


class QuestionStaffOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    details = serializers.CharField()
    name = serializers.CharField()
    phone = serializers.CharField()
    email = serializers.CharField()
    im_id = serializers.CharField()
    category = CategoryRefSerializer(allow_null=True)
    status = serializers.CharField()
    status_display = serializers.CharField(source="get_status_display")
    answer = serializers.CharField()
    answered_by = serializers.CharField(source="answered_by.username", default=None, allow_null=True)
    answered_at = serializers.DateTimeField(allow_null=True)
    article_id = serializers.IntegerField(allow_null=True)
    from_blacklisted = serializers.BooleanField(help_text="提问人在店铺黑名单上（客户不知情）")
    created_at = serializers.DateTimeField()

    class Meta:
        ref_name = "HelpQuestionStaff"


class StaffQuestionListApi(APIView):
    class FilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=Question.Status.choices, required=False, allow_blank=True)
        category = serializers.IntegerField(required=False, allow_null=True)
        page = serializers.IntegerField(required=False, min_value=1)

        class Meta:
            ref_name = "HelpQuestionFilter"

    @extend_schema(
        tags=[STAFF_TAG],
        parameters=[FilterSerializer],
        responses=_paginated(QuestionStaffOutputSerializer, "HelpQuestionPage"),
        summary="客户问题列表（新的在前）",
        operation_id="help_staff_questions_list",
    )
    def get(self, request):
        params = self.FilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        questions = selectors.question_list(
            status=params.validated_data.get("status") or None,
            category_id=params.validated_data.get("category"),
        )
        return paginate(request, questions, QuestionStaffOutputSerializer)


class StaffQuestionDetailApi(APIView):
    class OutputSerializer(QuestionStaffOutputSerializer):
        similar_articles = serializers.SerializerMethodField(help_text="可能已经回答了这个问题的文章")

        class Meta:
            ref_name = "HelpQuestionStaffDetail"

        def get_similar_articles(self, question) -> list[dict]:
            return [
                {"id": a.pk, "title": a.title, "category": a.category.name}
                for a in selectors.article_suggest(title=question.title)
            ]

    @extend_schema(
        tags=[STAFF_TAG],
        responses=OutputSerializer,
        summary="客户问题详情",
        operation_id="help_staff_questions_get",
    )
    def get(self, request, pk: int):
        question = selectors.question_get(question_id=pk)
        return Response(self.OutputSerializer(question).data)


class StaffQuestionAnswerApi(APIView):
    @extend_schema(
        tags=[STAFF_TAG],
        request=form_schema(forms.QuestionAnswerForm),
        responses=QuestionStaffOutputSerializer,
        summary="单独答复客户",
        operation_id="help_staff_questions_answer",
    )
    def post(self, request, pk: int):
        question = get_object_or_404(Question, pk=pk)
        data = form_input(forms.QuestionAnswerForm, request)
        question = services.question_answer(
            question=question, by=request.user, page_url=_question_url(request, question.token), **data
        )
        return Response(QuestionStaffOutputSerializer(question).data)


class StaffQuestionPublishApi(APIView):
    """Edit the title and answer and publish them as an article, in one step."""

    @extend_schema(
        tags=[STAFF_TAG],
        request=form_schema(forms.QuestionPublishForm),
        responses={201: ArticleStaffOutputSerializer},
        summary="编辑后发布为文章",
        operation_id="help_staff_questions_publish",
    )
    def post(self, request, pk: int):
        question = get_object_or_404(Question, pk=pk)
        data = form_input(forms.QuestionPublishForm, request, question=question)
        article = services.question_publish(question=question, by=request.user, **data)
        return Response(
            ArticleStaffOutputSerializer(article, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class StaffQuestionCloseApi(APIView):
    @extend_schema(
        tags=[STAFF_TAG],
        request=None,
        responses=QuestionStaffOutputSerializer,
        summary="关闭问题",
        operation_id="help_staff_questions_close",
    )
    def post(self, request, pk: int):
        question = get_object_or_404(Question, pk=pk)
        question = services.question_close(question=question, by=request.user)
        return Response(QuestionStaffOutputSerializer(question).data)


# --- staff: articles ------------------------------------------------------------------------


class StaffArticleListApi(APIView):
    """GET: every article, drafts included, recently changed first. POST: add an article."""

    class FilterSerializer(serializers.Serializer):
        q = serializers.CharField(required=False, allow_blank=True, default="")
        category = serializers.IntegerField(required=False, allow_null=True, default=None)
        status = serializers.ChoiceField(choices=Article.Status.choices, required=False, allow_blank=True)
        page = serializers.IntegerField(required=False, min_value=1)

        class Meta:
            ref_name = "HelpStaffArticleFilter"

    @extend_schema(
        tags=[STAFF_TAG],
        parameters=[FilterSerializer],
        responses=_paginated(ArticleStaffOutputSerializer, "HelpStaffArticlePage"),
        summary="文章目录（后台）",
        operation_id="help_staff_articles_list",
    )
    def get(self, request):
        params = self.FilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        articles = selectors.article_list_staff(
            q=params.validated_data["q"],
            category_id=params.validated_data["category"],
            status=params.validated_data.get("status") or None,
        )
        return paginate(request, articles, ArticleStaffOutputSerializer)

    @extend_schema(
        tags=[STAFF_TAG],
        request=form_schema(forms.ArticleForm, "ArticleCreateInput"),
        responses={201: ArticleStaffOutputSerializer},
        summary="提交文章",
        operation_id="help_staff_articles_create",
    )
    def post(self, request):
        data = form_input(forms.ArticleForm, request)
        data.pop("version", None)  # a new article has no earlier version to protect
        article = services.article_create(by=request.user, **data)
        return Response(
            ArticleStaffOutputSerializer(article, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class StaffArticleDetailApi(APIView):
    """GET, PATCH (any of category/title/body/tags) or DELETE one article."""

    def _get(self, pk: int) -> Article:
        return selectors.article_get_staff(article_id=pk)

    @extend_schema(
        tags=[STAFF_TAG],
        responses=ArticleStaffOutputSerializer,
        summary="文章详情（后台）",
        operation_id="help_staff_articles_get",
    )
    def get(self, request, pk: int):
        return Response(ArticleStaffOutputSerializer(self._get(pk), context={"request": request}).data)

    @extend_schema(
        tags=[STAFF_TAG],
        request=form_schema(forms.ArticleForm, "ArticleUpdateInput"),
        responses=ArticleStaffOutputSerializer,
        summary="修改文章",
        operation_id="help_staff_articles_update",
    )
    def patch(self, request, pk: int):
        article = self._get(pk)
        # Fields left out keep their current values (the form fills them in from the article).
        data = form_input(forms.ArticleForm, request, article=article)
        data.pop("publish")  # publishing is an operation of its own
        article = services.article_update(article=article, by=request.user, **data)
        return Response(
            ArticleStaffOutputSerializer(self._get(article.pk), context={"request": request}).data
        )

    @extend_schema(
        tags=[STAFF_TAG], responses={204: None}, summary="删除文章", operation_id="help_staff_articles_delete"
    )
    def delete(self, request, pk: int):
        services.article_delete(article=self._get(pk), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class StaffArticlePublishApi(APIView):
    published = True

    @extend_schema(
        tags=[STAFF_TAG],
        request=None,
        responses=ArticleStaffOutputSerializer,
        summary="发布文章",
        operation_id="help_staff_articles_publish",
    )
    def post(self, request, pk: int):
        article = get_object_or_404(Article, pk=pk)
        services.article_set_published(article=article, by=request.user, published=self.published)
        article = get_object_or_404(selectors.article_list_staff(), pk=pk)
        return Response(ArticleStaffOutputSerializer(article, context={"request": request}).data)


class StaffArticleUnpublishApi(StaffArticlePublishApi):
    """Take an article off the public site and out of search; it stays as a draft."""

    published = False

    @extend_schema(
        tags=[STAFF_TAG],
        request=None,
        responses=ArticleStaffOutputSerializer,
        summary="取消发布文章",
        operation_id="help_staff_articles_unpublish",
    )
    def post(self, request, pk: int):
        return super().post(request, pk)


# --- staff: synonyms --------------------------------------------------------------------------


class SynonymsApi(APIView):
    """The shop's synonym list: GET for the team, PUT (replace all) for supervisors and admins."""

    class InputSerializer(serializers.Serializer):
        groups = serializers.ListField(
            child=serializers.ListField(child=serializers.CharField(max_length=50)),
            help_text='每组是一串同义词，例如 [["物流", "快递"], ["退款", "退钱"]]',
        )

        class Meta:
            ref_name = "HelpSynonymsInput"

    class OutputSerializer(serializers.Serializer):
        groups = serializers.ListField(child=serializers.ListField(child=serializers.CharField()))

        class Meta:
            ref_name = "HelpSynonyms"

    def _groups(self) -> list[list[str]]:
        return [group.word_list for group in SynonymGroup.objects.order_by("id")]

    @extend_schema(
        tags=[STAFF_TAG], responses=OutputSerializer, summary="同义词表", operation_id="help_synonyms_get"
    )
    def get(self, request):
        return Response(self.OutputSerializer({"groups": self._groups()}).data)

    @extend_schema(
        tags=[STAFF_TAG],
        request=InputSerializer,
        responses=OutputSerializer,
        summary="替换同义词表",
        operation_id="help_synonyms_replace",
    )
    def put(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        lines = [" ".join(words) for words in data.validated_data["groups"]]
        synonym_groups_replace(lines=lines, by=request.user)
        return Response(self.OutputSerializer({"groups": self._groups()}).data)


# --- staff: proposed similar questions ----------------------------------------------------------


class SimilarProposalSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField(help_text="顾客的问法")
    article = serializers.SerializerMethodField()
    source = serializers.CharField()
    source_display = serializers.CharField(source="get_source_display")
    status = serializers.CharField()
    created_at = serializers.DateTimeField()

    class Meta:
        ref_name = "HelpSimilarProposal"

    def get_article(self, proposal) -> dict:
        return {"id": proposal.article_id, "title": proposal.article.title}


class SimilarProposalListApi(APIView):
    """Proposed similar questions waiting for a supervisor (``?status=accepted|rejected`` for the others)."""

    @extend_schema(
        tags=[STAFF_TAG],
        responses=SimilarProposalSerializer(many=True),
        summary="相似问法建议",
        operation_id="help_similar_proposals_list",
    )
    def get(self, request):
        wanted = request.query_params.get("status") or SimilarQuestionProposal.Status.PENDING
        if wanted not in SimilarQuestionProposal.Status.values:
            return Response({"status": ["状态只能是 pending、accepted 或 rejected。"]}, status=400)
        return paginate(request, selectors.similar_proposal_list(status=wanted), SimilarProposalSerializer)


class SimilarProposalAcceptApi(APIView):
    accept = True

    @extend_schema(
        tags=[STAFF_TAG],
        request=None,
        responses=SimilarProposalSerializer,
        summary="采纳相似问法建议",
        operation_id="help_similar_proposals_accept",
    )
    def post(self, request, pk: int):
        proposal = get_object_or_404(SimilarQuestionProposal, pk=pk)
        proposal = services.similar_question_decide(proposal=proposal, by=request.user, accept=self.accept)
        return Response(SimilarProposalSerializer(proposal).data)


class SimilarProposalRejectApi(SimilarProposalAcceptApi):
    accept = False

    @extend_schema(
        tags=[STAFF_TAG],
        request=None,
        responses=SimilarProposalSerializer,
        summary="拒绝相似问法建议",
        operation_id="help_similar_proposals_reject",
    )
    def post(self, request, pk: int):
        return super().post(request, pk)


# --- staff: search analytics ----------------------------------------------------------------------


class SearchStatSerializer(serializers.Serializer):
    query = serializers.CharField(help_text="顾客搜的词（已去掉电话、单号等长数字和邮箱）")
    searches = serializers.IntegerField()
    empty = serializers.IntegerField(help_text="什么也没搜到的次数")
    clicked = serializers.IntegerField(help_text="搜完点开了文章的次数")
    unanswered = serializers.IntegerField(help_text="没搜到或没点开的次数")
    top_article = serializers.SerializerMethodField(help_text="排在第一的文章")

    class Meta:
        ref_name = "HelpSearchStat"

    def get_top_article(self, stat) -> dict | None:
        if not stat.top_article_id:
            return None
        return {"id": stat.top_article_id, "title": stat.top_article_title}


class SearchAnalyticsSerializer(serializers.Serializer):
    days = serializers.IntegerField()
    totals = serializers.DictField(child=serializers.IntegerField(), help_text="searches, empty, no_click")
    top = SearchStatSerializer(many=True, help_text="搜得最多的词")
    gaps = SearchStatSerializer(many=True, help_text="内容缺口：没搜到或没人点开的词")

    class Meta:
        ref_name = "HelpSearchAnalytics"


class SearchAnalyticsApi(APIView):
    """What customers searched (supervisors and admins): totals, top searches, content gaps."""

    @extend_schema(
        tags=[STAFF_TAG],
        parameters=[OpenApiParameter("days", int, description="往前看多少天（1–366，默认 30）")],
        responses=SearchAnalyticsSerializer,
        summary="搜索分析",
        operation_id="help_search_analytics",
    )
    def get(self, request):
        if not roles.has_role(request.user, roles.SUPERVISOR, roles.ADMIN):
            raise exceptions.PermissionDenied(_("只有主管或管理员可以查看搜索分析。"))
        days = selectors.search_analytics_days(request.query_params.get("days"))
        return Response(SearchAnalyticsSerializer(selectors.search_analytics(days=days)).data)


class SimilarAddedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    similar_questions = serializers.ListField(child=serializers.CharField(), source="similar_list")

    class Meta:
        ref_name = "HelpSimilarAdded"


class SearchGapSimilarApi(APIView):
    """From a content gap, one call: the searched wording becomes a similar question of an article."""

    @extend_schema(
        tags=[STAFF_TAG],
        request=form_schema(forms.SearchGapSimilarForm),
        responses=SimilarAddedSerializer,
        summary="把搜索词加为文章的相似问法",
        operation_id="help_search_gap_similar",
    )
    def post(self, request):
        data = form_input(forms.SearchGapSimilarForm, request)
        article = services.search_gap_to_similar(
            query=data["query"], article=data["article"], by=request.user
        )
        return Response(SimilarAddedSerializer(article).data)
