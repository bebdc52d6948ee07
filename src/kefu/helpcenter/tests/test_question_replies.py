"""A customer who got an answer writes back on the private page (or its API); the question waits
on the team again; when staff answer again the customer is told through the notices' senders."""

import types

import pytest
from django.core import mail
from django.urls import reverse
from rest_framework.test import APIClient

from kefu.core import ratelimit, shopsettings, worklist
from kefu.customers.models import NoticeMessage
from kefu.customers.tests.factories import CustomerFactory
from kefu.helpcenter import services
from kefu.helpcenter.models import Question, QuestionReply
from kefu.helpcenter.tests.factories import CategoryFactory, QuestionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_ratelimit_clock(monkeypatch):
    """Keep the rate limit's one-minute window from rolling over in the middle of a test."""
    monkeypatch.setattr(ratelimit, "time", types.SimpleNamespace(time=lambda: 1_800_000_030.0))


@pytest.fixture
def answered(agent):
    question = services.question_submit(title="面霜漏液了怎么办", name="李女士", phone="13900001111")
    return services.question_answer(question=question, by=agent, answer="请拍照发给我们，给您补发。")


def item_state(question) -> str:
    return worklist.work_info(source="question", source_id=question.pk)["state"]


def reply_on_page(client, question, text="照片拍好了，发到哪里？"):
    return client.post(reverse("helpcenter:question_reply", args=[question.token]), {"text": text})


def reply_by_api(question, text="照片拍好了，发到哪里？"):
    return APIClient().post(
        reverse("helpcenter_api:question_reply", args=[question.token]), {"text": text}, format="json"
    )


@pytest.mark.parametrize("door", ["page", "api"])
def test_a_reply_reopens_the_answered_question_in_the_inbox(client, answered, door):
    assert item_state(answered) == "done"

    response = reply_on_page(client, answered) if door == "page" else reply_by_api(answered)

    assert response.status_code == (302 if door == "page" else 201)
    answered.refresh_from_db()
    assert answered.status == Question.Status.REPLIED
    assert answered.answer == "请拍照发给我们，给您补发。"  # the first answer is kept
    assert list(answered.replies.values_list("from_customer", "text")) == [(True, "照片拍好了，发到哪里？")]
    assert item_state(answered) == "new"


def test_the_private_page_shows_the_reply_form_only_once_answered(client, agent):
    question = QuestionFactory()
    url = reverse("helpcenter:question_status", args=[question.token])

    assert 'id="reply-form"' not in client.get(url).content.decode()
    services.question_answer(question=question, by=agent, answer="明天发货。")
    page = client.get(url)

    assert 'id="reply-form"' in page.content.decode()
    assert page["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize(
    ("status", "accepted"),
    [
        (Question.Status.NEW, False),
        (Question.Status.CLOSED, False),
        (Question.Status.ANSWERED, True),
        (Question.Status.PUBLISHED, True),
        (Question.Status.REPLIED, True),
    ],
)
def test_only_a_question_with_an_answer_takes_replies(status, accepted):
    question = QuestionFactory(status=status, answer="" if status == Question.Status.NEW else "答复")

    response = reply_by_api(question)

    assert response.status_code == (201 if accepted else 400)
    assert QuestionReply.objects.filter(question=question).exists() is accepted
    question.refresh_from_db()
    assert question.status == (Question.Status.REPLIED if accepted else status)


@pytest.mark.parametrize(("text", "field"), [("   ", "text"), ("字" * 2001, "text")])
def test_an_empty_or_too_long_reply_is_refused_alike_on_page_and_api(client, answered, text, field):
    page = reply_on_page(client, answered, text)
    api = reply_by_api(answered, text)

    assert (page.status_code, api.status_code) == (400, 400)
    assert field in page.context["reply_form"].errors and field in api.json()
    assert not answered.replies.exists()


def test_replies_and_questions_share_one_allowance_per_address(client, answered, settings):
    settings.KEFU_QUESTION_RATE_LIMIT = 2
    assert reply_on_page(client, answered).status_code == 302
    assert reply_by_api(answered).status_code == 201

    page = reply_on_page(client, answered)
    api = reply_by_api(answered)
    ask = APIClient().post(
        reverse("helpcenter_api:question_submit"),
        {"title": "再问", "name": "李", "phone": "139"},
        format="json",
    )

    assert (page.status_code, api.status_code, ask.status_code) == (429, 429, 429)
    assert answered.replies.count() == 2


