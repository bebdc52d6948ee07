import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory

from kefu.chat.models import Conversation
from kefu.core import demo, shopsettings
from kefu.helpcenter.models import Article, Category
from kefu.orders.models import Order

REPO = Path(__file__).resolve().parents[3]


@pytest.mark.django_db
def test_demo_shop_loads_once_with_five_categories_and_thirty_articles():
    first = demo.demo_load()
    assert first, "the first load reports what it created"
    # a cosmetics shop: no warranty or repair categories
    assert set(Category.objects.values_list("name", flat=True)) == {
        "下单与发货",
        "退换货与售后",
        "付款、物流与评价",
        "保存与使用",
        "常见问题",
    }
    assert shopsettings.get("shop_name") == "天天化妆品旗舰店"
    articles = Article.objects.count()
    assert articles >= 30
    assert demo.demo_load() == []
    assert Article.objects.count() == articles


@pytest.mark.django_db
def test_demo_logins_work_with_the_printed_passwords():
    logins = demo.demo_users_ensure()
    for username, password, _role in logins:
        request = RequestFactory().post("/desk/login/")
        assert authenticate(request=request, username=username, password=password) is not None


def test_the_kefu_console_script_fronts_management_commands():
    result = subprocess.run(
        [sys.executable, "-m", "kefu", "check"],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(REPO / "src")},
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "command",
    [
        ["--help"],
        ["help"],
        ["serve", "--help"],
        ["help", "serve"],
        ["kb", "--help"],
        ["orders", "-h"],
        ["backup", "--help"],
    ],
)
def test_reading_the_help_of_a_command_creates_no_files(tmp_path, command):
    env = {k: v for k, v in os.environ.items() if k != "KEFU_HOME"}
    result = subprocess.run(
        [sys.executable, "-m", "kefu", *command],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        env={**env, "PYTHONPATH": str(REPO / "src")},
    )
    assert result.returncode == 0, result.stderr
    assert "kefu" in result.stdout
    assert list(tmp_path.iterdir()) == []


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_kefu_serve_demo_starts_the_server_with_the_demo_shop(tmp_path):
    """The README's first command, end to end, on a fresh SQLite home."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "KEFU_DATABASE_URL"}
    env.update({"KEFU_HOME": str(tmp_path), "PYTHONPATH": str(REPO / "src"), "PYTHONUNBUFFERED": "1"})
    proc = subprocess.Popen(
        [sys.executable, "-m", "kefu", "serve", "--demo", "--port", str(port), "--workers", "1"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        body = ""
        # migrating and loading six weeks of demo history take about 40 s on a quiet machine, and
        # several minutes on one whose two cores are shared by a whole test run
        deadline = time.time() + 300
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:  # noqa: S310
                    body = response.read().decode()
                    break
            except OSError:
                time.sleep(0.5)
        assert "帮助中心" in body
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/kefu/htmx.min.js", timeout=5) as r:  # noqa: S310
            assert r.status == 200
    finally:
        proc.terminate()
        output, _ = proc.communicate(timeout=30)
    assert "admin / kefu-admin" in output
    assert "application startup complete" in output.lower()  # uvicorn, serving pages and WebSocket


@pytest.mark.django_db
def test_the_demo_leaves_a_real_shops_database_alone(make_user):
    owner = make_user("zhangsan", "管理员")
    owner_password = owner.password

    assert demo.demo_load() == []
    assert not Article.objects.exists() and not Order.objects.exists() and not Conversation.objects.exists()
    owner.refresh_from_db()
    assert owner.password == owner_password
