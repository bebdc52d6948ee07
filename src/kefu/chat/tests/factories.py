"""Factories for the chat's tests: conversations straight into the table (the services are what the
tests exercise, so messages are normally sent through them)."""

import factory
from django.utils import timezone

from kefu.chat.models import Conversation, ConversationStatus


class ConversationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conversation

    buyer_name = factory.Sequence(lambda n: f"顾客{n}")
    buyer_contact = ""
    status = ConversationStatus.WAITING
    session_started_at = factory.LazyFunction(timezone.now)
