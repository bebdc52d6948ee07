"""The functions the desk's chat console calls (the contract of issue 5's replies part)."""

import datetime as dt
import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone

from kefu.core import shopsettings
from kefu.replies import selectors, services
from kefu.replies.linter import lint_reply
from kefu.replies.models import AutoReplyRule, ForbiddenPhrase, LintOverride, Promotion, QuickPhrase

from .factories import PhraseGroupFactory, QuickPhraseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def only_test_phrases():
    """Start from no phrases at all, so a suggestion list holds only what the test made."""
    QuickPhrase.objects.all().delete()


# --- phrase_suggest: the "/" menu ---------------------------------------------------------


def test_suggest_puts_shortcut_matches_before_text_matches(agent, only_test_phrases):
    by_text = QuickPhraseFactory(shortcut="zz", text="亲，fh 就是发货的意思", use_count=99)
    prefix = QuickPhraseFactory(shortcut="fhsj", text="发货时间……", use_count=1)
    exact = QuickPhraseFactory(shortcut="fh", text="当天发货", use_count=0)
    assert selectors.phrase_suggest(user=agent, query="fh") == [exact, prefix, by_text]


def test_suggest_orders_equals_by_use_count(agent, only_test_phrases):
    rare = QuickPhraseFactory(shortcut="kd1", use_count=2)
    common = QuickPhraseFactory(shortcut="kd2", use_count=40)
    assert selectors.phrase_suggest(user=agent, query="/kd") == [common, rare]


def test_suggest_matches_part_of_the_text(agent, only_test_phrases):
    phrase = QuickPhraseFactory(shortcut="x1", text="亲，我们默认发申通快递哦")
    QuickPhraseFactory(shortcut="x2", text="欢迎光临")
    assert selectors.phrase_suggest(user=agent, query="申通") == [phrase]


def test_suggest_offers_team_and_own_phrases_never_a_colleagues(agent, make_user, only_test_phrases):
    colleague = make_user("xiaoli", "客服")
    team = QuickPhraseFactory(shortcut="hy1")
    mine = QuickPhraseFactory(shortcut="hy2", owner=agent)
    QuickPhraseFactory(shortcut="hy3", owner=colleague)
    assert set(selectors.phrase_suggest(user=agent, query="hy")) == {team, mine}


def test_suggest_respects_the_limit_and_an_empty_query_lists_the_most_used(agent, only_test_phrases):
    phrases = [QuickPhraseFactory(shortcut=f"a{i}", use_count=i) for i in range(12)]
    assert (
        selectors.phrase_suggest(user=agent, query="a", limit=8)
        == sorted(phrases, key=lambda p: -p.use_count)[:8]
    )
    assert selectors.phrase_suggest(user=agent, query="", limit=3) == phrases[::-1][:3]


def test_suggest_reads_full_width_letters(agent, only_test_phrases):
    phrase = QuickPhraseFactory(shortcut="fh")
    assert selectors.phrase_suggest(user=agent, query="ｆｈ") == [phrase]


# --- phrase_search: suggested answers -----------------------------------------------------


def test_search_finds_the_starter_phrases_for_a_customer_question(agent):
    found = selectors.phrase_search(user=agent, text="今天下单什么时候发货呀")
    assert found and found[0].group.name == "发货物流"
    assert len(found) <= 3


def test_search_finds_the_authenticity_answers(agent):
    found = selectors.phrase_search(user=agent, text="你们这个是正品吗？有授权书吗")
    assert {p.shortcut for p in found} & {"zp", "sq"}


def test_search_keeps_a_colleagues_personal_phrases_out(agent, make_user):
    colleague = make_user("xiaoli", "客服")
    services.phrase_create(text="榴莲味的月饼明天到货", group="新品", by=colleague)
    assert selectors.phrase_search(user=agent, text="榴莲月饼") == []
    mine = services.phrase_create(text="榴莲味的月饼下周到货", group="新品", by=agent)
    assert selectors.phrase_search(user=agent, text="榴莲月饼") == [mine]


def test_search_follows_edits_and_deletes(supervisor, agent):
    phrase = services.phrase_create(text="亲，榴莲酥已经售罄了", group="新品", by=supervisor, team=True)
    assert selectors.phrase_search(user=agent, text="榴莲酥") == [phrase]
    services.phrase_update(phrase=phrase, by=supervisor, text="亲，芒果干下周补货", group="新品")
    assert selectors.phrase_search(user=agent, text="榴莲酥") == []
    assert selectors.phrase_search(user=agent, text="芒果干") == [phrase]
    services.phrase_delete(phrase=phrase, by=supervisor)
    assert selectors.phrase_search(user=agent, text="芒果干") == []


def test_search_of_nothing_is_nothing(agent):
    assert selectors.phrase_search(user=agent, text="  ") == []


# --- phrase_render ------------------------------------------------------------------------


def test_render_fills_every_placeholder(supervisor):
    shopsettings.shop_setting_set(key="shop_name", value="天天化妆品店", by=supervisor)
    phrase = QuickPhraseFactory(
        text="{买家}您好，{店铺}客服{客服}为您服务，订单{订单号}在{发货截止时间}前付款当天发货"
    )
    text = services.phrase_render(phrase=phrase, buyer="小王", agent_name="小美", order_number="T1001")
    assert text == "小王您好，天天化妆品店客服小美为您服务，订单T1001在16:30前付款当天发货"


def test_render_follows_the_shipping_cutoff_setting(supervisor):
    shopsettings.shop_setting_set(key="shipping_cutoff", value="17:00", by=supervisor)
    phrase = QuickPhraseFactory(text="{发货截止时间}前付款当天发")
    assert services.phrase_render(phrase=phrase) == "17:00前付款当天发"


