"""Writes of the chat: each service checks permission, validates, writes under the right lock.

Every message is inserted while its conversation's row is locked (``select_for_update`` or a
conditional ``UPDATE`` earlier in the same transaction), so message ids grow in commit order within a
conversation and a poll with ``?after=<last id>`` can never skip one, on SQLite and PostgreSQL.

The response-time rule: ``awaiting_since`` is set by the first customer message nobody has answered
yet; the next agent message records ``now - awaiting_since`` as its response time (the first one
also as the conversation's first-response time) and clears it. Auto-replies and system notes leave
it alone: they are not the agent's response.
"""

import datetime as dt
import re
from typing import TypedDict

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.chat import images, push, selectors
from kefu.chat.models import (
    AgentPresence,
    ChatGroup,
    Conversation,
    ConversationStatus,
    Message,
    PresenceStatus,
    Sender,
    SuggestionUse,
)
from kefu.core import kept, promotion, roles, routing, shopsettings
from kefu.core.activity import activity_record
from kefu.core.types import User
from kefu.customers import services as customer_services
from kefu.customers.models import Satisfaction
from kefu.customers.selectors import customer_for_nick
from kefu.helpcenter import services as helpcenter_services
from kefu.helpcenter.models import Article, Question
from kefu.helpcenter.services import QUESTION_LIMITS
from kefu.orders.models import Order
from kefu.replies import linter
from kefu.replies import selectors as replies_selectors
from kefu.replies import services as replies_services

MESSAGE_MAX = 1000
HEARTBEAT_EVERY = dt.timedelta(seconds=15)
OPEN = selectors.OPEN_STATUSES


class ConversationTaken(ValidationError):
    """Another agent took the conversation first (the API answers 409)."""


class LintBlocked(ValidationError):
    """The reply linter found wordings to change; send again with ``force`` to send anyway."""

    def __init__(self, hits: list[linter.LintHit]):
        super().__init__(_("回复中有不建议使用的说法，请修改后再发送，或选择“仍然发送”。"))
        self.hits = hits


def _clean_text(text: str, *, field: str = "text") -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({field: _("请输入消息内容。")})
    if len(text) > MESSAGE_MAX:
        raise ValidationError({field: _("消息不能超过 %(n)d 个字。") % {"n": MESSAGE_MAX}})
    return text


def _image_text() -> str:
    # what a picture's message says where only text shows (lists, transcripts, the question)
    return _("[图片]")


def _reply_hits(
    *, conversation: Conversation, text: str, lint_rules: list[linter.LintRule] | None
) -> list[linter.LintHit]:
    customer_message = selectors.latest_customer_text(conversation=conversation)
    if lint_rules is None:
        return linter.lint_reply(text, customer_message=customer_message)
    return linter.lint(
        text, rules=lint_rules, fact_words=linter.fact_words(), customer_message=customer_message
    )


def _clean_profile(name: str, contact: str) -> tuple[str, str]:
    name = " ".join((name or "").split())
    contact = (contact or "").strip()
    errors = {}
    if len(name) > 40:
        errors["name"] = _("称呼不能超过 40 个字。")
    if len(contact) > 60:
        errors["contact"] = _("联系方式不能超过 60 个字。")
    if errors:
        raise ValidationError(errors)
    return name, contact


def _agent_name(user) -> str:
    return user.get_full_name() or user.username


def _lock(conversation: Conversation) -> Conversation:
    return Conversation.objects.select_for_update().get(pk=conversation.pk)


def _next_seqs(conversation_ids: list[int]) -> dict[int, int]:
    """Take the next sequence number of each conversation (one conditional UPDATE, then read
    back): the row stays locked until commit, so numbers are unique and gapless per conversation
    on SQLite and PostgreSQL; the unique (conversation, seq) constraint backs it."""
    Conversation.objects.filter(pk__in=conversation_ids).update(last_seq=F("last_seq") + 1)
    return dict(Conversation.objects.filter(pk__in=conversation_ids).values_list("pk", "last_seq"))


def _lock_for_messages(conversation: Conversation) -> Conversation:
    """Lock the row for a write that adds messages and ends by saving the conversation with
    ``last_seq`` among its fields: the numbers are counted on the locked row in memory (no extra
    UPDATE and read-back per message), and written with the conversation's other changes."""
    conversation = _lock(conversation)
    conversation._numbers_held = True  # type: ignore[attr-defined]
    conversation._new_messages = []  # type: ignore[attr-defined]  # what this write added, in order
    return conversation


def _new_message(*, conversation: Conversation, **fields) -> Message:
    """Every message of the chat is created here: numbered, and pushed once the write commits.

    A conversation from :func:`_lock_for_messages` is numbered on the locked row (the caller saves
    ``last_seq``); any other takes its number with a conditional UPDATE."""
    if getattr(conversation, "_numbers_held", False):
        seq = conversation.last_seq + 1
    else:
        seq = _next_seqs([conversation.pk])[conversation.pk]
    conversation.last_seq = seq
    message = Message.objects.create(conversation=conversation, seq=seq, **fields)
    if getattr(conversation, "_numbers_held", False):
        conversation._new_messages.append(message)  # type: ignore[attr-defined]
    push.message_sent(message)
    return message


