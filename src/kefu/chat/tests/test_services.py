"""The chat's rules, through the services: taking, response times, auto-replies, the linter,
leaving a message off duty, links, presence, quick phrases and suggestions."""

import datetime as dt
import json
import os
import subprocess
import sys
import threading

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kefu.chat import selectors, services
from kefu.chat.models import AgentPresence, Conversation, ConversationStatus, Message, Sender, SuggestionUse
from kefu.chat.tests.conftest import set_setting
from kefu.core import shopsettings
from kefu.core.sweeps import sweeps_run
from kefu.helpcenter.models import Article, Question
from kefu.helpcenter.tests.factories import ArticleFactory, QuestionFactory
from kefu.orders.models import Order
from kefu.replies.models import AutoReplyRule, LintOverride, QuickPhrase
from kefu.replies.tests.factories import QuickPhraseFactory

pytestmark = pytest.mark.django_db


def start(name: str = "陈小姐", text: str | None = "在吗？面霜什么时候发货") -> Conversation:
    conversation = services.conversation_start(buyer_name=name, buyer_contact="tb_chen")
    if text:
        services.customer_message_send(conversation=conversation, text=text)
    conversation.refresh_from_db()
    return conversation


def backdate_wait(conversation: Conversation, seconds: float) -> Conversation:
    """As if the customer's unanswered message came ``seconds`` ago."""
    Conversation.objects.filter(pk=conversation.pk).update(
        awaiting_since=timezone.now() - dt.timedelta(seconds=seconds)
    )
    conversation.refresh_from_db()
    return conversation


# --- taking a conversation -------------------------------------------------------------------


def test_an_agent_takes_a_waiting_conversation(agent, open_hours):
    conversation = start()

    taken = services.conversation_take(conversation=conversation, by=agent)

    assert taken.status == ConversationStatus.ACTIVE
    assert taken.agent == agent
    assert taken.taken_at is not None
    note = Message.objects.filter(conversation=conversation).last()
    assert note.sender == Sender.SYSTEM and "小美" in note.text


def test_the_second_agent_taking_the_same_conversation_loses(agent, colleague, open_hours):
    conversation = start()
    seen_by_both = Conversation.objects.get(pk=conversation.pk)

    services.conversation_take(conversation=seen_by_both, by=agent)
    with pytest.raises(services.ConversationTaken, match="小美"):
        services.conversation_take(conversation=seen_by_both, by=colleague)

    conversation.refresh_from_db()
    assert conversation.agent == agent
    assert Message.objects.filter(conversation=conversation, text__contains="小王").count() == 0


def test_taking_ones_own_conversation_again_changes_nothing(agent, open_hours):
    conversation = start()
    services.conversation_take(conversation=conversation, by=agent)
    notes = Message.objects.count()

    again = services.conversation_take(conversation=conversation, by=agent)

    assert again.agent == agent
    assert Message.objects.count() == notes


@pytest.mark.django_db(transaction=True)
def test_two_agents_taking_at_the_same_moment_only_one_wins(make_user, open_hours):
    """A real race: two threads, two database connections, released together.

    Not on the in-memory SQLite test database: its shared cache locks whole tables and answers
    "table is locked" at once instead of waiting (a file database waits, busy_timeout); there the
    stale-object test above covers the rule, and bench/chat.py races 20 agents on a file database.
    """
    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "sqlite" and ("mode=memory" in name or ":memory:" in name):
        pytest.skip("the in-memory SQLite test database cannot hold two writers at once")
    agents = [make_user(f"agent{i}", "客服") for i in range(2)]
    conversation = start()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def take(user):
        try:
            barrier.wait()
            services.conversation_take(conversation=conversation, by=user)
            outcomes.append("won")
        except services.ConversationTaken:
            outcomes.append("lost")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=take, args=(user,)) for user in agents]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(outcomes) == ["lost", "won"]
    conversation.refresh_from_db()
    assert conversation.agent in agents
    assert Message.objects.filter(conversation=conversation, text__startswith="客服").count() == 1


