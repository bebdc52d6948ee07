"""What the chat pushes over WebSocket, and to whom: sent only after the write committed.

Groups of the channel layer (in-memory in the single embedded process, Redis with KEFU_REDIS_URL so
several server processes share them):

- ``chat-c<id>``: everyone looking at one conversation — the customer's window(s) and the consoles
  that have it open. Messages (with their sequence number), typing, read state, status changes.
- ``chat-agent<user id>``: one agent's consoles — a conversation was offered or transferred to them.
- ``chat-staff``: every console — the waiting list changed (at most every ``INBOX_EVERY`` seconds
  per process, the changes of a burst together), a colleague's presence changed.
- ``chat-queue``: every waiting customer's window — the queue moved, ask for your position.

A push is a nudge, never the only copy: everything pushed is in the database first, and a window that
missed something fetches it by sequence number (the consumers do it for a gap, the windows on
reconnect), so a lost push delays a message, it never loses one.
"""

import asyncio
import logging
import os
import weakref
from typing import Any

from asgiref.sync import SyncToAsync, async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.utils import timezone

from kefu.chat.models import Conversation, Message

log = logging.getLogger("kefu.chat")

STAFF = "chat-staff"
ASSIGNED_RECENT = 50
QUEUE = "chat-queue"


def conversation_group(conversation_id: int) -> str:
    return f"chat-c{conversation_id}"


def agent_group(user_id: int) -> str:
    return f"chat-agent{user_id}"


def _iso(value) -> str | None:
    if value is None:
        return None
    return timezone.localtime(value).isoformat()


def _person(user) -> str | None:
    return (user.get_full_name() or user.username) if user is not None else None


def image_info(message: Message) -> dict[str, Any] | None:
    """A picture's kind and size, or None for a text message. The windows build its address
    themselves (the customer's by her token, the console's by the conversation), so the push
    carries no link anyone could pass on."""
    if not message.image:
        return None
    return {"type": message.image_type, "width": message.image_width, "height": message.image_height}


def message_payload(message: Message) -> dict[str, Any]:
    """One message as the console sees it; :func:`customer_view` takes the customer's part."""
    return {
        "id": message.pk,
        "seq": message.seq,
        "conversation": message.conversation_id,
        "sender": message.sender,
        "text": message.text,
        "is_auto": message.is_auto,
        "auto_trigger": message.auto_trigger,
        "created_at": _iso(message.created_at),
        "author": _person(message.author) if message.author_id else None,
        "response_seconds": message.response_seconds,
        "lint_overridden": message.lint_overridden,
        "image": image_info(message),
    }


CUSTOMER_FIELDS = ("id", "seq", "sender", "text", "is_auto", "auto_trigger", "created_at", "image")


def customer_view(payload: dict[str, Any]) -> dict[str, Any]:
    return {key: payload[key] for key in CUSTOMER_FIELDS}


async def _group_send(layer, group: str, event: dict[str, Any]) -> None:
    try:
        await layer.group_send(group, event)
    except Exception:  # a push is only a nudge: the write stands, windows catch up by sequence
        log.warning("chat push to %s failed", group, exc_info=True)


# One queue per event loop, sent in order by one task: pushes leave in commit order and never take
# more than one connection of the channel layer's pool at a time.
_queues: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Queue] = weakref.WeakKeyDictionary()


def _enqueue(layer, group: str, event: dict[str, Any]) -> None:
    loop = asyncio.get_running_loop()
    queue = _queues.get(loop)
    if queue is None:
        queue = _queues[loop] = asyncio.Queue()
        loop.create_task(_sender(layer, queue))
    if group == STAFF and event["type"] == "chat.inbox":
        _inbox_burst(loop, queue).add(event)
        return
    queue.put_nowait((group, event))


INBOX_EVERY = 0.5  # seconds: the consoles' waiting list is nudged at most this often per process


class _InboxBurst:
    """The waiting list's nudges to every console, one per burst: the first change goes out at
    once, the changes of the next ``INBOX_EVERY`` seconds leave together at its end (the last
    state, with every conversation that changed). A console fetches its inbox after a nudge anyway,
    so 50 new chats a second cost the consoles two frames a second instead of 50 each."""

    def __init__(self, loop: asyncio.AbstractEventLoop, queue: asyncio.Queue) -> None:
        self.loop, self.queue = loop, queue
        self.sent_at = -INBOX_EVERY
        self.pending: dict[str, Any] | None = None
        self.conversations: set[int] = set()

    def add(self, event: dict[str, Any]) -> None:
        now = self.loop.time()
        if self.pending is None and now - self.sent_at >= INBOX_EVERY:
            self.sent_at = now
            self.queue.put_nowait((STAFF, event))
            return
        if self.pending is None:
            self.loop.call_later(INBOX_EVERY - (now - self.sent_at), self.flush)
        self.pending = event["state"]
        self.conversations.add(event["state"]["conversation"])

    def flush(self) -> None:
        if self.pending is None:
            return
        state = {**self.pending, "conversations": sorted(self.conversations)}
        self.pending, self.conversations = None, set()
        self.sent_at = self.loop.time()
        self.queue.put_nowait((STAFF, {"type": "chat.inbox", "state": state}))


