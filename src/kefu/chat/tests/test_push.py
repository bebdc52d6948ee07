"""The chat over WebSocket: push after commit, numbered messages, reconnect and catch-up, bad input.

The sockets are driven through the real ASGI application (origin check, session login, routing) with
Channels' in-memory layer; every write goes through the services in a committed transaction (the
push leaves on commit), so these tests use a transactional database.
"""

import json

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from kefu import asgi
from kefu.chat import consumers, push, selectors, services
from kefu.chat.models import AgentPresence, Conversation, ConversationStatus, Message, PresenceStatus
from kefu.chat.tests.conftest import set_setting
from kefu.core import routing, shopsettings
from kefu.replies.models import AutoReplyRule, ForbiddenPhrase

pytestmark = pytest.mark.django_db(transaction=True)
ORIGIN = (b"origin", b"http://127.0.0.1")


def run(coroutine_function):
    """Run an async test body on one event loop (the services run in its database thread)."""
    return async_to_sync(coroutine_function)()


def customer_socket(token: str, after: int = 0) -> WebsocketCommunicator:
    return WebsocketCommunicator(asgi.application, f"/ws/chat/c/{token}/?after={after}", headers=[ORIGIN])


def staff_socket(client) -> WebsocketCommunicator:
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    return WebsocketCommunicator(
        asgi.application, "/ws/chat/staff/", headers=[ORIGIN, (b"cookie", cookie.encode())]
    )


# What a socket received and a test has not looked at yet: an ``ack`` and the pushed messages may
# arrive in either order (a send runs beside the delivery), so nothing read is thrown away.
_unread: dict[int, list[dict]] = {}


@pytest.fixture(autouse=True)
def _fresh_buffers():
    _unread.clear()
    yield
    _unread.clear()


async def _next(socket: WebsocketCommunicator, timeout: float) -> dict:
    return await socket.receive_json_from(timeout=timeout)


async def receive_until(socket: WebsocketCommunicator, kind: str, timeout: float = 3) -> dict:
    buffer = _unread.setdefault(id(socket), [])
    for i, event in enumerate(buffer):
        if event["type"] == kind:
            return buffer.pop(i)
    while True:
        event = await _next(socket, timeout)
        if event["type"] == kind:
            return event
        buffer.append(event)


async def messages_of(socket: WebsocketCommunicator, count: int, timeout: float = 3) -> list[dict]:
    buffer = _unread.setdefault(id(socket), [])
    got = [e["message"] for e in buffer if e["type"] == "message"][:count]
    kept = [e for e in buffer if e["type"] != "message"] + [e for e in buffer if e["type"] == "message"][
        count:
    ]
    buffer[:] = kept
    while len(got) < count:
        event = await _next(socket, timeout)
        if event["type"] == "message":
            got.append(event["message"])
        else:
            buffer.append(event)
    return got


async def no_more_messages(socket: WebsocketCommunicator) -> bool:
    """Nothing but state nudges arrives any more."""
    assert not [e for e in _unread.get(id(socket), []) if e["type"] == "message"]
    while not await socket.receive_nothing(timeout=0.3):
        event = await socket.receive_json_from()
        assert event["type"] != "message", event
    return True


def online(user) -> None:
    AgentPresence.objects.create(user=user, status=PresenceStatus.ONLINE, last_seen_at=timezone.now())


@pytest.fixture
def settings_for_push(db):
    """Around the clock, and no auto-replies (their own tests are elsewhere): numbers are predictable."""
    set_setting("work_hours_start", "00:00")
    set_setting("work_hours_end", "00:00")
    AutoReplyRule.objects.update(is_enabled=False)


start = database_sync_to_async(lambda: services.conversation_start(buyer_name="陈小姐"))
customer_send = database_sync_to_async(
    lambda conversation, text: services.customer_message_send(conversation=conversation, text=text)
)
agent_send = database_sync_to_async(
    lambda conversation, by, text: services.agent_message_send(conversation=conversation, by=by, text=text)
)
reload = database_sync_to_async(lambda pk: Conversation.objects.select_related("agent").get(pk=pk))


