"""The replies API (/api/v1/replies/): the same rules as the services, as JSON."""

import io

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from kefu.replies.models import ForbiddenPhrase, LintOverride, PhraseGroup, QuickPhrase

from .factories import QuickPhraseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_as():
    def login(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return login


def url(name, *args):
    return reverse(f"replies_api:{name}", args=args)


def test_anonymous_and_non_members_are_refused(make_user):
    assert APIClient().get(url("phrases")).status_code in (401, 403)
    client = APIClient()
    client.force_authenticate(make_user("visitor"))
    assert client.post(url("lint"), {"text": "不能"}, format="json").status_code == 403


def test_lint_returns_the_hits_with_their_suggestions(api_as, agent):
    response = api_as(agent).post(url("lint"), {"text": "在", "customer_message": "在吗"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["clean"] is False
    assert body["hits"] == [
        {
            "phrase": "在",
            "start": 0,
            "end": 1,
            "suggestion": "您好，请问有什么可以帮助您的吗？",
            "reason": "只回一个“在”显得冷淡",
        }
    ]
    clean = api_as(agent).post(url("lint"), {"text": "这款不会褪色"}, format="json").json()
    assert clean == {"clean": True, "hits": []}


def test_sending_anyway_is_counted_from_the_servers_own_check(api_as, agent):
    response = api_as(agent).post(url("lint_override"), {"text": "没事了吧"}, format="json")
    assert response.status_code == 200
    assert ForbiddenPhrase.objects.get(phrase="没事了吧").override_count == 1
    assert LintOverride.objects.get().by == agent


def test_suggest_through_q(api_as, agent):
    body = api_as(agent).get(url("phrases"), {"q": "fh"}).json()
    assert body["results"][0]["shortcut"] == "fh"
    assert body["results"][0]["scope"] == "team"
    assert body["results"][0]["can_edit"] is False


def test_the_list_is_paginated_and_filtered_by_scope(api_as, agent):
    QuickPhraseFactory(owner=agent, text="我的短语")
    body = api_as(agent).get(url("phrases"), {"scope": "mine"}).json()
    assert body["count"] == 1 and body["results"][0]["text"] == "我的短语"
    assert api_as(agent).get(url("phrases")).json()["count"] == QuickPhrase.objects.count()


def test_create_update_delete_a_personal_phrase(api_as, agent):
    client = api_as(agent)
    created = client.post(
        url("phrases"), {"text": "亲，我是小美", "shortcut": "xm", "group": "自我介绍"}, format="json"
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    assert created.json()["scope"] == "personal" and created.json()["can_edit"] is True
    patched = client.patch(url("phrase", pk), {"text": "亲，我是客服小美"}, format="json")
    assert patched.status_code == 200 and patched.json()["text"] == "亲，我是客服小美"
    assert patched.json()["shortcut"] == "xm"
    assert client.delete(url("phrase", pk)).status_code == 204
    assert not QuickPhrase.objects.filter(pk=pk).exists()


def test_an_agent_gets_403_for_a_team_phrase_and_400_with_chinese_errors(api_as, agent):
    client = api_as(agent)
    assert client.post(url("phrases"), {"text": "x", "scope": "team"}, format="json").status_code == 403
    team = QuickPhrase.objects.filter(owner__isnull=True).first()
    assert client.patch(url("phrase", team.pk), {"text": "改"}, format="json").status_code == 403
    bad = client.post(url("phrases"), {"text": "", "shortcut": "a b"}, format="json")
    assert bad.status_code == 400
    assert "text" in bad.json() and "shortcut" in bad.json()


def test_a_colleagues_personal_phrase_is_hidden(api_as, agent, make_user):
    other = QuickPhraseFactory(owner=make_user("xiaoli", "客服"))
    assert api_as(agent).get(url("phrase", other.pk)).status_code == 403
    assert api_as(agent).get(url("phrase", 999999)).status_code == 404


def test_render_fills_the_placeholders_and_may_count_the_use(api_as, agent):
    phrase = QuickPhraseFactory(text="{买家}您好，我是{客服}，订单{订单号}")
    body = (
        api_as(agent)
        .post(
            url("phrase_render", phrase.pk),
            {"buyer": "小王", "order_number": "T1", "record_use": True},
            format="json",
        )
        .json()
    )
    assert body == {"text": "小王您好，我是小美，订单T1"}
    phrase.refresh_from_db()
    assert phrase.use_count == 1
    assert api_as(agent).post(url("phrase_use", phrase.pk)).status_code == 204
    phrase.refresh_from_db()
    assert phrase.use_count == 2


def test_search_suggests_phrases_for_a_customer_message(api_as, agent):
    body = api_as(agent).get(url("phrase_search"), {"text": "你们发什么快递"}).json()
    assert 0 < len(body) <= 3
    assert any(p["group"] == "发货物流" for p in body)


def test_import_reports_bad_lines_and_export_downloads(api_as, supervisor):
    client = api_as(supervisor)
    upload = io.BytesIO("分组,快捷键,内容\n新品,n1,新品到了\n新品,n2,\n".encode("gbk"))
    upload.name = "phrases.csv"
    response = client.post(url("phrase_import"), {"file": upload, "scope": "team"}, format="multipart")
    assert response.status_code == 200
    assert response.json()["created"] == 1
    assert response.json()["errors"] == [{"line": 3, "reason": "请填写短语内容。"}]
    export = client.get(url("phrase_export"), {"type": "xlsx"})
    assert export.status_code == 200
    assert export["Content-Disposition"].endswith('.xlsx"')
    csv_export = client.get(url("phrase_export"), {"type": "csv"})
    assert "新品到了" in csv_export.content.decode("utf-8-sig")


def test_an_unreadable_upload_is_a_400(api_as, supervisor):
    upload = io.BytesIO(b"\xd0\xcf\x11\xe0")
    upload.name = "old.xls"
    response = api_as(supervisor).post(url("phrase_import"), {"file": upload}, format="multipart")
    assert response.status_code == 400
    assert ".xlsx" in str(response.json())


def test_forbidden_phrases_agents_read_supervisors_edit(api_as, agent, supervisor):
    assert len(api_as(agent).get(url("forbidden")).json()) == ForbiddenPhrase.objects.count()
    assert (
        api_as(agent)
        .post(url("forbidden"), {"phrase": "亲亲", "suggestion": "亲"}, format="json")
        .status_code
        == 403
    )
    created = api_as(supervisor).post(url("forbidden"), {"phrase": "亲亲", "suggestion": "亲"}, format="json")
    assert created.status_code == 201
    pk = created.json()["id"]
    patched = api_as(supervisor).patch(url("forbidden_detail", pk), {"is_active": False}, format="json")
    assert patched.status_code == 200 and patched.json()["is_active"] is False
    assert patched.json()["suggestion"] == "亲"
    assert api_as(supervisor).delete(url("forbidden_detail", pk)).status_code == 204


def test_auto_replies_read_and_edit(api_as, agent, supervisor):
    body = api_as(agent).get(url("autoreplies")).json()
    assert [r["trigger"] for r in body["rules"]] == ["first_message", "no_answer", "off_hours"]
    assert body["no_answer_seconds"] == 20
    assert body["promotion"]["is_enabled"] is False
    assert (
        api_as(agent)
        .put(url("autoreply", "no_answer"), {"text": "稍等", "is_enabled": True}, format="json")
        .status_code
        == 403
    )
    response = api_as(supervisor).put(
        url("autoreply", "no_answer"), {"text": "稍等哦", "is_enabled": False}, format="json"
    )
    assert response.status_code == 200
    assert api_as(agent).get(url("autoreply_preview"), {"trigger": "no_answer"}).json() == {"text": None}
    assert (
        api_as(supervisor)
        .put(url("autoreply", "nope"), {"text": "x", "is_enabled": True}, format="json")
        .status_code
        == 400
    )


def test_promotion_mode_through_the_api(api_as, supervisor):
    client = api_as(supervisor)
    response = client.put(
        url("promotion"),
        {"is_enabled": True, "name": "双11", "offer": "全场5折包邮", "text": "{活动名称}：{活动内容}"},
        format="json",
    )
    assert response.status_code == 200 and response.json()["running"] is True
    preview = client.get(url("autoreply_preview"), {"trigger": "first_message"}).json()
    assert preview == {"text": "双11：全场5折包邮"}
    bad = client.put(
        url("promotion"), {"is_enabled": True, "name": "双11", "offer": "", "text": "x"}, format="json"
    )
    assert bad.status_code == 400 and "offer" in bad.json()


def test_no_answer_seconds_through_the_api(api_as, supervisor):
    response = api_as(supervisor).put(url("no_answer_seconds"), {"seconds": 30}, format="json")
    assert response.json() == {"seconds": 30}
    assert api_as(supervisor).put(url("no_answer_seconds"), {"seconds": 1}, format="json").status_code == 400


def test_the_schema_documents_the_replies_api(admin_client_kefu):
    response = admin_client_kefu.get("/api/schema/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "/api/v1/replies/lint/" in text and "/api/v1/replies/phrases/import/" in text


def test_groups_through_the_api(api_as, agent, supervisor):
    group = PhraseGroup.objects.get(name="等待")
    assert api_as(agent).patch(url("group", group.pk), {"name": "x"}, format="json").status_code == 403
    response = api_as(supervisor).patch(url("group", group.pk), {"name": "稍等", "move": -1}, format="json")
    assert response.status_code == 200 and response.json()["name"] == "稍等"
    assert response.json()["position"] == 1
    assert api_as(supervisor).delete(url("group", group.pk)).status_code == 400