def _auto_message(*, conversation: Conversation, trigger: str, now: dt.datetime) -> Message | None:
    """The replies app's rule text for ``trigger``, as an automatic message; None when the rule is off.
    During a promotion (大促) the promotion's own greeting answers a customer's first message."""
    text = ""
    if trigger == "first_message":
        text = promotion.promotion_auto_reply(now)
    text = text or replies_selectors.autoreply_text(trigger=trigger, buyer=conversation.buyer_name) or ""
    if not text:
        return None
    return _new_message(
        conversation=conversation, sender=Sender.SYSTEM, text=text, is_auto=True, auto_trigger=trigger
    )


def _system_note(*, conversation: Conversation, text: str) -> Message:
    return _new_message(conversation=conversation, sender=Sender.SYSTEM, text=text)


def _offer(conversation: Conversation, *, now: dt.datetime, exclude: int | None = None) -> bool:
    """A waiting conversation (locked by the caller): ask routing whom to offer it to and give it
    to them. False when automatic assignment is off, outside the hours, or nobody fits (the
    customer stays in the queue). ``exclude``: an agent not to offer it to (who handed it over)."""
    if not shopsettings.get("chat_auto_assign") or not selectors.within_working_hours(now=now):
        return False
    on_duty = selectors.agents_for_routing(now=now)  # with each agent's name: no second read
    if exclude is not None:
        on_duty.pop(exclude, None)
    open_chats = {user_id: p.open_chats for user_id, p in on_duty.items()}  # type: ignore[attr-defined]
    if not open_chats and not routing.has_chooser():
        return False
    user_id = routing.choose_agent(group=conversation.group, open_chats=open_chats)
    agent: User | None
    if user_id in on_duty:
        agent = on_duty[user_id].user
    else:
        agent = get_user_model().objects.filter(pk=user_id, is_active=True).first() if user_id else None
    if agent is None:
        return False
    conversation.status = ConversationStatus.ACTIVE
    conversation.agent = agent
    conversation.taken_at = now
    _system_note(conversation=conversation, text=_("客服 %(name)s 为您服务。") % {"name": _agent_name(agent)})
    activity_record(target=conversation, actor=None, verb="chat_offer", message=_agent_name(agent))
    return True


def conversations_offer(*, limit: int = 20) -> int:
    """Offer the longest-waiting conversations while routing finds someone (an agent came online
    or finished a chat). Each in its own short transaction; a conversation taken meanwhile is
    skipped. Returns how many were given out."""
    given = 0
    now = timezone.now()
    for pk in selectors.waiting_ids(limit=limit):
        with transaction.atomic():
            conversation = (
                Conversation.objects.select_for_update()
                .filter(pk=pk, status=ConversationStatus.WAITING)
                .first()
            )
            if conversation is None:
                continue
            if not _offer(conversation, now=now):
                break
            conversation.save(update_fields=["status", "agent", "taken_at"])
            push.conversation_changed(conversation)
            given += 1
    return given


# --- the customer's side --------------------------------------------------------------------


@transaction.atomic
def conversation_start(
    *,
    buyer_name: str = "",
    buyer_contact: str = "",
    page_url: str = "",
    ip_address: str | None = None,
    device: str = "",
) -> Conversation:
    """A visitor opens the chat: no account, the returned token (kept in a cookie) is the key.
    ``device``: her browser's own key (another cookie), which finds her earlier conversations."""
    name, contact = _clean_profile(buyer_name, buyer_contact)
    now = timezone.now()
    conversation = Conversation.objects.create(
        buyer_name=name,
        buyer_contact=contact,
        page_url=(page_url or "")[:300],
        ip_address=ip_address or None,
        device=(device or "")[:64],
        session_started_at=now,
        last_message_at=now,
    )
    activity_record(target=conversation, actor=None, verb="chat_start", message=name)
    return conversation


def conversation_device_remember(*, conversation: Conversation, device: str) -> None:
    """A conversation started before browsers were remembered takes its browser's key, once (a
    conditional UPDATE: a key already there is never replaced)."""
    if Conversation.objects.filter(pk=conversation.pk, device="").update(device=device[:64]):
        conversation.device = device[:64]


@transaction.atomic
def conversation_profile_update(
    *, conversation: Conversation, buyer_name: str, buyer_contact: str
) -> Conversation:
    name, contact = _clean_profile(buyer_name, buyer_contact)
    conversation = _lock(conversation)
    conversation.buyer_name = name
    conversation.buyer_contact = contact
    conversation.save(update_fields=["buyer_name", "buyer_contact"])
    # a 旺旺 given as the contact is the buyer's member name: her profile, and a lead's clock
    nick = _question_contact(contact, fallback="").get("im_id", "")
    if nick:
        customer_services.customer_for_buyer(buyer_nick=nick, name=name)
    return conversation