def test_a_customer_message_reaches_the_agent_and_the_answer_comes_back(agent, login, settings_for_push):
    online(agent)
    client = login(agent)

    async def body():
        conversation = await start()
        customer = customer_socket(conversation.token)
        console = staff_socket(client)
        assert (await customer.connect())[0] and (await console.connect())[0]
        assert (await receive_until(console, "hello"))["conversations"] == []
        assert (await receive_until(customer, "state"))["status"] == "waiting"

        # the customer writes over her socket: the online agent is offered the chat and sees it
        await customer.send_json_to({"type": "send", "text": "在吗？面霜什么时候发货", "client_id": "a1"})
        ack = await receive_until(customer, "ack")
        assert ack["client_id"] == "a1" and ack["seq"] == 1
        assigned = await receive_until(console, "assigned")
        assert assigned["conversation"] == conversation.pk and assigned["agent_id"] == agent.pk
        seen = await messages_of(console, 2)
        assert [(m["seq"], m["sender"]) for m in seen] == [(1, "customer"), (2, "system")]
        assert seen[0]["text"] == "在吗？面霜什么时候发货"

        # the agent answers over the console's socket; the customer gets it without asking
        await console.send_json_to(
            {
                "type": "send",
                "conversation": conversation.pk,
                "text": "您好，今天下单今天发",
                "client_id": "b1",
            }
        )
        assert (await receive_until(console, "ack"))["seq"] == 3
        got = await messages_of(customer, 3)
        assert [(m["seq"], m["sender"]) for m in got] == [(1, "customer"), (2, "system"), (3, "agent")]
        assert got[2]["text"] == "您好，今天下单今天发"
        assert "author" not in got[2] and "response_seconds" not in got[2]  # staff-only fields stay inside
        await customer.disconnect()
        await console.disconnect()

    run(body)
    assert list(Message.objects.order_by("seq").values_list("seq", flat=True)) == [1, 2, 3]


def test_a_connection_killed_mid_burst_reconnects_and_gets_every_message_once(agent, settings_for_push):
    online(agent)

    async def body():
        conversation = await start()
        await customer_send(conversation, "在吗")
        conversation = await reload(conversation.pk)
        assert conversation.agent_id == agent.pk  # offered to the only agent online

        socket = customer_socket(conversation.token)
        await socket.connect()
        seen = await messages_of(socket, 2)  # her message and the greeting
        # the agent sends a burst of 30 replies; the connection dies after the 10th arrived
        for i in range(30):
            await agent_send(conversation, agent, f"第 {i} 条回复")
            if i == 11:
                seen += await messages_of(socket, 10)
                await socket.disconnect()
        last = seen[-1]["seq"]
        assert last == 12

        # the window reconnects with the last number it has and gets exactly what it missed
        again = customer_socket(conversation.token, after=last)
        await again.connect()
        seen += await messages_of(again, 32 - last)
        # and a message sent after the reconnect arrives once, in order
        await agent_send(conversation, agent, "最后一条")
        seen += await messages_of(again, 1)
        assert await no_more_messages(again)
        await again.disconnect()
        return seen

    seen = run(body)
    seqs = [m["seq"] for m in seen]
    assert seqs == list(range(1, 34))
    texts = [m["text"] for m in seen if m["sender"] == "agent"]
    assert texts == [f"第 {i} 条回复" for i in range(30)] + ["最后一条"]


