"""The chat's WebSocket ends: the customer's window and the agents' console.

- ``/ws/chat/c/<token>/?after=<seq>``: a customer. The conversation's unguessable token is the key,
  as in the REST API: a customer only ever reaches her own conversation (an unknown token is closed
  with 4404). Sends, typing, read receipts; receives messages, state, typing, read state and her
  place in the queue.
- ``/ws/chat/staff/``: a team member, by the login session (anyone else is closed with 4403).
  Receives the messages of the conversations they serve or watch, offers, the waiting list's
  changes and colleagues' presence; sends replies (with the linter), typing, read receipts.

Both deliver each conversation's messages in sequence order, without gaps or repeats: the socket
remembers the last number it sent; an older one is dropped, a jump fetches the gap from the
database first. A window that reconnects says the last number it has (``after``) and gets what it
missed. Every write goes through the same services as the REST API (one transaction each); the
push leaves after the commit.
"""

import asyncio
import json
import logging
import time
import weakref
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from channels.consumer import get_handler_name
from channels.db import DatabaseSyncToAsync
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from kefu.chat import caches, push, selectors, services
from kefu.chat.models import Conversation, ConversationStatus
from kefu.core import ratelimit, roles, shopsettings

log = logging.getLogger("kefu.chat")

FRAME_MAX = 8 * 1024  # characters of one incoming frame; a message is at most 1000
TYPING_EVERY = 2.0  # seconds between two typing nudges from one socket
QUEUE_REFRESH = 0.5  # seconds: the waiting customers' places are recomputed at most this often
READERS = 4  # threads of a server process that only read the database


