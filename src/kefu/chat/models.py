"""Live chat between a help-center visitor and the service team.

A conversation belongs to whoever holds its token (a customer has no account: the token lives in a
cookie). Its clock fields carry the response-time rule: ``awaiting_since`` is the first customer
message no agent has answered yet; an agent's reply measures from it and clears it; auto-replies
never touch it.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def _conversation_token() -> str:
    return secrets.token_urlsafe(32)


# The history entries of a chat handed on: to a colleague, or back to a group's queue. Both count as
# a transfer in the service figures (and a transferred chat is not solved at the first contact).
TRANSFER_VERBS = ("chat_transfer", "chat_transfer_group")


class ConversationStatus(models.TextChoices):
    WAITING = "waiting", _("待接入")
    ACTIVE = "active", _("接待中")
    CLOSED = "closed", _("已结束")


class ChatGroup(models.TextChoices):
    ANY = "", _("不限")
    PRESALES = "presales", _("售前")
    AFTERSALES = "aftersales", _("售后")


class Conversation(models.Model):
    token = models.CharField(max_length=64, unique=True, default=_conversation_token, editable=False)
    buyer_name = models.CharField(_("客户称呼"), max_length=40, blank=True)
    buyer_contact = models.CharField(_("联系方式"), max_length=60, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=ConversationStatus.choices, default=ConversationStatus.WAITING
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接待客服"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="chat_conversations",
    )
    order = models.ForeignKey(
        "orders.Order",
        verbose_name=_("关联订单"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="chat_conversations",
    )
    question = models.ForeignKey(
        "helpcenter.Question",
        verbose_name=_("关联客户问题"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="chat_conversations",
    )
    group = models.CharField(_("咨询类型"), max_length=12, choices=ChatGroup.choices, default="", blank=True)
    # What the colleague who handed the chat over wrote for the one taking it (never shown to the customer).
    transfer_note = models.CharField(_("转接备注"), max_length=240, blank=True)
    # The sequence number of the conversation's latest message: each new message takes the next one
    # while the row is locked, so both sides see 1, 2, 3… without gaps or repeats.
    last_seq = models.PositiveIntegerField(default=0)
    # What each side has read (a message sequence number): the read receipts.
    customer_read_seq = models.PositiveIntegerField(default=0)
    agent_read_seq = models.PositiveIntegerField(default=0)
    page_url = models.CharField(_("来源页面"), max_length=300, blank=True)
    # The customer's browser (a long-lived httponly cookie of its own): her earlier conversations
    # from the same device are shown above the current one, to her and to the agent serving her.
    device = models.CharField(max_length=64, blank=True, default="", db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(_("开始时间"), auto_now_add=True, db_index=True)
    taken_at = models.DateTimeField(_("接入时间"), null=True, blank=True)
    # Start of the current session: set at creation and again when a closed conversation reopens.
    session_started_at = models.DateTimeField(null=True, blank=True)
    awaiting_since = models.DateTimeField(_("等待回复自"), null=True, blank=True)
    # The awaiting_since value the "no answer" auto-reply was already sent for (once per wait).
    no_answer_for = models.DateTimeField(null=True, blank=True)
    first_response_at = models.DateTimeField(_("首次响应时间"), null=True, blank=True)
    first_response_seconds = models.FloatField(_("首次响应（秒）"), null=True, blank=True)
    last_message_at = models.DateTimeField(_("最后消息时间"), null=True, blank=True)
    customer_message_count = models.PositiveIntegerField(default=0)
    agent_message_count = models.PositiveIntegerField(default=0)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("会话")
        verbose_name_plural = _("会话")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "awaiting_since"]),
            models.Index(fields=["agent", "status"]),
            # the queue (a handful of chats among a year's): small whatever the history, and it
            # tells SQLite's planner that few chats wait, where its statistics (all closed at the
            # moment they were gathered) would make it read the whole table for the badge
            models.Index(
                fields=["awaiting_since", "id"],
                condition=Q(status="waiting"),
                name="chat_waiting_queue_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="active") | Q(agent__isnull=False), name="chat_active_has_agent"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.buyer_label}"

    @property
    def buyer_label(self) -> str:
        return self.buyer_name or _("访客%(n)s") % {"n": self.pk}

    @property
    def is_closed(self) -> bool:
        return self.status == ConversationStatus.CLOSED


class Sender(models.TextChoices):
    CUSTOMER = "customer", _("客户")
    AGENT = "agent", _("客服")
    SYSTEM = "system", _("系统")


class Message(models.Model):
    """One line of a conversation. Ids grow in commit order within a conversation (every insert
    happens under the conversation's row lock), so ``?after=<id>`` polling never skips one."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    # 1, 2, 3… within the conversation: what a reconnecting window asks "after".
    seq = models.PositiveIntegerField(_("序号"), default=0)
    sender = models.CharField(_("发送方"), max_length=10, choices=Sender.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("内容"))
    is_auto = models.BooleanField(_("自动回复"), default=False)
    auto_trigger = models.CharField(max_length=20, blank=True)
    # Seconds from the first unanswered customer message to this agent reply.
    response_seconds = models.FloatField(_("响应时间（秒）"), null=True, blank=True)
    lint_overridden = models.BooleanField(_("忽略了用语提醒"), default=False)
    # A picture sent in the chat (``text`` then says “[图片]”): the original and a small copy under
    # MEDIA_ROOT with unguessable names, served only through the chat's image views, which check
    # who asks. ``image_type`` is what Pillow found in the content (jpeg, png, gif, webp).
    image = models.FileField(_("图片"), upload_to="chat/", max_length=200, blank=True)
    thumbnail = models.FileField(_("缩略图"), upload_to="chat/", max_length=200, blank=True)
    image_type = models.CharField(max_length=10, blank=True)
    image_width = models.PositiveIntegerField(null=True, blank=True)
    image_height = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        ordering = ["id"]
        indexes = [models.Index(fields=["conversation", "id"])]
        constraints = [
            models.UniqueConstraint(fields=["conversation", "seq"], name="chat_message_seq_unique")
        ]

    def __str__(self) -> str:
        return self.text[:40]


class PresenceStatus(models.TextChoices):
    ONLINE = "online", _("在线")
    AWAY = "away", _("离开")
    OFFLINE = "offline", _("离线")


class AgentPresence(models.Model):
    """An agent's 在线/离开 switch. ``last_seen_at`` is the console's heartbeat: an agent who closed
    the browser without switching to 离开 stops counting as on duty after a short while."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_presence"
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=PresenceStatus.choices, default=PresenceStatus.AWAY
    )
    last_seen_at = models.DateTimeField(null=True, blank=True)
    # The agent's last own action (a reply, a take, a click on 在线): N minutes without one turns
    # 在线 into 离开 by itself (``auto_away``), and the next action turns it back.
    last_activity_at = models.DateTimeField(null=True, blank=True)
    auto_away = models.BooleanField(default=False)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("客服在线状态")
        verbose_name_plural = _("客服在线状态")

    def __str__(self) -> str:
        return f"{self.user} {self.get_status_display()}"


class SuggestionUse(models.Model):
    """An agent used a suggested article or phrase for a customer's wording: what the help center
    learns which answer fits which question from."""

    class Kind(models.TextChoices):
        ARTICLE = "article", _("文章")
        PHRASE = "phrase", _("快捷短语")

    conversation = models.ForeignKey(
        Conversation, null=True, blank=True, on_delete=models.SET_NULL, related_name="suggestion_uses"
    )
    customer_text = models.TextField(_("客户原话"))
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    article = models.ForeignKey(
        "helpcenter.Article",
        verbose_name=_("文章"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="chat_suggestion_uses",
    )
    # The replies app's QuickPhrase, by id and a copy of its text: phrases are edited and deleted
    # freely, the record of what was offered stays readable.
    phrase_id = models.PositiveIntegerField(null=True, blank=True)
    phrase_text = models.TextField(_("短语"), blank=True)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("客服"),
    )
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("推荐采纳记录")
        verbose_name_plural = _("推荐采纳记录")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["article", "-created_at"])]

    def __str__(self) -> str:
        return self.customer_text[:40]