RACE_ON_A_FILE_DATABASE = """
import json, os, threading
os.environ["DJANGO_SETTINGS_MODULE"] = "kefu.settings"
import django
django.setup()
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connections
from kefu.chat import services
call_command("migrate", verbosity=0)
agents = [get_user_model().objects.create_user(f"racer{i}") for i in range(2)]
for u in agents:
    u.is_staff = True
    u.save()
results = []
for round_ in range(10):
    conversation = services.conversation_start()
    barrier, outcomes = threading.Barrier(2), []
    def take(user):
        try:
            barrier.wait()
            services.conversation_take(conversation=conversation, by=user)
            outcomes.append("won")
        except services.ConversationTaken:
            outcomes.append("lost")
        finally:
            connections.close_all()
    threads = [threading.Thread(target=take, args=(u,)) for u in agents]
    [t.start() for t in threads]
    [t.join() for t in threads]
    results.append(sorted(outcomes))
print(json.dumps(results))
"""


def test_on_a_sqlite_file_database_the_take_race_has_one_winner_every_time(tmp_path):
    """What production SQLite does (a file, WAL, busy_timeout, IMMEDIATE transactions), in a child
    process with its own settings: ten races of two threads."""
    env = {k: v for k, v in os.environ.items() if k != "KEFU_DATABASE_URL"}
    env["KEFU_HOME"] = str(tmp_path)
    done = subprocess.run(
        [sys.executable, "-c", RACE_ON_A_FILE_DATABASE], env=env, capture_output=True, text=True, timeout=120
    )

    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == [["lost", "won"]] * 10


def test_only_the_receiving_agent_or_a_supervisor_replies(agent, colleague, supervisor, open_hours):
    conversation = start()
    services.conversation_take(conversation=conversation, by=agent)

    with pytest.raises(PermissionDenied):
        services.agent_message_send(conversation=conversation, by=colleague, text="您好，我来帮您看看")
    services.agent_message_send(conversation=conversation, by=supervisor, text="您好，我是主管，我来帮您看看")

    assert list(Message.objects.filter(sender=Sender.AGENT).values_list("author__username", flat=True)) == [
        "supervisor"
    ]


def test_replying_to_a_waiting_conversation_takes_it(agent, open_hours):
    conversation = start()

    services.agent_message_send(conversation=conversation, by=agent, text="您好，很高兴为您服务")

    conversation.refresh_from_db()
    assert conversation.status == ConversationStatus.ACTIVE and conversation.agent == agent
    texts = list(Message.objects.filter(conversation=conversation).values_list("text", flat=True))
    assert texts[-2:] == ["客服 小美 为您服务。", "您好，很高兴为您服务"]


def test_a_customer_cannot_act_as_staff(open_hours):
    conversation = start()
    with pytest.raises(PermissionDenied):
        services.conversation_take(conversation=conversation, by=AnonymousUser())
    conversation.refresh_from_db()
    assert conversation.status == ConversationStatus.WAITING


# --- response times -------------------------------------------------------------------------


def test_the_first_reply_records_the_first_response_time(agent, open_hours):
    conversation = backdate_wait(start(), 12)

    reply = services.agent_message_send(conversation=conversation, by=agent, text="您好，今天下午就发货哦")

    conversation.refresh_from_db()
    assert 12 <= reply.response_seconds < 14
    assert conversation.first_response_seconds == pytest.approx(reply.response_seconds)
    assert conversation.first_response_at == reply.created_at or conversation.first_response_at is not None
    assert conversation.awaiting_since is None


def test_every_response_time_is_recorded_and_the_first_stays(agent, open_hours):
    conversation = backdate_wait(start(), 5)
    services.agent_message_send(conversation=conversation, by=agent, text="您好，请问您的订单号是多少呢")
    services.customer_message_send(conversation=conversation, text="123456")
    services.customer_message_send(conversation=conversation, text="查一下")
    conversation = backdate_wait(conversation, 40)  # the first of the two new messages

    second = services.agent_message_send(conversation=conversation, by=agent, text="好的，已经查到了")
    third = services.agent_message_send(conversation=conversation, by=agent, text="明天送到")

    conversation.refresh_from_db()
    assert 40 <= second.response_seconds < 42
    assert third.response_seconds is None  # nothing was waiting for an answer
    assert 5 <= conversation.first_response_seconds < 7
    assert conversation.agent_message_count == 3


