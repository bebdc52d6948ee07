"""Factories for the help center's tests.

Articles are created directly (fast, no permission check) but then go through the services'
``_index`` so that a published article is in the search index exactly as the services leave it.
"""

import factory
from django.utils import timezone

from kefu.helpcenter import services
from kefu.helpcenter.models import Article, Category, Question, Tag


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"类别{n}")
    position = factory.Sequence(lambda n: n + 1)


class ArticleFactory(factory.django.DjangoModelFactory):
    """A published article, indexed for search; ``tags=["退货", ...]`` sets its tags."""

    class Meta:
        model = Article
        skip_postgeneration_save = True

    category = factory.SubFactory(CategoryFactory)
    title = factory.Sequence(lambda n: f"常见问题第{n}条")
    body = "请在订单页面联系在线客服，我们会尽快为您处理。"
    status = Article.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.set([Tag.objects.get_or_create(name=name)[0] for name in extracted])

    @factory.post_generation
    def indexed(self, create, extracted, **kwargs):
        # Runs after tags, so the index carries them as the services do.
        if create and extracted is not False:
            services._index(self)


class QuestionFactory(factory.django.DjangoModelFactory):
    """A customer's question as the public form stores it (new, with a phone number)."""

    class Meta:
        model = Question

    category = None
    title = factory.Sequence(lambda n: f"客户问题{n}：什么时候发货")
    details = "我昨天下的单，想知道什么时候能发货。"
    name = "张女士"
    phone = "13800138000"
    email = ""
    im_id = ""
    status = Question.Status.NEW
