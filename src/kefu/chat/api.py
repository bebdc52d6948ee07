"""The chat's REST API (/api/v1/chat/): one small view per operation, calling the services.

Customer endpoints are public (no account): the conversation's unguessable token in the path is
the key, and it is never an ambient credential (the cookie is only read by the chat page), so a
foreign site cannot act on a conversation. Unsafe customer calls still check Django's CSRF token
like every form of the site, and each IP is rate-limited. Everything under ``staff/`` needs a
member of the service team.
"""

import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.authentication import CSRFCheck
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from kefu.chat import push, selectors, services
from kefu.chat.models import ChatGroup, Conversation, ConversationStatus, PresenceStatus, SuggestionUse
from kefu.core import promotion, ratelimit, shopsettings
from kefu.helpcenter.models import Question
from kefu.helpcenter.selectors import article_search
from kefu.helpcenter.services import TOO_FREQUENT_CODE
from kefu.replies import selectors as replies_selectors

TAG = "在线咨询（客户）"
STAFF_TAG = "在线咨询（客服）"
COOKIE = "kefu_chat"
COOKIE_AGE = 60 * 60 * 24 * 30
# The browser's own key, kept longer than any one conversation: her earlier chats on this device.
DEVICE_COOKIE = "kefu_chat_device"
DEVICE_COOKIE_AGE = 60 * 60 * 24 * 365
INBOX_WAITING = 50


class CustomerCsrf(BasePermission):
    """Anyone may call the customer endpoints, but an unsafe call must carry Django's CSRF token
    (DRF only checks it for logged-in users)."""

    message = gettext_lazy("页面已过期，请刷新后再试（CSRF 校验失败）。")

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return True
        check = CSRFCheck(lambda _request: None)
        check.process_request(request._request)
        return check.process_view(request._request, None, (), {}) is None


_lazy_score = gettext_lazy("请选择 1 到 5 分。")


def _limit(request, kind: str) -> None:
    key = "chat_poll_rate_limit" if kind == "poll" else "chat_send_rate_limit"
    if not ratelimit.allow(
        key=f"chat-{kind}:{ratelimit.client_ip(request)}", limit=int(shopsettings.get(key)), window_seconds=60
    ):
        raise exceptions.Throttled(detail=_("操作太频繁了，请稍后再试。"))


def _after(request) -> int:
    try:
        return max(0, int(request.query_params.get("after", 0)))
    except (TypeError, ValueError):
        raise ValidationError({"after": _("after 必须是消息编号。")}) from None


class MessageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    seq = serializers.IntegerField(
        help_text="会话内的序号 1, 2, 3…（WebSocket 断线重连时用 after=<序号> 补齐）"
    )
    sender = serializers.CharField(help_text="customer / agent / system")
    text = serializers.CharField(help_text="纯文本，显示时请转义")
    is_auto = serializers.BooleanField(help_text="自动回复，不计入客服响应")
    auto_trigger = serializers.CharField(help_text="first_message / no_answer / off_hours")
    created_at = serializers.DateTimeField()
    image = serializers.SerializerMethodField(
        help_text="图片消息：{type, width, height}（原图和缩略图按会话的图片地址取）；文字消息为 null"
    )

    class Meta:
        ref_name = "ChatMessage"

    def get_image(self, message) -> dict | None:
        return push.image_info(message)


class StaffMessageSerializer(MessageSerializer):
    author = serializers.SerializerMethodField()
    response_seconds = serializers.FloatField(allow_null=True, help_text="距客户第一条未回复消息的秒数")
    lint_overridden = serializers.BooleanField()

    class Meta:
        ref_name = "ChatStaffMessage"

    def get_author(self, message) -> str | None:
        return (message.author.get_full_name() or message.author.username) if message.author else None


class ServiceStateSerializer(serializers.Serializer):
    available = serializers.BooleanField(help_text="现在有客服在岗且在工作时间内")
    within_hours = serializers.BooleanField()
    agents_on_duty = serializers.IntegerField()
    working_hours = serializers.CharField()

    class Meta:
        ref_name = "ChatServiceState"


class CustomerConversationSerializer(serializers.Serializer):
    token = serializers.CharField()
    status = serializers.CharField()
    group = serializers.CharField(help_text="presales（售前）/ aftersales（售后）/ 空（未选）")
    buyer_name = serializers.CharField()
    buyer_contact = serializers.CharField()
    agent_name = serializers.SerializerMethodField()

    class Meta:
        ref_name = "ChatCustomerConversation"

    def get_agent_name(self, conversation) -> str | None:
        agent = conversation.agent
        return (agent.get_full_name() or agent.username) if agent else None


class CustomerStateSerializer(serializers.Serializer):
    conversation = CustomerConversationSerializer()
    service = ServiceStateSerializer()
    messages = MessageSerializer(many=True)
    poll_seconds = serializers.IntegerField()

    class Meta:
        ref_name = "ChatCustomerState"