@transaction.atomic
def customer_message_send(
    *,
    conversation: Conversation,
    text: str,
    group: str | None = None,
    image: images.StoredImage | None = None,
) -> list[Message]:
    """The customer writes. A closed conversation reopens (a returning customer continues it).

    On the first message of a session the ``first_message`` auto-reply goes out, or ``off_hours``
    outside the shop's working hours. Returns the customer's message and any auto-reply.
    ``image``: a picture already checked and stored (:func:`customer_image_send`) instead of text.
    """
    text = _image_text() if image is not None else _clean_text(text)
    conversation = _lock_for_messages(conversation)
    now = timezone.now()
    fields = ["awaiting_since", "last_message_at", "customer_message_count", "last_seq"]
    first_of_session = conversation.customer_message_count == 0 or conversation.is_closed
    changed = conversation.is_closed
    if group is not None and group != conversation.group and conversation.status != ConversationStatus.ACTIVE:
        if group not in ChatGroup.values:
            raise ValidationError({"group": _("请选择售前或售后咨询。")})
        conversation.group = group
        fields.append("group")
    if conversation.is_closed:
        conversation.status = ConversationStatus.WAITING
        conversation.agent = None
        conversation.taken_at = None
        conversation.closed_at = None
        conversation.closed_by = None
        conversation.session_started_at = now
        fields += ["status", "agent", "taken_at", "closed_at", "closed_by", "session_started_at"]
    message = _new_message(
        conversation=conversation, sender=Sender.CUSTOMER, text=text, **(image.fields() if image else {})
    )
    if conversation.awaiting_since is None:
        conversation.awaiting_since = message.created_at
    conversation.last_message_at = message.created_at
    conversation.customer_message_count += 1
    out = [message]
    if first_of_session:
        trigger = "first_message" if selectors.within_working_hours(now=now) else "off_hours"
        auto = _auto_message(conversation=conversation, trigger=trigger, now=now)
        if auto:
            out.append(auto)
    if conversation.status == ConversationStatus.WAITING and _offer(conversation, now=now):
        fields += [f for f in ("status", "agent", "taken_at") if f not in fields]
        changed = True
    conversation.save(update_fields=fields)
    if changed:
        # a new or reopened chat joins the end of the queue or goes straight to an agent: nobody
        # else's place moves
        push.conversation_changed(conversation, queue_moved=False)
    elif conversation.status == ConversationStatus.WAITING:
        push.waiting_changed(conversation.pk)
    return out


def _no_answer_due() -> Q:
    # no_answer_for only ever holds an earlier awaiting_since, so "< awaiting_since" means "not yet
    # sent for this wait".
    return Q(status__in=OPEN, awaiting_since__isnull=False) & (
        Q(no_answer_for__isnull=True) | Q(no_answer_for__lt=F("awaiting_since"))
    )


def no_answer_fire(*, conversation: Conversation, now: dt.datetime | None = None) -> Message | None:
    """When the customer polls: send the ``no_answer`` auto-reply once per wait longer than N seconds.

    Checked on the object first (a poll must stay a read almost always), then claimed with a
    conditional UPDATE, so two polls at once send it once.
    """
    now = now or timezone.now()
    waited = conversation.awaiting_since
    if conversation.is_closed or waited is None:
        return None
    if conversation.no_answer_for is not None and conversation.no_answer_for >= waited:
        return None
    if waited > now - dt.timedelta(seconds=replies_selectors.autoreply_no_answer_seconds()):
        return None
    if not selectors.within_working_hours(now=now):
        return None
    text = replies_selectors.autoreply_text(trigger="no_answer", buyer=conversation.buyer_name)
    if not text:
        return None
    with transaction.atomic():
        claimed = Conversation.objects.filter(
            _no_answer_due(), pk=conversation.pk, awaiting_since=waited
        ).update(no_answer_for=F("awaiting_since"), last_message_at=now)
        if not claimed:
            return None
        return _new_message(
            conversation=conversation, sender=Sender.SYSTEM, text=text, is_auto=True, auto_trigger="no_answer"
        )


def chat_no_answer_sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """The sweep behind ``no_answer_fire`` for customers who stopped polling: set-based, one UPDATE
    and one bulk INSERT; rows another transaction holds are skipped (it will answer them)."""
    now = now or timezone.now()
    if not selectors.within_working_hours(now=now):
        return {"no_answer_replies": 0}
    if replies_selectors.autoreply_text(trigger="no_answer") is None:
        return {"no_answer_replies": 0}
    cutoff = now - dt.timedelta(seconds=replies_selectors.autoreply_no_answer_seconds())
    with transaction.atomic():
        due = list(
            Conversation.objects.select_for_update(skip_locked=True)
            .filter(_no_answer_due(), awaiting_since__lte=cutoff)
            .values_list("id", "buyer_name")
        )
        if not due:
            return {"no_answer_replies": 0}
        ids = [pk for pk, _name in due]
        Conversation.objects.filter(id__in=ids).update(no_answer_for=F("awaiting_since"), last_message_at=now)
        texts: dict[str, str | None] = {}
        for _pk, name in due:
            if name not in texts:
                texts[name] = replies_selectors.autoreply_text(trigger="no_answer", buyer=name)
        replying = [pk for pk, name in due if texts[name]]
        seqs = _next_seqs(replying) if replying else {}
        messages = [
            Message(
                conversation_id=pk,
                seq=seqs[pk],
                sender=Sender.SYSTEM,
                text=texts[name] or "",
                is_auto=True,
                auto_trigger="no_answer",
            )
            for pk, name in due
            if texts[name]
        ]
        Message.objects.bulk_create(messages)
        for message in messages:
            push.message_sent(message)
    return {"no_answer_replies": len(messages)}