def test_a_lost_push_is_fetched_before_the_next_message(agent, settings_for_push, monkeypatch):
    online(agent)

    async def body():
        conversation = await start()
        await customer_send(conversation, "在吗")
        conversation = await reload(conversation.pk)
        socket = customer_socket(conversation.token, after=2)
        await socket.connect()
        # let the window's catch-up read finish first: the in-memory test database cannot hold
        # that read and the agent's write on two threads at once
        await socket.receive_nothing(timeout=0.3)
        # the push of one reply gets lost on the way (a Redis hiccup)
        sent = push._send
        monkeypatch.setattr(push, "_send", lambda group, event: None)
        await agent_send(conversation, agent, "丢失推送的一条")
        monkeypatch.setattr(push, "_send", sent)
        assert await socket.receive_nothing(timeout=0.2) or True
        await agent_send(conversation, agent, "下一条")
        got = await messages_of(socket, 2)
        await socket.disconnect()
        return got

    got = run(body)
    assert [(m["seq"], m["text"]) for m in got] == [(3, "丢失推送的一条"), (4, "下一条")]


def test_a_customer_only_ever_reaches_her_own_conversation(agent, settings_for_push):
    online(agent)

    async def body():
        mine = await start()
        other = await start()
        await customer_send(other, "别人的悄悄话")
        # a made-up token is refused
        forged = customer_socket("x" * 43)
        await forged.connect()
        assert "会话不存在" in (await receive_until(forged, "error"))["message"]
        assert (await forged.receive_output(timeout=1))["code"] == 4404
        # on her own socket, naming another conversation changes nothing: she writes to her own
        socket = customer_socket(mine.token)
        await socket.connect()
        await socket.send_json_to({"type": "send", "text": "我的问题", "conversation": other.pk})
        await receive_until(socket, "ack")
        got = await messages_of(socket, 2)
        # asking again from the start, naming the other conversation, brings her own lines again
        await socket.send_json_to({"type": "sync", "after": 0, "conversation": other.pk})
        assert await messages_of(socket, 2) == got
        assert await no_more_messages(socket)
        await socket.disconnect()
        return got

    got = run(body)
    assert "别人的悄悄话" not in [m["text"] for m in got]
    assert Message.objects.filter(text="我的问题").get().conversation.customer_message_count == 1


def test_the_console_needs_a_team_login(make_user, login, settings_for_push):
    stranger = login(make_user("buyer"))

    async def body():
        for socket in (
            WebsocketCommunicator(asgi.application, "/ws/chat/staff/", headers=[ORIGIN]),
            staff_socket(stranger),
        ):
            await socket.connect()
            assert "登录" in (await receive_until(socket, "error"))["message"]
            assert (await socket.receive_output(timeout=1))["code"] == 4403

    run(body)


def test_a_socket_from_another_site_is_refused(settings_for_push):
    async def body():
        conversation = await start()
        socket = WebsocketCommunicator(
            asgi.application,
            f"/ws/chat/c/{conversation.token}/",
            headers=[(b"origin", b"https://evil.example")],
        )
        connected, _code = await socket.connect()
        return connected

    assert run(body) is False


@pytest.mark.parametrize(
    ("frame", "error"),
    [
        ({"bytes_data": b"\x00\x01\x02"}, "只能发送文字消息"),
        ({"text_data": "x" * 20_000}, "消息太长了"),
        ({"text_data": "{not json"}, "无法识别的消息"),
        ({"text_data": json.dumps({"type": "drop_tables"})}, "无法识别的消息"),
        ({"text_data": json.dumps({"type": "send", "text": "很长" * 600})}, "消息不能超过 1000 个字"),
        ({"text_data": json.dumps({"type": "send", "text": ["a"]})}, "请输入消息内容"),
        ({"text_data": json.dumps({"type": "send", "text": "   "})}, "请输入消息内容"),
    ],
)
def test_bad_frames_get_a_clear_message_and_the_socket_stays_open(frame, error, settings_for_push):
    async def body():
        conversation = await start()
        socket = customer_socket(conversation.token)
        await socket.connect()
        await receive_until(socket, "state")
        await socket.send_to(**frame)
        answer = await receive_until(socket, "error")
        await socket.send_json_to({"type": "ping"})
        pong = await receive_until(socket, "pong")
        await socket.disconnect()
        return answer, pong

    answer, pong = run(body)
    assert error in answer["message"] and pong
    assert Message.objects.count() == 0