def _customer_state(conversation: Conversation, *, after: int = 0) -> dict:
    return {
        "conversation": conversation,
        "service": selectors.service_state(),
        "messages": selectors.message_list(conversation=conversation, after=after),
        "poll_seconds": int(shopsettings.get("chat_poll_interval_seconds")),
    }


def _set_cookie(request, response, conversation: Conversation) -> None:
    response.set_cookie(
        COOKIE,
        conversation.token,
        max_age=COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )
    if conversation.device:
        response.set_cookie(
            DEVICE_COOKIE,
            conversation.device,
            max_age=DEVICE_COOKIE_AGE,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )


def _device(request) -> str:
    """The browser's device key from its cookie, or a new one for a browser that has none."""
    value = request.COOKIES.get(DEVICE_COOKIE) or ""
    if 20 <= len(value) <= 64:
        return value
    return secrets.token_urlsafe(32)


def is_own_device(request, conversation: Conversation) -> bool:
    """The request comes from the browser the conversation was started in (its device cookie)."""
    value = request.COOKIES.get(DEVICE_COOKIE) or ""
    return bool(value and conversation.device) and secrets.compare_digest(value, conversation.device)


class CustomerApi(APIView):
    permission_classes = [CustomerCsrf]
    authentication_classes: list = []

    def conversation(self, token: str) -> Conversation:
        return selectors.conversation_get_by_token(token=token)


# --- customers ------------------------------------------------------------------------------


class ConversationStartApi(CustomerApi):
    """Open the chat (or continue the one in the visitor's cookie). Sets the ``kefu_chat`` cookie."""

    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
        contact = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
        page_url = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)

        class Meta:
            ref_name = "ChatStartInput"

    @extend_schema(
        tags=[TAG],
        request=InputSerializer,
        responses={201: CustomerStateSerializer, 200: CustomerStateSerializer},
        summary="开始（或继续）会话",
        operation_id="chat_start",
    )
    def post(self, request):
        _limit(request, "send")
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        existing = selectors.conversation_find_by_token(token=request.COOKIES.get(COOKIE))
        if existing is not None:
            conversation, code = existing, status.HTTP_200_OK
            if not existing.device:
                # a chat from before devices were remembered joins this browser's
                services.conversation_device_remember(conversation=existing, device=_device(request))
            if values["name"] or values["contact"]:
                conversation = services.conversation_profile_update(
                    conversation=existing,
                    buyer_name=values["name"] or existing.buyer_name,
                    buyer_contact=values["contact"] or existing.buyer_contact,
                )
        else:
            ip = ratelimit.client_ip(request)
            conversation = services.conversation_start(
                buyer_name=values["name"],
                buyer_contact=values["contact"],
                page_url=values["page_url"],
                ip_address=ip if ip != "unknown" else None,
                device=_device(request),
            )
            code = status.HTTP_201_CREATED
        response = Response(CustomerStateSerializer(_customer_state(conversation)).data, status=code)
        _set_cookie(request, response, conversation)
        return response


class CurrentConversationApi(CustomerApi):
    """The conversation in the visitor's ``kefu_chat`` cookie, if any (204 when there is none):
    what the chat window shows when it opens on another help-center page."""

    @extend_schema(
        tags=[TAG],
        responses={200: CustomerStateSerializer, 204: None},
        summary="当前访客的会话（按 Cookie）",
        operation_id="chat_current",
    )
    def get(self, request):
        _limit(request, "poll")
        conversation = selectors.conversation_find_by_token(token=request.COOKIES.get(COOKIE))
        if conversation is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(CustomerStateSerializer(_customer_state(conversation)).data)


class ConversationStateApi(CustomerApi):
    """GET the conversation (messages, service state); PATCH the customer's name and contact."""

    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(allow_blank=True, max_length=200)
        contact = serializers.CharField(allow_blank=True, max_length=200)

        class Meta:
            ref_name = "ChatProfileInput"

    @extend_schema(tags=[TAG], responses=CustomerStateSerializer, summary="继续会话", operation_id="chat_get")
    def get(self, request, token: str):
        _limit(request, "poll")
        return Response(CustomerStateSerializer(_customer_state(self.conversation(token))).data)

    @extend_schema(
        tags=[TAG],
        request=InputSerializer,
        responses=CustomerConversationSerializer,
        summary="修改称呼和联系方式",
        operation_id="chat_profile",
    )
    def patch(self, request, token: str):
        _limit(request, "send")
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        conversation = services.conversation_profile_update(
            conversation=self.conversation(token),
            buyer_name=data.validated_data["name"],
            buyer_contact=data.validated_data["contact"],
        )
        return Response(CustomerConversationSerializer(conversation).data)