def test_the_wait_starts_at_the_first_unanswered_message(open_hours):
    conversation = start()
    first_wait = conversation.awaiting_since

    services.customer_message_send(conversation=conversation, text="还在吗")

    conversation.refresh_from_db()
    assert conversation.awaiting_since == first_wait
    assert conversation.customer_message_count == 2


def test_an_auto_reply_is_not_the_agents_first_response(agent, open_hours, autoreplies):
    conversation = start()

    auto = Message.objects.get(conversation=conversation, is_auto=True)
    conversation.refresh_from_db()
    assert auto.sender == Sender.SYSTEM
    assert conversation.first_response_at is None
    assert conversation.awaiting_since is not None


# --- auto-replies ---------------------------------------------------------------------------


def autos(conversation) -> list[tuple[str, str]]:
    return list(
        Message.objects.filter(conversation=conversation, is_auto=True)
        .order_by("id")
        .values_list("auto_trigger", "text")
    )


def test_the_first_message_gets_the_welcome_with_the_buyers_name(open_hours, autoreplies):
    conversation = start(name="陈小姐")

    assert autos(conversation) == [("first_message", "陈小姐您好，欢迎光临，客服马上就来！")]


def test_outside_working_hours_the_first_message_gets_the_off_hours_reply(off_hours, autoreplies):
    conversation = start()

    assert autos(conversation) == [("off_hours", "现在是非工作时间，请留言。")]


def test_only_the_first_message_of_a_session_gets_an_auto_reply(open_hours, autoreplies):
    conversation = start()
    services.customer_message_send(conversation=conversation, text="有人吗")
    services.customer_message_send(conversation=conversation, text="？？")

    assert [t for t, _ in autos(conversation)] == ["first_message"]


def test_a_switched_off_rule_sends_nothing(open_hours, autoreplies):
    AutoReplyRule.objects.filter(trigger="first_message").update(is_enabled=False)

    conversation = start()

    assert autos(conversation) == []


def test_a_returning_customer_reopens_a_closed_conversation_and_is_welcomed_again(
    agent, open_hours, autoreplies
):
    conversation = start()
    services.conversation_take(conversation=conversation, by=agent)
    services.conversation_close(conversation=conversation, by=agent)

    services.customer_message_send(conversation=conversation, text="我又来了，昨天的面霜到了")

    conversation.refresh_from_db()
    assert conversation.status == ConversationStatus.WAITING
    assert conversation.agent is None
    assert [t for t, _ in autos(conversation)] == ["first_message", "first_message"]


def test_no_answer_fires_once_after_n_seconds_when_the_customer_polls(open_hours, autoreplies):
    conversation = backdate_wait(start(), 10)
    assert services.no_answer_fire(conversation=conversation) is None  # 10 s < 20 s

    conversation = backdate_wait(conversation, 21)
    fired = services.no_answer_fire(conversation=conversation)
    again = services.no_answer_fire(conversation=Conversation.objects.get(pk=conversation.pk))

    assert fired.is_auto and fired.auto_trigger == "no_answer" and fired.text == autoreplies["no_answer"]
    assert again is None
    assert [t for t, _ in autos(conversation)] == ["first_message", "no_answer"]


def test_no_answer_does_not_fire_once_an_agent_answered(agent, open_hours, autoreplies):
    conversation = backdate_wait(start(), 30)
    services.agent_message_send(conversation=conversation, by=agent, text="您好，在的，请问有什么可以帮您")
    conversation.refresh_from_db()

    assert services.no_answer_fire(conversation=conversation) is None
    assert services.chat_no_answer_sweep() == {"no_answer_replies": 0}


def test_no_answer_fires_again_for_a_new_wait(agent, open_hours, autoreplies):
    conversation = backdate_wait(start(), 30)
    services.no_answer_fire(conversation=conversation)
    services.agent_message_send(conversation=conversation, by=agent, text="您好，请问有什么可以帮您")
    services.customer_message_send(conversation=conversation, text="我想换个颜色")
    conversation = backdate_wait(conversation, 25)

    assert services.no_answer_fire(conversation=conversation) is not None
    assert [t for t, _ in autos(conversation)].count("no_answer") == 2