_PHONE = re.compile(r"^\+?[\d\- ]{7,20}$")


class _Contact(TypedDict, total=False):
    phone: str
    email: str
    im_id: str


def _question_contact(contact: str, *, fallback: str) -> _Contact:
    """The customer's one free-text contact, put in the question's phone, email or 旺旺/微信 field."""
    contact = (contact or "").strip()
    if not contact:
        return {"im_id": fallback[: QUESTION_LIMITS["im_id"]]}
    if "@" in contact and " " not in contact:
        return {"email": contact}
    if _PHONE.match(contact):
        return {"phone": contact[: QUESTION_LIMITS["phone"]]}
    return {"im_id": contact[: QUESTION_LIMITS["im_id"]]}


def _question_title(text: str) -> str:
    title = " ".join(text.split())
    return title if len(title) <= 60 else title[:59] + "…"


@transaction.atomic
def conversation_leave_message(
    *, conversation: Conversation, name: str, contact: str, text: str, ip_address: str | None = None
) -> Question:
    """No agent on duty: the customer's message becomes a help-center customer question (the work
    inbox) and the conversation is closed with a note pointing to the question's private page."""
    errors: dict[str, list[str] | str] = {}
    name, contact = _clean_profile(name, contact)
    if not name:
        errors["name"] = _("请填写您的称呼。")
    if not contact:
        errors["contact"] = _("请留下手机、邮箱或旺旺/微信，方便我们联系您。")
    try:
        text = _clean_text(text)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    conversation = _lock(conversation)
    if conversation.status == ConversationStatus.CLOSED:
        raise ValidationError(_("这个会话已经结束了，请重新发起咨询后再留言。"))
    helpcenter_services.question_allowance_take(ip_address=ip_address)
    question = helpcenter_services.question_submit(
        title=_question_title(text),
        details=text,
        name=name,
        ip_address=ip_address,
        **_question_contact(contact, fallback=contact),
    )
    now = timezone.now()
    _new_message(conversation=conversation, sender=Sender.CUSTOMER, text=text)
    _system_note(
        conversation=conversation,
        text=_("您的留言已收到，客服上班后会尽快答复。答复会显示在这里：%(url)s")
        % {"url": reverse("helpcenter:question_status", args=[question.token])},
    )
    conversation.buyer_name = conversation.buyer_name or name
    conversation.buyer_contact = conversation.buyer_contact or contact
    conversation.question = question
    conversation.status = ConversationStatus.CLOSED
    conversation.agent = None
    conversation.awaiting_since = None
    conversation.closed_at = now
    conversation.last_message_at = now
    conversation.customer_message_count += 1
    conversation.save(
        update_fields=[
            "buyer_name",
            "buyer_contact",
            "question",
            "status",
            "agent",
            "awaiting_since",
            "closed_at",
            "last_message_at",
            "customer_message_count",
        ]
    )
    activity_record(
        target=conversation, actor=None, verb="chat_leave_message", data={"question": question.pk}
    )
    push.conversation_changed(conversation)
    return question


# --- the agent's side -----------------------------------------------------------------------


@transaction.atomic
def conversation_take(*, conversation: Conversation, by: User) -> Conversation:
    """Take a waiting conversation. A conditional UPDATE decides: of two agents taking it at once
    exactly one wins; the other gets ConversationTaken. Taking one's own again is a no-op."""
    roles.require_staff(by)
    now = timezone.now()
    won = Conversation.objects.filter(pk=conversation.pk, status=ConversationStatus.WAITING).update(
        status=ConversationStatus.ACTIVE, agent=by, taken_at=now
    )
    current = Conversation.objects.select_related("agent").get(pk=conversation.pk)
    if not won:
        if current.agent_id == by.pk and current.status == ConversationStatus.ACTIVE:
            return current
        if current.is_closed:
            raise ConversationTaken(_("这个会话已经结束了。"))
        raise ConversationTaken(
            _("%(name)s 已经接入了这个会话。")
            % {"name": _agent_name(current.agent) if current.agent else "?"}
        )
    _system_note(conversation=current, text=_("客服 %(name)s 为您服务。") % {"name": _agent_name(by)})
    activity_record(target=current, actor=by, verb="chat_take")
    push.conversation_changed(current)
    presence_touch(by=by, now=now)
    return current


def _may_change(conversation: Conversation, user) -> None:
    """Linking an order or a question, or turning the chat into a question: anyone on the team
    while the conversation waits; once an agent has it, she and the supervisors."""
    if conversation.agent_id is None:
        return
    _may_write(conversation, user)


def _may_write(conversation: Conversation, user) -> None:
    if conversation.agent_id == user.pk:
        return
    if roles.has_role(user, roles.SUPERVISOR, roles.ADMIN):
        return
    raise PermissionDenied(
        _("这个会话由 %(name)s 接待。")
        % {"name": _agent_name(conversation.agent) if conversation.agent else "?"}
    )


