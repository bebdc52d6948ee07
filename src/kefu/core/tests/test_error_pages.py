"""When the database or the code breaks, the person reads what happened in Chinese and keeps the
text they typed."""

import logging

import pytest
from django.db import OperationalError
from django.http import HttpResponse
from django.urls import include, path

pytestmark = pytest.mark.django_db


def database_gone(request):
    raise OperationalError("could not connect to server")


def bug(request):
    raise ValueError("a bug")


def huge(request):
    raise OverflowError("Python int too large to convert to SQLite INTEGER")


def fine(request):
    return HttpResponse("ok")


urlpatterns = [
    path("ask/", database_gone),
    path("api/v1/ask/", database_gone),
    path("bug/", bug),
    path("fine/", fine),
    path("huge/", huge),
    path("", include("kefu.helpcenter.urls")),
]
handler500 = "kefu.core.errors.server_error"


@pytest.mark.urls(__name__)
def test_a_database_outage_answers_503_with_the_typed_question(client):
    response = client.post(
        "/ask/", {"title": "瓶子碎了怎么办", "body": "收到的时候瓶子已经碎了<script>", "website": "bot-trap"}
    )
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "系统暂时无法保存" in page
    assert "瓶子碎了怎么办" in page
    assert "收到的时候瓶子已经碎了&lt;script&gt;" in page, "the typed text comes back escaped"
    assert "bot-trap" not in page


@pytest.mark.urls(__name__)
def test_the_api_gets_the_outage_as_json(client):
    response = client.post("/api/v1/ask/", {"title": "x"}, content_type="application/json")
    assert response.status_code == 503
    assert "系统暂时无法保存" in response.json()["detail"]


@pytest.mark.urls(__name__)
def test_a_bug_shows_the_chinese_500_page_with_the_typed_text_and_logs_it(client, caplog):
    client.raise_request_exception = False
    request_logger = logging.getLogger("django.request")
    request_logger.addHandler(caplog.handler)  # it does not propagate: it writes to the console
    try:
        response = client.post("/bug/", {"text": "我的地址写错了", "password": "secret-pw"})
    finally:
        request_logger.removeHandler(caplog.handler)
    assert response.status_code == 500
    page = response.content.decode()
    assert "系统出错了" in page and "我的地址写错了" in page
    assert "secret-pw" not in page
    assert any("a bug" in str(record.exc_info) for record in caplog.records if record.exc_info)


@pytest.mark.urls(__name__)
def test_a_working_page_is_untouched(client):
    assert client.get("/fine/").content == b"ok"


@pytest.mark.urls(__name__)
def test_a_number_too_large_for_the_database_is_a_400_not_a_500(client):
    response = client.get("/huge/?page=99999999999999999999999")
    assert response.status_code == 400
    assert "超出范围" in response.content.decode()


def test_the_favicon_is_found(client):
    response = client.get("/favicon.ico", follow=True)
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an icon file
