"""Pictures in the chat, the customer's 售前/售后 choice, transfer to a group, and a returning
customer's earlier conversations on the same browser."""

from io import BytesIO
from pathlib import Path

import pytest
from asgiref.sync import async_to_sync
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from kefu.chat import selectors, services
from kefu.chat.models import Conversation, ConversationStatus, Message
from kefu.chat.tests.conftest import set_setting
from kefu.chat.tests.test_push import customer_socket, messages_of, online, receive_until, staff_socket
from kefu.core import routing
from kefu.core.models import ActivityLog
from kefu.replies.models import AutoReplyRule

pytestmark = pytest.mark.django_db

API = "/api/v1/chat/"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def quiet(db):
    """Around the clock, no auto-replies: the numbers of the messages are predictable."""
    set_setting("work_hours_start", "00:00")
    set_setting("work_hours_end", "00:00")
    AutoReplyRule.objects.update(is_enabled=False)


@pytest.fixture
def chooser():
    """Routing as the team app would do it, recording what it was asked."""
    asked: list[tuple[str, dict]] = []
    answer: dict[str, int | None] = {}

    def choose(*, group, open_chats):
        asked.append((group, dict(open_chats)))
        return answer.get(group)

    before = list(routing._CHOOSER)  # the team app's chooser, put back for the tests after this one
    routing.register_chooser(choose)
    yield asked, answer
    routing._CHOOSER[:] = before


def picture(
    kind: str = "JPEG", size: tuple[int, int] = (1600, 1200), name: str = "photo.jpg"
) -> SimpleUploadedFile:
    out = BytesIO()
    mode = "RGBA" if kind in ("PNG", "WEBP") else "RGB"
    Image.new(mode, size, (200, 30, 30)).save(out, kind)
    return SimpleUploadedFile(name, out.getvalue(), content_type="application/octet-stream")


def start(client: Client) -> dict:
    response = client.post(f"{API}conversations/", {}, content_type="application/json")
    assert response.status_code in (200, 201), response.content
    return response.json()


def send_picture(client: Client, token: str, upload) -> "object":
    return client.post(f"{API}conversations/{token}/images/", {"image": upload})


# --- pictures -------------------------------------------------------------------------------


def test_a_customer_sends_a_picture_and_gets_a_small_thumbnail(client, media, quiet):
    token = start(client)["conversation"]["token"]

    response = send_picture(client, token, picture("JPEG", (1600, 1200)))

    assert response.status_code == 201, response.content
    sent = response.json()[0]
    assert sent["image"] == {"type": "jpeg", "width": 1600, "height": 1200}
    assert sent["sender"] == "customer" and sent["seq"] == 1
    message = Message.objects.get(pk=sent["id"])
    original, thumb = media / message.image.name, media / message.thumbnail.name
    assert original.exists() and thumb.exists()
    with Image.open(thumb) as small:
        assert max(small.size) <= 320 and small.format == "JPEG"
    assert thumb.stat().st_size < original.stat().st_size
    # no name anyone could guess: the conversation's id plus a long random part
    assert len(Path(message.image.name).stem) > 24
    # her window shows the thumbnail and the original through her own conversation's address
    got = client.get(f"{API}conversations/{token}/images/{message.pk}/thumb/")
    assert got.status_code == 200 and got["Content-Type"] == "image/jpeg"
    assert got["Cache-Control"].startswith("private")
    assert client.get(f"{API}conversations/{token}/images/{message.pk}/").status_code == 200


def test_where_a_photo_was_taken_never_reaches_the_shop(client, media, quiet):
    """A phone photo's EXIF (GPS, phone, time) is taken out of the kept original; the picture is
    kept upright as the phone meant it."""
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: the phone was held upright, the sensor lay on its side
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (31.0, 14.0, 0.0), 3: "E", 4: (121.0, 28.0, 0.0)}  # GPS: Shanghai
    out = BytesIO()
    Image.new("RGB", (400, 300), (10, 120, 10)).save(out, "JPEG", exif=exif)
    token = start(client)["conversation"]["token"]

    response = send_picture(client, token, SimpleUploadedFile("photo.jpg", out.getvalue()))

    assert response.status_code == 201, response.content
    # turned upright: 400×300 on the sensor is 300×400 as she saw it
    assert response.json()[0]["image"] == {"type": "jpeg", "width": 300, "height": 400}
    message = Message.objects.get(pk=response.json()[0]["id"])
    with Image.open(media / message.image.name) as kept:
        assert kept.size == (300, 400)
        assert dict(kept.getexif()) == {}
    # a picture without EXIF is kept exactly as sent
    plain = picture("PNG", (120, 80), "plain.png")
    sent = plain.read()
    plain.seek(0)
    response = send_picture(client, token, plain)
    message = Message.objects.get(pk=response.json()[0]["id"])
    assert (media / message.image.name).read_bytes() == sent


