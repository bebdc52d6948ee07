"""The replies' REST API (/api/v1/replies/): one small view per operation, calling the services.

Everything is for the service team (the API's staff-only default); the services decide the finer
roles: team phrases, the forbidden list and the auto-replies are changed by a supervisor or admin.
"""

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from kefu.core.operations import form_input, form_schema
from kefu.replies import forms, phrase_io, selectors, services
from kefu.replies.linter import lint_reply
from kefu.replies.models import AutoReplyRule, ForbiddenPhrase, PhraseGroup

TAG = "快捷短语与回复检查"


# --- serializers ----------------------------------------------------------------------------


class PhraseOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    shortcut = serializers.CharField()
    group = serializers.CharField(source="group.name")
    group_id = serializers.IntegerField()
    scope = serializers.SerializerMethodField(help_text="team 团队短语 / personal 个人短语")
    owner = serializers.CharField(source="owner.username", default=None, allow_null=True)
    use_count = serializers.IntegerField()
    last_used_at = serializers.DateTimeField(allow_null=True)
    can_edit = serializers.SerializerMethodField()

    class Meta:
        ref_name = "RepliesPhrase"

    def get_scope(self, phrase) -> str:
        return "team" if phrase.owner_id is None else "personal"

    def get_can_edit(self, phrase) -> bool:
        request = self.context.get("request")
        return bool(request) and selectors.can_edit_phrase(request.user, phrase)


class PageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = PhraseOutputSerializer(many=True)

    class Meta:
        ref_name = "RepliesPhrasePage"


class HitSerializer(serializers.Serializer):
    phrase = serializers.CharField(help_text="命中的禁用说法")
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    suggestion = serializers.CharField(help_text="建议说法")
    reason = serializers.CharField()

    class Meta:
        ref_name = "RepliesLintHit"


class LintOutputSerializer(serializers.Serializer):
    clean = serializers.BooleanField()
    hits = HitSerializer(many=True)

    class Meta:
        ref_name = "RepliesLintOutput"


class ForbiddenSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    phrase = serializers.CharField(allow_blank=True)
    suggestion = serializers.CharField(allow_blank=True)
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    match = serializers.ChoiceField(choices=ForbiddenPhrase.Match.choices, required=False, default="contains")
    customer_trigger = serializers.CharField(required=False, allow_blank=True, default="")
    exceptions = serializers.CharField(required=False, allow_blank=True, default="")
    fact_exempt = serializers.BooleanField(required=False, default=False)
    is_active = serializers.BooleanField(required=False, default=True)
    override_count = serializers.IntegerField(read_only=True)

    class Meta:
        ref_name = "RepliesForbiddenPhrase"


class AutoReplySerializer(serializers.Serializer):
    trigger = serializers.ChoiceField(choices=AutoReplyRule.Trigger.choices, read_only=True)
    trigger_display = serializers.CharField(source="get_trigger_display", read_only=True)
    text = serializers.CharField(allow_blank=True)
    is_enabled = serializers.BooleanField()

    class Meta:
        ref_name = "RepliesAutoReply"


class PromotionSerializer(serializers.Serializer):
    is_enabled = serializers.BooleanField()
    name = serializers.CharField(allow_blank=True, required=False, default="")
    starts_at = serializers.DateTimeField(allow_null=True, required=False, default=None)
    ends_at = serializers.DateTimeField(allow_null=True, required=False, default=None)
    offer = serializers.CharField(allow_blank=True, required=False, default="")
    text = serializers.CharField(allow_blank=True, required=False, default="")
    running = serializers.SerializerMethodField()

    class Meta:
        ref_name = "RepliesPromotion"

    def get_running(self, promotion) -> bool:
        return promotion.is_running()


class ImportReportSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    errors = serializers.SerializerMethodField(help_text="每个出错行：行号和原因")

    class Meta:
        ref_name = "RepliesImportReport"

    def get_errors(self, report) -> list[dict]:
        return [{"line": line, "reason": reason} for line, reason in report.errors]


def _phrase_data(request, phrases) -> list:
    return PhraseOutputSerializer(phrases, many=True, context={"request": request}).data


def _envelope(request, phrases: list) -> Response:
    return Response(
        {"count": len(phrases), "next": None, "previous": None, "results": _phrase_data(request, phrases)}
    )


