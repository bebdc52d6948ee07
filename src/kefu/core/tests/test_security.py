"""Nobody let in: password guessing locks out, weak passwords are refused, the pages forbid inline
scripts, the API's description is for the team only, and HTTPS settings follow KEFU_SECURE_COOKIES."""

import base64
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import authenticate, password_validation
from django.core.exceptions import ValidationError
from django.test import RequestFactory

pytestmark = pytest.mark.django_db

RIGHT = "pw-kefu-123"


def _login(client, username, password, ip="10.1.1.1"):
    return client.post("/desk/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_the_login_page_locks_a_user_and_address_after_five_wrong_passwords(client, agent):
    for _ in range(4):
        assert _login(client, "agent", "wrong-guess").status_code == 200
    assert _login(client, "agent", "wrong-guess").status_code == 429
    locked = _login(client, "agent", RIGHT)
    assert locked.status_code == 429
    assert "登录已暂时锁定" in locked.content.decode()
    assert "_auth_user_id" not in client.session, "the right password does not get in while locked"


def test_a_colleague_at_the_same_address_still_logs_in(client, agent, make_user):
    make_user("colleague", "客服")
    for _ in range(5):
        _login(client, "agent", "wrong-guess")
    assert _login(client, "colleague", RIGHT).status_code == 302


def test_a_right_password_before_the_limit_clears_the_count(client, agent):
    for _ in range(4):
        _login(client, "agent", "wrong-guess")
    assert _login(client, "agent", RIGHT).status_code == 302
    client.logout()
    for _ in range(4):
        _login(client, "agent", "wrong-guess")
    assert _login(client, "agent", RIGHT).status_code == 302


def _basic(username, password):
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}", "REMOTE_ADDR": "10.2.2.2"}


def test_the_apis_basic_auth_locks_out_too(client, agent):
    assert client.get("/api/v1/orders/", **_basic("agent", RIGHT)).status_code == 200
    for _ in range(5):
        assert client.get("/api/v1/orders/", **_basic("agent", "wrong")).status_code in (401, 403)
    assert client.get("/api/v1/orders/", **_basic("agent", RIGHT)).status_code in (401, 403, 429)


def test_code_that_authenticates_without_a_request_is_refused_by_the_lockout_backend(agent):
    # the lockout backend needs the request to know the address; with one, the login works
    request = RequestFactory().post("/desk/login/", REMOTE_ADDR="10.3.3.3")
    assert authenticate(request=request, username="agent", password=RIGHT) == agent


@pytest.mark.parametrize("password", ["password", "12345678", "qwertyui", "agent123"])
def test_weak_passwords_are_refused(password, make_user):
    user = make_user("agent", "客服")
    with pytest.raises(ValidationError):
        password_validation.validate_password(password, user=user)


def test_a_long_unusual_password_is_accepted(make_user):
    password_validation.validate_password("青山绿水-2026-kefu", user=make_user("agent", "客服"))


def test_pages_forbid_inline_scripts_and_framing(client):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"


def test_no_page_template_carries_an_inline_script_or_handler():
    src = Path(__file__).resolve().parents[2]
    offenders = []
    for template in src.rglob("templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        if re.search(r"<script(?![^>]*\b(src=|type=\"application/json\"))[^>]*>", text) or re.search(
            r"\son[a-z]+=\"", text
        ):
            offenders.append(str(template.relative_to(src)))
    assert offenders == []


def _settings_under(env: dict) -> dict:
    code = (
        "import json, django; from django.conf import settings; django.setup();"
        "print(json.dumps({k: getattr(settings, k, None) for k in ("
        "'SESSION_COOKIE_SECURE','CSRF_COOKIE_SECURE','SECURE_HSTS_SECONDS','SECURE_PROXY_SSL_HEADER',"
        "'SESSION_COOKIE_AGE')}))"
    )
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "kefu.settings", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def test_secure_cookies_and_hsts_follow_the_setting(tmp_path):
    plain = _settings_under({"KEFU_HOME": str(tmp_path), "KEFU_SECURE_COOKIES": "0"})
    assert plain["SESSION_COOKIE_SECURE"] is False and not plain["SECURE_HSTS_SECONDS"]
    secure = _settings_under(
        {"KEFU_HOME": str(tmp_path), "KEFU_SECURE_COOKIES": "1", "KEFU_SESSION_HOURS": "8"}
    )
    assert secure["SESSION_COOKIE_SECURE"] is True and secure["CSRF_COOKIE_SECURE"] is True
    assert secure["SECURE_HSTS_SECONDS"] >= 86400
    assert secure["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert secure["SESSION_COOKIE_AGE"] == 8 * 3600