@pytest.mark.parametrize(
    "kind, size, name, expected_type",
    [
        ("PNG", (800, 600), "a.png", "png"),
        ("GIF", (400, 300), "a.gif", "gif"),
        ("WEBP", (640, 480), "a.webp", "webp"),
        # the content decides, not the name
        ("PNG", (300, 200), "looks-like.jpg", "png"),
    ],
)
def test_every_allowed_kind_of_picture_is_taken_by_its_content(
    client, media, quiet, kind, size, name, expected_type
):
    token = start(client)["conversation"]["token"]
    response = send_picture(client, token, picture(kind, size, name))
    assert response.status_code == 201, response.content
    assert response.json()[0]["image"]["type"] == expected_type


@pytest.mark.parametrize(
    "upload, message",
    [
        (
            SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 this is a program" * 40),
            "这不是图片文件，请发送 JPEG、PNG、GIF、WebP 图片。",
        ),
        (SimpleUploadedFile("empty.png", b""), "请选择要发送的图片。"),
    ],
)
def test_what_is_not_a_picture_is_refused_with_a_clear_message(client, media, quiet, upload, message):
    token = start(client)["conversation"]["token"]
    response = send_picture(client, token, upload)
    assert response.status_code == 400
    assert response.json()["image"] == [message]
    assert not Message.objects.exists()
    assert not any(media.rglob("*.*"))


def test_a_picture_over_the_shops_limit_is_refused_with_its_size(client, media, quiet):
    set_setting("chat_image_max_mb", 1)
    token = start(client)["conversation"]["token"]
    big = SimpleUploadedFile("big.jpg", b"\xff\xd8\xff" + b"\x00" * (1024 * 1024 + 300 * 1024))
    response = send_picture(client, token, big)
    assert response.status_code == 400
    assert response.json()["image"] == ["图片太大（1.3 MB），最大 1 MB。"]
    assert not Message.objects.exists()


def test_a_kind_the_shop_does_not_take_is_named(client, media, quiet):
    set_setting("chat_image_types", ["jpeg", "png"])
    token = start(client)["conversation"]["token"]
    response = send_picture(client, token, picture("GIF", (100, 100), "a.gif"))
    assert response.status_code == 400
    assert response.json()["image"] == ["不支持这种图片格式（GIF），请发送 JPEG、PNG 图片。"]
    out = BytesIO()
    Image.new("RGB", (50, 50)).save(out, "BMP")
    bmp = SimpleUploadedFile("a.jpg", out.getvalue())
    assert send_picture(client, token, bmp).json()["image"] == [
        "不支持这种图片格式（BMP），请发送 JPEG、PNG 图片。"
    ]


def test_the_refusal_is_in_the_customers_language(client, media, quiet):
    token = start(client)["conversation"]["token"]
    client.cookies["django_language"] = "en"
    response = send_picture(client, token, SimpleUploadedFile("x.jpg", b"not a picture at all"))
    assert response.status_code == 400
    assert response.json()["image"] == ["This is not a picture. Please send a JPEG, PNG, GIF, WebP picture."]


def test_a_forged_conversation_gets_no_picture_in_and_none_out(client, media, quiet):
    mine = start(client)["conversation"]["token"]
    other_client = Client()
    other = start(other_client)["conversation"]["token"]
    sent = send_picture(other_client, other, picture()).json()[0]

    # a made-up token: nothing stored
    assert send_picture(client, "x" * 43, picture()).status_code == 404
    # her own token does not open another conversation's picture, nor does a made-up one
    assert client.get(f"{API}conversations/{mine}/images/{sent['id']}/").status_code == 404
    assert client.get(f"{API}conversations/{'y' * 43}/images/{sent['id']}/thumb/").status_code == 404
    assert Message.objects.filter(conversation__token=mine).count() == 0
    # and there is no public address: MEDIA_URL serves nothing
    name = Message.objects.get(pk=sent["id"]).image.name
    assert client.get(f"/media/{name}").status_code == 404