def agent_message_send(
    *,
    conversation: Conversation,
    by: User,
    text: str,
    force: bool = False,
    lint_rules: list[linter.LintRule] | None = None,
    image: images.StoredImage | None = None,
) -> Message:
    """An agent replies. The linter runs first against the customer's latest message; its hits block
    the send (LintBlocked) unless ``force``, and a forced send over hits is recorded as an override.
    ``lint_rules``: the linter's phrases as the caller keeps them (the console's socket); read now
    when not given.

    Replying to a waiting conversation takes it (under the same lock, so it cannot be taken twice).
    ``image``: a picture already checked and stored (:func:`agent_image_send`); nothing to lint.
    """
    roles.require_staff(by)
    if image is not None:
        text, hits = _image_text(), []
    else:
        text = _clean_text(text)
        hits = _reply_hits(conversation=conversation, text=text, lint_rules=lint_rules)
    if hits and not force:
        raise LintBlocked(hits)
    with transaction.atomic():
        conversation = _lock_for_messages(conversation)
        now = timezone.now()
        fields = ["awaiting_since", "last_message_at", "agent_message_count", "last_seq"]
        if conversation.is_closed:
            raise ValidationError(_("会话已经结束，不能再发送消息。"))
        if conversation.status == ConversationStatus.WAITING:
            conversation.status = ConversationStatus.ACTIVE
            conversation.agent = by
            conversation.taken_at = now
            fields += ["status", "agent", "taken_at"]
            _system_note(
                conversation=conversation, text=_("客服 %(name)s 为您服务。") % {"name": _agent_name(by)}
            )
            activity_record(target=conversation, actor=by, verb="chat_take")
            push.conversation_changed(conversation)
        else:
            _may_write(conversation, by)
        waited = None
        if conversation.awaiting_since is not None:
            waited = max(0.0, (now - conversation.awaiting_since).total_seconds())
        message = _new_message(
            conversation=conversation,
            sender=Sender.AGENT,
            author=by,
            text=text,
            response_seconds=waited,
            lint_overridden=bool(hits),
            **(image.fields() if image else {}),
        )
        if waited is not None and conversation.first_response_at is None:
            conversation.first_response_at = now
            conversation.first_response_seconds = waited
            fields += ["first_response_at", "first_response_seconds"]
        conversation.awaiting_since = None
        conversation.last_message_at = message.created_at
        conversation.agent_message_count += 1
        conversation.save(update_fields=fields)
        if hits:
            replies_services.lint_override_record(by=by, text=text, hits=hits)
        presence_touch(by=by, now=now)
    return message


@transaction.atomic
def conversation_transfer(
    *, conversation: Conversation, by: User, to: User | None, note: str = ""
) -> Conversation:
    """Hand an active conversation to a colleague (转接): its agent or a supervisor may. The wait
    clock keeps running, so the colleague's first reply is measured from the customer's message.
    ``note``: what the colleague should know (shown to her beside the chat, never to the customer)."""
    roles.require_staff(by)
    if to is None or not roles.is_staff_member(to):
        raise ValidationError({"agent": _("只能转接给客服团队成员。")})
    conversation = _lock(conversation)
    if conversation.status != ConversationStatus.ACTIVE:
        raise ValidationError(_("只有接待中的会话可以转接。"))
    _may_write(conversation, by)
    if conversation.agent_id == to.pk:
        raise ValidationError({"agent": _("这个会话已经由 %(name)s 接待。") % {"name": _agent_name(to)}})
    previous = conversation.agent
    note = " ".join((note or "").split())[:200]
    conversation.agent = to
    conversation.transfer_note = f"{_agent_name(by)}：{note}" if note else ""
    conversation.save(update_fields=["agent", "transfer_note"])
    _system_note(conversation=conversation, text=_("已为您转接客服 %(name)s。") % {"name": _agent_name(to)})
    activity_record(
        target=conversation,
        actor=by,
        verb="chat_transfer",
        message=f"{_agent_name(previous) if previous else '—'} → {_agent_name(to)}"
        + (f"（{note}）" if note else ""),
    )
    push.conversation_changed(
        conversation, previous_agent_id=previous.pk if previous else None, queue_moved=False
    )
    return conversation


TRANSFER_GROUPS = (ChatGroup.PRESALES, ChatGroup.AFTERSALES)


def _group_name(group: str) -> str:
    return {ChatGroup.PRESALES: _("售前组"), ChatGroup.AFTERSALES: _("售后组")}[ChatGroup(group)]


