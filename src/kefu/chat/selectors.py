"""Reads of the chat: the service state a customer is told, the agents' inbox, history, messages."""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.chat.models import (
    AgentPresence,
    Conversation,
    ConversationStatus,
    Message,
    PresenceStatus,
    Sender,
    SuggestionUse,
)
from kefu.core import duty, roles, shopsettings
from kefu.core.models import ShopSetting
from kefu.replies import selectors as replies_selectors

OPEN_STATUSES = (ConversationStatus.WAITING, ConversationStatus.ACTIVE)


# --- working hours and who is on duty -------------------------------------------------------


def _settings(*keys: str) -> dict:
    """Several shop settings in one query (a customer's poll reads four of them)."""
    values = {rule.key: rule.default for rule in shopsettings.rules() if rule.key in keys}
    values.update(ShopSetting.objects.filter(key__in=keys).values_list("key", "value"))
    return values


def working_hours_label() -> str:
    """The shop's working hours as the customer is told them (the replies app owns the setting)."""
    values = _settings("work_hours_start", "work_hours_end")
    return f"{values['work_hours_start']}-{values['work_hours_end']}"


def within_working_hours(*, now: dt.datetime | None = None) -> bool:
    return not replies_selectors.autoreply_is_off_hours(now)


def agents_on_duty_count(*, now: dt.datetime | None = None, timeout_seconds: int | None = None) -> int:
    now = now or timezone.now()
    if timeout_seconds is None:
        timeout_seconds = int(shopsettings.get("chat_presence_timeout_seconds"))
    since = now - dt.timedelta(seconds=timeout_seconds)
    return AgentPresence.objects.filter(status=PresenceStatus.ONLINE, last_seen_at__gte=since).count()


@dataclass(frozen=True)
class ServiceState:
    """What the customer's window says: whether someone can answer now, and when the team works."""

    within_hours: bool
    agents_on_duty: int
    working_hours: str

    @property
    def available(self) -> bool:
        return self.within_hours and self.agents_on_duty > 0


def service_state(*, now: dt.datetime | None = None) -> ServiceState:
    values = _settings("work_hours_start", "work_hours_end", "chat_presence_timeout_seconds")
    return ServiceState(
        within_hours=within_working_hours(now=now),
        agents_on_duty=agents_on_duty_count(
            now=now, timeout_seconds=int(values["chat_presence_timeout_seconds"])
        ),
        working_hours=f"{values['work_hours_start']}-{values['work_hours_end']}",
    )


def colleagues_on_duty(*, user, now: dt.datetime | None = None) -> list[dict]:
    """The other agents a conversation can be handed to right now (在线, console open), those on
    duty by the rota first (``on_duty``)."""
    now = now or timezone.now()
    timeout = dt.timedelta(seconds=int(shopsettings.get("chat_presence_timeout_seconds")))
    rows = (
        AgentPresence.objects.filter(status=PresenceStatus.ONLINE, last_seen_at__gte=now - timeout)
        .exclude(user=user)
        .select_related("user")
        .order_by("user__username")
    )
    # who the rota has at work now comes first (the team app answers through kefu.core.duty)
    at_work = duty.on_duty_ids(at=now)
    people = [
        {
            "id": p.user_id,
            "name": p.user.get_full_name() or p.user.username,
            "on_duty": p.user_id in (at_work or ()),
        }
        for p in rows
    ]
    return duty.on_duty_first(people, ids=at_work, key=lambda p: p["id"])


def open_chats_by_agent(*, now: dt.datetime | None = None) -> dict[int, int]:
    """Every agent on duty (在线, console alive) with the number of conversations they are serving:
    what routing chooses from. One query."""
    now = now or timezone.now()
    timeout = dt.timedelta(seconds=int(shopsettings.get("chat_presence_timeout_seconds")))
    rows = (
        AgentPresence.objects.filter(status=PresenceStatus.ONLINE, last_seen_at__gte=now - timeout)
        .annotate(
            n=Count(
                "user__chat_conversations",
                filter=Q(user__chat_conversations__status=ConversationStatus.ACTIVE),
            )
        )
        .values_list("user_id", "n")
    )
    return dict(rows)


def agents_for_routing(*, now: dt.datetime | None = None) -> dict[int, AgentPresence]:
    """Every active agent on duty (在线, console alive), each with their user (the name only) and
    ``open_chats``, the number of conversations they are serving: what routing chooses from and the
    agent a chat is then given to, in one query."""
    now = now or timezone.now()
    timeout = dt.timedelta(seconds=int(shopsettings.get("chat_presence_timeout_seconds")))
    rows = (
        AgentPresence.objects.filter(
            status=PresenceStatus.ONLINE, last_seen_at__gte=now - timeout, user__is_active=True
        )
        .select_related("user")
        .only("user_id", "user__username", "user__first_name", "user__last_name", "user__is_active")
        .annotate(
            open_chats=Count(
                "user__chat_conversations",
                filter=Q(user__chat_conversations__status=ConversationStatus.ACTIVE),
            )
        )
    )
    return {p.user_id: p for p in rows}


