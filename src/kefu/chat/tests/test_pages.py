"""The chat's pages: the console, history, what suggestions taught, and the launcher on the help center."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kefu.chat import services
from kefu.chat.models import SuggestionUse
from kefu.helpcenter.tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

XSS = "<script>alert(1)</script>"


def chat(name: str = "陈小姐", text: str = "面霜什么时候发货"):
    conversation = services.conversation_start(buyer_name=name)
    services.customer_message_send(conversation=conversation, text=text)
    return conversation


@pytest.mark.parametrize("name", ["chat:console", "chat:history", "chat:learned"])
def test_back_office_chat_pages_need_a_team_member(client, make_user, name):
    url = reverse(name)
    assert client.get(url).status_code == 302
    client.force_login(make_user("shopper"))
    assert client.get(url).status_code == 403


def test_the_console_renders_with_the_target_and_presence(login, agent, open_hours):
    page = login(agent).get(reverse("chat:console"))

    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-target="20"' in html
    assert "chat/console.js" in html
    assert 'data-presence="online"' in html
    assert "kefu-chat" not in html  # no customer launcher in the back office


def test_the_console_link_shows_the_waiting_count(login, agent, open_hours):
    chat()
    chat(name="王先生")

    html = login(agent).get(reverse("core:home")).content.decode()

    assert 'id="badge-chat_waiting">2<' in html


@pytest.mark.parametrize("url", ["/", "/help/ask/"])
def test_every_help_center_page_has_the_chat_launcher(client, url):
    html = client.get(url).content.decode()

    assert 'id="kefu-chat"' in html
    assert 'data-api="/api/v1/chat/conversations/"' in html
    assert "chat/chat.js" in html
    assert client.cookies.get("csrftoken")


def test_the_launcher_is_on_an_article_page_too(client):
    article = ArticleFactory()
    assert 'id="kefu-chat"' in client.get(reverse("helpcenter:article", args=[article.pk])).content.decode()


def test_history_escapes_the_customers_text(login, supervisor, open_hours):
    conversation = chat(name=XSS, text=XSS)

    listing = login(supervisor).get(reverse("chat:history")).content.decode()
    detail = login(supervisor).get(reverse("chat:history_detail", args=[conversation.pk])).content.decode()

    for html in (listing, detail):
        assert XSS not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_history_shows_first_response_times_and_filters(login, agent, supervisor, open_hours):
    answered = chat(name="甲")
    services.agent_message_send(conversation=answered, by=agent, text="您好，今天发货哦")
    chat(name="乙", text="发票怎么开")

    page = login(supervisor).get(reverse("chat:history"), {"q": "发票"})

    html = page.content.decode()
    assert page.status_code == 200
    assert "乙" in html and "甲</td>" not in html
    everything = login(supervisor).get(reverse("chat:history")).content.decode()
    assert "共 2 个会话，1 个已回复" in everything


def test_an_agent_cannot_open_a_colleagues_conversation(login, agent, colleague, open_hours):
    conversation = chat()
    services.conversation_take(conversation=conversation, by=colleague)

    assert login(agent).get(reverse("chat:history_detail", args=[conversation.pk])).status_code == 403
    assert login(colleague).get(reverse("chat:history_detail", args=[conversation.pk])).status_code == 200


def test_the_learned_page_lists_wordings_per_article(login, agent, supervisor, open_hours):
    article = ArticleFactory(title="几点前付款当天发货？")
    conversation = chat(text="今天下单今天发吗")
    services.suggestion_use(conversation=conversation, by=agent, article_id=article.pk)
    assert SuggestionUse.objects.count() == 1

    html = login(supervisor).get(reverse("chat:learned"), {"article": article.pk}).content.decode()

    assert "今天下单今天发吗" in html and "几点前付款当天发货？" in html


def test_the_history_list_query_count_does_not_grow(login, supervisor, open_hours):
    client = login(supervisor)

    def page_queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("chat:history")).status_code == 200
        return len(captured)

    for i in range(2):
        chat(name=f"客户{i}")
    few = page_queries()
    for i in range(10):
        chat(name=f"更多{i}")
    assert page_queries() == few