def test_no_answer_stays_quiet_outside_working_hours(off_hours, autoreplies):
    conversation = backdate_wait(start(), 60)

    assert services.no_answer_fire(conversation=conversation) is None
    assert services.chat_no_answer_sweep() == {"no_answer_replies": 0}


def test_the_sweep_answers_customers_who_stopped_polling_once(open_hours, autoreplies):
    waited = [backdate_wait(start(name=f"客户{i}"), 30) for i in range(3)]
    fresh = start(name="刚来的")

    first = sweeps_run(only=["chat_no_answer"])
    second = sweeps_run(only=["chat_no_answer"])
    polled = services.no_answer_fire(conversation=Conversation.objects.get(pk=waited[0].pk))

    assert first == {"chat_no_answer": {"no_answer_replies": 3}}
    assert second == {"chat_no_answer": {"no_answer_replies": 0}}
    assert polled is None
    assert autos(fresh) == [("first_message", "刚来的您好，欢迎光临，客服马上就来！")]
    for conversation in waited:
        assert [t for t, _ in autos(conversation)] == ["first_message", "no_answer"]


def test_the_no_answer_sweep_costs_the_same_queries_for_2_or_20_conversations(open_hours, autoreplies):
    def sweep_queries(n: int) -> int:
        for i in range(n):
            backdate_wait(start(name="同名客户"), 30 + i)
        with CaptureQueriesContext(connection) as captured:
            assert services.chat_no_answer_sweep() == {"no_answer_replies": n}
        return len(captured)

    assert sweep_queries(2) == sweep_queries(20)


# --- the reply linter -----------------------------------------------------------------------


def test_a_reply_with_a_forbidden_wording_is_blocked_and_nothing_is_sent(agent, open_hours):
    conversation = start()
    services.conversation_take(conversation=conversation, by=agent)
    before = Message.objects.count()

    with pytest.raises(services.LintBlocked) as blocked:
        services.agent_message_send(conversation=conversation, by=agent, text="这个我们不能退")

    assert any(hit.phrase == "不能" and hit.suggestion for hit in blocked.value.hits)
    assert Message.objects.count() == before
    assert LintOverride.objects.count() == 0


def test_the_linter_sees_the_customers_latest_message(agent, open_hours):
    conversation = start(text="在吗")
    services.conversation_take(conversation=conversation, by=agent)

    with pytest.raises(services.LintBlocked) as blocked:
        services.agent_message_send(conversation=conversation, by=agent, text="在")

    assert blocked.value.hits


def test_send_anyway_sends_and_records_the_override(agent, open_hours):
    conversation = backdate_wait(start(), 3)
    services.conversation_take(conversation=conversation, by=agent)

    message = services.agent_message_send(
        conversation=conversation, by=agent, text="这个我们不能退", force=True
    )

    assert message.lint_overridden is True
    override = LintOverride.objects.get()
    assert override.by == agent and "不能" in override.phrases
    conversation.refresh_from_db()
    assert conversation.first_response_seconds is not None


def test_a_clean_reply_is_not_marked_as_overridden(agent, open_hours):
    conversation = start()
    message = services.agent_message_send(
        conversation=conversation, by=agent, text="您好，这款面霜今天下午就能发货哦", force=True
    )

    assert message.lint_overridden is False
    assert LintOverride.objects.count() == 0


@pytest.mark.parametrize("text", ["", "   ", "字" * 1001])
def test_an_empty_or_overlong_message_is_refused(agent, open_hours, text):
    conversation = start()
    before = Message.objects.count()

    with pytest.raises(ValidationError):
        services.customer_message_send(conversation=conversation, text=text)
    with pytest.raises(ValidationError):
        services.agent_message_send(conversation=conversation, by=agent, text=text)

    assert Message.objects.count() == before


def test_a_closed_conversation_takes_no_agent_message(agent, open_hours):
    conversation = start()
    services.conversation_take(conversation=conversation, by=agent)
    services.conversation_close(conversation=conversation, by=agent)

    with pytest.raises(ValidationError, match="已经结束"):
        services.agent_message_send(conversation=conversation, by=agent, text="您好，还在吗")


# --- polling --------------------------------------------------------------------------------