def test_a_flooding_customer_is_slowed_down_per_conversation(settings_for_push):
    set_setting("chat_conversation_rate_limit", 5)
    cache.clear()
    consumers._local.counts.clear()

    async def body():
        conversation = await start()
        socket = customer_socket(conversation.token)
        await socket.connect()
        answers = []
        for i in range(8):
            await socket.send_json_to({"type": "send", "text": f"刷屏 {i}", "client_id": str(i)})
            answers.append(await receive_until(socket, "ack" if i < 5 else "error"))
        await socket.disconnect()
        return answers

    answers = run(body)
    assert [a["type"] for a in answers] == ["ack"] * 5 + ["error"] * 3
    assert answers[-1]["code"] == "rate_limited" and "太快" in answers[-1]["message"]
    assert Message.objects.filter(sender="customer").count() == 5


def test_a_flood_from_one_address_is_slowed_down_across_conversations(settings_for_push):
    set_setting("chat_send_rate_limit", 3)
    cache.clear()  # the counters of the other tests' sends from the same test address
    consumers._local.counts.clear()

    async def body():
        results = []
        for _i in range(2):
            conversation = await start()
            socket = customer_socket(conversation.token)
            await socket.connect()
            for _j in range(2):
                await socket.send_json_to({"type": "send", "text": "在吗"})
                event = await socket.receive_json_from(timeout=3)
                while event["type"] not in ("ack", "error"):
                    event = await socket.receive_json_from(timeout=3)
                results.append(event["type"] if event["type"] == "ack" else event.get("code"))
            await socket.disconnect()
        return results

    assert run(body) == ["ack", "ack", "ack", "rate_limited"]


def test_typing_and_read_receipts_reach_the_other_side(agent, login, settings_for_push):
    online(agent)
    client = login(agent)

    async def body():
        conversation = await start()
        await customer_send(conversation, "在吗")
        customer = customer_socket(conversation.token, after=2)
        console = staff_socket(client)
        await customer.connect()
        await console.connect()
        await receive_until(console, "hello")
        await customer.send_json_to({"type": "typing"})
        typing = await receive_until(console, "typing")
        await console.send_json_to({"type": "read", "conversation": conversation.pk, "seq": 1})
        read = await receive_until(customer, "read")
        await customer.disconnect()
        await console.disconnect()
        return typing, read

    typing, read = run(body)
    assert typing["sender"] == "customer"
    assert read == {"type": "read", "conversation": read["conversation"], "sender": "agent", "seq": 1}
    assert Conversation.objects.get().agent_read_seq == 1


def test_colleagues_see_an_agent_go_away(agent, colleague, login, settings_for_push):
    client = login(colleague)

    async def body():
        console = staff_socket(client)
        await console.connect()
        await receive_until(console, "hello")
        await database_sync_to_async(services.presence_set)(by=agent, status="away")
        event = await receive_until(console, "presence")
        await console.disconnect()
        return event

    event = run(body)
    assert event["user_id"] == agent.pk and event["status"] == "away"


# --- numbering and routing (no sockets) -----------------------------------------------------


def test_every_kind_of_message_is_numbered_one_after_the_other(agent, settings_for_push, autoreplies):
    conversation = services.conversation_start(buyer_name="陈小姐")
    services.customer_message_send(conversation=conversation, text="在吗")  # + welcome
    services.conversation_take(conversation=conversation, by=agent)  # + system note
    services.agent_message_send(conversation=conversation, by=agent, text="您好")
    services.conversation_close(conversation=conversation, by=agent)
    rows = list(Message.objects.order_by("id").values_list("seq", "sender"))
    assert rows == [(1, "customer"), (2, "system"), (3, "system"), (4, "agent"), (5, "system")]
    assert Conversation.objects.get().last_seq == 5