def waiting_ids(*, limit: int) -> list[int]:
    """The longest-waiting conversations first (what is offered first when an agent frees up)."""
    return list(
        Conversation.objects.filter(status=ConversationStatus.WAITING)
        .order_by(F("awaiting_since").asc(nulls_last=True), "id")
        .values_list("id", flat=True)[:limit]
    )


def queue_position(*, conversation: Conversation) -> int | None:
    """1 for the longest-waiting conversation, None when this one is not waiting (or has not
    written yet)."""
    if conversation.status != ConversationStatus.WAITING or conversation.awaiting_since is None:
        return None
    return (
        Conversation.objects.filter(status=ConversationStatus.WAITING, awaiting_since__isnull=False)
        .filter(
            Q(awaiting_since__lt=conversation.awaiting_since)
            | Q(awaiting_since=conversation.awaiting_since, id__lt=conversation.pk)
        )
        .count()
        + 1
    )


def queue_positions() -> dict[int, int]:
    """Every waiting conversation's place in the queue (as :func:`queue_position` counts it), in one
    query: the chat's sockets tell all the waiting customers of a server process at once."""
    ids = (
        Conversation.objects.filter(status=ConversationStatus.WAITING, awaiting_since__isnull=False)
        .order_by("awaiting_since", "id")
        .values_list("id", flat=True)
    )
    return {pk: place for place, pk in enumerate(ids, start=1)}


def presence_get(*, user) -> str:
    status = AgentPresence.objects.filter(user=user).values_list("status", flat=True).first()
    return status or PresenceStatus.AWAY


# --- conversations --------------------------------------------------------------------------


def _with_last_message(qs: QuerySet[Conversation]) -> QuerySet[Conversation]:
    last = Message.objects.filter(conversation=OuterRef("pk")).order_by("-id")
    return qs.annotate(
        last_message_id=Subquery(last.values("id")[:1]),
        last_message_text=Subquery(last.values("text")[:1]),
        last_message_sender=Subquery(last.values("sender")[:1]),
        last_customer_text=Subquery(last.filter(sender=Sender.CUSTOMER).values("text")[:1]),
    )


def conversation_waiting_list() -> QuerySet[Conversation]:
    """Longest-waiting first: the order an agent should take them in."""
    qs = Conversation.objects.filter(status=ConversationStatus.WAITING, customer_message_count__gt=0)
    return _with_last_message(qs.select_related("order", "question")).order_by("awaiting_since", "id")


def conversation_mine_list(*, user) -> QuerySet[Conversation]:
    qs = Conversation.objects.filter(status=ConversationStatus.ACTIVE, agent=user)
    return _with_last_message(qs.select_related("order", "question", "agent")).order_by("taken_at", "id")


def conversation_get_by_token(*, token: str) -> Conversation:
    return get_object_or_404(Conversation.objects.select_related("agent", "order", "question"), token=token)


def conversation_find_by_token(*, token: str | None) -> Conversation | None:
    if not token or len(token) > 64:
        return None
    return Conversation.objects.select_related("agent").filter(token=token).first()


def may_read_conversation(conversation: Conversation, user) -> bool:
    """A waiting conversation and one's own are open to every agent; a colleague's conversation
    only to supervisors and admins (the transcript page, the console and the API alike)."""
    if roles.has_role(user, roles.SUPERVISOR, roles.ADMIN):
        return True
    return conversation.agent_id in (None, user.pk)


def access_conversation(*, pk: int, user, check_reader: bool = True) -> Conversation:
    """The conversation ``pk`` for a team member allowed to read it; writes check more.
    ``check_reader=False`` where any team member may act whoever has it now: trying to take it
    (the take says who won), or seeing the result of one's own transfer."""
    roles.require_staff(user)
    conversation = get_object_or_404(
        _with_last_message(Conversation.objects.select_related("agent", "order", "question")), pk=pk
    )
    if check_reader and not may_read_conversation(conversation, user):
        raise PermissionDenied(_("这个会话由同事接待，只有主管可以查看。"))
    return conversation


def message_list_after_seq(*, conversation_id: int, after_seq: int, limit: int = 500) -> list[Message]:
    """What a reconnecting window missed: the messages numbered after ``after_seq``, in order."""
    return list(
        Message.objects.filter(conversation_id=conversation_id, seq__gt=after_seq)
        .select_related("author")
        .order_by("seq")[:limit]
    )


