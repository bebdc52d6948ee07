"""The starter data migration is reversible, and ``seed.restore()`` puts back what a flush removed."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from kefu.replies import demo, seed, selectors
from kefu.replies.models import AutoReplyRule, ForbiddenPhrase, PhraseGroup, Promotion, QuickPhrase
from kefu.search.models import SearchEntry


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])


@pytest.mark.django_db(transaction=True)
def test_the_starter_data_migration_goes_back_and_forth(agent):
    own = QuickPhrase.objects.create(
        group=PhraseGroup.objects.get(name="欢迎语"), text="我自己的", owner=agent
    )
    try:
        _migrate(("replies", "0001_initial"))
        assert not QuickPhrase.objects.filter(owner__isnull=True).exists()
        assert not ForbiddenPhrase.objects.exists()
        assert not AutoReplyRule.objects.exists()
        assert not SearchEntry.objects.filter(kind="phrase", category_id__isnull=True).exists()
        assert QuickPhrase.objects.filter(pk=own.pk).exists()  # the shop's own phrases stay
    finally:
        # every migration again, not only the starter data: later tests on this worker need them
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert QuickPhrase.objects.filter(owner__isnull=True).count() == len(seed.PHRASES)
    assert ForbiddenPhrase.objects.count() == len(seed.FORBIDDEN)
    assert AutoReplyRule.objects.count() == 3
    assert Promotion.objects.count() == 1
    assert selectors.phrase_search(user=agent, text="发什么快递")


@pytest.mark.django_db
def test_restore_puts_back_only_what_is_missing(agent):
    QuickPhrase.objects.filter(shortcut="fh", owner__isnull=True).delete()
    ForbiddenPhrase.objects.filter(phrase="不能").delete()
    QuickPhrase.objects.filter(shortcut="hy", owner__isnull=True).update(text="店铺改过的欢迎语")
    seed.restore()
    assert QuickPhrase.objects.filter(shortcut="fh", owner__isnull=True).count() == 1
    assert ForbiddenPhrase.objects.filter(phrase="不能").count() == 1
    assert QuickPhrase.objects.get(shortcut="hy", owner__isnull=True).text == "店铺改过的欢迎语"
    assert QuickPhrase.objects.filter(owner__isnull=True).count() == len(seed.PHRASES)
    assert any(p.shortcut == "fh" for p in selectors.phrase_search(user=agent, text="几点前付款当天发货"))


def test_the_starter_data_has_the_shops_scripts():
    groups = {g for g, _s, _t in seed.PHRASES}
    assert groups == set(seed.GROUPS)
    assert {"欢迎语", "等待", "结束语", "发货物流", "价格优惠", "正品保障", "活动促销", "突发情况"} <= groups
    forbidden = {f[0] for f in seed.FORBIDDEN}
    assert {
        "不能",
        "不会",
        "不愿意",
        "不可",
        "我不能",
        "这不是我应该做的",
        "我想我做不了",
        "不可能",
        "完全不可以",
        "在",
        "没事了吧",
        "明白了吗",
    } <= forbidden
    shortcuts = [s for _g, s, _t in seed.PHRASES]
    assert len(shortcuts) == len(set(shortcuts))


@pytest.mark.django_db
def test_the_demo_loader_adds_phrases_and_usage_once():
    summary = demo.load()
    assert "快捷短语" in summary
    assert QuickPhrase.objects.get(owner__isnull=True, shortcut="hy").use_count == demo.USES["hy"]
    assert QuickPhrase.objects.filter(owner__username="agent").count() == len(demo.AGENT)
    assert selectors.phrase_search(user=None, text="敏感肌可以用吗")