def test_a_waiting_chat_is_offered_to_whom_routing_chooses(agent, colleague, settings_for_push):
    online(agent)
    online(colleague)
    asked = []

    def chooser(*, group, open_chats):
        asked.append((group, dict(open_chats)))
        return colleague.pk

    before = list(routing._CHOOSER)  # the team app's chooser, put back for the tests after this one
    routing.register_chooser(chooser)
    try:
        conversation = services.conversation_start()
        services.customer_message_send(conversation=conversation, text="售后问题", group="aftersales")
    finally:
        routing._CHOOSER[:] = before
    conversation.refresh_from_db()
    assert conversation.agent == colleague and conversation.status == ConversationStatus.ACTIVE
    assert conversation.group == "aftersales"
    assert asked == [("aftersales", {agent.pk: 0, colleague.pk: 0})]


def test_without_a_chooser_the_least_busy_online_agent_gets_it(agent, colleague, settings_for_push):
    online(agent)
    online(colleague)
    first = services.conversation_start()
    services.customer_message_send(conversation=first, text="一")
    second = services.conversation_start()
    services.customer_message_send(conversation=second, text="二")
    first.refresh_from_db()
    second.refresh_from_db()
    assert {first.agent_id, second.agent_id} == {agent.pk, colleague.pk}


def test_when_nobody_fits_the_customer_waits_and_knows_her_place(settings_for_push):
    conversations = []
    for text in ("一", "二", "三"):
        c = services.conversation_start()
        services.customer_message_send(conversation=c, text=text)
        conversations.append(Conversation.objects.get(pk=c.pk))
    assert [selectors.queue_position(conversation=c) for c in conversations] == [1, 2, 3]


def test_an_idle_agent_goes_away_and_comes_back_on_the_next_action(agent, settings_for_push):
    online(agent)
    set_setting("presence_away_minutes", 5)
    AgentPresence.objects.update(last_activity_at=timezone.now() - timezone.timedelta(minutes=6))
    assert services.presence_away_sweep() == {"agents_away": 1}
    presence = AgentPresence.objects.get()
    assert presence.status == PresenceStatus.AWAY and presence.auto_away
    conversation = services.conversation_start()
    services.customer_message_send(conversation=conversation, text="在吗")
    services.agent_message_send(conversation=conversation, by=agent, text="来了")
    presence.refresh_from_db()
    assert presence.status == PresenceStatus.ONLINE and not presence.auto_away


def test_an_agent_who_chose_away_stays_away_after_acting(agent, settings_for_push):
    services.presence_set(by=agent, status="away")
    conversation = services.conversation_start()
    services.customer_message_send(conversation=conversation, text="在吗")
    services.agent_message_send(conversation=conversation, by=agent, text="来了")
    assert AgentPresence.objects.get().status == PresenceStatus.AWAY


# --- what the sockets keep and coalesce -----------------------------------------------------


def test_a_burst_of_queue_moves_tells_each_waiting_customer_her_final_place_once(
    agent, settings_for_push, monkeypatch
):
    # four customers wait (nobody online); the third and the fourth have their window open
    waiting = []
    for text in ("一", "二", "三", "四"):
        c = services.conversation_start()
        services.customer_message_send(conversation=c, text=text)
        waiting.append(Conversation.objects.get(pk=c.pk))
    counted = []
    positions = selectors.queue_positions
    monkeypatch.setattr(selectors, "queue_positions", lambda: counted.append(1) or positions())

    async def body():
        sockets = [customer_socket(c.token) for c in waiting[2:]]
        for socket in sockets:
            await socket.connect()
        before = [(await receive_until(s, "state"))["queue_position"] for s in sockets]
        # an agent takes the first two; the queue is told it moved five times in a row
        muted = push._send
        monkeypatch.setattr(push, "_send", lambda group, event: None)
        for c in waiting[:2]:
            await database_sync_to_async(services.conversation_take)(conversation=c, by=agent)
        monkeypatch.setattr(push, "_send", muted)
        layer = get_channel_layer()
        for _ in range(5):
            await layer.group_send(push.QUEUE, {"type": "chat.queue"})
        after = [(await receive_until(s, "state"))["queue_position"] for s in sockets]
        quiet = [await s.receive_nothing(timeout=consumers.QUEUE_REFRESH * 3) for s in sockets]
        for socket in sockets:
            await socket.disconnect()
        return before, after, quiet

    before, after, quiet = run(body)
    assert before == [3, 4]
    assert after == [1, 2]  # the final places, each told once
    assert quiet == [True, True]
    assert len(counted) == 1  # one count of the queue for both windows and all five moves