class CustomerMessagesApi(CustomerApi):
    """GET ``?after=<id>``: the messages newer than that (the poll); POST: send one."""

    class InputSerializer(serializers.Serializer):
        text = serializers.CharField(allow_blank=True, max_length=5000, trim_whitespace=False)
        group = serializers.ChoiceField(
            choices=[ChatGroup.PRESALES, ChatGroup.AFTERSALES],
            required=False,
            help_text="咨询类型：presales 售前 / aftersales 售后（第一条消息时选；接待中不再改变）",
        )

        class Meta:
            ref_name = "ChatCustomerSendInput"

    class PollSerializer(serializers.Serializer):
        messages = MessageSerializer(many=True)
        status = serializers.CharField()
        agent_name = serializers.CharField(allow_null=True)
        service = ServiceStateSerializer()

        class Meta:
            ref_name = "ChatCustomerPoll"

    @extend_schema(
        tags=[TAG],
        parameters=[OpenApiParameter("after", int, description="只返回编号大于它的消息")],
        responses=PollSerializer,
        summary="刷新消息",
        operation_id="chat_poll",
    )
    def get(self, request, token: str):
        _limit(request, "poll")
        after = _after(request)
        conversation = self.conversation(token)
        services.no_answer_fire(conversation=conversation)
        agent = conversation.agent
        return Response(
            self.PollSerializer(
                {
                    "messages": selectors.message_list(conversation=conversation, after=after),
                    "status": conversation.status,
                    "agent_name": (agent.get_full_name() or agent.username) if agent else None,
                    "service": selectors.service_state(),
                }
            ).data
        )

    @extend_schema(
        tags=[TAG],
        request=InputSerializer,
        responses={201: MessageSerializer(many=True)},
        summary="发送消息",
        operation_id="chat_send",
    )
    def post(self, request, token: str):
        _limit(request, "send")
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        sent = services.customer_message_send(
            conversation=self.conversation(token),
            text=data.validated_data["text"],
            group=data.validated_data.get("group"),
        )
        return Response(MessageSerializer(sent, many=True).data, status=status.HTTP_201_CREATED)


class RatingApi(CustomerApi):
    """The customer rates the chat after it ended (1–5, an optional comment), once."""

    class InputSerializer(serializers.Serializer):
        score = serializers.IntegerField(
            min_value=1,
            max_value=5,
            error_messages={
                "min_value": _lazy_score,
                "max_value": _lazy_score,
                "invalid": _lazy_score,
                "required": _lazy_score,
            },
        )
        comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)

        class Meta:
            ref_name = "ChatRatingInput"

    class OutputSerializer(serializers.Serializer):
        score = serializers.IntegerField()
        comment = serializers.CharField()

        class Meta:
            ref_name = "ChatRating"

    @extend_schema(
        tags=[TAG],
        request=InputSerializer,
        responses={201: OutputSerializer},
        summary="会话结束后评价（1–5 分）",
        operation_id="chat_rate",
    )
    def post(self, request, token: str):
        _limit(request, "send")
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rating = services.conversation_rate(conversation=self.conversation(token), **data.validated_data)
        return Response({"score": rating.score, "comment": rating.comment}, status=status.HTTP_201_CREATED)


class LeaveMessageApi(CustomerApi):
    """No agent on duty: leave a message; it becomes a help-center customer question."""

    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(allow_blank=True, max_length=200)
        contact = serializers.CharField(allow_blank=True, max_length=200)
        text = serializers.CharField(allow_blank=True, max_length=5000)

        class Meta:
            ref_name = "ChatLeaveMessageInput"

    class OutputSerializer(serializers.Serializer):
        question = serializers.IntegerField()
        url = serializers.CharField(help_text="客户查看答复的专属链接")

        class Meta:
            ref_name = "ChatLeaveMessage"

    @extend_schema(
        tags=[TAG],
        request=InputSerializer,
        responses={201: OutputSerializer},
        summary="留言（转为客户问题）",
        operation_id="chat_leave_message",
    )
    def post(self, request, token: str):
        _limit(request, "send")
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ip = ratelimit.client_ip(request)
        try:
            question = services.conversation_leave_message(
                conversation=self.conversation(token),
                ip_address=ip if ip != "unknown" else None,
                **data.validated_data,
            )
        except ValidationError as exc:
            # too many questions from this address (the help center's own allowance): a 429
            if getattr(exc, "code", None) == TOO_FREQUENT_CODE:
                raise exceptions.Throttled(detail=str(exc.messages[0])) from exc
            raise
        url = request.build_absolute_uri(reverse("helpcenter:question_status", args=[question.token]))
        return Response({"question": question.pk, "url": url}, status=status.HTTP_201_CREATED)


# --- staff ----------------------------------------------------------------------------------


class StaffConversationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    status_display = serializers.CharField(source="get_status_display")
    buyer_name = serializers.CharField()
    buyer_label = serializers.CharField()
    buyer_contact = serializers.CharField()
    page_url = serializers.CharField()
    agent = serializers.SerializerMethodField()
    agent_id = serializers.IntegerField(allow_null=True)
    order_number = serializers.CharField(source="order.number", default=None, allow_null=True)
    question_id = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField()
    taken_at = serializers.DateTimeField(allow_null=True)
    awaiting_since = serializers.DateTimeField(
        allow_null=True, help_text="客户等待回复的起点；为空表示已回复"
    )
    first_response_seconds = serializers.FloatField(allow_null=True)
    last_message_at = serializers.DateTimeField(allow_null=True)
    last_message_id = serializers.IntegerField(allow_null=True, default=None)
    last_message_text = serializers.CharField(allow_null=True, default=None)
    last_message_sender = serializers.CharField(allow_null=True, default=None)
    last_customer_text = serializers.CharField(allow_null=True, default=None, help_text="客户最新一条消息")
    customer_message_count = serializers.IntegerField()
    agent_message_count = serializers.IntegerField()
    transfer_note = serializers.CharField(help_text="转接时同事留给接手客服的话（客户看不到）")
    group = serializers.CharField(help_text="presales 售前 / aftersales 售后 / 空（未选）")

    class Meta:
        ref_name = "ChatConversation"

    def get_agent(self, conversation) -> str | None:
        agent = conversation.agent
        return (agent.get_full_name() or agent.username) if agent else None