def test_pictures_are_rate_limited_like_messages(client, media, quiet):
    set_setting("chat_conversation_rate_limit", 2)
    token = start(client)["conversation"]["token"]
    assert send_picture(client, token, picture(size=(50, 50))).status_code == 201
    assert send_picture(client, token, picture(size=(50, 50))).status_code == 201
    third = send_picture(client, token, picture(size=(50, 50)))
    assert third.status_code == 429
    assert third.json()["detail"] == "消息发得太快了，请稍等一会儿再发。"


def test_an_agent_sends_a_picture_only_where_she_may_write(agent, colleague, login, media, quiet):
    conversation = services.conversation_start()
    services.customer_message_send(conversation=conversation, text="能看看实物图吗")
    services.conversation_take(conversation=conversation, by=agent)

    mine = login(agent).post(f"{API}staff/conversations/{conversation.pk}/images/", {"image": picture()})
    assert mine.status_code == 201, mine.content
    assert mine.json()["image"]["type"] == "jpeg" and mine.json()["sender"] == "agent"
    assert mine.json()["text"] == "[图片]"

    # a colleague who does not serve her cannot send one, and nothing is stored
    files_before = sorted(media.rglob("*.*"))
    other = login(colleague).post(f"{API}staff/conversations/{conversation.pk}/images/", {"image": picture()})
    assert other.status_code == 403
    assert sorted(media.rglob("*.*")) == files_before
    # the customer sees the agent's picture through her token; the colleague cannot open it
    message_id = mine.json()["id"]
    assert (
        Client().get(f"{API}conversations/{conversation.token}/images/{message_id}/thumb/").status_code == 200
    )
    assert (
        login(colleague).get(f"{API}staff/conversations/{conversation.pk}/images/{message_id}/").status_code
        == 403
    )
    assert (
        login(agent).get(f"{API}staff/conversations/{conversation.pk}/images/{message_id}/").status_code
        == 200
    )


@pytest.mark.django_db(transaction=True)
def test_the_agent_receives_the_customers_picture_with_the_next_number(agent, login, media, quiet):
    online(agent)
    console_client = login(agent)
    customer = Client()
    token = start(customer)["conversation"]["token"]
    conversation = Conversation.objects.get(token=token)
    services.customer_message_send(conversation=conversation, text="您好")  # 1, and offered: 2
    conversation.refresh_from_db()
    assert conversation.agent == agent and conversation.last_seq == 2

    async def body():
        console = staff_socket(console_client)
        window = customer_socket(token, after=2)
        assert (await console.connect())[0] and (await window.connect())[0]
        await receive_until(console, "hello")
        await receive_until(window, "state")
        sent = await _post_picture(customer, token)
        assert sent.status_code == 201
        got = (await messages_of(console, 1))[0]
        assert got["seq"] == 3 and got["sender"] == "customer"
        assert got["image"] == {"type": "jpeg", "width": 1600, "height": 1200}
        seen = (await messages_of(window, 1))[0]
        assert seen["seq"] == 3 and seen["image"]["type"] == "jpeg"
        await console.disconnect()
        await window.disconnect()

    async_to_sync(body)()


async def _post_picture(client: Client, token: str):
    from channels.db import database_sync_to_async

    return await database_sync_to_async(lambda: send_picture(client, token, picture()))()


# --- 售前 / 售后 chosen by the customer -------------------------------------------------------


@pytest.mark.parametrize("group", ["presales", "aftersales"])
def test_the_customers_choice_decides_whom_routing_looks_for(client, agent, quiet, chooser, group):
    online(agent)
    asked, answer = chooser
    answer[group] = agent.pk
    token = start(client)["conversation"]["token"]

    response = client.post(
        f"{API}conversations/{token}/messages/",
        {"text": "你好", "group": group},
        content_type="application/json",
    )

    assert response.status_code == 201
    assert asked == [(group, {agent.pk: 0})]
    conversation = Conversation.objects.get(token=token)
    assert (conversation.group, conversation.agent) == (group, agent)


