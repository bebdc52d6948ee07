"""Fixtures of the inbox tests: a second after-sales agent and a case maker (cases are the commonest
items)."""

import pytest
from django.test import Client

from kefu.aftersales import services
from kefu.aftersales.models import CaseKind
from kefu.helpcenter.tests.factories import CategoryFactory


@pytest.fixture
def login(db):
    def make(user) -> Client:
        c = Client()
        c.force_login(user)
        return c

    return make


@pytest.fixture
def other_aftersales(make_user):
    return make_user("aftersales2", "售后", first_name="小王")


@pytest.fixture
def make_case(aftersales_agent):
    """``make_case(kind=..., **fields)`` through the service, by the after-sales agent."""

    def make(kind: str = CaseKind.RETURN_REFUND, by=None, **fields):
        fields.setdefault("buyer_nick", "tb_chen")
        fields.setdefault("order_number", "20261120000001")
        fields.setdefault("amount", "129.00")
        return services.case_create(by=by or aftersales_agent, kind=kind, **fields)

    return make


@pytest.fixture
def categories_for_inbox(db):
    """A help-center category to publish an answered question in."""
    return CategoryFactory(name="常见问题")