def _iso(value) -> str | None:
    if value is None:
        return None
    text = timezone.localtime(value).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def conversation_row(c: Conversation) -> dict:
    """One conversation as StaffConversationSerializer shows it, without DRF's per-field cost."""
    agent = c.agent if c.agent_id else None
    return {
        "id": c.pk,
        "status": c.status,
        "status_display": str(c.get_status_display()),
        "buyer_name": c.buyer_name,
        "buyer_label": str(c.buyer_label),
        "buyer_contact": c.buyer_contact,
        "page_url": c.page_url,
        "agent": (agent.get_full_name() or agent.username) if agent else None,
        "agent_id": c.agent_id,
        "order_number": c.order.number if c.order_id else None,
        "question_id": c.question_id,
        "created_at": _iso(c.created_at),
        "taken_at": _iso(c.taken_at),
        "awaiting_since": _iso(c.awaiting_since),
        "first_response_seconds": c.first_response_seconds,
        "last_message_at": _iso(c.last_message_at),
        "last_message_id": getattr(c, "last_message_id", None),
        "last_message_text": getattr(c, "last_message_text", None),
        "last_message_sender": getattr(c, "last_message_sender", None),
        "last_customer_text": getattr(c, "last_customer_text", None),
        "customer_message_count": c.customer_message_count,
        "agent_message_count": c.agent_message_count,
        "transfer_note": c.transfer_note,
        "group": c.group,
    }


class ColleagueSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    on_duty = serializers.BooleanField(help_text="按排班此刻当班（当班的在前）")

    class Meta:
        ref_name = "ChatColleague"


class InboxApi(APIView):
    """The console's one poll: waiting conversations, mine, my presence and who is on duty.

    Also the console's heartbeat: an agent marked 在线 stays on duty while it polls."""

    class OutputSerializer(serializers.Serializer):
        now = serializers.DateTimeField()
        presence = serializers.CharField()
        first_response_target_seconds = serializers.IntegerField()
        service = ServiceStateSerializer()
        waiting = StaffConversationSerializer(many=True, help_text="等待最久的在前，最多 50 个")
        waiting_total = serializers.IntegerField(help_text="待接入会话总数")
        mine = StaffConversationSerializer(many=True)
        colleagues = ColleagueSerializer(many=True, help_text="可以转接的在岗同事")

        class Meta:
            ref_name = "ChatInbox"

    @extend_schema(
        tags=[STAFF_TAG],
        responses=OutputSerializer,
        summary="控制台：待接入与我的会话",
        operation_id="chat_staff_inbox",
    )
    def get(self, request):
        now = timezone.now()
        services.presence_heartbeat(by=request.user, now=now)
        data = {
            "now": now,
            "presence": selectors.presence_get(user=request.user),
            # a promotion's target while one runs
            "first_response_target_seconds": promotion.first_response_target(),
            "service": selectors.service_state(now=now),
            # The longest-waiting first; the console shows a screenful and the total.
            "waiting": [conversation_row(c) for c in selectors.conversation_waiting_list()[:INBOX_WAITING]],
            "waiting_total": selectors.waiting_count(),
            "mine": [conversation_row(c) for c in selectors.conversation_mine_list(user=request.user)],
            "colleagues": selectors.colleagues_on_duty(user=request.user, now=now),
        }
        # Every agent's console asks this every few seconds: the rows are built by hand (as
        # StaffConversationSerializer would, a test holds them equal), DRF's field machinery costs
        # more than the queries.
        data["now"] = _iso(now)
        data["service"] = ServiceStateSerializer(data["service"]).data
        return Response(data)


class ConversationListApi(APIView):
    class FilterSerializer(serializers.Serializer):
        box = serializers.ChoiceField(choices=["waiting", "mine", "all"], required=False, default="all")
        status = serializers.ChoiceField(choices=ConversationStatus.choices, required=False, allow_blank=True)
        q = serializers.CharField(required=False, allow_blank=True, default="")

        class Meta:
            ref_name = "ChatConversationFilter"

    @extend_schema(
        tags=[STAFF_TAG],
        parameters=[FilterSerializer],
        responses=StaffConversationSerializer(many=True),
        summary="会话列表（待接入 / 我的 / 全部记录）",
        operation_id="chat_staff_conversations",
    )
    def get(self, request):
        params = self.FilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        box = params.validated_data["box"]
        if box == "waiting":
            qs = selectors.conversation_waiting_list()
        elif box == "mine":
            qs = selectors.conversation_mine_list(user=request.user)
        else:
            qs = selectors.conversation_history(
                user=request.user,
                status=params.validated_data.get("status") or None,
                q=params.validated_data["q"],
            )
        return Response(StaffConversationSerializer(list(qs[:200]), many=True).data)