@transaction.atomic
def conversation_transfer_group(
    *, conversation: Conversation, by: User, group: str, note: str = ""
) -> Conversation:
    """Hand an active conversation to a group (转接到售前组/售后组): it goes back to the queue as
    that group's and is offered to the group's agents by the same routing as a new chat — never
    to the one handing it over. Its agent or a supervisor may. ``note`` is for whoever takes it
    (shown beside the chat, never to the customer). The customer waits again: her wait clock
    starts now unless it is already running."""
    roles.require_staff(by)
    if group not in TRANSFER_GROUPS:
        raise ValidationError({"group": _("请选择售前组或售后组。")})
    conversation = _lock(conversation)
    if conversation.status != ConversationStatus.ACTIVE:
        raise ValidationError(_("只有接待中的会话可以转接。"))
    _may_write(conversation, by)
    previous = conversation.agent
    note = " ".join((note or "").split())[:200]
    now = timezone.now()
    conversation.status = ConversationStatus.WAITING
    conversation.agent = None
    conversation.taken_at = None
    conversation.group = group
    conversation.transfer_note = f"{_agent_name(by)}：{note}" if note else ""
    if conversation.awaiting_since is None:
        conversation.awaiting_since = now
    _system_note(
        conversation=conversation, text=_("已为您转接%(group)s，请稍候。") % {"group": _group_name(group)}
    )
    offered = _offer(conversation, now=now, exclude=previous.pk if previous else None)
    conversation.save(
        update_fields=["status", "agent", "taken_at", "group", "transfer_note", "awaiting_since"]
    )
    activity_record(
        target=conversation,
        actor=by,
        verb="chat_transfer_group",
        message=f"{_agent_name(previous) if previous else '—'} → {_group_name(group)}"
        + (f"（{note}）" if note else ""),
        data={"group": group},
    )
    push.conversation_changed(
        conversation, previous_agent_id=previous.pk if previous else None, queue_moved=not offered
    )
    return conversation


def customer_image_send(*, conversation: Conversation, upload, group: str | None = None) -> list[Message]:
    """The customer sends a picture: checked (size, a real picture of a kind the shop takes), a
    thumbnail made, both stored; then it goes out as her message, numbered and pushed like any
    other (a closed chat reopens, the queue and routing as for text). A message that is not
    written after all leaves no file behind."""
    stored = images.image_store(upload=upload, conversation_id=conversation.pk)
    try:
        return customer_message_send(conversation=conversation, text="", group=group, image=stored)
    except BaseException:
        stored.delete()
        raise


def agent_image_send(*, conversation: Conversation, by: User, upload) -> Message:
    """An agent sends a picture to the customer: who may write is checked before anything is
    stored (and again under the lock by :func:`agent_message_send`, which sends it)."""
    roles.require_staff(by)
    if conversation.is_closed:
        raise ValidationError(_("会话已经结束，不能再发送消息。"))
    if conversation.status == ConversationStatus.ACTIVE:
        _may_write(conversation, by)
    stored = images.image_store(upload=upload, conversation_id=conversation.pk)
    try:
        return agent_message_send(conversation=conversation, by=by, text="", image=stored)
    except BaseException:
        stored.delete()
        raise


@transaction.atomic
def conversation_close(*, conversation: Conversation, by: User) -> Conversation:
    roles.require_staff(by)
    conversation = _lock(conversation)
    if conversation.is_closed:
        return conversation
    if conversation.agent_id:
        _may_write(conversation, by)
    now = timezone.now()
    conversation.status = ConversationStatus.CLOSED
    conversation.closed_at = now
    conversation.closed_by = by
    conversation.awaiting_since = None
    conversation.save(update_fields=["status", "closed_at", "closed_by", "awaiting_since"])
    _system_note(conversation=conversation, text=_("会话已结束，感谢您的咨询。有新问题可以随时再发消息。"))
    activity_record(target=conversation, actor=by, verb="chat_close")
    push.conversation_changed(conversation)
    transaction.on_commit(lambda: conversations_offer(limit=1))
    return conversation


@transaction.atomic
def conversation_link_order(
    *, conversation: Conversation, by, number: str, shop: str | None = None
) -> Conversation:
    """Link the order the customer is asking about, by its order number (编号)."""
    roles.require_staff(by)
    number = "".join((number or "").split())
    if not number:
        raise ValidationError({"number": _("请填写订单编号。")})
    orders = Order.objects.filter(number=number)
    if shop:
        orders = orders.filter(shop=shop)
    found = list(orders[:2])
    if not found:
        raise ValidationError({"number": _("没有找到订单 %(n)s。") % {"n": number}})
    if len(found) > 1:
        raise ValidationError({"number": _("多个店铺都有订单 %(n)s，请注明店铺。") % {"n": number}})
    conversation = _lock(conversation)
    _may_change(conversation, by)
    conversation.order = found[0]
    conversation.save(update_fields=["order"])
    activity_record(target=conversation, actor=by, verb="chat_link_order", message=number)
    return conversation


@transaction.atomic
def conversation_link_question(*, conversation: Conversation, by: User, question: Question) -> Conversation:
    roles.require_staff(by)
    conversation = _lock(conversation)
    _may_change(conversation, by)
    conversation.question = question
    conversation.save(update_fields=["question"])
    activity_record(target=conversation, actor=by, verb="chat_link_question", data={"question": question.pk})
    return conversation