class _LocalCounter:
    """Fixed-window counters in this process: exact when the whole shop is this one process (no
    Redis), and costs no database write per message. With Redis the shared cache counts."""

    def __init__(self) -> None:
        self.window = 0
        self.counts: Counter[str] = Counter()

    def allow(self, key: str, limit: int, window_seconds: int = 60) -> bool:
        window = int(time.time() // window_seconds)
        if window != self.window:
            self.window, self.counts = window, Counter()
        self.counts[key] += 1
        return self.counts[key] <= limit


_local = _LocalCounter()


def _allow(key: str, limit: int) -> bool:
    if settings.CHANNEL_LAYERS["default"]["BACKEND"].endswith("InMemoryChannelLayer"):
        return _local.allow(key, limit)
    return ratelimit.allow(key=key, limit=limit, window_seconds=60)


def database_sync_to_async(func):
    """The consumers' database calls that write. On SQLite they queue on one thread (one writer at a
    time anyway); on PostgreSQL they run on a small pool, so one slow write does not hold up the
    other sockets of the process."""
    sqlite = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
    return DatabaseSyncToAsync(func, thread_sensitive=sqlite)


_readers = ThreadPoolExecutor(max_workers=READERS, thread_name_prefix="chat-read")


def database_read(func):
    """The consumers' database calls that only read (a connect, a catch-up, the queue's places):
    on a few threads of their own, so they never wait in line behind the writes (SQLite in WAL mode
    lets readers go on while one writes; PostgreSQL anyway)."""
    return DatabaseSyncToAsync(func, thread_sensitive=False, executor=_readers)


def _client_ip(scope) -> str:
    if getattr(settings, "KEFU_TRUST_X_FORWARDED_FOR", False):
        for name, value in scope.get("headers", []):
            if name == b"x-forwarded-for":
                return value.decode("latin-1").split(",")[0].strip()
    client = scope.get("client")
    return client[0] if client else "unknown"


def _error_text(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return " ".join(" ".join(v) for v in exc.message_dict.values())
    return " ".join(exc.messages)


def _query_int(scope, name: str) -> int:
    for part in scope.get("query_string", b"").decode("latin-1").split("&"):
        key, _sep, value = part.partition("=")
        if key == name:
            try:
                return max(0, int(value))
            except ValueError:
                return 0
    return 0


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit() and len(value) < 19:
        return int(value)
    return None


@database_read
def _missed(conversation_id: int, after_seq: int) -> list[dict]:
    return [
        push.message_payload(m)
        for m in selectors.message_list_after_seq(conversation_id=conversation_id, after_seq=after_seq)
    ]


class _ChatSocket(AsyncJsonWebsocketConsumer):
    """What both ends share: frame checks, the in-order delivery per conversation."""

    side = ""

    async def connect(self):
        self.sent: dict[int, int] = {}  # conversation id -> last sequence number sent
        self.last_typing = 0.0
        self.sending: set[asyncio.Task] = set()
        await self.open()

    async def open(self):  # pragma: no cover - overridden
        raise NotImplementedError

    async def dispatch(self, message):
        # Channels would first close stale database connections on the database thread before
        # every frame and every push (a trip to the thread that queues the writes, for each of
        # them); every database call of these sockets does that itself around the call
        # (DatabaseSyncToAsync), so a push or a ping never waits behind the writes.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        if bytes_data is not None:
            await self.send_json({"type": "error", "message": _("只能发送文字消息。")})
            return
        if text_data is None or len(text_data) > FRAME_MAX:
            await self.send_json({"type": "error", "message": _("消息太长了。")})
            return
        try:
            content = json.loads(text_data)
        except ValueError:
            content = None
        if not isinstance(content, dict) or not isinstance(content.get("type"), str):
            await self.send_json({"type": "error", "message": _("无法识别的消息。")})
            return
        handler = getattr(self, "on_" + content["type"], None)
        if handler is None:
            await self.send_json({"type": "error", "message": _("无法识别的消息。")})
            return
        if content["type"] == "send":
            # a send waits for the database: meanwhile the socket keeps delivering what arrives
            task = asyncio.create_task(handler(content))
            self.sending.add(task)
            task.add_done_callback(self.sending.discard)
        else:
            await handler(content)

    async def on_ping(self, content):
        await self.send_json({"type": "pong"})

    async def answer(self, content: dict, result: dict) -> None:
        """The answer to a send: ``ack`` with the message's number, or ``error`` with why."""
        client_id = content.get("client_id")
        if "error" in result:
            error = {"type": "error", "message": result.pop("error"), "client_id": client_id}
            await self.send_json({**error, **result})
        else:
            await self.send_json({"type": "ack", "client_id": client_id, **result})

    async def deliver(self, conversation_id: int, payloads: list[dict]) -> None:
        """Send messages of one conversation in order: drop what was sent, fill a gap first."""
        for payload in payloads:
            last = self.sent.get(conversation_id, 0)
            seq = payload["seq"]
            if seq <= last:
                continue
            if seq > last + 1:
                for missed in await _missed(conversation_id, last):
                    if missed["seq"] > self.sent.get(conversation_id, 0):
                        await self.send_message(missed)
                        self.sent[conversation_id] = missed["seq"]
                continue
            await self.send_message(payload)
            self.sent[conversation_id] = seq

    async def catch_up(self, conversation_id: int, after: int) -> None:
        self.sent[conversation_id] = after
        await self.deliver(conversation_id, await _missed(conversation_id, after))

    async def send_message(self, payload: dict) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    # --- group events ---

    async def chat_message(self, event):
        message = event["message"]
        await self.deliver(message["conversation"], [message])

    async def chat_typing(self, event):
        if event["origin"] != self.channel_name and event["sender"] != self.side:
            await self.send_json(
                {"type": "typing", "conversation": event["conversation"], "sender": event["sender"]}
            )

    async def chat_read(self, event):
        if event["sender"] != self.side:
            await self.send_json(
                {
                    "type": "read",
                    "conversation": event["conversation"],
                    "sender": event["sender"],
                    "seq": event["seq"],
                }
            )

    async def typing_send(self, conversation_id: int) -> None:
        await self.channel_layer.group_send(
            push.conversation_group(conversation_id),
            {
                "type": "chat.typing",
                "conversation": conversation_id,
                "sender": self.side,
                "origin": self.channel_name,
            },
        )

    def typing_allowed(self) -> bool:
        now = time.monotonic()
        if now - self.last_typing < TYPING_EVERY:
            return False
        self.last_typing = now
        return True


# --- the customer ---------------------------------------------------------------------------


@database_read
def _customer_open(token: str) -> Conversation | None:
    return selectors.conversation_find_by_token(token=token)


@database_read
def _customer_catch_up(conversation_id: int, after: int) -> tuple[dict, list[dict]]:
    """A window connected (and joined its group): its state and what it missed, in one trip to the
    database thread (hundreds of windows connect at once when a promotion starts)."""
    conversation = Conversation.objects.select_related("agent").get(pk=conversation_id)
    missed = []
    if conversation.last_seq > after:
        missed = [
            push.message_payload(m)
            for m in selectors.message_list_after_seq(conversation_id=conversation.pk, after_seq=after)
        ]
    return _state_of(conversation), missed


def _state_of(conversation: Conversation, positions: dict[int, int] | None = None) -> dict:
    agent = conversation.agent
    if positions is None:
        position = selectors.queue_position(conversation=conversation)
    else:
        position = positions.get(conversation.pk)
    return {
        "type": "state",
        "status": conversation.status,
        "agent_name": (agent.get_full_name() or agent.username) if agent else None,
        "queue_position": position,
        "agent_read_seq": conversation.agent_read_seq,
        "last_seq": conversation.last_seq,
    }


@database_read
def _customer_states(conversation_ids: list[int]) -> dict[int, dict]:
    """The state of several customers' conversations, their places in the queue counted once."""
    positions = selectors.queue_positions()
    rows = Conversation.objects.select_related("agent").filter(pk__in=conversation_ids)
    return {c.pk: _state_of(c, positions) for c in rows}


class _QueueBoard:
    """The waiting customers' places, for every waiting window of this server process at once: the
    queue moves in bursts (a promotion starts, agents come online), so a move only asks for a fresh
    count, and at most every ``QUEUE_REFRESH`` seconds one read tells all the windows that asked.
    The last move always gets its count: a window that asks while one is under way waits for the next."""

    def __init__(self) -> None:
        self.asking: set[CustomerConsumer] = set()
        self.task: asyncio.Task | None = None

    def ask(self, socket: "CustomerConsumer") -> None:
        self.asking.add(socket)
        if self.task is None or self.task.done():
            self.task = asyncio.create_task(self._tell_later())

    def forget(self, socket: "CustomerConsumer") -> None:
        self.asking.discard(socket)

    async def _tell_later(self) -> None:
        while self.asking:
            await asyncio.sleep(QUEUE_REFRESH)
            sockets, self.asking = self.asking, set()
            try:
                states = await _customer_states(sorted({s.conversation_id for s in sockets}))
            except Exception:  # a window asks again on the next move, or reconnects
                log.warning("chat queue places could not be read", exc_info=True)
                continue
            for socket in sockets:
                state = states.get(socket.conversation_id)
                if state is not None and not socket.gone:
                    try:
                        await socket.show_state(state)
                    except Exception:  # that window went away meanwhile
                        log.debug("chat queue place not delivered", exc_info=True)


_boards: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _QueueBoard] = weakref.WeakKeyDictionary()


def _queue_board() -> _QueueBoard:
    loop = asyncio.get_running_loop()
    board = _boards.get(loop)
    if board is None:
        board = _boards[loop] = _QueueBoard()
    return board


@database_sync_to_async
def _customer_send(conversation: Conversation, ip: str, text: Any, group: Any) -> dict:
    conversation_id = conversation.pk
    # the greeting's and routing's rules as this process keeps them (a few seconds at most)
    with shopsettings.snapshot(caches.shop_settings()), caches.keeping():
        limits = (
            (f"chat-send:{ip}", int(shopsettings.get("chat_send_rate_limit"))),
            (f"chat-conv:{conversation_id}", int(shopsettings.get("chat_conversation_rate_limit"))),
        )
        for key, limit in limits:
            if not _allow(key, limit):
                return {"error": _("消息发得太快了，请稍等一会儿再发。"), "code": "rate_limited"}
        if not isinstance(text, str):
            return {"error": _("请输入消息内容。")}
        try:
            sent = services.customer_message_send(
                conversation=conversation, text=text, group=group if isinstance(group, str) else None
            )
        except ValidationError as exc:
            return {"error": _error_text(exc)}
        except Conversation.DoesNotExist:
            return {"error": _("会话不存在。")}
        return {"seq": sent[0].seq, "id": sent[0].pk}


@database_sync_to_async
def _read(conversation_id: int, side: str, seq: int) -> None:
    conversation = Conversation.objects.filter(pk=conversation_id).first()
    if conversation is not None:
        services.conversation_read(conversation=conversation, side=side, seq=seq)


class CustomerConsumer(_ChatSocket):
    side = "customer"

    gone = False

    async def open(self):
        after = _query_int(self.scope, "after")
        conversation = await _customer_open(self.scope["url_route"]["kwargs"]["token"])
        await self.accept()
        if conversation is None:
            await self.send_json({"type": "error", "message": _("会话不存在。")})
            await self.close(code=4404)
            return
        # kept for the socket's life: its sends lock and read the row afresh, only its id counts
        self.conversation = conversation
        self.conversation_id = conversation.pk
        self.read_sent = 0
        self.ip = _client_ip(self.scope)
        # join first, then read: whatever is written meanwhile arrives twice at worst (dropped), never not
        await self.channel_layer.group_add(push.conversation_group(self.conversation_id), self.channel_name)
        self.in_queue = False
        state, missed = await _customer_catch_up(self.conversation_id, after)
        await self.show_state(state)
        self.sent[self.conversation_id] = after
        await self.deliver(self.conversation_id, missed)

    async def disconnect(self, code):
        self.gone = True
        if getattr(self, "conversation_id", None) is not None:
            _queue_board().forget(self)
            await self.channel_layer.group_discard(
                push.conversation_group(self.conversation_id), self.channel_name
            )
            if self.in_queue:
                await self.channel_layer.group_discard(push.QUEUE, self.channel_name)

    async def show_state(self, state: dict) -> None:
        # only a customer waiting in the queue listens to the queue moving
        in_queue = state["queue_position"] is not None
        if in_queue != self.in_queue:
            self.in_queue = in_queue
            change = self.channel_layer.group_add if in_queue else self.channel_layer.group_discard
            await change(push.QUEUE, self.channel_name)
        await self.send_json(state)

    async def send_message(self, payload):
        await self.send_json({"type": "message", "message": push.customer_view(payload)})

    async def on_send(self, content):
        result = await _customer_send(self.conversation, self.ip, content.get("text"), content.get("group"))
        await self.answer(content, result)

    async def on_sync(self, content):
        after = _as_int(content.get("after"))
        await self.catch_up(self.conversation_id, after or 0)

    async def on_typing(self, content):
        if self.typing_allowed():
            await self.typing_send(self.conversation_id)

    async def on_read(self, content):
        seq = _as_int(content.get("seq"))
        if seq and seq > self.read_sent:  # a window repeating the same number costs no write
            self.read_sent = seq
            await _read(self.conversation_id, "customer", seq)

    # --- group events ---

    async def chat_state(self, event):
        state = event["state"]
        if state["status"] == ConversationStatus.WAITING:
            # back in the queue: her place comes with the others' (one read for all)
            _queue_board().ask(self)
            return
        await self.show_state(
            {
                "type": "state",
                "status": state["status"],
                "agent_name": state["agent_name"],
                "queue_position": None,
                "agent_read_seq": state["agent_read_seq"],
                "last_seq": state["last_seq"],
            }
        )

    async def chat_queue(self, event):
        if self.in_queue:
            _queue_board().ask(self)


# --- the console ----------------------------------------------------------------------------


@database_sync_to_async
def _staff_open(user) -> list[int] | None:
    if not roles.is_staff_member(user):
        return None
    services.presence_heartbeat(by=user)
    return list(
        Conversation.objects.filter(agent=user, status=ConversationStatus.ACTIVE).values_list("id", flat=True)
    )


@database_read
def _staff_may_watch(user, conversation_id: int) -> bool:
    return roles.is_staff_member(user) and Conversation.objects.filter(pk=conversation_id).exists()


@database_sync_to_async
def _staff_send(user, conversation_id: int, text: Any, force: bool) -> dict:
    with shopsettings.snapshot(caches.shop_settings()), caches.keeping():
        if not isinstance(text, str):
            return {"error": _("请输入消息内容。")}
        try:
            # the service locks and reads the row itself: only its id is needed here
            message = services.agent_message_send(
                conversation=Conversation(pk=conversation_id),
                by=user,
                text=text,
                force=force,
                lint_rules=caches.lint_rules(),
            )
        except Conversation.DoesNotExist:
            return {"error": _("会话不存在。")}
        except services.LintBlocked as exc:
            return {
                "error": str(exc.message),
                "code": "lint",
                "hits": [{"phrase": h.phrase, "suggestion": h.suggestion} for h in exc.hits],
            }
        except ValidationError as exc:
            return {"error": _error_text(exc)}
        except PermissionDenied as exc:
            return {"error": str(exc), "code": "forbidden"}
        return {"seq": message.seq, "id": message.pk}


@database_sync_to_async
def _heartbeat(user) -> None:
    services.presence_heartbeat(by=user)


class StaffConsumer(_ChatSocket):
    side = "agent"

    async def open(self):
        self.user = self.scope.get("user")
        mine = await _staff_open(self.user) if self.user is not None and self.user.is_authenticated else None
        await self.accept()
        if mine is None:
            await self.send_json({"type": "error", "message": _("请先登录客服账号。")})
            await self.close(code=4403)
            return
        self.read_sent: dict[int, int] = {}
        self.groups_joined = {push.STAFF, push.agent_group(self.user.pk)}
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        for conversation_id in mine:
            await self.watch(conversation_id, None)
        await self.send_json({"type": "hello", "conversations": mine})

    async def disconnect(self, code):
        for group in getattr(self, "groups_joined", ()):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def watch(self, conversation_id: int, after: int | None) -> None:
        group = push.conversation_group(conversation_id)
        if group not in self.groups_joined:
            self.groups_joined.add(group)
            await self.channel_layer.group_add(group, self.channel_name)
        if after is not None:
            await self.catch_up(conversation_id, after)
        elif conversation_id not in self.sent:
            # without a number the console loads the history itself; deliver from the latest on
            self.sent[conversation_id] = await _last_seq(conversation_id)

    async def send_message(self, payload):
        await self.send_json({"type": "message", "message": payload})

    async def on_watch(self, content):
        conversation_id = _as_int(content.get("conversation"))
        if conversation_id is None or not await _staff_may_watch(self.user, conversation_id):
            await self.send_json({"type": "error", "message": _("会话不存在。")})
            return
        after = _as_int(content.get("after"))
        await self.watch(conversation_id, after)

    on_sync = on_watch

    async def on_send(self, content):
        conversation_id = _as_int(content.get("conversation"))
        if conversation_id is None:
            await self.send_json(
                {"type": "error", "message": _("会话不存在。"), "client_id": content.get("client_id")}
            )
            return
        result = await _staff_send(
            self.user, conversation_id, content.get("text"), content.get("force") is True
        )
        if "error" not in result:
            await self.watch(conversation_id, None)
        await self.answer(content, result)

    async def on_typing(self, content):
        conversation_id = _as_int(content.get("conversation"))
        watching = (
            conversation_id is not None and push.conversation_group(conversation_id) in self.groups_joined
        )
        if watching and self.typing_allowed():
            await self.typing_send(conversation_id)

    async def on_read(self, content):
        conversation_id, seq = _as_int(content.get("conversation")), _as_int(content.get("seq"))
        if (
            conversation_id is not None
            and seq
            and push.conversation_group(conversation_id) in self.groups_joined
            and seq > self.read_sent.get(conversation_id, 0)  # a repeated number costs no write
        ):
            self.read_sent[conversation_id] = seq
            await _read(conversation_id, "agent", seq)

    async def on_ping(self, content):
        await _heartbeat(self.user)
        await self.send_json({"type": "pong"})

    # --- group events ---

    async def chat_assigned(self, event):
        state = event["state"]
        await self.send_json({"type": "assigned", **state})
        conversation_id = state["conversation"]
        messages = event.get("messages") or []
        group = push.conversation_group(conversation_id)
        if group not in self.groups_joined:
            self.groups_joined.add(group)
            await self.channel_layer.group_add(group, self.channel_name)
        if conversation_id not in self.sent:
            # the offer carries the latest lines: start from there (the console loads older ones)
            self.sent[conversation_id] = messages[0]["seq"] - 1 if messages else 0
        await self.deliver(conversation_id, messages)

    async def chat_state(self, event):
        await self.send_json({"type": "state", **event["state"]})

    async def chat_inbox(self, event):
        await self.send_json({"type": "inbox", **event["state"]})

    async def chat_presence(self, event):
        await self.send_json({"type": "presence", **event["presence"]})


@database_read
def _last_seq(conversation_id: int) -> int:
    return Conversation.objects.filter(pk=conversation_id).values_list("last_seq", flat=True).first() or 0
