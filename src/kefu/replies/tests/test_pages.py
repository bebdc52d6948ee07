"""The back-office pages under /desk/replies/: what each role sees and may do."""

import io

import pytest
from django.urls import reverse

from kefu.replies.models import AutoReplyRule, ForbiddenPhrase, PhraseGroup, Promotion, QuickPhrase
from kefu.replies.selectors import autoreply_no_answer_seconds

from .factories import QuickPhraseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def supervisor_client(client, supervisor):
    client.force_login(supervisor)
    return client


def test_pages_need_a_login(client):
    response = client.get(reverse("replies:phrases"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_nav_links_to_the_replies_pages_a_supervisor_edits(agent_client, login, supervisor):
    html = login(supervisor).get(reverse("replies:phrases")).content.decode()
    for name in ("replies:phrases", "replies:autoreply", "replies:forbidden", "replies:lint"):
        assert f'href="{reverse(name)}"' in html
    agents = agent_client.get(reverse("replies:phrases")).content.decode()
    assert f'href="{reverse("replies:phrases")}"' in agents
    assert f'href="{reverse("replies:autoreply")}"' not in agents


def test_the_phrase_list_shows_groups_usage_and_no_edit_for_team_phrases(agent_client, agent):
    QuickPhrase.objects.filter(shortcut="fh").update(use_count=12)
    QuickPhraseFactory(owner=agent, text="我自己的短语", shortcut="wo")
    html = agent_client.get(reverse("replies:phrases")).content.decode()
    assert "发货物流" in html and "最常用" in html and ">12<" in html
    fh = QuickPhrase.objects.get(shortcut="fh", owner__isnull=True)
    mine = QuickPhrase.objects.get(shortcut="wo")
    assert reverse("replies:phrase_edit", args=[fh.pk]) not in html
    assert reverse("replies:phrase_edit", args=[mine.pk]) in html


def test_the_phrase_list_keeps_query_count_flat(agent_client, agent, django_assert_max_num_queries):
    for i in range(30):
        QuickPhraseFactory(owner=agent, shortcut=f"q{i}")
    with django_assert_max_num_queries(12):
        agent_client.get(reverse("replies:phrases"))


def test_the_phrase_list_filters(agent_client, agent):
    QuickPhraseFactory(owner=agent, text="只属于我的话")
    html = agent_client.get(reverse("replies:phrases"), {"scope": "mine"}).content.decode()
    assert "只属于我的话" in html and "发货物流" not in html
    html = agent_client.get(reverse("replies:phrases"), {"q": "申通"}).content.decode()
    assert "申通" in html and "欢迎语" not in html


def test_customer_text_in_a_phrase_is_escaped(agent_client, agent):
    QuickPhraseFactory(owner=agent, text="<script>alert(1)</script>")
    html = agent_client.get(reverse("replies:phrases")).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_an_agent_adds_a_personal_phrase_from_the_page(agent_client, agent):
    response = agent_client.post(
        reverse("replies:phrase_add"), {"text": "亲，我是小美😊", "shortcut": "xm", "group": "自我介绍"}
    )
    assert response.status_code == 302
    phrase = QuickPhrase.objects.get(shortcut="xm")
    assert phrase.owner == agent


def test_an_agent_cannot_sneak_a_team_phrase_through_the_form(agent_client, agent):
    agent_client.post(reverse("replies:phrase_add"), {"text": "团队？", "scope": "team"})
    assert QuickPhrase.objects.get(text="团队？").owner == agent


def test_a_bad_form_keeps_what_was_typed(agent_client):
    response = agent_client.post(reverse("replies:phrase_add"), {"text": "我打的字", "shortcut": "有 空格"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "我打的字" in html and "不能有空格" in html


def test_a_supervisor_edits_and_deletes_a_team_phrase(supervisor_client):
    phrase = QuickPhrase.objects.get(shortcut="fh", owner__isnull=True)
    response = supervisor_client.post(
        reverse("replies:phrase_edit", args=[phrase.pk]),
        {"text": "新的发货话术", "shortcut": "fh", "group": "发货物流"},
    )
    assert response.status_code == 302
    phrase.refresh_from_db()
    assert phrase.text == "新的发货话术"
    supervisor_client.post(reverse("replies:phrase_delete", args=[phrase.pk]))
    assert not QuickPhrase.objects.filter(pk=phrase.pk).exists()


def test_an_agent_may_not_open_the_edit_page_of_a_team_phrase(agent_client):
    phrase = QuickPhrase.objects.filter(owner__isnull=True).first()
    assert agent_client.get(reverse("replies:phrase_edit", args=[phrase.pk])).status_code == 403
    assert agent_client.post(reverse("replies:phrase_delete", args=[phrase.pk])).status_code == 403
    assert QuickPhrase.objects.filter(pk=phrase.pk).exists()


def test_the_import_page_reports_lines(supervisor_client):
    upload = io.BytesIO("分组,快捷键,内容\n新品,n1,新品到了\n新品,n2,\n".encode())
    upload.name = "p.csv"
    response = supervisor_client.post(reverse("replies:phrase_import"), {"file": upload, "scope": "team"})
    html = response.content.decode()
    assert "新增 1 条" in html and "第 3 行" in html and "请填写短语内容" in html
    assert QuickPhrase.objects.filter(shortcut="n1", owner__isnull=True).exists()


def test_an_agents_import_lands_in_their_own_phrases(agent_client, agent):
    upload = io.BytesIO("内容\n我的导入短语\n".encode())
    upload.name = "p.csv"
    agent_client.post(reverse("replies:phrase_import"), {"file": upload, "scope": "team"})
    assert QuickPhrase.objects.get(text="我的导入短语").owner == agent


def test_an_unreadable_upload_shows_the_reason(supervisor_client):
    upload = io.BytesIO(b"\xd0\xcf\x11\xe0")
    upload.name = "old.xls"
    html = supervisor_client.post(reverse("replies:phrase_import"), {"file": upload}).content.decode()
    assert "另存为 .xlsx" in html


def test_export_downloads_from_the_page(agent_client):
    response = agent_client.get(reverse("replies:phrase_export"), {"format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_suggest_partial(agent_client):
    html = agent_client.get(reverse("replies:phrase_suggest"), {"q": "hy"}).content.decode()
    assert "/hy" in html


def test_the_lint_page_marks_the_hits_and_htmx_gets_the_partial(agent_client):
    response = agent_client.post(reverse("replies:lint"), {"text": "<b>不能</b>退", "customer_message": ""})
    html = response.content.decode()
    assert '<mark class="hit"' in html and "看看我能为您做些什么" in html
    assert "&lt;b&gt;" in html
    partial = agent_client.post(reverse("replies:lint"), {"text": "这款不会褪色"}, HTTP_HX_REQUEST="true")
    body = partial.content.decode()
    assert "<html" not in body and "没有发现禁用说法" in body


def test_agents_read_the_forbidden_list_but_cannot_edit(agent_client):
    html = agent_client.get(reverse("replies:forbidden")).content.decode()
    assert "这不是我应该做的" in html and "新增禁用说法" not in html
    agent_client.post(
        reverse("replies:forbidden"), {"phrase": "亲亲", "suggestion": "亲", "match": "contains"}
    )
    assert not ForbiddenPhrase.objects.filter(phrase="亲亲").exists()


def test_a_supervisor_adds_edits_and_deletes_a_forbidden_phrase(supervisor_client):
    supervisor_client.post(
        reverse("replies:forbidden"),
        {"phrase": "亲亲", "suggestion": "亲", "match": "contains", "is_active": "on"},
    )
    row = ForbiddenPhrase.objects.get(phrase="亲亲")
    assert row.is_active
    supervisor_client.post(
        reverse("replies:forbidden_edit", args=[row.pk]),
        {"phrase": "亲亲", "suggestion": "亲爱的", "match": "contains"},
    )
    row.refresh_from_db()
    assert (row.suggestion, row.is_active) == ("亲爱的", False)
    supervisor_client.post(reverse("replies:forbidden_delete", args=[row.pk]))
    assert not ForbiddenPhrase.objects.filter(pk=row.pk).exists()


def test_a_duplicate_forbidden_phrase_keeps_the_form(supervisor_client):
    html = supervisor_client.post(
        reverse("replies:forbidden"), {"phrase": "不能", "suggestion": "我打的建议", "match": "contains"}
    ).content.decode()
    assert "已在禁用列表中" in html and "我打的建议" in html


def test_the_autoreply_page_agents_read_supervisors_edit(agent_client, client, supervisor):
    html = agent_client.get(reverse("replies:autoreply")).content.decode()
    assert "大促模式" in html and "只有主管或管理员可以修改" in html
    assert agent_client.post(reverse("replies:autoreply_rule_save", args=["no_answer"])).status_code == 403
    client.force_login(supervisor)
    response = client.post(
        reverse("replies:autoreply_rule_save", args=["no_answer"]),
        {"no_answer-text": "马上来哦", "no_answer-is_enabled": ""},
    )
    assert response.status_code == 302
    rule = AutoReplyRule.objects.get(trigger="no_answer")
    assert (rule.text, rule.is_enabled) == ("马上来哦", False)


def test_the_promotion_form_on_the_page(supervisor_client):
    response = supervisor_client.post(
        reverse("replies:promotion_save"),
        {
            "promo-is_enabled": "on",
            "promo-name": "双11",
            "promo-starts_at": "2026-11-01T00:00",
            "promo-ends_at": "2026-11-11T23:59",
            "promo-offer": "全场5折包邮",
            "promo-text": "{活动名称}（{活动时间}）：{活动内容}",
        },
    )
    assert response.status_code == 302
    promotion = Promotion.objects.get()
    assert promotion.is_enabled and promotion.offer == "全场5折包邮"
    from django.utils import timezone

    assert timezone.localtime(promotion.starts_at).hour == 0  # read in the shop's time zone


def test_a_promotion_without_its_details_keeps_the_form(supervisor_client):
    html = supervisor_client.post(
        reverse("replies:promotion_save"),
        {"promo-is_enabled": "on", "promo-name": "我打的名字", "promo-text": "您好"},
    ).content.decode()
    assert "我打的名字" in html and "活动内容" in html
    assert not Promotion.objects.get().is_enabled


def test_the_wait_seconds_on_the_page(supervisor_client):
    supervisor_client.post(reverse("replies:no_answer_seconds_save"), {"wait-seconds": "40"})

    assert autoreply_no_answer_seconds() == 40


def test_a_supervisor_renames_moves_and_deletes_groups(supervisor_client):
    welcome = PhraseGroup.objects.get(name="欢迎语")
    waiting = PhraseGroup.objects.get(name="等待")
    supervisor_client.post(reverse("replies:group_move_up", args=[waiting.pk]))
    names = list(PhraseGroup.objects.order_by("position").values_list("name", flat=True))
    assert names.index("等待") < names.index("欢迎语")
    supervisor_client.post(reverse("replies:group_rename", args=[welcome.pk]), {"name": "开场白"})
    welcome.refresh_from_db()
    assert welcome.name == "开场白"
    html = supervisor_client.post(
        reverse("replies:group_delete", args=[welcome.pk]), follow=True
    ).content.decode()
    assert "请先移走或删除" in html
    empty = PhraseGroup.objects.create(name="空的")
    supervisor_client.post(reverse("replies:group_delete", args=[empty.pk]))
    assert not PhraseGroup.objects.filter(name="空的").exists()


def test_agents_see_groups_but_cannot_change_them(agent_client):
    assert "欢迎语" in agent_client.get(reverse("replies:groups")).content.decode()
    group = PhraseGroup.objects.get(name="欢迎语")
    assert (
        agent_client.post(reverse("replies:group_rename", args=[group.pk]), {"name": "x"}).status_code == 403
    )


def test_a_phrase_with_forbidden_wording_is_flagged_in_the_list(agent_client, agent):
    QuickPhraseFactory(owner=agent, text="这个不能退哦")
    QuickPhraseFactory(owner=agent, text="这款不会褪色哦")
    html = agent_client.get(reverse("replies:phrases"), {"scope": "mine"}).content.decode()
    assert html.count('class="small error lint-flag"') == 1
    assert "1 条含禁用说法" in html and "2 条从未使用" in html


def test_the_admin_shows_phrases_without_letting_rows_skip_the_services(client, make_user):
    boss = make_user("root", is_staff=True, is_superuser=True)
    client.force_login(boss)
    assert client.get("/admin/replies/quickphrase/").status_code == 200
    phrase = QuickPhrase.objects.first()
    response = client.post(f"/admin/replies/quickphrase/{phrase.pk}/change/", {"text": "改"})
    assert response.status_code == 403 or QuickPhrase.objects.get(pk=phrase.pk).text == phrase.text