def _transcript(conversation: Conversation, limit: int) -> str:
    """The conversation as the question's details: newest lines kept when it is too long."""
    lines = []
    for m in Message.objects.filter(conversation=conversation).exclude(is_auto=True).order_by("id"):
        who = {Sender.CUSTOMER: _("客户"), Sender.AGENT: _("客服"), Sender.SYSTEM: _("系统")}[
            Sender(m.sender)
        ]
        lines.append(f"[{timezone.localtime(m.created_at):%m-%d %H:%M}] {who}：{m.text}")
    text = "\n".join(lines)
    while len(text) > limit and len(lines) > 1:
        lines.pop(0)
        text = "…\n" + "\n".join(lines)
    return text[-limit:]


@transaction.atomic
def conversation_to_question(*, conversation: Conversation, by: User, title: str = "") -> Question:
    """Turn the conversation into a help-center customer question, so it reaches the work inbox
    (follow-up, or an article). The customer is told where the answer will appear."""
    roles.require_staff(by)
    conversation = _lock(conversation)
    _may_change(conversation, by)
    if conversation.question_id:
        raise ValidationError(_("这个会话已经关联了客户问题 #%(n)s。") % {"n": conversation.question_id})
    first = (
        Message.objects.filter(conversation=conversation, sender=Sender.CUSTOMER)
        .order_by("id")
        .values_list("text", flat=True)
        .first()
    )
    if not first:
        raise ValidationError(_("客户还没有发过消息，无法转为客户问题。"))
    fallback = _("在线咨询 #%(n)s") % {"n": conversation.pk}
    question = helpcenter_services.question_submit(
        title=_question_title(title or first),
        details=_transcript(conversation, QUESTION_LIMITS["details"]),
        name=conversation.buyer_name or _("在线咨询访客"),
        ip_address=conversation.ip_address,
        **_question_contact(conversation.buyer_contact, fallback=fallback),
    )
    conversation.question = question
    conversation.save(update_fields=["question"])
    _system_note(
        conversation=conversation,
        text=_("您的问题已记录（编号 %(n)s），处理结果会显示在这里：%(url)s")
        % {"n": question.pk, "url": reverse("helpcenter:question_status", args=[question.token])},
    )
    activity_record(target=conversation, actor=by, verb="chat_to_question", data={"question": question.pk})
    return question


# --- presence -------------------------------------------------------------------------------


@transaction.atomic
def presence_set(*, by: User, status: str) -> AgentPresence:
    """An agent marks themselves 在线, 离开 or 离线 in the console; colleagues see it at once, and
    an agent coming online is offered the longest-waiting conversations."""
    roles.require_staff(by)
    if status not in PresenceStatus.values:
        raise ValidationError({"status": _("状态只能是“在线”、“离开”或“离线”。")})
    now = timezone.now()
    presence, _created = AgentPresence.objects.update_or_create(
        user=by, defaults={"status": status, "last_seen_at": now, "last_activity_at": now, "auto_away": False}
    )
    activity_record(target=presence, actor=by, verb=f"chat_presence_{status}")
    push.presence_changed(user_id=by.pk, name=_agent_name(by), status=status)
    if status == PresenceStatus.ONLINE:
        transaction.on_commit(lambda: conversations_offer())
    return presence


def presence_heartbeat(*, by: User, now: dt.datetime | None = None) -> None:
    """The console's poll (or its open WebSocket) keeps an online agent on duty; written at most
    every 15 s, so polling stays (almost) read-only."""
    now = now or timezone.now()
    AgentPresence.objects.filter(user=by, status=PresenceStatus.ONLINE).filter(
        Q(last_seen_at__isnull=True) | Q(last_seen_at__lt=now - HEARTBEAT_EVERY)
    ).update(last_seen_at=now)


def presence_touch(*, by: User, now: dt.datetime | None = None) -> None:
    """The agent did something (a reply, a take): it counts as activity, and an agent the console
    had set to 离开 for being idle is 在线 again (colleagues are told)."""
    now = now or timezone.now()
    if kept.is_keeping() and int(shopsettings.get("presence_away_minutes")) > 0:
        # the console's socket: this same user (the socket keeps it) was touched under 15 s ago,
        # so the activity is fresh and the idle sweep (minutes of inactivity) cannot have set 离开
        # since: both writes would change nothing
        touched = getattr(by, "_presence_touched_at", None)
        if touched is not None and dt.timedelta(0) <= now - touched < HEARTBEAT_EVERY:
            return
        transaction.on_commit(lambda: setattr(by, "_presence_touched_at", now))
    AgentPresence.objects.filter(user=by).filter(
        Q(last_activity_at__isnull=True) | Q(last_activity_at__lt=now - HEARTBEAT_EVERY)
    ).update(last_activity_at=now)
    back = AgentPresence.objects.filter(user=by, status=PresenceStatus.AWAY, auto_away=True).update(
        status=PresenceStatus.ONLINE, auto_away=False, last_seen_at=now, last_activity_at=now
    )
    if back:
        push.presence_changed(user_id=by.pk, name=_agent_name(by), status=PresenceStatus.ONLINE)


