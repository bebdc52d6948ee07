"""The chat's API: customers by token (cookie, CSRF, rate limit), agents under staff/."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import include, path
from django.utils import timezone
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator

from kefu.chat import api as chat_api
from kefu.chat import selectors, services
from kefu.chat.models import Conversation, ConversationStatus, Message, SuggestionUse
from kefu.chat.tests.conftest import set_setting
from kefu.customers.models import Customer, Satisfaction
from kefu.helpcenter.models import Question
from kefu.helpcenter.tests.factories import ArticleFactory, QuestionFactory
from kefu.orders.models import Order
from kefu.replies.models import LintOverride
from kefu.replies.tests.factories import QuickPhraseFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/chat/"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def customer_start(client: Client, **data) -> dict:
    response = client.post(f"{API}conversations/", data, content_type="application/json")
    assert response.status_code in (200, 201), response.content
    return response.json()


def customer_say(client: Client, token: str, text: str):
    return client.post(
        f"{API}conversations/{token}/messages/", {"text": text}, content_type="application/json"
    )


# --- customers ------------------------------------------------------------------------------


def test_a_customer_starts_a_chat_without_an_account_and_gets_a_cookie(client, open_hours, autoreplies):
    state = customer_start(client, name="陈小姐", contact="tb_chen", page_url="/help/articles/3/")

    token = state["conversation"]["token"]
    assert len(token) >= 40
    assert client.cookies["kefu_chat"].value == token
    assert client.cookies["kefu_chat"]["httponly"]
    conversation = Conversation.objects.get(token=token)
    assert (conversation.buyer_name, conversation.page_url) == ("陈小姐", "/help/articles/3/")
    assert state["service"]["working_hours"] == "00:00-00:00"


def test_a_returning_customer_continues_the_same_conversation(client, open_hours, autoreplies):
    token = customer_start(client)["conversation"]["token"]
    customer_say(client, token, "在吗？")

    again = customer_start(client)
    current = client.get(f"{API}conversations/current/")

    assert again["conversation"]["token"] == token
    assert current.status_code == 200
    assert [m["text"] for m in current.json()["messages"]][0] == "在吗？"
    assert Conversation.objects.count() == 1


def test_without_a_cookie_there_is_no_current_conversation(client):
    assert client.get(f"{API}conversations/current/").status_code == 204


def test_send_and_poll_returns_only_new_messages(client, agent, open_hours, autoreplies):
    token = customer_start(client)["conversation"]["token"]
    sent = customer_say(client, token, "面霜什么时候发货")
    assert sent.status_code == 201
    assert [m["sender"] for m in sent.json()] == ["customer", "system"]
    last = sent.json()[-1]["id"]

    conversation = Conversation.objects.get(token=token)
    services.agent_message_send(conversation=conversation, by=agent, text="您好，今天下午发货哦")
    poll = client.get(f"{API}conversations/{token}/messages/?after={last}").json()

    assert [m["text"] for m in poll["messages"]] == ["客服 小美 为您服务。", "您好，今天下午发货哦"]
    assert poll["status"] == "active" and poll["agent_name"] == "小美"
    assert "response_seconds" not in poll["messages"][0]  # the staff's figures are not the customer's
    later = client.get(f"{API}conversations/{token}/messages/?after={poll['messages'][-1]['id']}").json()
    assert later["messages"] == []


def test_polling_fires_the_no_answer_reply(client, open_hours, autoreplies):
    token = customer_start(client)["conversation"]["token"]
    customer_say(client, token, "有人吗")
    Conversation.objects.filter(token=token).update(awaiting_since=timezone.now() - dt.timedelta(seconds=25))

    first = client.get(f"{API}conversations/{token}/messages/?after=0").json()["messages"]
    second = client.get(f"{API}conversations/{token}/messages/?after=0").json()["messages"]

    assert [m["auto_trigger"] for m in first].count("no_answer") == 1
    assert [m["auto_trigger"] for m in second].count("no_answer") == 1


def test_a_wrong_token_finds_nothing(client):
    assert client.get(f"{API}conversations/not-a-real-token/messages/").status_code == 404
    assert customer_say(client, "not-a-real-token", "hi").status_code == 404


def test_a_bad_after_is_a_clear_error(client, open_hours):
    token = customer_start(client)["conversation"]["token"]
    response = client.get(f"{API}conversations/{token}/messages/?after=abc")
    assert response.status_code == 400
    assert "after" in response.json()


def test_an_empty_message_is_refused_in_chinese(client, open_hours):
    token = customer_start(client)["conversation"]["token"]
    response = customer_say(client, token, "   ")
    assert response.status_code == 400
    assert response.json()["text"] == ["请输入消息内容。"]
    assert Message.objects.count() == 0


def test_customer_posts_need_the_csrf_token(open_hours):
    browser = Client(enforce_csrf_checks=True)
    refused = browser.post(f"{API}conversations/", {}, content_type="application/json")
    assert refused.status_code == 403
    assert Conversation.objects.count() == 0

    browser.get("/")  # a help-center page: the chat window sets the csrftoken cookie
    csrf = browser.cookies["csrftoken"].value
    allowed = browser.post(f"{API}conversations/", {}, content_type="application/json", HTTP_X_CSRFTOKEN=csrf)
    assert allowed.status_code == 201


def test_customers_are_rate_limited_per_ip(client, open_hours):
    set_setting("chat_send_rate_limit", 3)
    token = customer_start(client)["conversation"]["token"]
    codes = [customer_say(client, token, f"第{i}条").status_code for i in range(4)]

    assert codes == [201, 201, 429, 429]
    assert Message.objects.filter(sender="customer").count() == 2
    other_ip = customer_say(client, token, "换个网络")
    assert other_ip.status_code == 429  # same test client, same address


def test_polls_have_their_own_limit(client, open_hours):
    set_setting("chat_poll_rate_limit", 2)
    token = customer_start(client)["conversation"]["token"]
    codes = [client.get(f"{API}conversations/{token}/messages/").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert customer_say(client, token, "还能发消息").status_code == 201


def test_leave_a_message_when_no_one_is_on_duty(client, off_hours):
    token = customer_start(client)["conversation"]["token"]
    assert client.get(f"{API}conversations/{token}/").json()["service"]["available"] is False

    response = client.post(
        f"{API}conversations/{token}/leave-message/",
        {"name": "李女士", "contact": "li@example.com", "text": "想问问敏感肌能不能用"},
        content_type="application/json",
    )

    assert response.status_code == 201
    question = Question.objects.get(pk=response.json()["question"])
    assert question.email == "li@example.com"
    assert question.token in response.json()["url"]


def test_a_left_message_without_contact_keeps_nothing(client, off_hours):
    token = customer_start(client)["conversation"]["token"]
    response = client.post(
        f"{API}conversations/{token}/leave-message/",
        {"name": "李女士", "contact": "", "text": "想问问"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "contact" in response.json()
    assert Question.objects.count() == 0


def test_a_conversation_takes_one_left_message_only(client, off_hours):
    token = customer_start(client)["conversation"]["token"]
    leave = {"name": "李女士", "contact": "li@example.com", "text": "想问问敏感肌能不能用"}
    first = client.post(f"{API}conversations/{token}/leave-message/", leave, content_type="application/json")
    again = client.post(f"{API}conversations/{token}/leave-message/", leave, content_type="application/json")

    assert first.status_code == 201
    assert again.status_code == 400 and "已经结束" in again.content.decode()
    assert Question.objects.count() == 1


def test_left_messages_count_against_the_question_allowance_of_the_address(client, off_hours, settings):
    settings.KEFU_QUESTION_RATE_LIMIT = 2
    codes = []
    for n in range(3):
        visitor = Client(REMOTE_ADDR="10.1.1.1")
        token = customer_start(visitor)["conversation"]["token"]
        response = visitor.post(
            f"{API}conversations/{token}/leave-message/",
            {"name": "李女士", "contact": f"li{n}@example.com", "text": "想问问"},
            content_type="application/json",
        )
        codes.append(response.status_code)
    # the ask form from the same address is out of allowance too
    ask = Client(REMOTE_ADDR="10.1.1.1").post(
        "/help/ask/submit/", {"title": "还有问题", "name": "李女士", "phone": "13800138000"}
    )

    assert codes == [201, 201, 429]
    assert ask.status_code == 429 or "太频繁" in ask.content.decode()
    assert Question.objects.count() == 2


def test_the_customer_updates_name_and_contact(client, open_hours):
    token = customer_start(client)["conversation"]["token"]
    response = client.patch(
        f"{API}conversations/{token}/",
        {"name": "王先生", "contact": "13800138000"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert Conversation.objects.get(token=token).buyer_name == "王先生"


# --- staff ----------------------------------------------------------------------------------


@pytest.fixture
def waiting(client, open_hours, autoreplies) -> Conversation:
    token = customer_start(client, name="陈小姐")["conversation"]["token"]
    customer_say(client, token, "在吗？这款面霜敏感肌能用吗")
    return Conversation.objects.get(token=token)


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "staff/inbox/"),
        ("get", "staff/conversations/"),
        ("post", "staff/presence/"),
        ("get", "staff/phrases/"),
        ("get", "staff/suggestion-uses/"),
    ],
)
def test_staff_endpoints_refuse_customers(client, method, url):
    response = getattr(client, method)(f"{API}{url}")
    assert response.status_code == 403


def test_staff_endpoints_of_a_conversation_refuse_customers(client, waiting):
    for suffix in ("", "messages/", "suggestions/"):
        assert client.get(f"{API}staff/conversations/{waiting.pk}/{suffix}").status_code == 403
    assert client.post(f"{API}staff/conversations/{waiting.pk}/take/").status_code == 403
    waiting.refresh_from_db()
    assert waiting.status == ConversationStatus.WAITING


def test_the_inbox_lists_waiting_and_mine_and_keeps_the_agent_on_duty(login, agent, waiting):
    api = login(agent)
    api.post(f"{API}staff/presence/", {"status": "online"}, content_type="application/json")

    inbox = api.get(f"{API}staff/inbox/").json()

    assert [c["id"] for c in inbox["waiting"]] == [waiting.pk]
    assert inbox["waiting"][0]["awaiting_since"] is not None
    assert inbox["waiting"][0]["last_message_sender"] == "system"
    assert inbox["mine"] == []
    assert inbox["presence"] == "online" and inbox["service"]["available"] is True
    assert inbox["first_response_target_seconds"] == 20


def test_take_then_the_second_agent_gets_409(login, agent, colleague, waiting):
    first = login(agent).post(f"{API}staff/conversations/{waiting.pk}/take/")
    second = login(colleague).post(f"{API}staff/conversations/{waiting.pk}/take/")

    assert first.status_code == 200 and first.json()["agent"] == "小美"
    assert second.status_code == 409 and "小美" in second.json()["detail"]
    mine = login(agent).get(f"{API}staff/inbox/").json()["mine"]
    assert [c["id"] for c in mine] == [waiting.pk]


def test_the_linter_blocks_with_409_and_force_sends(login, agent, waiting):
    api = login(agent)
    url = f"{API}staff/conversations/{waiting.pk}/messages/"

    blocked = api.post(url, {"text": "敏感肌不能用哦"}, content_type="application/json")
    assert blocked.status_code == 409
    hits = blocked.json()["hits"]
    assert hits and hits[0]["phrase"] == "不能" and hits[0]["suggestion"]
    assert Message.objects.filter(sender="agent").count() == 0

    forced = api.post(url, {"text": "敏感肌不能用哦", "force": True}, content_type="application/json")
    assert forced.status_code == 201
    assert forced.json()["lint_overridden"] is True
    assert forced.json()["response_seconds"] is not None
    assert LintOverride.objects.count() == 1


def test_staff_poll_returns_only_new_messages_with_response_times(login, agent, waiting):
    api = login(agent)
    everything = api.get(f"{API}staff/conversations/{waiting.pk}/messages/").json()
    last = everything[-1]["id"]
    api.post(
        f"{API}staff/conversations/{waiting.pk}/messages/",
        {"text": "您好，可以用的哦"},
        content_type="application/json",
    )

    new = api.get(f"{API}staff/conversations/{waiting.pk}/messages/?after={last}").json()

    assert [m["text"] for m in new] == ["客服 小美 为您服务。", "您好，可以用的哦"]
    assert new[-1]["author"] == "小美" and new[-1]["response_seconds"] >= 0


def test_close_link_order_link_question_and_convert(login, agent, waiting):
    Order.objects.create(number="20261201001", created_at=timezone.now())
    api = login(agent)
    base = f"{API}staff/conversations/{waiting.pk}/"
    api.post(f"{base}take/")

    linked = api.post(f"{base}link-order/", {"number": "20261201001"}, content_type="application/json")
    missing = api.post(f"{base}link-order/", {"number": "000"}, content_type="application/json")
    converted = api.post(f"{base}convert/", {}, content_type="application/json")
    question = QuestionFactory()
    relinked = api.post(f"{base}link-question/", {"question": question.pk}, content_type="application/json")
    unknown = api.post(f"{base}link-question/", {"question": 999999}, content_type="application/json")
    closed = api.post(f"{base}close/")

    assert linked.json()["order_number"] == "20261201001"
    assert missing.status_code == 400 and "没有找到订单" in missing.json()["number"][0]
    assert converted.status_code == 201
    assert converted.json()["url"] == f"/desk/help/questions/{converted.json()['question']}/"
    assert relinked.json()["question_id"] == question.pk
    assert unknown.status_code == 400
    assert closed.json()["status"] == "closed"


def test_phrases_after_slash_and_insert(login, agent, waiting):
    phrase = QuickPhraseFactory(text="{买家}您好，敏感肌建议先在耳后试用", shortcut="mgj")
    api = login(agent)

    found = api.get(f"{API}staff/phrases/?q=mg").json()
    inserted = api.post(f"{API}staff/conversations/{waiting.pk}/phrases/{phrase.pk}/insert/")

    assert found[0]["id"] == phrase.pk and found[0]["shortcut"] == "mgj"
    assert inserted.json() == {"text": "陈小姐您好，敏感肌建议先在耳后试用"}


def test_suggestions_and_their_use_are_recorded(login, agent, waiting):
    article = ArticleFactory(title="敏感肌可以用面霜吗？", body="敏感肌建议先试用。", tags=["敏感肌"])
    api = login(agent)

    suggestions = api.get(f"{API}staff/conversations/{waiting.pk}/suggestions/").json()
    assert suggestions["customer_text"] == "在吗？这款面霜敏感肌能用吗"
    assert [a["id"] for a in suggestions["articles"]][:1] == [article.pk]

    used = api.post(
        f"{API}staff/conversations/{waiting.pk}/suggestions/use/",
        {"article": article.pk},
        content_type="application/json",
    )
    assert used.status_code == 201
    assert used.json()["text"] == f"敏感肌可以用面霜吗？ http://testserver/help/articles/{article.pk}/"
    assert SuggestionUse.objects.get().customer_text == "在吗？这款面霜敏感肌能用吗"

    again = api.get(f"{API}staff/conversations/{waiting.pk}/suggestions/").json()
    assert again["articles"][0]["wordings"] == ["在吗？这款面霜敏感肌能用吗"]
    uses = api.get(f"{API}staff/suggestion-uses/?article={article.pk}").json()
    assert [(u["article_title"], u["customer_text"], u["agent"]) for u in uses] == [
        ("敏感肌可以用面霜吗？", "在吗？这款面霜敏感肌能用吗", "agent")
    ]


def test_the_conversation_list_boxes(login, agent, colleague, waiting):
    api = login(agent)
    assert [c["id"] for c in api.get(f"{API}staff/conversations/?box=waiting").json()] == [waiting.pk]
    api.post(f"{API}staff/conversations/{waiting.pk}/take/")
    assert [c["id"] for c in api.get(f"{API}staff/conversations/?box=mine").json()] == [waiting.pk]
    assert login(colleague).get(f"{API}staff/conversations/?box=mine").json() == []
    assert api.get(f"{API}staff/conversations/?box=nonsense").status_code == 400


# --- the schema -----------------------------------------------------------------------------


def test_the_chat_endpoints_generate_a_schema_without_warnings_or_errors():
    GENERATOR_STATS.reset()
    patterns = [path("api/v1/chat/", include("kefu.chat.api_urls"))]
    with GENERATOR_STATS.silence():
        schema = SchemaGenerator(patterns=patterns).get_schema(request=None, public=True)
    problems = {"warnings": dict(GENERATOR_STATS._warn_cache), "errors": dict(GENERATOR_STATS._error_cache)}
    GENERATOR_STATS.reset()

    assert problems == {"warnings": {}, "errors": {}}
    operations = [op for item in schema["paths"].values() for op in item.values()]
    assert len(operations) == 31  # with pictures (2), earlier chats (2) and transfer to a group
    assert len({op["operationId"] for op in operations}) == len(operations)
    assert all(op["summary"] and op["tags"] for op in operations)


def test_the_inbox_rows_are_what_the_documented_serializer_says(login, agent, waiting):
    Order.objects.create(number="55501", created_at=timezone.now())
    services.conversation_link_order(conversation=waiting, by=agent, number="55501")
    services.agent_message_send(conversation=waiting, by=agent, text="您好，很高兴为您服务")
    row = selectors.conversation_mine_list(user=agent).get()

    by_hand = chat_api.conversation_row(row)
    documented = dict(chat_api.StaffConversationSerializer(row).data)

    assert by_hand == documented
    inbox = login(agent).get(f"{API}staff/inbox/").json()
    assert inbox["mine"] == [documented]
    assert inbox["waiting_total"] == 0


def test_transfer_through_the_api_and_colleagues_in_the_inbox(login, agent, colleague, waiting):
    other = login(colleague)
    other.post(f"{API}staff/presence/", {"status": "online"}, content_type="application/json")
    api = login(agent)
    api.post(f"{API}staff/conversations/{waiting.pk}/take/")

    inbox = api.get(f"{API}staff/inbox/").json()
    assert inbox["colleagues"] == [{"id": colleague.pk, "name": "小王", "on_duty": False}]
    nobody = api.post(
        f"{API}staff/conversations/{waiting.pk}/transfer/", {"agent": 0}, content_type="application/json"
    )
    moved = api.post(
        f"{API}staff/conversations/{waiting.pk}/transfer/",
        {"agent": colleague.pk},
        content_type="application/json",
    )

    assert moved.status_code == 200 and moved.json()["agent"] == "小王"
    assert nobody.status_code == 400 and "agent" in nobody.json()
    assert [c["id"] for c in other.get(f"{API}staff/inbox/").json()["mine"]] == [waiting.pk]


def test_an_agent_cannot_read_or_change_a_colleagues_conversation_through_the_api(
    login, agent, colleague, supervisor, waiting
):
    Order.objects.create(number="66601", created_at=timezone.now())
    login(colleague).post(f"{API}staff/conversations/{waiting.pk}/take/")
    api = login(agent)
    base = f"{API}staff/conversations/{waiting.pk}/"

    codes = {
        "detail": api.get(base).status_code,
        "poll": api.get(f"{base}messages/").status_code,
        "link order": api.post(
            f"{base}link-order/", {"number": "66601"}, content_type="application/json"
        ).status_code,
        "convert": api.post(f"{base}convert/", {}, content_type="application/json").status_code,
    }

    assert codes == {"detail": 403, "poll": 403, "link order": 403, "convert": 403}
    waiting.refresh_from_db()
    assert waiting.order_id is None and waiting.question_id is None
    assert login(supervisor).get(base).status_code == 200
    assert api.get(f"/desk/chat/history/{waiting.pk}/").status_code == 403  # the page says the same


def test_after_the_chat_ends_the_customer_rates_it_once_for_the_agent_who_served_her(
    client, agent, open_hours
):
    token = customer_start(client)["conversation"]["token"]
    customer_say(client, token, "敏感肌能用吗")
    conversation = Conversation.objects.get(token=token)
    rate = f"{API}conversations/{token}/rating/"

    too_early = client.post(rate, {"score": 5}, content_type="application/json")
    services.conversation_take(conversation=conversation, by=agent)
    services.conversation_close(conversation=conversation, by=agent)
    bad = client.post(rate, {"score": 9}, content_type="application/json")
    rated = client.post(rate, {"score": 4, "comment": "回复很快"}, content_type="application/json")
    again = client.post(rate, {"score": 1}, content_type="application/json")

    assert too_early.status_code == 400 and "结束后" in too_early.content.decode()
    assert bad.status_code == 400 and "1 到 5" in bad.content.decode()
    assert rated.status_code == 201
    assert again.status_code == 400
    assert list(Satisfaction.objects.values_list("kind", "source_id", "score", "agent_id")) == [
        ("chat", conversation.pk, 4, agent.pk)
    ]


def test_a_customer_naming_her_member_name_in_the_chat_reaches_her_profile(client, open_hours):
    token = customer_start(client)["conversation"]["token"]
    client.patch(
        f"{API}conversations/{token}/",
        {"name": "王女士", "contact": "tb_wang88"},
        content_type="application/json",
    )
    client.patch(
        f"{API}conversations/{token}/",
        {"name": "王女士", "contact": "13800138000"},
        content_type="application/json",
    )
    assert list(Customer.objects.values_list("buyer_nick", "name")) == [("tb_wang88", "王女士")]


def test_a_transfer_carries_a_note_for_the_colleague_that_the_customer_never_sees(
    client, login, agent, colleague, open_hours
):
    token = customer_start(client)["conversation"]["token"]
    customer_say(client, token, "我要开发票")
    conversation = Conversation.objects.get(token=token)
    services.conversation_take(conversation=conversation, by=agent)

    moved = login(agent).post(
        f"{API}staff/conversations/{conversation.pk}/transfer/",
        {"agent": colleague.pk, "note": "客户要开公司抬头的发票，订单已核对"},
        content_type="application/json",
    )

    assert moved.status_code == 200
    mine = login(colleague).get(f"{API}staff/inbox/").json()["mine"]
    assert mine[0]["transfer_note"] == "小美：客户要开公司抬头的发票，订单已核对"
    polled = client.get(f"{API}conversations/{token}/messages/").json()["messages"]
    seen_by_customer = " ".join(m["text"] for m in polled)
    assert "发票抬头" not in seen_by_customer and "订单已核对" not in seen_by_customer