def _staff_conversation(request, pk: int) -> Conversation:
    return selectors.access_conversation(pk=pk, user=request.user)


class ConversationDetailApi(APIView):
    class OutputSerializer(StaffConversationSerializer):
        messages = serializers.SerializerMethodField()

        class Meta:
            ref_name = "ChatConversationDetail"

        def get_messages(self, conversation) -> list[dict]:
            return StaffMessageSerializer(selectors.message_list(conversation=conversation), many=True).data

    @extend_schema(
        tags=[STAFF_TAG], responses=OutputSerializer, summary="会话详情", operation_id="chat_staff_get"
    )
    def get(self, request, pk: int):
        return Response(self.OutputSerializer(_staff_conversation(request, pk)).data)


class TakeApi(APIView):
    @extend_schema(
        tags=[STAFF_TAG],
        request=None,
        responses={200: StaffConversationSerializer, 409: MessageSerializer},
        summary="接入会话（两人同时接入只有一人成功）",
        operation_id="chat_staff_take",
    )
    def post(self, request, pk: int):
        conversation = selectors.access_conversation(pk=pk, user=request.user, check_reader=False)
        try:
            conversation = services.conversation_take(conversation=conversation, by=request.user)
        except services.ConversationTaken as exc:
            return Response({"detail": " ".join(exc.messages)}, status=status.HTTP_409_CONFLICT)
        return Response(StaffConversationSerializer(_staff_conversation(request, conversation.pk)).data)


class LintHitSerializer(serializers.Serializer):
    phrase = serializers.CharField()
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    suggestion = serializers.CharField()
    reason = serializers.CharField()

    class Meta:
        ref_name = "ChatLintHit"