def presence_away_sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """在线 agents without any activity for ``presence_away_minutes`` become 离开 (marked as set by
    the system, so their next action brings them back); colleagues are told. One UPDATE."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(minutes=int(shopsettings.get("presence_away_minutes")))
    with transaction.atomic():
        idle = list(
            AgentPresence.objects.select_for_update(skip_locked=True)
            .filter(status=PresenceStatus.ONLINE)
            .filter(Q(last_activity_at__lt=cutoff) | Q(last_activity_at__isnull=True, changed_at__lt=cutoff))
            .select_related("user")
        )
        if not idle:
            return {"agents_away": 0}
        AgentPresence.objects.filter(pk__in=[p.pk for p in idle]).update(
            status=PresenceStatus.AWAY, auto_away=True
        )
        for presence in idle:
            push.presence_changed(
                user_id=presence.user_id, name=_agent_name(presence.user), status=PresenceStatus.AWAY
            )
    return {"agents_away": len(idle)}


# --- quick phrases and suggestions ----------------------------------------------------------


def _phrase_for(user, phrase_id: int):
    return replies_selectors.access_phrase(user=user, pk=phrase_id)


def _render_phrase(*, conversation: Conversation, by: User, phrase) -> str:
    return replies_services.phrase_render(
        phrase=phrase,
        buyer=conversation.buyer_name,
        agent_name=_agent_name(by),
        order_number=conversation.order.number if conversation.order is not None else "",
    )


def phrase_insert(*, conversation: Conversation, by: User, phrase_id: int) -> str:
    """ "/" in the reply box: the phrase with its placeholders filled for this conversation; the use
    is counted."""
    roles.require_staff(by)
    phrase = _phrase_for(by, phrase_id)
    text = _render_phrase(conversation=conversation, by=by, phrase=phrase)
    replies_services.phrase_use_record(phrase=phrase, by=by)
    return text


def article_insert_text(*, article: Article, base_url: str = "") -> str:
    return f"{article.title} {base_url}{reverse('helpcenter:article', args=[article.pk])}"


@transaction.atomic
def suggestion_use(
    *,
    conversation: Conversation,
    by: User,
    article_id: int | None = None,
    phrase_id: int | None = None,
    base_url: str = "",
) -> tuple[SuggestionUse, str]:
    """One click on a suggested answer: returns the text to insert and records which answer the
    agent chose for the customer's wording."""
    roles.require_staff(by)
    if bool(article_id) == bool(phrase_id):
        raise ValidationError(_("请选择一篇文章或一条快捷短语。"))
    customer_text = selectors.latest_customer_text(conversation=conversation)
    if not customer_text:
        raise ValidationError(_("客户还没有发过消息。"))
    if article_id:
        article = Article.objects.filter(pk=article_id, status=Article.Status.PUBLISHED).first()
        if article is None:
            raise ValidationError({"article": _("文章不存在或未发布。")})
        use = SuggestionUse.objects.create(
            conversation=conversation,
            customer_text=customer_text,
            kind=SuggestionUse.Kind.ARTICLE,
            article=article,
            agent=by,
        )
        # The customer's wording is proposed as a similar question of the article (a supervisor decides).
        helpcenter_services.similar_question_propose(
            article=article, text=customer_text, source="chat_linked"
        )
        return use, article_insert_text(article=article, base_url=base_url)
    assert phrase_id is not None  # exactly one of the two, checked above
    phrase = _phrase_for(by, phrase_id)
    text = _render_phrase(conversation=conversation, by=by, phrase=phrase)
    replies_services.phrase_use_record(phrase=phrase, by=by)
    use = SuggestionUse.objects.create(
        conversation=conversation,
        customer_text=customer_text,
        kind=SuggestionUse.Kind.PHRASE,
        phrase_id=phrase.pk,
        phrase_text=phrase.text,
        agent=by,
    )
    return use, text


# --- read receipts --------------------------------------------------------------------------


def conversation_read(*, conversation: Conversation, side: str, seq: int) -> bool:
    """One side read the conversation up to message ``seq`` (a read receipt for the other side).
    Only ever moves forward (a conditional UPDATE); True when it moved."""
    field = {"customer": "customer_read_seq", "agent": "agent_read_seq"}[side]
    seq = max(0, min(int(seq), conversation.last_seq if conversation.last_seq else int(seq)))
    with transaction.atomic():
        moved = Conversation.objects.filter(
            pk=conversation.pk, **{f"{field}__lt": seq, "last_seq__gte": seq}
        ).update(**{field: seq})
        if moved:
            push.read(conversation.pk, sender=side, seq=seq)
    return bool(moved)


# --- the customer's rating -------------------------------------------------------------------


@transaction.atomic
def conversation_rate(*, conversation: Conversation, score: int, comment: str = "") -> Satisfaction:
    """After the chat ends the customer rates it, 1 to 5 with an optional comment: her own word,
    once per chat, never a default; it counts for the agent who served her."""
    conversation = _lock(conversation)
    if conversation.status != ConversationStatus.CLOSED or conversation.taken_at is None:
        raise ValidationError(_("会话结束后才能评价。"))
    contact = _question_contact(conversation.buyer_contact, fallback="")
    nick = contact.get("im_id", "")
    return customer_services.satisfaction_submit(
        kind="chat",
        source_id=conversation.pk,
        score=score,
        comment=comment,
        agent_id=conversation.agent_id,
        customer=customer_for_nick(nick) if nick else None,
    )