def test_polling_returns_only_the_messages_after_the_last_seen_id(agent, open_hours):
    conversation = start()
    seen = selectors.message_list(conversation=conversation)
    last = seen[-1].id
    services.agent_message_send(conversation=conversation, by=agent, text="您好，请稍等")
    services.customer_message_send(conversation=conversation, text="好的")
    other = start(name="别的客户")

    new = selectors.message_list(conversation=conversation, after=last)

    assert [m.text for m in new] == ["客服 小美 为您服务。", "您好，请稍等", "好的"]
    assert selectors.message_list(conversation=conversation, after=new[-1].id) == []
    assert all(m.conversation_id == conversation.pk for m in new)
    assert other.pk != conversation.pk


# --- off duty: leave a message --------------------------------------------------------------


def test_off_duty_a_left_message_becomes_a_customer_question(off_hours):
    conversation = services.conversation_start()

    question = services.conversation_leave_message(
        conversation=conversation,
        name="李女士",
        contact="13912345678",
        text="面霜漏液了，想换一瓶",
        ip_address="10.0.0.5",
    )

    assert question.status == Question.Status.NEW
    assert (question.title, question.details, question.name, question.phone) == (
        "面霜漏液了，想换一瓶",
        "面霜漏液了，想换一瓶",
        "李女士",
        "13912345678",
    )
    conversation.refresh_from_db()
    assert conversation.question == question
    assert conversation.status == ConversationStatus.CLOSED
    note = Message.objects.filter(conversation=conversation).last()
    assert question.token in note.text


@pytest.mark.parametrize(
    ("contact", "field"),
    [("chen@example.com", "email"), ("13800138000", "phone"), ("tb_chen2024", "im_id")],
)
def test_the_left_contact_lands_in_the_right_question_field(off_hours, contact, field):
    question = services.conversation_leave_message(
        conversation=services.conversation_start(), name="陈", contact=contact, text="请联系我"
    )

    assert getattr(question, field) == contact


@pytest.mark.parametrize(
    ("name", "contact", "text", "error"),
    [("", "13800138000", "留言", "name"), ("陈", "", "留言", "contact"), ("陈", "13800138000", " ", "text")],
)
def test_a_left_message_needs_name_contact_and_text(off_hours, name, contact, text, error):
    conversation = services.conversation_start()

    with pytest.raises(ValidationError) as exc:
        services.conversation_leave_message(conversation=conversation, name=name, contact=contact, text=text)

    assert error in exc.value.message_dict
    assert Question.objects.count() == 0
    assert Message.objects.filter(conversation=conversation).count() == 0


# --- links and conversion -------------------------------------------------------------------


def test_link_an_order_by_its_number(agent, open_hours):
    order = Order.objects.create(number="3021558899001", created_at=timezone.now())
    conversation = start()

    services.conversation_link_order(conversation=conversation, by=agent, number=" 3021558899001 ")

    conversation.refresh_from_db()
    assert conversation.order == order


@pytest.mark.parametrize(("number", "message"), [("", "请填写订单编号"), ("999", "没有找到订单 999")])
def test_linking_an_unknown_order_says_why(agent, open_hours, number, message):
    conversation = start()

    with pytest.raises(ValidationError, match=message):
        services.conversation_link_order(conversation=conversation, by=agent, number=number)

    conversation.refresh_from_db()
    assert conversation.order is None


def test_link_an_existing_customer_question(agent, open_hours):
    question = QuestionFactory()
    conversation = start()

    services.conversation_link_question(conversation=conversation, by=agent, question=question)

    conversation.refresh_from_db()
    assert conversation.question == question


def test_convert_a_conversation_into_a_customer_question(agent, open_hours):
    conversation = start(name="陈小姐", text="面霜漏液了怎么办")
    services.agent_message_send(conversation=conversation, by=agent, text="您好，请拍张照片给我们看看")

    question = services.conversation_to_question(conversation=conversation, by=agent)

    assert question.title == "面霜漏液了怎么办"
    assert question.name == "陈小姐" and question.im_id == "tb_chen"
    assert "客户：面霜漏液了怎么办" in question.details and "客服：您好，请拍张照片" in question.details
    conversation.refresh_from_db()
    assert conversation.question == question
    assert question.token in Message.objects.filter(conversation=conversation).last().text
    with pytest.raises(ValidationError, match="已经关联"):
        services.conversation_to_question(conversation=conversation, by=agent)
    assert Question.objects.count() == 1