def test_staff_answer_again_the_customer_is_told_by_email(
    answered, agent, django_capture_on_commit_callbacks
):
    Question.objects.filter(pk=answered.pk).update(email="li@example.com")
    answered.refresh_from_db()
    services.question_reply(question=answered, text="还是漏")

    with django_capture_on_commit_callbacks(execute=True):
        services.question_answer(
            question=answered, by=agent, answer="已安排补发，单号明天给您。", page_url="https://shop/p"
        )

    answered.refresh_from_db()
    assert answered.status == Question.Status.ANSWERED
    assert answered.answer == "请拍照发给我们，给您补发。"
    assert [(r.from_customer, r.text) for r in answered.replies.all()] == [
        (True, "还是漏"),
        (False, "已安排补发，单号明天给您。"),
    ]
    assert item_state(answered) == "done"
    message = NoticeMessage.objects.get(source="question", source_id=answered.pk)
    assert (message.channel, message.state, message.notice_id) == ("email", NoticeMessage.SENT, None)
    assert [m.to for m in mail.outbox] == [["li@example.com"]]
    assert "https://shop/p" in mail.outbox[0].body and "面霜漏液了怎么办" in mail.outbox[0].body


def test_a_first_answer_sends_no_message(answered):
    assert not NoticeMessage.objects.exists()


@pytest.mark.parametrize(
    ("email", "webhook", "channel"),
    [
        ("li@example.com", "", "email"),
        ("", "http://127.0.0.1:9/sms", "sms"),
        ("", "", "outbox"),
    ],
)
def test_the_channel_follows_the_contacts_the_customer_left(
    answered, agent, admin_user, monkeypatch, email, webhook, channel
):
    from kefu.customers import senders

    monkeypatch.setitem(senders._SENDERS, "sms", lambda message: None)  # no gateway in tests
    Question.objects.filter(pk=answered.pk).update(email=email)
    answered.refresh_from_db()
    shopsettings.shop_setting_set(key="notice_sms_webhook", value=webhook, by=admin_user)
    services.question_reply(question=answered, text="还在吗")

    services.question_answer(question=answered, by=agent, answer="在的")

    assert NoticeMessage.objects.get(source_id=answered.pk).channel == channel


def test_a_failing_sender_keeps_the_message_failed_with_the_reason_for_the_sweep(
    answered, agent, monkeypatch, django_capture_on_commit_callbacks
):
    from kefu.customers import senders

    def broken(message):
        raise senders.SendError("网关超时")

    monkeypatch.setitem(senders._SENDERS, "outbox", broken)
    services.question_reply(question=answered, text="还在吗")

    with django_capture_on_commit_callbacks(execute=True):
        services.question_answer(question=answered, by=agent, answer="在的")

    message = NoticeMessage.objects.get(source_id=answered.pk)
    assert (message.state, message.last_error, message.attempts) == (NoticeMessage.FAILED, "网关超时", 1)
    assert message.next_try_at is not None


def test_the_profile_named_by_the_member_name_gets_the_message(agent):
    customer = CustomerFactory(buyer_nick="tb_lily")
    question = services.question_submit(title="发票", name="Lily", im_id="tb_lily")
    services.question_answer(question=question, by=agent, answer="可以开")
    services.question_reply(question=question, text="抬头写公司")

    services.question_answer(question=question, by=agent, answer="好的")

    assert NoticeMessage.objects.get(source_id=question.pk).customer == customer


def test_a_published_question_answered_again_stays_published(supervisor):
    question = QuestionFactory()
    article = services.question_publish(
        question=question, by=supervisor, title="漏液怎么办", answer="补发", category=CategoryFactory()
    )
    services.question_reply(question=question, text="我的也漏")

    services.question_answer(question=question, by=supervisor, answer="给您补发")

    question.refresh_from_db()
    assert (question.status, question.article_id) == (Question.Status.PUBLISHED, article.pk)


def test_staff_see_the_reply_on_the_question_page(client, answered, supervisor):
    services.question_reply(question=answered, text="照片在附件")
    client.force_login(supervisor)

    page = client.get(reverse("helpcenter:staff_question", args=[answered.pk])).content.decode()

    assert "照片在附件" in page and 'id="replies"' in page


def test_the_status_api_lists_the_replies(answered, agent):
    services.question_reply(question=answered, text="还是漏")
    services.question_answer(question=answered, by=agent, answer="补发了")

    body = APIClient().get(reverse("helpcenter_api:question_status", args=[answered.token])).json()

    assert [(r["from_customer"], r["text"]) for r in body["replies"]] == [(True, "还是漏"), (False, "补发了")]
    assert body["can_reply"] is True


def test_an_unknown_token_takes_no_reply():
    assert reply_by_api(Question(token="nope")).status_code == 404
    assert not QuestionReply.objects.exists()
