"""Factories for the replies' tests.

Quick phrases made here go straight to the table (fast); a test of ``phrase_search`` creates its
phrases through ``services.phrase_create`` so they are in the search index as the services leave them.
"""

import factory

from kefu.replies.models import ForbiddenPhrase, PhraseGroup, QuickPhrase


class PhraseGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PhraseGroup
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"分组{n}")
    position = factory.Sequence(lambda n: 100 + n)


class QuickPhraseFactory(factory.django.DjangoModelFactory):
    """A team phrase unless ``owner=`` is given."""

    class Meta:
        model = QuickPhrase

    group = factory.SubFactory(PhraseGroupFactory)
    text = factory.Sequence(lambda n: f"亲，这是第{n}条常用回复哦")
    shortcut = factory.Sequence(lambda n: f"t{n}")
    owner = None


class ForbiddenPhraseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ForbiddenPhrase
        django_get_or_create = ("phrase",)

    phrase = factory.Sequence(lambda n: f"禁用{n}")
    suggestion = "换个说法"