class StaffMessagesApi(APIView):
    """GET ``?after=<id>``: new messages of a conversation; POST: the agent's reply, linted first."""

    class InputSerializer(serializers.Serializer):
        text = serializers.CharField(allow_blank=True, max_length=5000, trim_whitespace=False)
        force = serializers.BooleanField(required=False, default=False, help_text="忽略用语提醒，仍然发送")

        class Meta:
            ref_name = "ChatStaffSendInput"

    class BlockedSerializer(serializers.Serializer):
        detail = serializers.CharField()
        hits = LintHitSerializer(many=True)

        class Meta:
            ref_name = "ChatLintBlocked"

    @extend_schema(
        tags=[STAFF_TAG],
        parameters=[OpenApiParameter("after", int, description="只返回编号大于它的消息")],
        responses=StaffMessageSerializer(many=True),
        summary="刷新会话消息",
        operation_id="chat_staff_poll",
    )
    def get(self, request, pk: int):
        conversation = _staff_conversation(request, pk)
        messages = selectors.message_list(conversation=conversation, after=_after(request))
        return Response(StaffMessageSerializer(messages, many=True).data)

    @extend_schema(
        tags=[STAFF_TAG],
        request=InputSerializer,
        responses={201: StaffMessageSerializer, 409: BlockedSerializer},
        summary="回复客户（先过用语检查；409 带提醒，force=true 仍然发送）",
        operation_id="chat_staff_send",
    )
    def post(self, request, pk: int):
        conversation = _staff_conversation(request, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            message = services.agent_message_send(
                conversation=conversation, by=request.user, **data.validated_data
            )
        except services.LintBlocked as exc:
            body = {"detail": " ".join(exc.messages), "hits": LintHitSerializer(exc.hits, many=True).data}
            return Response(body, status=status.HTTP_409_CONFLICT)
        return Response(StaffMessageSerializer(message).data, status=status.HTTP_201_CREATED)


class CloseApi(APIView):
    @extend_schema(
        tags=[STAFF_TAG],
        request=None,
        responses=StaffConversationSerializer,
        summary="结束会话",
        operation_id="chat_staff_close",
    )
    def post(self, request, pk: int):
        conversation = services.conversation_close(
            conversation=_staff_conversation(request, pk), by=request.user
        )
        return Response(StaffConversationSerializer(_staff_conversation(request, conversation.pk)).data)


class TransferApi(APIView):
    class InputSerializer(serializers.Serializer):
        agent = serializers.IntegerField(help_text="接手的同事（用户编号）")
        note = serializers.CharField(
            required=False,
            allow_blank=True,
            default="",
            max_length=200,
            help_text="留给接手同事的话（客户看不到）",
        )

        class Meta:
            ref_name = "ChatTransferInput"

    @extend_schema(
        tags=[STAFF_TAG],
        request=InputSerializer,
        responses=StaffConversationSerializer,
        summary="转接给同事",
        operation_id="chat_staff_transfer",
    )
    def post(self, request, pk: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        to = get_user_model().objects.filter(pk=data.validated_data["agent"], is_active=True).first()
        services.conversation_transfer(
            conversation=_staff_conversation(request, pk),
            by=request.user,
            to=to,
            note=data.validated_data["note"],
        )
        # handed over, it is the colleague's now: shown once more to the one who handed it over
        moved = selectors.access_conversation(pk=pk, user=request.user, check_reader=False)
        return Response(StaffConversationSerializer(moved).data)


class LinkOrderApi(APIView):
    class InputSerializer(serializers.Serializer):
        number = serializers.CharField(allow_blank=True, max_length=64)
        shop = serializers.CharField(required=False, allow_blank=True, default="", max_length=60)

        class Meta:
            ref_name = "ChatLinkOrderInput"

    @extend_schema(
        tags=[STAFF_TAG],
        request=InputSerializer,
        responses=StaffConversationSerializer,
        summary="关联订单（按订单编号）",
        operation_id="chat_staff_link_order",
    )
    def post(self, request, pk: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.conversation_link_order(
            conversation=_staff_conversation(request, pk),
            by=request.user,
            number=data.validated_data["number"],
            shop=data.validated_data["shop"] or None,
        )
        return Response(StaffConversationSerializer(_staff_conversation(request, pk)).data)


class LinkQuestionApi(APIView):
    class InputSerializer(serializers.Serializer):
        question = serializers.IntegerField()

        class Meta:
            ref_name = "ChatLinkQuestionInput"

    @extend_schema(
        tags=[STAFF_TAG],
        request=InputSerializer,
        responses=StaffConversationSerializer,
        summary="关联已有的客户问题",
        operation_id="chat_staff_link_question",
    )
    def post(self, request, pk: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        question = Question.objects.filter(pk=data.validated_data["question"]).first()
        if question is None:
            raise ValidationError({"question": _("客户问题不存在。")})
        services.conversation_link_question(
            conversation=_staff_conversation(request, pk), by=request.user, question=question
        )
        return Response(StaffConversationSerializer(_staff_conversation(request, pk)).data)


class ConvertApi(APIView):
    class InputSerializer(serializers.Serializer):
        title = serializers.CharField(required=False, allow_blank=True, default="", max_length=120)

        class Meta:
            ref_name = "ChatConvertInput"

    class OutputSerializer(serializers.Serializer):
        question = serializers.IntegerField()
        url = serializers.CharField(help_text="后台处理这个客户问题的页面")

        class Meta:
            ref_name = "ChatConvert"

    @extend_schema(
        tags=[STAFF_TAG],
        request=InputSerializer,
        responses={201: OutputSerializer},
        summary="转为客户问题（进入工作台的客户问题列表）",
        operation_id="chat_staff_convert",
    )
    def post(self, request, pk: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        question = services.conversation_to_question(
            conversation=_staff_conversation(request, pk), by=request.user, title=data.validated_data["title"]
        )
        url = reverse("helpcenter:staff_question", args=[question.pk])
        return Response({"question": question.pk, "url": url}, status=status.HTTP_201_CREATED)


class PresenceApi(APIView):
    class InputSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=PresenceStatus.choices)

        class Meta:
            ref_name = "ChatPresenceInput"

    class OutputSerializer(serializers.Serializer):
        status = serializers.CharField()
        service = ServiceStateSerializer()

        class Meta:
            ref_name = "ChatPresence"

    @extend_schema(
        tags=[STAFF_TAG],
        responses=OutputSerializer,
        summary="我的在线状态",
        operation_id="chat_staff_presence_get",
    )
    def get(self, request):
        return Response(
            self.OutputSerializer(
                {"status": selectors.presence_get(user=request.user), "service": selectors.service_state()}
            ).data
        )

    @extend_schema(
        tags=[STAFF_TAG],
        request=InputSerializer,
        responses=OutputSerializer,
        summary="设为在线 / 离开",
        operation_id="chat_staff_presence_set",
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        presence = services.presence_set(by=request.user, status=data.validated_data["status"])
        return Response(
            self.OutputSerializer({"status": presence.status, "service": selectors.service_state()}).data
        )


class PhraseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    shortcut = serializers.CharField()
    team = serializers.SerializerMethodField(help_text="团队短语（否则是我的个人短语）")

    class Meta:
        ref_name = "ChatPhrase"

    def get_team(self, phrase) -> bool:
        return phrase.owner_id is None


class PhraseSuggestApi(APIView):
    """What follows "/" in the reply box: phrases by shortcut or text."""

    @extend_schema(
        tags=[STAFF_TAG],
        parameters=[OpenApiParameter("q", str, description="“/”后面输入的内容")],
        responses=PhraseSerializer(many=True),
        summary="快捷短语联想",
        operation_id="chat_staff_phrases",
    )
    def get(self, request):
        query = request.query_params.get("q", "")[:50]
        return Response(
            PhraseSerializer(replies_selectors.phrase_suggest(user=request.user, query=query), many=True).data
        )


class InsertSerializer(serializers.Serializer):
    text = serializers.CharField(help_text="插入回复框的文字（占位符已填好）")

    class Meta:
        ref_name = "ChatInsert"


class PhraseInsertApi(APIView):
    @extend_schema(
        tags=[STAFF_TAG],
        request=None,
        responses=InsertSerializer,
        summary="插入快捷短语（填好占位符并记录使用）",
        operation_id="chat_staff_phrase_insert",
    )
    def post(self, request, pk: int, phrase_id: int):
        text = services.phrase_insert(
            conversation=_staff_conversation(request, pk), by=request.user, phrase_id=phrase_id
        )
        return Response({"text": text})


class SuggestedArticleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField()
    wordings = serializers.ListField(child=serializers.CharField(), help_text="以前用它回答过的客户原话")

    class Meta:
        ref_name = "ChatSuggestedArticle"


class SuggestionsApi(APIView):
    """For the customer's latest message: the best 3 help-center articles and quick phrases."""

    class OutputSerializer(serializers.Serializer):
        customer_text = serializers.CharField()
        articles = SuggestedArticleSerializer(many=True)
        phrases = PhraseSerializer(many=True)

        class Meta:
            ref_name = "ChatSuggestions"

    @extend_schema(
        tags=[STAFF_TAG],
        responses=OutputSerializer,
        summary="推荐答案",
        operation_id="chat_staff_suggestions",
    )
    def get(self, request, pk: int):
        conversation = _staff_conversation(request, pk)
        text = selectors.latest_customer_text(conversation=conversation)
        articles = article_search(q=text, page_size=3).articles if text.strip() else []
        phrases = (
            replies_selectors.phrase_search(user=request.user, text=text, limit=3) if text.strip() else []
        )
        wordings = selectors.wordings_by_article(article_ids=[a.pk for a in articles])
        article_rows = [
            {
                "id": a.pk,
                "title": a.title,
                "url": reverse("helpcenter:article", args=[a.pk]),
                "wordings": wordings.get(a.pk, []),
            }
            for a in articles
        ]
        return Response(
            {
                "customer_text": text,
                "articles": SuggestedArticleSerializer(article_rows, many=True).data,
                "phrases": PhraseSerializer(phrases, many=True).data,
            }
        )


class SuggestionUseApi(APIView):
    class InputSerializer(serializers.Serializer):
        article = serializers.IntegerField(required=False, allow_null=True, default=None)
        phrase = serializers.IntegerField(required=False, allow_null=True, default=None)

        class Meta:
            ref_name = "ChatSuggestionUseInput"

    @extend_schema(
        tags=[STAFF_TAG],
        request=InputSerializer,
        responses={201: InsertSerializer},
        summary="采纳推荐（返回插入的文字并记录）",
        operation_id="chat_staff_suggestion_use",
    )
    def post(self, request, pk: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        _use, text = services.suggestion_use(
            conversation=_staff_conversation(request, pk),
            by=request.user,
            article_id=data.validated_data["article"],
            phrase_id=data.validated_data["phrase"],
            base_url=request.build_absolute_uri("/").rstrip("/"),
        )
        return Response({"text": text}, status=status.HTTP_201_CREATED)


class SuggestionUseListApi(APIView):
    """Which customer wording led agents to which article or phrase (what the help center learns)."""

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        customer_text = serializers.CharField()
        kind = serializers.CharField()
        article_id = serializers.IntegerField(allow_null=True)
        article_title = serializers.CharField(source="article.title", default=None, allow_null=True)
        phrase_id = serializers.IntegerField(allow_null=True)
        phrase_text = serializers.CharField()
        agent = serializers.CharField(source="agent.username", default=None, allow_null=True)
        conversation_id = serializers.IntegerField(allow_null=True)
        created_at = serializers.DateTimeField()

        class Meta:
            ref_name = "ChatSuggestionUse"

    @extend_schema(
        tags=[STAFF_TAG],
        parameters=[
            OpenApiParameter("article", int, description="只看这篇文章"),
            OpenApiParameter("kind", str, enum=SuggestionUse.Kind.values),
        ],
        responses=OutputSerializer(many=True),
        summary="推荐采纳记录",
        operation_id="chat_staff_suggestion_uses",
    )
    def get(self, request):
        article = request.query_params.get("article")
        kind = request.query_params.get("kind") or None
        uses = selectors.suggestion_use_list(
            article_id=int(article) if article and article.isdigit() else None,
            kind=kind if kind in SuggestionUse.Kind.values else None,
        )
        return Response(self.OutputSerializer(list(uses[:500]), many=True).data)


# --- pictures, a returning customer's earlier chats, transfer to a group ----------------------

_lazy_pick_image = gettext_lazy("请选择要发送的图片。")


def _conversation_limit(key: str, limit_setting: str) -> None:
    if not ratelimit.allow(key=key, limit=int(shopsettings.get(limit_setting)), window_seconds=60):
        raise exceptions.Throttled(detail=_("消息发得太快了，请稍等一会儿再发。"))


class ImageInputSerializer(serializers.Serializer):
    # the service checks the content and says what is wrong in the user's words
    image = serializers.FileField(
        allow_empty_file=True,
        use_url=False,
        error_messages={"required": _lazy_pick_image, "invalid": _lazy_pick_image, "empty": _lazy_pick_image},
        help_text="JPEG、PNG、GIF 或 WebP（按内容判断），大小上限见店铺设置 chat_image_max_mb",
    )

    class Meta:
        ref_name = "ChatImageInput"


class CustomerImageApi(CustomerApi):
    """The customer sends a picture (multipart, field ``image``; CSRF token as for every POST).
    It becomes her message and is pushed with its number like any other."""

    parser_classes = [MultiPartParser, FormParser]

    class InputSerializer(ImageInputSerializer):
        group = serializers.ChoiceField(choices=[ChatGroup.PRESALES, ChatGroup.AFTERSALES], required=False)

        class Meta:
            ref_name = "ChatCustomerImageInput"

    @extend_schema(
        tags=[TAG],
        request={"multipart/form-data": InputSerializer},
        responses={201: MessageSerializer(many=True)},
        summary="发送图片",
        operation_id="chat_send_image",
    )
    def post(self, request, token: str):
        _limit(request, "send")
        conversation = self.conversation(token)
        _conversation_limit(f"chat-conv:{conversation.pk}", "chat_conversation_rate_limit")
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        sent = services.customer_image_send(
            conversation=conversation,
            upload=data.validated_data["image"],
            group=data.validated_data.get("group"),
        )
        return Response(MessageSerializer(sent, many=True).data, status=status.HTTP_201_CREATED)


class EarlierSerializer(serializers.Serializer):
    started_at = serializers.DateTimeField()
    messages = MessageSerializer(many=True)

    class Meta:
        ref_name = "ChatEarlierConversation"


class CustomerEarlierApi(CustomerApi):
    """A returning customer's earlier conversations from this same browser (its device cookie),
    read-only, oldest first: at most 3, 50 lines in all. Another browser gets an empty list."""

    @extend_schema(
        tags=[TAG],
        responses=EarlierSerializer(many=True),
        summary="以前的咨询记录（同一浏览器）",
        operation_id="chat_earlier",
    )
    def get(self, request, token: str):
        _limit(request, "poll")
        conversation = self.conversation(token)
        if not is_own_device(request, conversation):
            return Response([])
        earlier = selectors.earlier_conversations(conversation=conversation)
        return Response(EarlierSerializer(earlier, many=True).data)


class StaffImageApi(APIView):
    """The agent sends a picture to the customer (multipart, field ``image``)."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        tags=[STAFF_TAG],
        request={"multipart/form-data": ImageInputSerializer},
        responses={201: StaffMessageSerializer},
        summary="发送图片给客户",
        operation_id="chat_staff_send_image",
    )
    def post(self, request, pk: int):
        conversation = _staff_conversation(request, pk)
        _conversation_limit(f"chat-agent-image:{request.user.pk}", "chat_send_rate_limit")
        data = ImageInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        message = services.agent_image_send(
            conversation=conversation, by=request.user, upload=data.validated_data["image"]
        )
        return Response(StaffMessageSerializer(message).data, status=status.HTTP_201_CREATED)


class StaffEarlierSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    started_at = serializers.DateTimeField()
    messages = StaffMessageSerializer(many=True)

    class Meta:
        ref_name = "ChatStaffEarlierConversation"


class StaffEarlierApi(APIView):
    """The customer's earlier conversations from the same browser, for the agent serving her."""

    @extend_schema(
        tags=[STAFF_TAG],
        responses=StaffEarlierSerializer(many=True),
        summary="客户以前的咨询（同一浏览器）",
        operation_id="chat_staff_earlier",
    )
    def get(self, request, pk: int):
        earlier = selectors.earlier_conversations(conversation=_staff_conversation(request, pk))
        return Response(StaffEarlierSerializer(earlier, many=True).data)


class TransferGroupApi(APIView):
    class InputSerializer(serializers.Serializer):
        group = serializers.ChoiceField(
            choices=[ChatGroup.PRESALES, ChatGroup.AFTERSALES],
            help_text="presales 售前组 / aftersales 售后组",
        )
        note = serializers.CharField(
            required=False,
            allow_blank=True,
            default="",
            max_length=200,
            help_text="留给接手客服的话（客户看不到）",
        )

        class Meta:
            ref_name = "ChatTransferGroupInput"

    @extend_schema(
        tags=[STAFF_TAG],
        request=InputSerializer,
        responses=StaffConversationSerializer,
        summary="转接到售前组 / 售后组（回到该组的待接入，按分配规则分给组内客服）",
        operation_id="chat_staff_transfer_group",
    )
    def post(self, request, pk: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.conversation_transfer_group(
            conversation=_staff_conversation(request, pk),
            by=request.user,
            group=data.validated_data["group"],
            note=data.validated_data["note"],
        )
        moved = selectors.access_conversation(pk=pk, user=request.user, check_reader=False)
        return Response(StaffConversationSerializer(moved).data)
