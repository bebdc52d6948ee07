"""``kefu backup`` and ``kefu restore`` round-trip the demo shop: every row and every uploaded file."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2]

COUNTS = """
import json, django
django.setup()
from django.apps import apps
print(json.dumps({m._meta.label: m._default_manager.count() for m in apps.get_models()}))
"""
LOAD_DEMO = """
import django
django.setup()
from kefu.core import demo
demo.demo_load(); demo.demo_users_ensure()
"""
DAMAGE = """
import django
django.setup()
from kefu.orders.models import Order
from kefu.helpcenter.models import Article
Order.objects.all().delete()
Article.objects.filter(pk__in=list(Article.objects.values_list("pk", flat=True)[:3])).delete()
"""


def _run(env, *args, code=None, check=True):
    command = [sys.executable, "-c", code] if code else [sys.executable, "-m", "kefu", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=600, check=check)  # noqa: S603


def _counts(env) -> dict:
    return json.loads(_run(env, code=COUNTS).stdout.strip().splitlines()[-1])


def _round_trip(env, home: Path):
    _run(env, "migrate", "-v", "0")
    _run(env, code=LOAD_DEMO)
    photo = home / "media" / "aftersales" / "破损照片.jpg"
    photo.parent.mkdir(parents=True, exist_ok=True)
    photo.write_bytes(b"\xff\xd8\xff photo bytes")
    before = _counts(env)
    assert before["orders.Order"] > 0 and before["helpcenter.Article"] > 0

    archive = home / "backups" / "kefu.zip"
    made = _run(env, "backup", str(archive))
    assert "备份完成" in made.stdout and archive.exists()

    _run(env, code=DAMAGE)
    photo.unlink()
    assert _counts(env)["orders.Order"] == 0

    restored = _run(env, "restore", str(archive), "--yes")
    assert "恢复完成" in restored.stdout
    assert _counts(env) == before
    assert photo.read_bytes() == b"\xff\xd8\xff photo bytes"


def _env(home: Path, database_url: str | None = None) -> dict:
    env = {
        **os.environ,
        "KEFU_HOME": str(home),
        "PYTHONPATH": str(SRC),
        "DJANGO_SETTINGS_MODULE": "kefu.settings",
    }
    env.pop("KEFU_DATABASE_URL", None)
    if database_url:
        env["KEFU_DATABASE_URL"] = database_url
    return env


def test_backup_and_restore_round_trip_the_demo_shop_on_sqlite(tmp_path):
    _round_trip(_env(tmp_path), tmp_path)


def test_a_file_that_is_not_a_backup_is_refused_with_a_message(tmp_path):
    env = _env(tmp_path)
    _run(env, "migrate", "-v", "0")
    bogus = tmp_path / "not-a-backup.zip"
    bogus.write_text("hello")
    done = _run(env, "restore", str(bogus), "--yes", check=False)
    assert done.returncode == 2
    assert "无法读取备份文件" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.skipif(
    not os.environ.get("KEFU_DATABASE_URL", "").startswith("postgres"),
    reason="the PostgreSQL round trip runs in the PostgreSQL suite (KEFU_DATABASE_URL)",
)
def test_backup_and_restore_round_trip_the_demo_shop_on_postgresql(tmp_path):
    import psycopg

    base = os.environ["KEFU_DATABASE_URL"]
    name = f"kefu_backup_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(base, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        _round_trip(_env(tmp_path, base.rsplit("/", 1)[0] + "/" + name), tmp_path)
    finally:
        with psycopg.connect(base, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
