"""Who may change what, and what a bad input gets: the services' rules."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kefu.core import shopsettings
from kefu.core.models import ActivityLog
from kefu.replies import selectors, services
from kefu.replies.linter import lint_reply
from kefu.replies.models import ForbiddenPhrase, PhraseGroup, QuickPhrase

from .factories import QuickPhraseFactory

pytestmark = pytest.mark.django_db


def test_an_agent_makes_a_personal_phrase(agent):
    phrase = services.phrase_create(text="亲，我是小美 😊", shortcut="xm", group="自我介绍", by=agent)
    assert (phrase.owner, phrase.group.name, phrase.shortcut) == (agent, "自我介绍", "xm")
    assert ActivityLog.objects.filter(verb="phrase_create", object_id=str(phrase.pk)).exists()


def test_an_agent_may_not_make_a_team_phrase(agent):
    with pytest.raises(PermissionDenied):
        services.phrase_create(text="团队的话", by=agent, team=True)
    assert not QuickPhrase.objects.filter(text="团队的话").exists()


@pytest.mark.parametrize("who", ["supervisor", "admin_user"])
def test_supervisor_and_admin_make_team_phrases(request, who):
    user = request.getfixturevalue(who)
    phrase = services.phrase_create(text="团队的话", by=user, team=True)
    assert phrase.owner is None


def test_an_agent_edits_only_their_own_phrases(agent, make_user):
    team = QuickPhrase.objects.filter(owner__isnull=True).first()
    other = QuickPhraseFactory(owner=make_user("xiaoli", "客服"))
    for phrase in (team, other):
        with pytest.raises(PermissionDenied):
            services.phrase_update(phrase=phrase, by=agent, text="改了", group="x")
        with pytest.raises(PermissionDenied):
            services.phrase_delete(phrase=phrase, by=agent)
    team.refresh_from_db()
    assert team.text != "改了"
    assert QuickPhrase.objects.filter(pk=other.pk).exists()


def test_a_supervisor_may_not_edit_an_agents_personal_phrase(supervisor, agent):
    mine = QuickPhraseFactory(owner=agent)
    with pytest.raises(PermissionDenied):
        services.phrase_update(phrase=mine, by=supervisor, text="改了", group="x")


def test_a_non_member_may_do_nothing(make_user):
    outsider = make_user("visitor")
    with pytest.raises(PermissionDenied):
        services.phrase_create(text="你好", by=outsider)


@pytest.mark.parametrize(
    ("text", "shortcut", "group", "field"),
    [
        ("", "a", "g", "text"),
        ("   ", "a", "g", "text"),
        ("长" * 1001, "a", "g", "text"),
        ("好", "有 空格", "g", "shortcut"),
        ("好", "a/b", "g", "shortcut"),
        ("好", "x" * 21, "g", "shortcut"),
        ("好", "a", "组" * 51, "group"),
    ],
)
def test_bad_fields_are_refused_in_chinese(agent, text, shortcut, group, field):
    with pytest.raises(ValidationError) as exc:
        services.phrase_create(text=text, shortcut=shortcut, group=group, by=agent)
    assert field in exc.value.message_dict
    assert not QuickPhrase.objects.filter(owner=agent).exists()


def test_one_shortcut_inserts_one_phrase_and_a_clash_says_whose_it_is(agent, supervisor, make_user):
    colleague = make_user("xiaowang", "客服", first_name="小王")
    services.phrase_create(text="亲，您好，很高兴为您服务", shortcut="hi", by=supervisor, team=True)
    services.phrase_create(text="我的开场白", shortcut="mine", by=colleague)

    refused = {}
    for label, kwargs in {
        "team twice": {"text": "又一条团队", "shortcut": "hi", "by": supervisor, "team": True},
        "personal over team": {"text": "我的问候", "shortcut": "hi", "by": agent},
        "team over personal": {"text": "团队开场", "shortcut": "mine", "by": supervisor, "team": True},
    }.items():
        with pytest.raises(ValidationError) as exc:
            services.phrase_create(**kwargs)
        refused[label] = exc.value.message_dict["shortcut"][0]

    assert "团队短语“亲，您好" in refused["team twice"] and "/hi" in refused["team twice"]
    assert "团队短语" in refused["personal over team"]
    assert "小王 的个人短语" in refused["team over personal"]
    # two agents may each have their own /mine
    services.phrase_create(text="我自己的", shortcut="mine", by=agent)
    assert QuickPhrase.objects.filter(shortcut="mine").count() == 2


def test_a_leading_slash_and_full_width_letters_are_tidied_from_the_shortcut(agent):
    assert services.phrase_create(text="好", shortcut="/ｆｈ２", by=agent).shortcut == "fh2"


def test_an_empty_group_means_the_default_group(agent):
    assert services.phrase_create(text="好", by=agent).group.name == services.DEFAULT_GROUP


def test_a_group_with_phrases_cannot_be_deleted_an_empty_one_can(supervisor):
    group = PhraseGroup.objects.get(name="欢迎语")
    with pytest.raises(ValidationError):
        services.phrase_group_delete(group=group, by=supervisor)
    empty = PhraseGroup.objects.create(name="空组")
    services.phrase_group_delete(group=empty, by=supervisor)
    assert not PhraseGroup.objects.filter(name="空组").exists()


def test_renaming_a_group_moves_its_phrases_in_search(supervisor, agent):
    phrase = services.phrase_create(text="亲，这款有现货的哦", group="库存", by=supervisor, team=True)
    services.phrase_group_rename(group=phrase.group, name="榴莲专区", by=supervisor)
    assert phrase in selectors.phrase_search(user=agent, text="榴莲专区")


# --- forbidden phrases ----------------------------------------------------------------------


def test_a_supervisor_adds_a_forbidden_phrase_an_agent_may_not(supervisor, agent):
    with pytest.raises(PermissionDenied):
        services.forbidden_phrase_create(phrase="亲亲", suggestion="亲", by=agent)
    row = services.forbidden_phrase_create(phrase="亲亲", suggestion="亲", by=supervisor)
    assert row.is_active and row.match == "contains"


def test_a_forbidden_phrase_needs_a_suggestion_and_is_unique(supervisor):
    with pytest.raises(ValidationError) as exc:
        services.forbidden_phrase_create(phrase="新词", suggestion="", by=supervisor)
    assert "suggestion" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.forbidden_phrase_create(phrase="不能", suggestion="x", by=supervisor)
    assert "已在禁用列表中" in exc.value.message_dict["phrase"][0]


def test_updating_a_forbidden_phrase_changes_the_linter(supervisor):
    row = ForbiddenPhrase.objects.get(phrase="明白了吗")
    services.forbidden_phrase_update(
        forbidden=row, by=supervisor, phrase="明白了吗", suggestion="您看这样清楚吗？", is_active=True
    )
    assert lint_reply("明白了吗")[0].suggestion == "您看这样清楚吗？"
    services.forbidden_phrase_delete(forbidden=row, by=supervisor)
    assert lint_reply("明白了吗") == []


# --- auto-reply -----------------------------------------------------------------------------


def test_only_a_supervisor_edits_auto_replies(agent, supervisor):
    with pytest.raises(PermissionDenied):
        services.autoreply_rule_update(trigger="first_message", by=agent, text="hi", is_enabled=True)
    rule = services.autoreply_rule_update(
        trigger="first_message", by=supervisor, text="您好{买家}", is_enabled=True
    )
    assert rule.updated_by == supervisor
    assert selectors.autoreply_text(trigger="first_message", buyer="小王") == "您好小王"


def test_an_enabled_auto_reply_needs_a_text(supervisor):
    with pytest.raises(ValidationError):
        services.autoreply_rule_update(trigger="no_answer", by=supervisor, text=" ", is_enabled=True)


@pytest.mark.parametrize("seconds", [0, 4, 3601, "abc"])
def test_the_no_answer_wait_must_be_sensible(supervisor, seconds):
    with pytest.raises(ValidationError):
        services.autoreply_no_answer_seconds_set(seconds=seconds, by=supervisor)
    assert selectors.autoreply_no_answer_seconds() == 20


def test_an_agent_may_not_change_the_wait(agent):
    with pytest.raises(PermissionDenied):
        services.autoreply_no_answer_seconds_set(seconds=30, by=agent)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"name": "", "offer": "5折", "text": "{活动内容}"}, "name"),
        ({"name": "双11", "offer": "", "text": "{活动内容}"}, "offer"),
        ({"name": "双11", "offer": "5折", "text": "您好，欢迎光临"}, "text"),
    ],
)
def test_promotion_mode_on_must_carry_its_details(supervisor, values, field):
    with pytest.raises(ValidationError) as exc:
        services.promotion_update(by=supervisor, is_enabled=True, **values)
    assert field in exc.value.message_dict


def test_promotion_period_must_run_forwards(supervisor):
    import datetime as dt

    from django.utils import timezone

    now = timezone.now()
    with pytest.raises(ValidationError) as exc:
        services.promotion_update(
            by=supervisor,
            is_enabled=False,
            name="x",
            offer="y",
            text="z",
            starts_at=now,
            ends_at=now - dt.timedelta(hours=1),
        )
    assert "ends_at" in exc.value.message_dict


def test_an_agent_may_not_switch_promotion_mode(agent):
    with pytest.raises(PermissionDenied):
        services.promotion_update(by=agent, is_enabled=True, name="x", offer="y", text="{活动内容}")


@pytest.mark.parametrize(
    ("start", "end", "clock", "off"),
    [
        ("09:00", "23:00", "08:59", True),
        ("09:00", "23:00", "09:00", False),
        ("09:00", "23:00", "22:59", False),
        ("09:00", "23:00", "23:00", True),
        ("20:00", "02:00", "01:00", False),
        ("20:00", "02:00", "12:00", True),
        ("00:00", "24:00", "23:59", False),
        ("08:00", "08:00", "03:00", False),
    ],
)
def test_off_hours_follow_the_shop_settings(supervisor, start, end, clock, off):
    import datetime as dt

    from django.utils import timezone

    shopsettings.shop_setting_set(key="work_hours_start", value=start, by=supervisor)
    shopsettings.shop_setting_set(key="work_hours_end", value=end, by=supervisor)
    hours, minutes = map(int, clock.split(":"))
    now = timezone.make_aware(dt.datetime(2026, 11, 11, hours, minutes))
    assert selectors.autoreply_is_off_hours(now) is off
