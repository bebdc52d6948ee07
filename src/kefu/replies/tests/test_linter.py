"""The reply linter against the shipped forbidden list: hits, and the sentences that must not alarm."""

import pytest

from kefu.core.models import ShopSetting
from kefu.replies.linter import LintHit, LintRule, lint, lint_reply
from kefu.replies.models import ForbiddenPhrase
from kefu.replies.seed import AUTOREPLIES, PHRASES, PROMOTION

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "customer", "found"),
    [
        # the shop's 语言规范 list: each is a hit
        ("这个不能退哦", "", ["不能"]),
        ("我不能给您改价", "", ["我不能"]),
        ("这个我们不会弄", "", ["不会"]),
        ("我不愿意这样做", "", ["不愿意"]),
        ("这个不可以的亲", "", ["不可"]),
        ("这不是我应该做的", "", ["这不是我应该做的"]),
        ("我想我做不了", "", ["我想我做不了"]),
        ("不可能的吧", "", ["不可能"]),
        ("完全不可以", "", ["完全不可以"]),
        ("没事了吧？", "", ["没事了吧"]),
        ("明白了吗", "", ["明白了吗"]),
        ("我不太清楚。", "", ["我不太清楚"]),
        ("我不会做这个", "", ["我不会做"]),
        ("喂，这又不是我的错呀", "", ["不是我的错"]),
        # a bare 在 (or 在的 / 在呢亲~) answering 在吗
        ("在", "在吗", ["在"]),
        ("在的亲~", "在吗？", ["在"]),
        ("在呢", "亲，在不在", ["在"]),
        ("嗯", "", ["嗯"]),
        # several hits, in text order; the longest wording wins where they overlap
        ("这个不能退，我也不会改", "", ["不能", "不会"]),
        ("我不能，也不可能", "", ["我不能", "不可能"]),
        # a quote only protects what is inside it
        ("您说“可以退”，但是不能退", "", ["不能"]),
        # the fact exemption needs the property right after the negation
        ("这款不会掉色，但不能机洗", "", ["不能"]),
        # ---- not hits ----
        ("这款面料不会褪色的，请放心", "", []),
        ("我们的面霜很温和，不会过敏", "", []),
        ("不会轻易起球的哦", "", []),
        ("放心，不会影响您使用", "", []),
        ("我们不能不为您着想", "", []),
        ("这个问题我们不会不管的", "", []),
        ("您问能不能改地址，可以的", "", []),
        ("您看会不会是快递放在驿站了？", "", []),
        ("可不可以先拍下，我给您备注", "", []),
        ("您说的“不能退货”是指哪一单呢？", "", []),
        ('您说的"不会发货"我们查一下', "", []),
        ("您刚才说「不可以换」对吗", "", []),
        ("售后服务是必不可少的", "", []),
        ("这次活动千万不能错过哦", "", []),
        ("这个价格不可多得", "", []),
        ("实物拍摄，不会有色差的", "", []),
        ("推荐您看看《不能说的秘密》同款", "", []),
        ("在的，请问有什么可以帮您？", "在吗", []),
        ("在", "这件有货吗", []),  # 在 answers a question about stock, not 在吗
        ("您好，请问有什么可以帮助您的吗？", "在吗", []),
        ("请问还有什么可以帮助您？", "", []),
        ("", "", []),
        ("   ", "在吗", []),
    ],
)
def test_lint_reply_table(text, customer, found):
    hits = lint_reply(text, customer_message=customer)
    assert [h.phrase for h in hits] == found
    for hit in hits:
        assert text[hit.start : hit.end] == hit.phrase
        assert hit.suggestion


def test_a_hit_carries_the_better_wording_and_why():
    (hit,) = lint_reply("没事了吧")
    assert hit == LintHit(
        phrase="没事了吧", start=0, end=4, suggestion="请问还有什么可以帮助您？", reason="像在催客户离开"
    )


def test_offsets_point_into_the_original_text():
    text = "亲～您好！这个我不能帮您改"
    (hit,) = lint_reply(text)
    assert (hit.start, hit.end) == (text.index("我不能"), text.index("我不能") + 3)


def test_a_switched_off_phrase_is_not_checked():
    ForbiddenPhrase.objects.filter(phrase="明白了吗").update(is_active=False)
    assert lint_reply("明白了吗") == []


def test_a_shop_added_phrase_is_checked_at_once():
    ForbiddenPhrase.objects.create(phrase="亲亲", suggestion="亲")
    assert [h.phrase for h in lint_reply("亲亲，在的")] == ["亲亲"]


def test_the_shop_edits_the_fact_words(settings):
    assert lint_reply("这个不会发霉") == []
    ShopSetting.objects.update_or_create(key="reply_lint_fact_words", defaults={"value": ["褪色"]})
    assert [h.phrase for h in lint_reply("这个不会发霉")] == ["不会"]


def test_the_pure_linter_runs_on_rules_without_the_database():
    rules = [LintRule(phrase="不行", suggestion="我们来想办法")]
    assert [h.phrase for h in lint("这样不行", rules=rules)] == ["不行"]
    assert lint("“不行”是您说的", rules=rules) == []


def test_every_starter_phrase_passes_the_linter():
    """The shop's own scripts must not teach the wording the linter forbids."""
    texts = [t for _g, _s, t in PHRASES] + [t for _tr, t, _on in AUTOREPLIES] + [PROMOTION["text"]]
    bad = {t: [h.phrase for h in lint_reply(t)] for t in texts if lint_reply(t)}
    assert bad == {}