def test_an_anonymous_conversation_converts_with_the_chat_as_contact(agent, open_hours):
    conversation = services.conversation_start()
    services.customer_message_send(conversation=conversation, text="发票怎么开")

    question = services.conversation_to_question(conversation=conversation, by=agent, title="开发票")

    assert question.title == "开发票"
    assert question.im_id == f"在线咨询 #{conversation.pk}"


def test_a_conversation_without_customer_messages_cannot_be_converted(agent):
    with pytest.raises(ValidationError):
        services.conversation_to_question(conversation=services.conversation_start(), by=agent)
    assert Question.objects.count() == 0


# --- presence and service state -------------------------------------------------------------


def test_nobody_online_means_the_customer_is_told_no_one_is_on_duty(agent, open_hours):
    assert selectors.service_state().available is False

    services.presence_set(by=agent, status="online")
    assert selectors.service_state().available is True

    services.presence_set(by=agent, status="away")
    assert selectors.service_state().available is False


def test_an_online_agent_whose_console_went_quiet_is_off_duty(agent, open_hours):
    services.presence_set(by=agent, status="online")
    AgentPresence.objects.filter(user=agent).update(last_seen_at=timezone.now() - dt.timedelta(seconds=91))

    assert selectors.agents_on_duty_count() == 0
    services.presence_heartbeat(by=agent)
    assert selectors.agents_on_duty_count() == 1


def test_off_hours_nobody_is_on_duty_even_if_online(agent, off_hours):
    services.presence_set(by=agent, status="online")

    state = selectors.service_state()
    assert state.agents_on_duty == 1 and state.within_hours is False and state.available is False


def test_presence_accepts_only_online_or_away(agent):
    with pytest.raises(ValidationError):
        services.presence_set(by=agent, status="busy")
    assert AgentPresence.objects.count() == 0


# --- quick phrases and suggestions ----------------------------------------------------------


def test_inserting_a_phrase_fills_placeholders_and_counts_the_use(agent, open_hours):
    Order.objects.create(number="88001", created_at=timezone.now())
    phrase = QuickPhraseFactory(text="{买家}您好，我是{客服}，订单{订单号}今天发出", shortcut="fh9")
    conversation = start(name="陈小姐")
    services.conversation_link_order(conversation=conversation, by=agent, number="88001")
    conversation.refresh_from_db()

    text = services.phrase_insert(conversation=conversation, by=agent, phrase_id=phrase.pk)

    assert text == "陈小姐您好，我是小美，订单88001今天发出"
    phrase.refresh_from_db()
    assert phrase.use_count == 1


def test_a_colleagues_personal_phrase_cannot_be_inserted(agent, colleague, open_hours):
    phrase = QuickPhraseFactory(owner=colleague)

    with pytest.raises(PermissionDenied):
        services.phrase_insert(conversation=start(), by=agent, phrase_id=phrase.pk)
    assert QuickPhrase.objects.get(pk=phrase.pk).use_count == 0


def test_using_a_suggested_article_records_the_wording_that_led_to_it(agent, open_hours):
    article = ArticleFactory(title="几点前付款当天发货？", body="16:30 前付款当天发货。")
    conversation = start(text="今天付款今天能发货吗")

    use, text = services.suggestion_use(
        conversation=conversation, by=agent, article_id=article.pk, base_url="http://shop.example"
    )

    assert text == f"几点前付款当天发货？ http://shop.example/help/articles/{article.pk}/"
    assert (use.customer_text, use.kind, use.article, use.agent) == (
        "今天付款今天能发货吗",
        "article",
        article,
        agent,
    )
    assert selectors.wordings_by_article(article_ids=[article.pk]) == {article.pk: ["今天付款今天能发货吗"]}
    # …and proposes it as a similar question of the article, for a supervisor to accept.
    assert list(article.similar_proposals.values_list("text", flat=True)) == ["今天付款今天能发货吗"]


