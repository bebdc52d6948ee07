"""Two `kefu serve` processes on PostgreSQL + Redis: a customer on one reaches an agent on the other.

Runs only where PostgreSQL and Redis answer (127.0.0.1 by default; KEFU_TEST_PG_URL and
KEFU_TEST_REDIS_URL point elsewhere). Each server is a real `kefu serve` in its own process, with its
own port; they share nothing but the database and the Redis channel layer.
"""

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

import kefu

PG_URL = os.environ.get("KEFU_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/kefu_test_two_servers")
REDIS_URL = os.environ.get("KEFU_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")
SRC = str(Path(kefu.__file__).parents[1])

SETUP = """
import json, django
django.setup()
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.utils import timezone
from kefu.chat.models import AgentPresence, Conversation
from kefu.core.models import ShopSetting
from kefu.replies.models import AutoReplyRule
from django.contrib.auth import get_user_model
call_command("migrate", verbosity=0)
call_command("createcachetable", verbosity=0)
agent = get_user_model().objects.create_user("xiaomei", first_name="小美")
agent.groups.add(Group.objects.get(name="客服"))
AgentPresence.objects.create(user=agent, status="online", last_seen_at=timezone.now())
for key, value in {"work_hours_start": "00:00", "work_hours_end": "00:00"}.items():
    ShopSetting.objects.update_or_create(key=key, defaults={"value": value})
AutoReplyRule.objects.update(is_enabled=False)
store = SessionStore()
store[SESSION_KEY] = str(agent.pk)
store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
store[HASH_SESSION_KEY] = agent.get_session_auth_hash()
store.create()
conversation = Conversation.objects.create(buyer_name="陈小姐", session_started_at=timezone.now())
print(json.dumps({"session": store.session_key, "token": conversation.token}))
"""


def _reachable() -> str | None:
    try:
        import psycopg
        import redis

        base, _, name = PG_URL.rpartition("/")
        with psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).flushdb()
    except Exception as error:  # noqa: BLE001 - whatever it is, the test cannot run here
        return f"PostgreSQL or Redis unreachable: {type(error).__name__}: {error}"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def two_servers(tmp_path):
    problem = _reachable()
    if problem:
        pytest.skip(problem)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [SRC, os.environ.get("PYTHONPATH")])),
        "DJANGO_SETTINGS_MODULE": "kefu.settings",
        "KEFU_DATABASE_URL": PG_URL,
        "KEFU_REDIS_URL": REDIS_URL,
        "KEFU_HOME": str(tmp_path),
    }
    env.pop("KEFU_TEST_DATABASE_NAME", None)
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", SETUP], env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    keys = json.loads(done.stdout.strip().splitlines()[-1])
    ports = [_free_port(), _free_port()]
    servers = [
        subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "kefu",
                "serve",
                "--no-worker",
                "--no-access-log",
                "--workers",
                "1",
                "--port",
                str(p),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
        )
        for p in ports
    ]
    try:
        for port in ports:
            for _ in range(300):
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2):  # noqa: S310
                        break
                except OSError:
                    time.sleep(0.2)
            else:
                pytest.fail(f"kefu serve on port {port} did not come up")
        yield ports, keys
    finally:
        for server in servers:
            server.send_signal(signal.SIGTERM)
        for server in servers:
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()


async def _until(ws, kind: str, timeout: float = 15) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        event = json.loads(await asyncio.wait_for(ws.recv(), max(0.1, deadline - time.monotonic())))
        if event["type"] == kind:
            return event


def test_a_customer_on_one_server_reaches_an_agent_on_the_other(two_servers):
    import websockets

    (customer_port, agent_port), keys = two_servers

    async def body():
        console = await websockets.connect(
            f"ws://127.0.0.1:{agent_port}/ws/chat/staff/",
            origin="http://127.0.0.1",
            additional_headers={"Cookie": f"sessionid={keys['session']}"},
        )
        widget = await websockets.connect(
            f"ws://127.0.0.1:{customer_port}/ws/chat/c/{keys['token']}/", origin="http://127.0.0.1"
        )
        await _until(console, "hello")
        await widget.send(json.dumps({"type": "send", "text": "在吗？我在一号服务器"}))
        assigned = await _until(console, "assigned")
        first = await _until(console, "message")
        conversation = assigned["conversation"]
        await console.send(
            json.dumps({"type": "send", "conversation": conversation, "text": "在的，我在二号服务器"})
        )
        answers = []
        while len(answers) < 3:
            answers.append((await _until(widget, "message"))["message"])
        await widget.close()
        await console.close()
        return first["message"], answers

    first, answers = asyncio.run(body())
    assert first["text"] == "在吗？我在一号服务器" and first["seq"] == 1
    assert [(m["seq"], m["sender"]) for m in answers] == [(1, "customer"), (2, "system"), (3, "agent")]
    assert answers[-1]["text"] == "在的，我在二号服务器"
