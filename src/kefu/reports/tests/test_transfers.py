"""A chat handed to a colleague and a chat sent back to a group's queue are both transfers."""

import datetime as dt

import pytest

from kefu.chat.models import Conversation, ConversationStatus
from kefu.core.activity import activity_record
from kefu.core.models import ActivityLog
from kefu.reports import selectors, summary
from kefu.reports.periods import Range
from kefu.reports.tests.conftest import at

pytestmark = pytest.mark.django_db

# (started, how it was handed on or None)
CHATS = [
    ("2026-11-02 10:00", "chat_transfer"),  # to a colleague
    ("2026-11-02 11:00", "chat_transfer_group"),  # back to the 售后组's queue
    ("2026-11-02 12:00", None),
    ("2026-11-02 13:00", None),
]


@pytest.fixture
def handed_on(agent):
    for started, verb in CHATS:
        chat = Conversation.objects.create(buyer_name="访客", agent=agent, status=ConversationStatus.CLOSED)
        Conversation.objects.filter(pk=chat.pk).update(
            created_at=at(started),
            session_started_at=at(started),
            taken_at=at(started) + dt.timedelta(seconds=3),
            first_response_at=at(started) + dt.timedelta(seconds=10),
            first_response_seconds=10,
        )
        if verb:
            log = activity_record(target=chat, actor=agent, verb=verb)
            ActivityLog.objects.filter(pk=log.pk).update(created_at=at(started) + dt.timedelta(minutes=1))


@pytest.mark.parametrize("use_summary", [True, False])
def test_a_chat_sent_back_to_a_groups_queue_counts_as_a_transfer(handed_on, use_summary):
    if use_summary:
        summary.summary_sweep(now=at("2026-12-01 03:00"))

    (row,) = selectors.service_report(
        rng=Range(dt.date(2026, 11, 2), dt.date(2026, 11, 2), "day"), use_summary=use_summary
    )

    assert row["chats"] == 4
    assert row["transfers"] == 2
    assert row["transfer_rate"] == pytest.approx(0.5)
    # neither transferred chat was solved at the first contact
    assert row["resolved_first_contact"] == 2