def test_using_a_suggested_phrase_renders_it_and_records_both_uses(agent, open_hours):
    phrase = QuickPhraseFactory(text="{买家}，我们默认发申通哦")
    conversation = start(name="王先生", text="发什么快递")

    use, text = services.suggestion_use(conversation=conversation, by=agent, phrase_id=phrase.pk)

    assert text == "王先生，我们默认发申通哦"
    assert (use.kind, use.phrase_id, use.phrase_text) == ("phrase", phrase.pk, phrase.text)
    assert QuickPhrase.objects.get(pk=phrase.pk).use_count == 1


@pytest.mark.parametrize("choice", [{}, {"article_id": 1, "phrase_id": 1}])
def test_a_suggestion_use_names_exactly_one_answer(agent, open_hours, choice):
    with pytest.raises(ValidationError):
        services.suggestion_use(conversation=start(), by=agent, **choice)
    assert SuggestionUse.objects.count() == 0


def test_an_unpublished_article_cannot_be_used(agent, open_hours):
    draft = ArticleFactory(status=Article.Status.DRAFT, indexed=False)

    with pytest.raises(ValidationError):
        services.suggestion_use(conversation=start(), by=agent, article_id=draft.pk)
    assert SuggestionUse.objects.count() == 0


# --- lists ----------------------------------------------------------------------------------


def test_the_waiting_list_is_longest_waiting_first_and_hides_empty_conversations(open_hours):
    newer = start(name="后来的")
    older = backdate_wait(start(name="先来的"), 60)
    services.conversation_start(buyer_name="只打开了窗口")

    waiting = list(selectors.conversation_waiting_list())

    assert [c.pk for c in waiting] == [older.pk, newer.pk]
    assert waiting[0].last_message_text


def test_the_waiting_list_query_count_does_not_grow(open_hours, django_assert_num_queries):
    for i in range(5):
        start(name=f"客户{i}")

    with django_assert_num_queries(1):
        rows = [(c.buyer_label, c.last_message_text, c.order) for c in selectors.conversation_waiting_list()]
    assert len(rows) == 5


def test_an_agent_sees_only_their_own_history_a_supervisor_sees_all(agent, colleague, supervisor, open_hours):
    mine, theirs = start(name="甲"), start(name="乙")
    services.conversation_take(conversation=mine, by=agent)
    services.conversation_take(conversation=theirs, by=colleague)

    assert [c.pk for c in selectors.conversation_history(user=agent)] == [mine.pk]
    assert {c.pk for c in selectors.conversation_history(user=supervisor)} == {mine.pk, theirs.pk}
    assert [c.pk for c in selectors.conversation_history(user=supervisor, agent_id=colleague.pk)] == [
        theirs.pk
    ]
    assert [c.pk for c in selectors.conversation_history(user=supervisor, q="面霜")] == [theirs.pk, mine.pk]


def test_the_shop_setting_changes_the_poll_interval(db):
    set_setting("chat_poll_interval_seconds", 5)

    assert shopsettings.get("chat_poll_interval_seconds") == 5


# --- transfer -------------------------------------------------------------------------------


def test_an_agent_hands_a_conversation_to_a_colleague(agent, colleague, open_hours):
    conversation = backdate_wait(start(), 8)
    services.conversation_take(conversation=conversation, by=agent)

    services.conversation_transfer(conversation=conversation, by=agent, to=colleague)

    conversation.refresh_from_db()
    assert conversation.agent == colleague
    assert Message.objects.filter(conversation=conversation).last().text == "已为您转接客服 小王。"
    with pytest.raises(PermissionDenied):
        services.agent_message_send(conversation=conversation, by=agent, text="您好，还在吗")
    reply = services.agent_message_send(conversation=conversation, by=colleague, text="您好，我来为您处理")
    assert reply.response_seconds >= 8  # the wait kept running across the transfer


def test_transfer_rules(agent, colleague, make_user, open_hours):
    shopper = make_user("shopper")
    conversation = start()

    with pytest.raises(ValidationError, match="接待中"):
        services.conversation_transfer(conversation=conversation, by=agent, to=colleague)
    services.conversation_take(conversation=conversation, by=agent)
    with pytest.raises(ValidationError, match="团队成员"):
        services.conversation_transfer(conversation=conversation, by=agent, to=shopper)
    with pytest.raises(PermissionDenied):
        services.conversation_transfer(conversation=conversation, by=colleague, to=colleague)

    conversation.refresh_from_db()
    assert conversation.agent == agent