def test_a_picture_as_first_message_carries_the_choice_too(client, agent, media, quiet, chooser):
    online(agent)
    asked, _answer = chooser
    token = start(client)["conversation"]["token"]
    response = client.post(f"{API}conversations/{token}/images/", {"image": picture(), "group": "aftersales"})
    assert response.status_code == 201
    assert asked == [("aftersales", {agent.pk: 0})]


def test_an_unknown_group_is_refused(client, quiet):
    token = start(client)["conversation"]["token"]
    response = client.post(
        f"{API}conversations/{token}/messages/",
        {"text": "你好", "group": "vip"},
        content_type="application/json",
    )
    assert response.status_code == 400 and "group" in response.json()
    assert not Message.objects.exists()


# --- transfer to a group --------------------------------------------------------------------


def test_a_chat_transferred_to_a_group_is_offered_to_that_groups_agent_with_the_note(
    agent, aftersales_agent, login, quiet, chooser
):
    online(agent)
    online(aftersales_agent)
    asked, answer = chooser
    answer["presales"] = agent.pk
    answer["aftersales"] = aftersales_agent.pk
    conversation = services.conversation_start()
    services.customer_message_send(conversation=conversation, text="我要退货", group="presales")
    conversation.refresh_from_db()
    assert conversation.agent == agent

    response = login(agent).post(
        f"{API}staff/conversations/{conversation.pk}/transfer-group/",
        {"group": "aftersales", "note": "订单 123 要退货，已核实"},
        content_type="application/json",
    )

    assert response.status_code == 200, response.content
    conversation.refresh_from_db()
    assert (conversation.status, conversation.agent, conversation.group) == (
        ConversationStatus.ACTIVE,
        aftersales_agent,
        "aftersales",
    )
    # routing was asked for the group, without the agent who handed it over
    assert asked[-1] == ("aftersales", {aftersales_agent.pk: 0})
    # the note is for the one taking it, the customer is only told where she went
    taken = login(aftersales_agent).get(f"{API}staff/conversations/{conversation.pk}/").json()
    assert taken["transfer_note"] == "小美：订单 123 要退货，已核实"
    customer_view = Client().get(f"{API}conversations/{conversation.token}/").json()["messages"]
    texts = [m["text"] for m in customer_view]
    assert "已为您转接售后组，请稍候。" in texts
    assert not any("已核实" in t for t in texts)
    entry = ActivityLog.objects.get(verb="chat_transfer_group")
    assert entry.message == "小美 → 售后组（订单 123 要退货，已核实）" and entry.actor == agent


def test_with_nobody_free_in_the_group_the_chat_waits_in_its_queue(agent, login, quiet, chooser):
    online(agent)
    asked, answer = chooser
    answer["presales"] = agent.pk
    conversation = services.conversation_start()
    services.customer_message_send(conversation=conversation, text="在吗", group="presales")
    services.agent_message_send(conversation=conversation, by=agent, text="您好")

    services.conversation_transfer_group(conversation=conversation, by=agent, group="aftersales", note="退款")

    conversation.refresh_from_db()
    assert (conversation.status, conversation.agent, conversation.group) == ("waiting", None, "aftersales")
    # she waits again from now: first in the queue, and the waiting list shows the note
    assert conversation.awaiting_since is not None
    assert selectors.queue_position(conversation=conversation) == 1
    waiting = login(agent).get(f"{API}staff/inbox/").json()["waiting"]
    assert [(c["id"], c["transfer_note"]) for c in waiting] == [(conversation.pk, "小美：退款")]


@pytest.mark.parametrize(
    "group, status, by, error",
    [
        ("vip", "active", "agent", "请选择售前组或售后组。"),
        ("aftersales", "waiting", "agent", "只有接待中的会话可以转接。"),
        ("aftersales", "active", "colleague", "这个会话由 小美 接待。"),
    ],
)
def test_who_may_transfer_to_a_group_and_what(agent, colleague, quiet, group, status, by, error):
    conversation = services.conversation_start()
    services.customer_message_send(conversation=conversation, text="在吗")
    if status == "active":
        services.conversation_take(conversation=conversation, by=agent)
    who = {"agent": agent, "colleague": colleague}[by]
    with pytest.raises(Exception) as raised:
        services.conversation_transfer_group(conversation=conversation, by=who, group=group)
    assert error in str(raised.value)
    conversation.refresh_from_db()
    assert conversation.group == "" and not ActivityLog.objects.filter(verb="chat_transfer_group").exists()