def test_render_calls_an_unknown_buyer_qin_and_leaves_a_missing_order_for_the_agent():
    phrase = QuickPhraseFactory(text="{买家}，订单{订单号}已发出 😊 {别的}")
    assert services.phrase_render(phrase=phrase) == "亲，订单{订单号}已发出 😊 {别的}"


# --- phrase_use_record ----------------------------------------------------------------------


def test_use_record_counts_each_use(agent):
    phrase = QuickPhraseFactory()
    services.phrase_use_record(phrase=phrase, by=agent)
    services.phrase_use_record(phrase=phrase, by=agent)
    phrase.refresh_from_db()
    assert phrase.use_count == 2
    assert phrase.last_used_at is not None


def test_use_record_refuses_a_colleagues_personal_phrase(agent, make_user):
    phrase = QuickPhraseFactory(owner=make_user("xiaoli", "客服"))
    with pytest.raises(PermissionDenied):
        services.phrase_use_record(phrase=phrase, by=agent)
    phrase.refresh_from_db()
    assert phrase.use_count == 0


@pytest.mark.django_db(transaction=True)
def test_use_record_loses_no_count_when_agents_insert_at_once(make_user):
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith("file:memory"):
        pytest.skip("threads need a shared database")
    agents = [make_user(f"agent{i}", "客服") for i in range(4)]
    phrase = QuickPhraseFactory()
    barrier = threading.Barrier(len(agents))
    errors = []

    def use(user):
        try:
            barrier.wait()
            for _ in range(5):
                services.phrase_use_record(phrase=phrase, by=user)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=use, args=(u,)) for u in agents]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    phrase.refresh_from_db()
    assert phrase.use_count == 20


# --- lint_override_record -------------------------------------------------------------------


def test_override_counts_each_phrase_once_and_logs_the_message(agent):
    text = "不能退，真的不能，没事了吧"
    hits = lint_reply(text)
    services.lint_override_record(by=agent, text=text, hits=hits)
    counts = dict(
        ForbiddenPhrase.objects.filter(phrase__in=["不能", "没事了吧"]).values_list(
            "phrase", "override_count"
        )
    )
    assert counts == {"不能": 1, "没事了吧": 1}
    log = LintOverride.objects.get()
    assert (log.by, log.text, log.phrases) == (agent, text, ["不能", "没事了吧"])


def test_override_without_hits_records_nothing(agent):
    services.lint_override_record(by=agent, text="您好", hits=[])
    assert not LintOverride.objects.exists()


# --- autoreply_text -------------------------------------------------------------------------


def test_each_shipped_autoreply_has_a_text():
    for trigger in ("first_message", "no_answer", "off_hours"):
        assert selectors.autoreply_text(trigger=trigger)


def test_autoreply_fills_the_shop_name(supervisor):
    shopsettings.shop_setting_set(key="shop_name", value="天天化妆品店", by=supervisor)
    assert "天天化妆品店" in selectors.autoreply_text(trigger="first_message")


def test_a_switched_off_rule_gives_none(supervisor):
    services.autoreply_rule_update(trigger="no_answer", by=supervisor, text="请稍等", is_enabled=False)
    assert selectors.autoreply_text(trigger="no_answer") is None


def test_an_unknown_trigger_is_a_programming_error():
    with pytest.raises(ValueError):
        selectors.autoreply_text(trigger="hello")


def test_promotion_mode_carries_its_name_period_and_offer(supervisor):
    start = timezone.now() - dt.timedelta(hours=1)
    end = timezone.now() + dt.timedelta(days=2)
    services.promotion_update(
        by=supervisor,
        is_enabled=True,
        name="双11大促",
        offer="全场5折包邮，满300减30",
        text="亲，{店铺}{活动名称}（{活动时间}）：{活动内容}！{买家}请尽量自助购物哦",
        starts_at=start,
        ends_at=end,
    )
    text = selectors.autoreply_text(trigger="first_message", buyer="小王")
    assert "双11大促" in text
    assert "全场5折包邮，满300减30" in text
    assert selectors.promotion_period(Promotion.objects.get()) in text
    assert f"{timezone.localtime(end).day}日" in text
    assert "小王" in text
    assert "{" not in text


def test_promotion_mode_outside_its_period_leaves_the_plain_welcome(supervisor):
    services.promotion_update(
        by=supervisor,
        is_enabled=True,
        name="双12",
        offer="满200减20",
        text="{活动名称}：{活动内容}",
        starts_at=timezone.now() + dt.timedelta(days=3),
    )
    assert selectors.autoreply_text(trigger="first_message") == selectors.autoreply_text(
        trigger="first_message"
    )
    assert "满200减20" not in selectors.autoreply_text(trigger="first_message")


def test_promotion_mode_does_not_touch_the_other_triggers(supervisor):
    services.promotion_update(by=supervisor, is_enabled=True, name="双11", offer="5折", text="{活动内容}")
    assert "5折" not in selectors.autoreply_text(trigger="no_answer")


def test_no_answer_seconds_is_the_shop_setting(supervisor):
    assert selectors.autoreply_no_answer_seconds() == 20
    services.autoreply_no_answer_seconds_set(seconds=45, by=supervisor)
    assert selectors.autoreply_no_answer_seconds() == 45


def test_the_rules_exist_once_per_trigger():
    assert sorted(AutoReplyRule.objects.values_list("trigger", flat=True)) == [
        "first_message",
        "no_answer",
        "off_hours",
    ]


def test_phrase_group_factory_makes_groups():
    assert PhraseGroupFactory(name="x").name == "x"
