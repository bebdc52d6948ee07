import pytest

from kefu.search.selectors import search
from kefu.search.services import Document, index_documents

KIND = "testdoc"


@pytest.fixture
def index(db):
    """Index documents given as (object_id, title, body[, category_id]) tuples under a test kind."""

    def add(*rows):
        index_documents(kind=KIND, documents=[Document(*row) for row in rows])

    return add


@pytest.fixture
def find(db):
    """Object ids of the hits for ``query``, best first."""

    def run(query: str, **kwargs) -> list[int]:
        hits, _total = search(kind=KIND, query=query, limit=kwargs.pop("limit", 20), **kwargs)
        return [hit.object_id for hit in hits]

    return run
