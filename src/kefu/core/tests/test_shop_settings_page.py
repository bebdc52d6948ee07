import pytest

from kefu.core import shopsettings

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get("/desk/settings/")
    assert response.status_code == 302
    assert "/desk/login/" in response["Location"]


def test_an_agent_sees_the_rules_but_cannot_change_them(client, agent):
    client.force_login(agent)
    page = client.get("/desk/settings/")
    assert page.status_code == 200
    assert "helpcenter_page_size" in page.content.decode()
    assert client.post("/desk/settings/", {"rule-helpcenter_page_size": "30"}).status_code == 403
    assert shopsettings.get("helpcenter_page_size") == 10


def test_a_supervisor_changes_a_rule(client, supervisor):
    client.force_login(supervisor)
    response = client.post("/desk/settings/", {"rule-helpcenter_page_size": "30"})
    assert response.status_code == 302
    assert shopsettings.get("helpcenter_page_size") == 30


def test_a_bad_value_is_refused_and_the_typed_text_kept(client, supervisor):
    client.force_login(supervisor)
    response = client.post("/desk/settings/", {"rule-helpcenter_page_size": "三十"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "无效" in body and 'value="三十"' in body
    assert shopsettings.get("helpcenter_page_size") == 10
