import pytest

pytestmark = pytest.mark.django_db


def test_the_desk_speaks_chinese_even_to_an_english_browser(client):
    response = client.get("/desk/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "zh-hans"
    assert "客服登录" in response.content.decode()


def test_english_once_the_user_picks_it(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/desk/login/"})
    assert response.status_code == 302
    response = client.get("/desk/login/")
    assert response["Content-Language"] == "en"


def test_an_unknown_language_cookie_falls_back_to_chinese(client):
    client.cookies["django_language"] = "xx"
    assert client.get("/desk/login/")["Content-Language"] == "zh-hans"
