"""Fixtures of the inbox tests: a second after-sales agent and a case maker (cases are the commonest
items)."""

import pytest

from kefu.aftersales.tests.conftest import make_case, other_aftersales  # noqa: F401 - shared fixtures
from kefu.helpcenter.tests.factories import CategoryFactory


@pytest.fixture
def categories_for_inbox(db):
    """A help-center category to publish an answered question in."""
    return CategoryFactory(name="常见问题")