def test_a_customer_sees_the_agent_take_her_chat_without_a_database_read(agent, settings_for_push):
    async def body():
        conversation = await start()
        await customer_send(conversation, "在吗")
        socket = customer_socket(conversation.token)
        await socket.connect()
        assert (await receive_until(socket, "state"))["queue_position"] == 1
        await database_sync_to_async(services.conversation_take)(conversation=conversation, by=agent)
        state = await receive_until(socket, "state")
        await socket.disconnect()
        return state

    state = run(body)
    assert state["status"] == "active" and state["agent_name"] == (agent.get_full_name() or agent.username)
    assert state["queue_position"] is None and state["last_seq"] == 2  # her message and the note


def test_a_linter_phrase_saved_meanwhile_applies_to_the_next_reply_on_the_socket(
    agent, login, settings_for_push
):
    online(agent)
    client = login(agent)

    async def body():
        conversation = await start()
        await customer_send(conversation, "在吗")
        console = staff_socket(client)
        await console.connect()
        await receive_until(console, "hello")
        await console.send_json_to({"type": "send", "conversation": conversation.pk, "text": "亲，不知道呢"})
        first = await receive_until(console, "ack")
        await database_sync_to_async(ForbiddenPhrase.objects.create)(
            phrase="不知道", suggestion="我帮您查一下"
        )
        await console.send_json_to({"type": "send", "conversation": conversation.pk, "text": "亲，不知道呢"})
        second = await receive_until(console, "error")
        await console.disconnect()
        return first, second

    first, second = run(body)
    assert first["seq"] == 3
    assert second["code"] == "lint" and second["hits"][0]["phrase"] == "不知道"


def test_a_rate_limit_lowered_meanwhile_applies_to_the_next_message_on_the_socket(settings_for_push):
    cache.clear()
    consumers._local.counts.clear()

    async def body():
        conversation = await start()
        socket = customer_socket(conversation.token)
        await socket.connect()
        answers = []
        for i in range(3):
            if i == 2:
                await database_sync_to_async(set_setting)("chat_conversation_rate_limit", 2)
            await socket.send_json_to({"type": "send", "text": f"第 {i} 条", "client_id": str(i)})
            answers.append(await receive_until(socket, "ack" if i < 2 else "error"))
        await socket.disconnect()
        return answers

    answers = run(body)
    assert [a["type"] for a in answers] == ["ack", "ack", "error"]
    assert answers[-1]["code"] == "rate_limited"


@pytest.mark.parametrize(
    ("already", "queries"),
    [
        # a later message: BEGIN, the locked row, the message, the conversation's counters, COMMIT
        (1, 5),
        # the first one also reads the shop's settings, the greeting (promotions, auto-replies),
        # asks routing (who is online, the team's members, the agent) and writes the offer's note
        # and history entry; the offer's lines travel without being read back
        (0, 14),
    ],
)
def test_what_a_customer_message_costs_the_database(
    agent, settings_for_push, django_assert_max_num_queries, already, queries
):
    online(agent)
    conversation = services.conversation_start()
    for i in range(already):
        services.customer_message_send(conversation=conversation, text=f"之前 {i}")
    with shopsettings.snapshot(), django_assert_max_num_queries(queries):
        services.customer_message_send(conversation=conversation, text="在吗")
    conversation.refresh_from_db()
    seqs = list(Message.objects.order_by("id").values_list("seq", flat=True))
    assert seqs == list(range(1, conversation.last_seq + 1))
    assert conversation.agent == agent
