"""A busy day on the sockets: what a new chat and a later message cost the database, the rules the
sockets keep for a few seconds (and how soon a change reaches them), the waiting list's nudges sent
once per burst, and pushes that never wait behind the writes."""

import asyncio
import datetime as dt
import time

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from kefu.chat import caches, consumers, push, services
from kefu.chat.models import AgentPresence, Conversation, Message, PresenceStatus
from kefu.chat.tests.conftest import set_setting
from kefu.chat.tests.test_push import customer_socket, online, receive_until, run
from kefu.core import kept
from kefu.replies.models import AutoReplyRule


def socket_call(function, *args):
    """One database call of a socket, as the socket makes it (without the thread hop)."""
    return function.func(*args)


class Clock:
    """``time.monotonic`` of the kept values, moved by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(kept, "time", clock)
    return clock


@pytest.fixture
def busy_shop(db, agent, open_hours, autoreplies):
    online(agent)
    ContentType.objects.get_for_model(Conversation)  # the history's content type, read once a process
    return agent


@pytest.mark.parametrize(
    ("step", "queries"),
    [
        # BEGIN, the locked row, the message, who is online with their open chats and names (one
        # read), the greeting, the offer's note, its history entry, the conversation, COMMIT
        ("first", 9),
        # BEGIN, the locked row, the message, the conversation's counters, COMMIT
        ("later", 5),
    ],
)
def test_what_a_customer_message_costs_on_the_socket(busy_shop, django_assert_num_queries, step, queries):
    warm = services.conversation_start()
    socket_call(consumers._customer_send, warm, "127.0.0.1", "先来一位", None)  # rules now kept
    conversation = services.conversation_start()
    if step == "later":
        socket_call(consumers._customer_send, conversation, "127.0.0.1", "在吗", None)
    with django_assert_num_queries(queries):
        result = socket_call(consumers._customer_send, conversation, "127.0.0.1", "请问发什么快递", None)
    assert "seq" in result
    conversation.refresh_from_db()
    assert conversation.agent == busy_shop
    rows = list(Message.objects.filter(conversation=conversation).order_by("seq"))
    assert [m.seq for m in rows] == list(range(1, conversation.last_seq + 1))
    assert rows[-1 if step == "later" else 0].text == "请问发什么快递"
    # greeted once, from the rules the socket keeps
    assert [m.text for m in rows if m.is_auto] == ["亲您好，欢迎光临，客服马上就来！"]


def test_an_agents_next_reply_within_15_seconds_costs_no_presence_write(
    busy_shop, django_assert_num_queries, django_capture_on_commit_callbacks
):
    conversation = services.conversation_start()
    socket_call(consumers._customer_send, conversation, "127.0.0.1", "在吗", None)
    with django_capture_on_commit_callbacks(execute=True):  # the first reply commits
        socket_call(consumers._staff_send, busy_shop, conversation.pk, "您好，在的", False)
    socket_call(consumers._customer_send, conversation, "127.0.0.1", "发什么快递", None)
    # the customer's latest message (for the linter), BEGIN, the locked row, the reply, the
    # conversation, COMMIT: the agent's activity was written a moment ago by this same socket
    with django_assert_num_queries(6):
        socket_call(consumers._staff_send, busy_shop, conversation.pk, "默认发申通哦", False)
    assert Message.objects.filter(conversation=conversation, sender="agent").count() == 2


def test_an_agent_set_away_by_the_sweep_comes_back_with_a_reply_on_the_socket(busy_shop):
    set_setting("presence_away_minutes", 5)
    conversation = services.conversation_start()
    socket_call(consumers._customer_send, conversation, "127.0.0.1", "在吗", None)
    AgentPresence.objects.update(last_activity_at=timezone.now() - dt.timedelta(minutes=6))
    assert services.presence_away_sweep() == {"agents_away": 1}
    socket_call(consumers._staff_send, busy_shop, conversation.pk, "来了", False)
    presence = AgentPresence.objects.get(user=busy_shop)
    assert presence.status == PresenceStatus.ONLINE and not presence.auto_away


def _greeting_of(conversation) -> str:
    return Message.objects.get(conversation=conversation, is_auto=True).text


@pytest.mark.parametrize(
    ("how", "seconds_later", "new_text_seen"),
    [
        # saved in this process (the auto-reply page): the next chat is greeted with it at once
        ("saved here", 0, True),
        # saved by another server process (no signal here): the old text until the window ends
        ("saved elsewhere", 1, False),
        ("saved elsewhere", caches.KEEP_SECONDS + 0.1, True),
    ],
)
def test_a_greeting_changed_reaches_the_sockets_within_its_window(
    busy_shop, clock, how, seconds_later, new_text_seen
):
    first = services.conversation_start(buyer_name="王女士")
    socket_call(consumers._customer_send, first, "127.0.0.1", "在吗", None)
    assert _greeting_of(first) == "王女士您好，欢迎光临，客服马上就来！"
    if how == "saved here":
        rule = AutoReplyRule.objects.get(trigger="first_message")
        rule.text = "{买家}好，双十一快乐！"
        rule.save()
    else:
        AutoReplyRule.objects.filter(trigger="first_message").update(text="{买家}好，双十一快乐！")
    clock.now += seconds_later
    second = services.conversation_start(buyer_name="王女士")
    socket_call(consumers._customer_send, second, "127.0.0.1", "在吗", None)
    expected = "王女士好，双十一快乐！" if new_text_seen else "王女士您好，欢迎光临，客服马上就来！"
    assert _greeting_of(second) == expected


def test_a_greeting_switched_off_elsewhere_stops_within_the_window(busy_shop, clock):
    socket_call(consumers._customer_send, services.conversation_start(), "127.0.0.1", "在吗", None)
    AutoReplyRule.objects.filter(trigger="first_message").update(is_enabled=False)
    clock.now += caches.KEEP_SECONDS + 0.1
    conversation = services.conversation_start()
    socket_call(consumers._customer_send, conversation, "127.0.0.1", "在吗", None)
    assert not Message.objects.filter(conversation=conversation, is_auto=True).exists()


def test_outside_the_sockets_the_greeting_is_read_afresh(busy_shop, clock):
    socket_call(consumers._customer_send, services.conversation_start(), "127.0.0.1", "在吗", None)
    AutoReplyRule.objects.filter(trigger="first_message").update(text="新的欢迎语")  # no signal
    conversation = services.conversation_start()
    services.customer_message_send(conversation=conversation, text="在吗")  # a page / the REST API
    assert _greeting_of(conversation) == "新的欢迎语"


# --- the waiting list's nudges -----------------------------------------------------------------


class _Layer:
    def __init__(self) -> None:
        self.sent: list[tuple[float, str, dict]] = []

    async def group_send(self, group, event):
        self.sent.append((time.monotonic(), group, event))


def test_the_waiting_list_is_nudged_once_per_burst():
    layer = _Layer()

    async def burst():
        started = time.monotonic()
        for pk in (1, 2, 3, 4):
            push._enqueue(layer, push.STAFF, {"type": "chat.inbox", "state": {"conversation": pk}})
        push._enqueue(layer, push.conversation_group(9), {"type": "chat.message", "message": {}})
        await asyncio.sleep(push.INBOX_EVERY + 0.3)
        return started

    started = asyncio.run(burst())
    inbox = [(at - started, event) for at, group, event in layer.sent if group == push.STAFF]
    # the first change at once, the other three together when the half second is over
    assert [event["state"].get("conversations") for _at, event in inbox] == [None, [2, 3, 4]]
    assert inbox[0][0] < 0.2 <= push.INBOX_EVERY - 0.1 < inbox[1][0]
    assert inbox[1][1]["state"]["conversation"] == 4
    assert [group for _at, group, _e in layer.sent].count(push.conversation_group(9)) == 1


# --- pushes and the database thread ------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_push_reaches_the_window_while_the_database_thread_is_busy(agent):
    set_setting("work_hours_start", "00:00")
    set_setting("work_hours_end", "00:00")

    async def body():
        conversation = await database_sync_to_async(services.conversation_start)()
        socket = customer_socket(conversation.token)
        await socket.connect()
        await receive_until(socket, "state")
        # a long write holds the thread the writes queue on
        busy = asyncio.ensure_future(database_sync_to_async(time.sleep)(2.0))
        await asyncio.sleep(0.1)
        started = time.monotonic()
        await get_channel_layer().group_send(
            push.conversation_group(conversation.pk),
            {"type": "chat.typing", "conversation": conversation.pk, "sender": "agent", "origin": "-"},
        )
        await receive_until(socket, "typing", timeout=1.5)
        waited = time.monotonic() - started
        await busy
        await socket.disconnect()
        return waited

    assert run(body) < 1.0
