"""Fixtures of the help center's tests: a few categories, and clients for each role."""

import pytest

from kefu.helpcenter import pagecache, services
from kefu.helpcenter.tests.factories import CategoryFactory


@pytest.fixture(autouse=True)
def _no_views_pending():
    """Views counted in memory by one test never reach another test's articles, nor pages kept by
    one test its pages."""
    services.article_views_forget()
    pagecache.clear()
    yield
    services.article_views_forget()
    pagecache.clear()


@pytest.fixture
def categories(db):
    """The demo shop's five categories, in their display order."""
    names = ["产品订购", "保修条例", "维修保养", "技术支持", "常见问题"]
    return [CategoryFactory(name=name, position=i) for i, name in enumerate(names, start=1)]