# --- quick phrases --------------------------------------------------------------------------


class PhraseListApi(APIView):
    """GET the phrases one may use (``?q=`` is the reply box's ``/`` menu); POST a new one."""

    @extend_schema(
        tags=[TAG],
        parameters=[
            OpenApiParameter("q", str, description="“/”后输入的内容：先匹配快捷键前缀，再匹配内容"),
            OpenApiParameter("scope", str, enum=["all", "team", "mine"]),
            OpenApiParameter("group", int, description="分组编号"),
            OpenApiParameter("limit", int, description="配合 q，最多几条（默认 8）"),
        ],
        responses=PageSerializer,
        summary="快捷短语列表 / 输入联想",
        operation_id="replies_phrases_list",
    )
    def get(self, request):
        q = request.query_params.get("q")
        if q is not None:
            try:
                limit = min(max(int(request.query_params.get("limit", 8)), 1), 50)
            except ValueError:
                limit = 8
            return _envelope(request, selectors.phrase_suggest(user=request.user, query=q, limit=limit))
        try:
            group_id = int(request.query_params.get("group") or 0) or None
        except ValueError:
            group_id = None
        qs = selectors.phrase_list(
            user=request.user, scope=request.query_params.get("scope", "all"), group_id=group_id
        )
        paginator = api_settings.DEFAULT_PAGINATION_CLASS()
        page = paginator.paginate_queryset(qs, request)
        return paginator.get_paginated_response(_phrase_data(request, page))

    @extend_schema(
        tags=[TAG],
        request=form_schema(forms.PhraseForm, "PhraseInput"),
        responses={201: PhraseOutputSerializer},
        summary="新建快捷短语",
        operation_id="replies_phrases_create",
    )
    def post(self, request):
        # Every caller may ask for a team phrase here; the service answers 403 to an agent.
        data = form_input(forms.PhraseForm, request, can_team=True)
        phrase = services.phrase_create(
            text=data["text"],
            shortcut=data["shortcut"],
            group=data["group"],
            team=data.get("scope") == "team",
            by=request.user,
        )
        return Response(
            PhraseOutputSerializer(phrase, context={"request": request}).data, status=status.HTTP_201_CREATED
        )


