"""What the search index (kind="phrase") holds of a quick phrase, for ``phrase_search``."""

import re

from kefu.search import services as search_services

SEARCH_KIND = "phrase"
_PLACEHOLDER = re.compile(r"\{[^{}]{1,10}\}")


def phrase_document(phrase) -> search_services.Document:
    """Group name as the title (发货物流 meets 什么时候发货), the text as the body.

    Placeholders ({买家}, {订单号}) say nothing about what a phrase answers, so they stay out. The
    owner goes into ``category_id`` (None for team phrases) so a search keeps to what the agent may use.
    """
    return search_services.Document(
        object_id=phrase.pk,
        title=phrase.group.name,
        body=_PLACEHOLDER.sub(" ", phrase.text),
        category_id=phrase.owner_id,
    )


def phrase_index(phrases) -> None:
    search_services.index_documents(kind=SEARCH_KIND, documents=[phrase_document(p) for p in phrases])


def phrase_unindex(ids) -> None:
    search_services.remove_documents(kind=SEARCH_KIND, object_ids=list(ids))