# --- a returning customer's earlier conversations ---------------------------------------------


def _earlier_chat(client: Client, texts: list[str]) -> Conversation:
    """One conversation on this browser, then its cookie forgotten (as after 30 days)."""
    token = start(client)["conversation"]["token"]
    conversation = Conversation.objects.get(token=token)
    for text in texts:
        services.customer_message_send(conversation=conversation, text=text)
    del client.cookies["kefu_chat"]
    return Conversation.objects.get(token=token)


def test_a_returning_customer_sees_her_earlier_chats_on_the_same_browser_only(client, agent, login, quiet):
    first = _earlier_chat(client, ["上次买的面霜"])
    second = _earlier_chat(client, ["想换个颜色", "红色的"])
    current = start(client)["conversation"]["token"]

    earlier = client.get(f"{API}conversations/{current}/earlier/").json()
    assert [[m["text"] for m in c["messages"]] for c in earlier] == [
        ["上次买的面霜"],
        ["想换个颜色", "红色的"],
    ]
    assert earlier[0]["started_at"] <= earlier[1]["started_at"]
    assert "id" not in earlier[0] and "author" not in earlier[0]["messages"][0]

    # another browser, even holding the current conversation's token, sees nothing earlier
    elsewhere = Client()
    assert elsewhere.get(f"{API}conversations/{current}/earlier/").json() == []
    elsewhere_token = start(elsewhere)["conversation"]["token"]
    assert elsewhere.get(f"{API}conversations/{elsewhere_token}/earlier/").json() == []

    # the agent serving her sees the same earlier chats
    conversation = Conversation.objects.get(token=current)
    services.customer_message_send(conversation=conversation, text="又来了")
    services.conversation_take(conversation=conversation, by=agent)
    staff = login(agent).get(f"{API}staff/conversations/{conversation.pk}/earlier/").json()
    assert [c["id"] for c in staff] == [first.pk, second.pk]


def test_the_earlier_chats_are_bounded(client, quiet, django_assert_num_queries):
    set_setting("chat_send_rate_limit", 1000)
    chats = [_earlier_chat(client, [f"第{n}次-{i}" for i in range(30)]) for n in range(5)]
    current = Conversation.objects.get(token=start(client)["conversation"]["token"])

    with django_assert_num_queries(2):
        earlier = selectors.earlier_conversations(conversation=current)

    # the last 3 conversations, the latest 50 lines among them
    # (the third one back, chats[2], has no line among the latest 50: it is left out)
    assert [c.id for c in earlier] == [chats[3].pk, chats[4].pk]
    lines = [m.text for c in earlier for m in c.messages]
    assert len(lines) == 50
    assert lines[-1] == "第4次-29" and lines[0] == "第3次-10"


def test_a_picture_from_an_earlier_chat_opens_on_the_same_browser_only(client, media, quiet):
    token = start(client)["conversation"]["token"]
    sent = send_picture(client, token, picture()).json()[0]
    del client.cookies["kefu_chat"]
    current = start(client)["conversation"]["token"]

    assert client.get(f"{API}conversations/{current}/images/{sent['id']}/thumb/").status_code == 200
    elsewhere = Client()
    elsewhere.cookies["kefu_chat_device"] = "z" * 43
    assert elsewhere.get(f"{API}conversations/{current}/images/{sent['id']}/thumb/").status_code == 404


def test_the_transcript_shows_the_picture_to_the_team_only(agent, supervisor, login, media, quiet):
    conversation = services.conversation_start()
    sent = services.customer_image_send(conversation=conversation, upload=picture(size=(800, 800)))[0]
    services.conversation_take(conversation=conversation, by=agent)
    thumb = f"{API}staff/conversations/{conversation.pk}/images/{sent.pk}/thumb/"

    page = login(supervisor).get(f"/desk/chat/history/{conversation.pk}/").content.decode()

    assert f'src="{thumb}"' in page
    assert login(supervisor).get(thumb).status_code == 200
    # no login: the back office's door, not the picture
    anonymous = Client().get(thumb)
    assert anonymous.status_code == 302 and "image" not in anonymous.get("Content-Type", "")