class PhraseDetailApi(APIView):
    """GET, PATCH or DELETE one phrase (a colleague's personal phrase is refused)."""

    @extend_schema(
        tags=[TAG],
        responses=PhraseOutputSerializer,
        summary="快捷短语详情",
        operation_id="replies_phrases_get",
    )
    def get(self, request, pk: int):
        phrase = selectors.access_phrase(user=request.user, pk=pk)
        return Response(PhraseOutputSerializer(phrase, context={"request": request}).data)

    @extend_schema(
        tags=[TAG],
        request=form_schema(forms.PhraseForm, "PhraseUpdate"),
        responses=PhraseOutputSerializer,
        summary="修改快捷短语",
        operation_id="replies_phrases_update",
    )
    def patch(self, request, pk: int):
        phrase = selectors.access_phrase(user=request.user, pk=pk)
        data = form_input(forms.PhraseForm, request, editing=True, phrase=phrase)
        phrase = services.phrase_update(phrase=phrase, by=request.user, **data)
        return Response(PhraseOutputSerializer(phrase, context={"request": request}).data)

    @extend_schema(
        tags=[TAG], responses={204: None}, summary="删除快捷短语", operation_id="replies_phrases_delete"
    )
    def delete(self, request, pk: int):
        services.phrase_delete(phrase=selectors.access_phrase(user=request.user, pk=pk), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PhraseRenderApi(APIView):
    """The phrase's text with its placeholders filled, as it goes into the reply box."""

    class InputSerializer(serializers.Serializer):
        buyer = serializers.CharField(required=False, allow_blank=True, default="")
        agent_name = serializers.CharField(required=False, allow_blank=True, default="")
        order_number = serializers.CharField(required=False, allow_blank=True, default="")
        record_use = serializers.BooleanField(required=False, default=False, help_text="同时计一次使用")

        class Meta:
            ref_name = "RepliesPhraseRenderInput"

    class OutputSerializer(serializers.Serializer):
        text = serializers.CharField()

        class Meta:
            ref_name = "RepliesPhraseRenderOutput"

    @extend_schema(
        tags=[TAG],
        request=InputSerializer,
        responses=OutputSerializer,
        summary="填充短语占位符（{买家}{客服}{店铺}{订单号}{发货截止时间}）",
        operation_id="replies_phrases_render",
    )
    def post(self, request, pk: int):
        phrase = selectors.access_phrase(user=request.user, pk=pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        agent_name = values["agent_name"] or request.user.get_full_name() or request.user.get_username()
        text = services.phrase_render(
            phrase=phrase, buyer=values["buyer"], agent_name=agent_name, order_number=values["order_number"]
        )
        if values["record_use"]:
            services.phrase_use_record(phrase=phrase, by=request.user)
        return Response({"text": text})


class PhraseUseApi(APIView):
    @extend_schema(
        tags=[TAG],
        request=None,
        responses={204: None},
        summary="记录一次使用",
        operation_id="replies_phrases_use",
    )
    def post(self, request, pk: int):
        services.phrase_use_record(phrase=selectors.access_phrase(user=request.user, pk=pk), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PhraseSearchApi(APIView):
    @extend_schema(
        tags=[TAG],
        parameters=[
            OpenApiParameter("text", str, required=True, description="客户的消息"),
            OpenApiParameter("limit", int, description="默认 3"),
        ],
        responses=PhraseOutputSerializer(many=True),
        summary="为客户消息推荐快捷短语",
        operation_id="replies_phrases_search",
    )
    def get(self, request):
        try:
            limit = min(max(int(request.query_params.get("limit", 3)), 1), 20)
        except ValueError:
            limit = 3
        found = selectors.phrase_search(
            user=request.user, text=request.query_params.get("text", ""), limit=limit
        )
        return Response(_phrase_data(request, found))


class PhraseGroupListApi(APIView):
    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        name = serializers.CharField()
        position = serializers.IntegerField()

        class Meta:
            ref_name = "RepliesPhraseGroup"

    @extend_schema(
        tags=[TAG], responses=OutputSerializer(many=True), summary="短语分组", operation_id="replies_groups"
    )
    def get(self, request):
        return Response(self.OutputSerializer(selectors.phrase_group_list(), many=True).data)


class PhraseGroupDetailApi(APIView):
    """Rename (``name``), move (``move``: -1 up, 1 down) or delete an empty group (supervisor/admin)."""

    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(required=False, allow_blank=True)
        move = serializers.ChoiceField(choices=[-1, 1], required=False)

        class Meta:
            ref_name = "RepliesPhraseGroupUpdate"

    @extend_schema(
        tags=[TAG],
        request=InputSerializer,
        responses=PhraseGroupListApi.OutputSerializer,
        summary="分组改名 / 移动",
        operation_id="replies_group_update",
    )
    def patch(self, request, pk: int):
        group = get_object_or_404(PhraseGroup, pk=pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if "name" in data.validated_data:
            group = services.phrase_group_rename(
                group=group, name=data.validated_data["name"], by=request.user
            )
        if "move" in data.validated_data:
            services.phrase_group_move(group=group, offset=data.validated_data["move"], by=request.user)
            group.refresh_from_db()
        return Response(PhraseGroupListApi.OutputSerializer(group).data)

    @extend_schema(
        tags=[TAG], responses={204: None}, summary="删除空分组", operation_id="replies_group_delete"
    )
    def delete(self, request, pk: int):
        services.phrase_group_delete(group=get_object_or_404(PhraseGroup, pk=pk), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PhraseImportApi(APIView):
    """Upload a CSV (UTF-8 or GBK) or .xlsx; bad rows come back by line number, good rows land."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        tags=[TAG],
        request={"multipart/form-data": form_schema(forms.ImportForm, "ImportInput")},
        responses=ImportReportSerializer,
        summary="导入快捷短语（CSV / Excel）",
        operation_id="replies_phrases_import",
    )
    def post(self, request):
        data = form_input(forms.ImportForm, request, can_team=True)
        upload = data["file"]
        if upload.size > phrase_io.MAX_BYTES:
            raise ValidationError({"file": _("文件太大（最大 5 MB）。")})
        report = phrase_io.import_file(
            data=upload.read(),
            filename=upload.name,
            by=request.user,
            team=data.get("scope") == "team",
        )
        if report.fatal:
            raise ValidationError({"file": report.fatal})
        return Response(ImportReportSerializer(report).data)


class PhraseExportApi(APIView):
    @extend_schema(
        tags=[TAG],
        parameters=[
            OpenApiParameter("type", str, enum=["csv", "xlsx"], description="文件类型（默认 csv）"),
            OpenApiParameter("scope", str, enum=["team", "mine"]),
            OpenApiParameter(
                "encoding", str, enum=["utf-8", "gbk"], description="CSV 编码（gbk 实为 GB18030）"
            ),
        ],
        responses={(200, "text/csv"): OpenApiTypes.BINARY},
        summary="导出快捷短语",
        operation_id="replies_phrases_export",
    )
    def get(self, request):
        return export_response(
            user=request.user,
            fmt=request.query_params.get("type", "csv"),
            scope=request.query_params.get("scope", "team"),
            encoding=request.query_params.get("encoding", "utf-8"),
        )


def export_response(*, user, fmt: str, scope: str, encoding: str) -> HttpResponse:
    """A download of the team's or the user's phrases (shared by the page and the API)."""
    fmt = "xlsx" if fmt == "xlsx" else "csv"
    phrases = list(selectors.phrase_export_list(user=user, scope="mine" if scope == "mine" else "team"))
    content, mime = phrase_io.export_file(phrases, fmt=fmt, encoding=encoding)
    name = f"kefu-phrases-{'mine' if scope == 'mine' else 'team'}.{fmt}"
    response = HttpResponse(content, content_type=mime)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- the linter -----------------------------------------------------------------------------


def _hits(hits) -> list[dict]:
    return [
        {"phrase": h.phrase, "start": h.start, "end": h.end, "suggestion": h.suggestion, "reason": h.reason}
        for h in hits
    ]


class LintApi(APIView):
    @extend_schema(
        tags=[TAG],
        request=form_schema(forms.LintForm),
        responses=LintOutputSerializer,
        summary="检查回复是否用了禁用说法",
        operation_id="replies_lint",
    )
    def post(self, request):
        data = form_input(forms.LintForm, request)
        hits = lint_reply(data["text"], customer_message=data["customer_message"])
        return Response({"clean": not hits, "hits": _hits(hits)})


class LintOverrideApi(APIView):
    """The agent sends anyway: the hits are found again here (never trusted from the client) and counted."""

    @extend_schema(
        tags=[TAG],
        request=form_schema(forms.LintForm),
        responses=LintOutputSerializer,
        summary="坚持发送（计数并记录）",
        operation_id="replies_lint_override",
    )
    def post(self, request):
        data = form_input(forms.LintForm, request)
        text = data["text"]
        hits = lint_reply(text, customer_message=data["customer_message"])
        services.lint_override_record(by=request.user, text=text, hits=hits)
        return Response({"clean": not hits, "hits": _hits(hits)})


# --- forbidden phrases ----------------------------------------------------------------------


class ForbiddenListApi(APIView):
    @extend_schema(
        tags=[TAG],
        responses=ForbiddenSerializer(many=True),
        summary="禁用说法列表",
        operation_id="replies_forbidden_list",
    )
    def get(self, request):
        return Response(ForbiddenSerializer(selectors.forbidden_phrase_list(), many=True).data)

    @extend_schema(
        tags=[TAG],
        request=ForbiddenSerializer,
        responses={201: ForbiddenSerializer},
        summary="新增禁用说法（主管/管理员）",
        operation_id="replies_forbidden_create",
    )
    def post(self, request):
        data = ForbiddenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = services.forbidden_phrase_create(by=request.user, **data.validated_data)
        return Response(ForbiddenSerializer(row).data, status=status.HTTP_201_CREATED)


class ForbiddenDetailApi(APIView):
    def _get(self, pk: int) -> ForbiddenPhrase:
        return get_object_or_404(ForbiddenPhrase, pk=pk)

    @extend_schema(
        tags=[TAG],
        responses=ForbiddenSerializer,
        summary="禁用说法详情",
        operation_id="replies_forbidden_get",
    )
    def get(self, request, pk: int):
        return Response(ForbiddenSerializer(self._get(pk)).data)

    @extend_schema(
        tags=[TAG],
        request=ForbiddenSerializer,
        responses=ForbiddenSerializer,
        summary="修改禁用说法（主管/管理员）",
        operation_id="replies_forbidden_update",
    )
    def patch(self, request, pk: int):
        row = self._get(pk)
        data = ForbiddenSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        current = {
            name: getattr(row, name)
            for name in ForbiddenSerializer().fields
            if name not in ("id", "override_count")
        }
        current.update(data.validated_data)
        row = services.forbidden_phrase_update(forbidden=row, by=request.user, **current)
        return Response(ForbiddenSerializer(row).data)

    @extend_schema(
        tags=[TAG],
        responses={204: None},
        summary="删除禁用说法（主管/管理员）",
        operation_id="replies_forbidden_delete",
    )
    def delete(self, request, pk: int):
        services.forbidden_phrase_delete(forbidden=self._get(pk), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- auto-reply -----------------------------------------------------------------------------


class AutoReplyListApi(APIView):
    class OutputSerializer(serializers.Serializer):
        rules = AutoReplySerializer(many=True)
        promotion = PromotionSerializer()
        no_answer_seconds = serializers.IntegerField()
        off_hours_now = serializers.BooleanField()

        class Meta:
            ref_name = "RepliesAutoReplies"

    @extend_schema(
        tags=[TAG], responses=OutputSerializer, summary="自动回复设置", operation_id="replies_autoreplies"
    )
    def get(self, request):
        return Response(
            {
                "rules": AutoReplySerializer(selectors.autoreply_rule_list(), many=True).data,
                "promotion": PromotionSerializer(selectors.promotion_get()).data,
                "no_answer_seconds": selectors.autoreply_no_answer_seconds(),
                "off_hours_now": selectors.autoreply_is_off_hours(),
            }
        )


class AutoReplyDetailApi(APIView):
    @extend_schema(
        tags=[TAG],
        request=form_schema(forms.AutoReplyForm),
        responses=AutoReplySerializer,
        summary="修改一条自动回复、开关（主管/管理员）",
        operation_id="replies_autoreply_update",
    )
    def put(self, request, trigger: str):
        data = form_input(forms.AutoReplyForm, request)
        rule = services.autoreply_rule_update(trigger=trigger, by=request.user, **data)
        return Response(AutoReplySerializer(rule).data)


class AutoReplyPreviewApi(APIView):
    class OutputSerializer(serializers.Serializer):
        text = serializers.CharField(allow_null=True)

        class Meta:
            ref_name = "RepliesAutoReplyPreview"

    @extend_schema(
        tags=[TAG],
        parameters=[
            OpenApiParameter("trigger", str, enum=sorted(selectors.TRIGGERS), required=True),
            OpenApiParameter("buyer", str),
        ],
        responses=OutputSerializer,
        summary="现在会发出的自动回复（未启用为 null）",
        operation_id="replies_autoreply_preview",
    )
    def get(self, request):
        trigger = request.query_params.get("trigger", "")
        if trigger not in selectors.TRIGGERS:
            raise ValidationError({"trigger": _("未知的自动回复类型。")})
        return Response(
            {"text": selectors.autoreply_text(trigger=trigger, buyer=request.query_params.get("buyer", ""))}
        )


class PromotionApi(APIView):
    @extend_schema(
        tags=[TAG],
        request=PromotionSerializer,
        responses=PromotionSerializer,
        summary="大促模式（主管/管理员）",
        operation_id="replies_promotion_update",
    )
    def put(self, request):
        data = PromotionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        promotion = services.promotion_update(by=request.user, **data.validated_data)
        return Response(PromotionSerializer(promotion).data)


class NoAnswerSecondsApi(APIView):
    class OutputSerializer(serializers.Serializer):
        seconds = serializers.IntegerField()

        class Meta:
            ref_name = "RepliesNoAnswerSeconds"

    @extend_schema(
        tags=[TAG],
        request=form_schema(forms.NoAnswerForm),
        responses=OutputSerializer,
        summary="客服未回复多少秒后自动回复（主管/管理员）",
        operation_id="replies_no_answer_seconds",
    )
    def put(self, request):
        data = form_input(forms.NoAnswerForm, request)
        seconds = services.autoreply_no_answer_seconds_set(by=request.user, **data)
        return Response({"seconds": seconds})