_inbox_bursts: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _InboxBurst] = weakref.WeakKeyDictionary()


def _inbox_burst(loop: asyncio.AbstractEventLoop, queue: asyncio.Queue) -> _InboxBurst:
    burst = _inbox_bursts.get(loop)
    if burst is None:
        burst = _inbox_bursts[loop] = _InboxBurst(loop, queue)
    return burst


async def _sender(layer, queue: asyncio.Queue) -> None:
    while True:
        group, event = await queue.get()
        await _group_send(layer, group, event)


def _send(group: str, event: dict[str, Any]) -> None:
    """Hand the push to the server's event loop without waiting for it when the write ran inside
    the server (a socket or a page): the database thread goes on with the next write at once, and
    the sockets put what arrives out of order right by its sequence number. Elsewhere (a sweep, a
    command) send and wait."""
    layer = get_channel_layer()
    if layer is None:
        return
    loop = getattr(SyncToAsync.threadlocal, "main_event_loop", None)
    in_server = getattr(SyncToAsync.threadlocal, "main_event_loop_pid", None) == os.getpid()
    if loop is not None and in_server and loop.is_running():
        loop.call_soon_threadsafe(_enqueue, layer, group, event)
        return
    async_to_sync(_group_send)(layer, group, event)


def _after_commit(group: str, event: dict[str, Any]) -> None:
    transaction.on_commit(lambda: _send(group, event))


def message_sent(message: Message) -> None:
    _after_commit(
        conversation_group(message.conversation_id),
        {"type": "chat.message", "message": message_payload(message)},
    )


def conversation_changed(
    conversation: Conversation, *, previous_agent_id: int | None = None, queue_moved: bool = True
) -> None:
    """Status or agent changed: the conversation's watchers, the agent it went to, every console's
    waiting list, and the waiting customers' queue positions."""
    state = {
        "conversation": conversation.pk,
        "status": conversation.status,
        "agent_id": conversation.agent_id,
        "agent_name": _person(conversation.agent) if conversation.agent_id else None,
        "group": conversation.group,
        # the customer's window shows these too: with them a state push needs no database read
        "last_seq": conversation.last_seq,
        "agent_read_seq": conversation.agent_read_seq,
    }
    _after_commit(conversation_group(conversation.pk), {"type": "chat.state", "state": state})
    if conversation.agent_id and conversation.agent_id != previous_agent_id:
        # the latest lines travel with the offer: the agent's socket need not ask the database.
        # A new chat's whole history was written by this very transaction: no need to read it back.
        known = getattr(conversation, "_new_messages", None)
        if known and known[0].seq == 1 and known[-1].seq == conversation.last_seq:
            recent = known[-ASSIGNED_RECENT:]
        else:
            recent = list(
                Message.objects.filter(conversation_id=conversation.pk)
                .select_related("author")
                .order_by("-seq")[:ASSIGNED_RECENT]
            )[::-1]
        messages = [message_payload(m) for m in recent]
        _after_commit(
            agent_group(conversation.agent_id),
            {"type": "chat.assigned", "state": state, "messages": messages},
        )
    _after_commit(STAFF, {"type": "chat.inbox", "state": state})
    if queue_moved:
        _after_commit(QUEUE, {"type": "chat.queue"})


def waiting_changed(conversation_id: int) -> None:
    """A waiting conversation got a new customer message: every console's waiting list."""
    _after_commit(STAFF, {"type": "chat.inbox", "state": {"conversation": conversation_id}})


def read(conversation_id: int, *, sender: str, seq: int) -> None:
    _after_commit(
        conversation_group(conversation_id),
        {"type": "chat.read", "conversation": conversation_id, "sender": sender, "seq": seq},
    )


def presence_changed(*, user_id: int, name: str, status: str) -> None:
    _after_commit(
        STAFF, {"type": "chat.presence", "presence": {"user_id": user_id, "name": name, "status": status}}
    )