def message_list(*, conversation: Conversation, after: int = 0, limit: int = 200) -> list[Message]:
    """Messages newer than ``after`` (a message id), oldest first; the poll of both sides."""
    qs = Message.objects.filter(conversation=conversation).select_related("author")
    if after:
        qs = qs.filter(id__gt=after)
        return list(qs.order_by("id")[:limit])
    # The first load shows the latest ``limit`` lines, oldest first.
    return list(reversed(qs.order_by("-id")[:limit]))


def latest_customer_text(*, conversation: Conversation) -> str:
    return (
        Message.objects.filter(conversation=conversation, sender=Sender.CUSTOMER)
        .order_by("-id")
        .values_list("text", flat=True)
        .first()
        or ""
    )


def conversation_history(
    *,
    user,
    status: str | None = None,
    agent_id: int | None = None,
    q: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[Conversation]:
    """Supervisors see every conversation; an agent sees the ones they received."""
    roles.require_staff(user)
    qs = Conversation.objects.select_related("agent", "order", "question").filter(
        customer_message_count__gt=0
    )
    if not roles.has_role(user, roles.SUPERVISOR, roles.ADMIN):
        qs = qs.filter(agent=user)
    elif agent_id:
        qs = qs.filter(agent_id=agent_id)
    if status:
        qs = qs.filter(status=status)
    if q.strip():
        term = q.strip()
        qs = qs.filter(
            Q(buyer_name__icontains=term)
            | Q(buyer_contact__icontains=term)
            | Q(order__number=term)
            | Q(messages__text__icontains=term)
        ).distinct()
    if date_from:
        qs = qs.filter(created_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(created_at__date__lte=date_to)
    return qs.order_by("-created_at", "-id")


def waiting_count(request=None) -> int:
    return Conversation.objects.filter(
        status=ConversationStatus.WAITING, customer_message_count__gt=0
    ).count()


# --- what the help center learns ------------------------------------------------------------


def suggestion_use_list(*, article_id: int | None = None, kind: str | None = None) -> QuerySet[SuggestionUse]:
    qs = SuggestionUse.objects.select_related("article", "agent", "conversation")
    if article_id:
        qs = qs.filter(article_id=article_id)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-created_at", "-id")


def wordings_by_article(*, article_ids: list[int], per_article: int = 3) -> dict[int, list[str]]:
    """The customers' wordings that agents answered with each article, newest first, distinct."""
    found: dict[int, list[str]] = {i: [] for i in article_ids}
    rows = (
        SuggestionUse.objects.filter(article_id__in=article_ids)
        .order_by("-created_at", "-id")
        .values_list("article_id", "customer_text")[: 50 * max(1, len(article_ids))]
    )
    for article_id, text in rows:
        bucket = found[article_id]
        if len(bucket) < per_article and text not in bucket:
            bucket.append(text)
    return found


# --- a returning customer's earlier conversations, pictures -----------------------------------

EARLIER_CONVERSATIONS = 3
EARLIER_MESSAGES = 50


@dataclass
class EarlierConversation:
    """One earlier conversation from the same browser, as shown (read-only) above the current one."""

    id: int
    started_at: dt.datetime
    messages: list[Message]


def earlier_conversations(
    *,
    conversation: Conversation,
    conversations: int = EARLIER_CONVERSATIONS,
    messages: int = EARLIER_MESSAGES,
) -> list[EarlierConversation]:
    """The customer's earlier conversations from the same device (the device cookie), oldest first,
    each with its messages: at most ``conversations`` of them and ``messages`` lines in all (the
    latest). Nothing when the conversation knows no device. Two queries.

    Who asks is the caller's check: the customer's own device cookie, or an agent who may read
    ``conversation`` (the customer she is serving)."""
    if not conversation.device:
        return []
    ids = list(
        Conversation.objects.filter(device=conversation.device, customer_message_count__gt=0)
        .exclude(pk=conversation.pk)
        .filter(created_at__lte=conversation.created_at)
        .order_by("-created_at", "-id")
        .values_list("id", "created_at")[:conversations]
    )
    if not ids:
        return []
    rows = list(
        Message.objects.filter(conversation_id__in=[pk for pk, _at in ids])
        .select_related("author")
        .order_by("-id")[:messages]
    )
    by_conversation: dict[int, list[Message]] = {}
    for message in reversed(rows):
        by_conversation.setdefault(message.conversation_id, []).append(message)
    return [
        EarlierConversation(id=pk, started_at=at, messages=by_conversation[pk])
        for pk, at in reversed(ids)
        if pk in by_conversation
    ]


def image_message_get(*, conversation: Conversation, message_id: int, same_device: bool) -> Message:
    """A picture of ``conversation`` — or, with ``same_device``, of one of the earlier
    conversations from its device (shown above it) — else 404. The caller has checked who asks."""
    qs = Message.objects.exclude(image="").select_related("conversation")
    message = get_object_or_404(qs, pk=message_id)
    if message.conversation_id == conversation.pk:
        return message
    if same_device and conversation.device and message.conversation.device == conversation.device:
        return message
    raise Http404
