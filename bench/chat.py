"""Chat benchmark: customers and agents over WebSocket against `kefu serve`.

    python3 bench/chat.py --customers 500 --agents 20 --json     # SQLite, the embedded single process
    python3 bench/chat.py --postgres --redis --customers 500 --agents 20 --json
                                                                  # PostgreSQL + Redis, two server processes
    python3 bench/chat.py --customers 50 --agents 5 --messages 2  # a quick look

The app runs as `kefu serve --no-worker` on a free loopback port with a fresh database: SQLite in a
temporary KEFU_HOME, or the PostgreSQL database of --pg-url, dropped and created again (never point
it at a database you care about); --redis sets KEFU_REDIS_URL (its database --redis-url is flushed),
so `kefu serve` starts --workers processes sharing the channel layer.

The agents (logged in by a session made beforehand, 在线) and the customers' conversations (opened
beforehand, as the widget's first POST does) are set up first. Then, all in this one asyncio process:

- ``--agents`` console sockets (``/ws/chat/staff/``) answer every customer message they receive on
  their conversations (offered to them by the routing: the least busy agent online), linter on;
- ``--customers`` widget sockets (``/ws/chat/c/<token>/``, connected over --ramp seconds) each send
  ``--messages`` messages, each after the answer to the previous one arrived and a pause of up to
  --think seconds.

Every message carries a mark; the latencies are "customer sends → the agent's socket has it" and
"agent sends → the customer's socket has it" (one clock: both ends are in this process). Lost =
messages one side sent that the other never received within --reply-timeout, or a gap in the
sequence numbers a socket received; duplicated = a sequence number received twice on one socket.
The server's resident memory (all its processes) is sampled every second; the peak is reported.

With --json the last line printed is one JSON object:
{"p95_customer_to_agent_ms": …, "p95_agent_to_customer_ms": …, "sent": …, "delivered": …,
 "lost": 0, "duplicated": 0, "errors": {…}, "rss_mb": …, …} (these keys first, the details after;
"server_cpu_ms_per_message" is the server's CPU time per message sent, the figure that depends least
on what else runs on the machine).

    python3 bench/chat.py --queries 60 --customers 100 --agents 10 [--profile steps.prof]

measures without a server: the queries, milliseconds (wall and this thread's CPU) and pushes of
each database step of the sockets (a connect, a chat's first message with its routing, a later one, an agent's reply, a read
receipt), on a fresh SQLite database in this process.
"""

import argparse
import asyncio
import json
import os
import random
import re
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = [
    "请问今天付款今天能发货吗",
    "这款面霜敏感肌可以用吗",
    "默认发什么快递呀",
    "可以开发票吗",
    "收到的瓶子漏液了怎么办",
    "有没有满减活动",
    "七天无理由退货运费谁出",
    "能改一下收货地址吗",
]
ANSWERS = [
    "您好，16:30 前付款当天就发货哦",
    "亲，建议先在耳后试用一下，没有不适再用在脸上",
    "默认发申通，需要顺丰可以补差价",
    "可以的，下单时备注抬头和税号就好",
    "非常抱歉，麻烦拍张照片给我们，马上为您补发",
]
MARK = re.compile(r"〔(\d+)-(\d+)〕")


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def setup(agents: int, customers: int) -> None:
    """In the benchmark's database: migrate, the agents online with a login session each, the
    customers' conversations, and shop settings for one loopback IP. Prints the keys as JSON."""
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.auth.models import Group
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.utils import timezone

    from kefu.chat.models import AgentPresence, Conversation
    from kefu.core.models import ShopSetting
    from kefu.replies.models import AutoReplyRule

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    group = Group.objects.get(name="客服")
    sessions = []
    for i in range(agents):
        user = get_user_model().objects.create_user(f"bench{i}", password=None, first_name=f"客服{i}")
        user.groups.add(group)
        AgentPresence.objects.create(user=user, status="online", last_seen_at=timezone.now())
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        sessions.append(store.session_key)
    Conversation.objects.bulk_create(
        [Conversation(buyer_name=f"买家{i}", session_started_at=timezone.now()) for i in range(customers)]
    )
    tokens = list(Conversation.objects.order_by("id").values_list("token", flat=True))
    # Every simulated customer comes from 127.0.0.1: the per-IP limit would stop the benchmark, not
    # measure it (the per-conversation limit stays). Around the clock, no auto-replies: the
    # benchmark counts the agents' answers.
    for key, value in {
        "chat_send_rate_limit": 1_000_000,
        "chat_poll_rate_limit": 1_000_000,
        "work_hours_start": "00:00",
        "work_hours_end": "00:00",
        "chat_presence_timeout_seconds": 3600,
        "presence_away_minutes": 600,
    }.items():
        ShopSetting.objects.update_or_create(key=key, defaults={"value": value})
    AutoReplyRule.objects.update(is_enabled=False)
    print(json.dumps({"sessions": sessions, "tokens": tokens}))


def queries(customers: int, agents: int, rounds: int, profile: str | None = None) -> dict:
    """Per step of the sockets' database work: queries and milliseconds, and the pushes it queues.

    Runs in this process on a fresh SQLite database (call it with KEFU_HOME set to an empty
    directory): what one connect, one customer message (the first of a chat, which is routed and
    offered, and a later one), one agent reply and one read receipt cost on the database thread."""
    import io
    from contextlib import redirect_stdout

    with redirect_stdout(io.StringIO()):
        setup(agents, customers)
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kefu.chat import consumers, push
    from kefu.chat.models import Conversation

    pushes: Counter = Counter()
    push._send = lambda group, event: pushes.update([event["type"]])  # count, do not send

    def call(function, *args):
        return getattr(function, "func", function)(*args)

    steps: dict[str, list[tuple[int, float, int, float]]] = {}

    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()

    def measure(step: str, function, *args):
        pushes.clear()
        with CaptureQueriesContext(connection) as ctx:
            if profiler:
                profiler.enable()
            started, cpu_started = time.perf_counter(), time.thread_time()
            result = call(function, *args)
            ms = (time.perf_counter() - started) * 1000
            cpu_ms = (time.thread_time() - cpu_started) * 1000
            if profiler:
                profiler.disable()
        steps.setdefault(step, []).append((len(ctx.captured_queries), ms, sum(pushes.values()), cpu_ms))
        return result

    users = list(get_user_model().objects.filter(username__startswith="bench").order_by("id"))
    ids = list(Conversation.objects.order_by("id").values_list("id", flat=True))
    tokens = dict(Conversation.objects.values_list("id", "token"))

    def customer_connect(token):
        conversation = call(consumers._customer_open, token)  # what the socket keeps
        call(consumers._customer_catch_up, conversation.pk, 0)
        return conversation

    by_id = {user.pk: user for user in users}  # a console's user stays the same object (roles kept)
    for user in users:
        measure("agent connect", consumers._staff_open, user)
    for n, pk in enumerate(ids[:rounds]):
        conversation = measure("customer connect", customer_connect, tokens[pk])
        sent = measure(
            "customer message, first (routed)",
            consumers._customer_send,
            conversation,
            "127.0.0.1",
            f"你好 {n}",
            None,
        )
        agent = by_id.get(Conversation.objects.get(pk=pk).agent_id, users[0])
        measure("agent reply", consumers._staff_send, agent, pk, f"您好 {n}", False)
        measure(
            "customer message, later", consumers._customer_send, conversation, "127.0.0.1", f"还有 {n}", None
        )
        measure("read receipt", consumers._read, pk, "agent", sent.get("seq", 1))
    if profiler:
        profiler.dump_stats(profile)
    return {
        step: {
            "n": len(rows),
            "queries": round(statistics.mean(r[0] for r in rows), 1),
            "ms_p50": round(statistics.median(r[1] for r in rows), 2),
            "pushes": round(statistics.mean(r[2] for r in rows), 1),
            # CPU time of this thread: what the step costs the server, whatever else runs on the box
            "cpu_ms_p50": round(statistics.median(r[3] for r in rows), 2),
        }
        for step, rows in steps.items()
    }


def _pg_recreate(url: str) -> str | None:
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed"
    base, _, name = url.rpartition("/")
    name = name.split("?")[0]
    try:
        with psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'")
    except Exception as error:  # noqa: BLE001 - any failure means: skip PostgreSQL, say why
        return " ".join(f"{type(error).__name__}: {error}".split())
    return None


def _tree(pid: int) -> list[int]:
    """The server process and its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def _rss_mb(pid: int) -> float:
    total = 0
    for p in _tree(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def _tree_cpu(pid: int) -> float:
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for p in _tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


class Stats:
    def __init__(self):
        self.sent_customer: dict[tuple[int, int], float] = {}
        self.sent_agent: dict[tuple[int, int], float] = {}
        self.to_agent: dict[tuple[int, int], float] = {}
        self.to_customer: dict[tuple[int, int], float] = {}
        self.duplicated = 0
        self.gaps = 0
        self.errors: Counter = Counter()

    def seqs(self, seen: set[int], seq: int, last: int) -> int:
        """Track one socket's sequence numbers: a repeat is a duplicate, a jump a gap."""
        if seq in seen:
            self.duplicated += 1
            return last
        seen.add(seq)
        if seq > last + 1:
            self.gaps += seq - last - 1
        return max(last, seq)


async def customer(i: int, token: str, base: str, args, stats: Stats, answered: dict) -> None:
    import websockets

    url = f"{base}/ws/chat/c/{token}/"
    rng = random.Random(i)
    await asyncio.sleep(rng.random() * args.ramp)
    try:
        ws = await websockets.connect(url, origin="http://127.0.0.1", open_timeout=60, max_size=2**20)
    except Exception as error:  # noqa: BLE001 - counted, the run goes on
        stats.errors[f"customer connect: {type(error).__name__}"] += 1
        return
    seen: set[int] = set()
    last = 0
    waiting: dict[int, asyncio.Event] = {}

    async def reader():
        nonlocal last
        async for raw in ws:
            event = json.loads(raw)
            kind = event["type"]
            if kind == "message":
                m = event["message"]
                before = last
                last = stats.seqs(seen, m["seq"], last)
                if last == before and m["seq"] <= before:
                    continue
                mark = MARK.search(m["text"])
                if m["sender"] == "agent" and mark:
                    key = (int(mark[1]), int(mark[2]))
                    stats.to_customer.setdefault(key, time.perf_counter())
                    if key[1] in waiting:
                        waiting[key[1]].set()
            elif kind == "error":
                stats.errors[f"customer: {event.get('code') or event.get('message')}"] += 1

    task = asyncio.create_task(reader())
    try:
        for k in range(args.messages):
            waiting[k] = asyncio.Event()
            stats.sent_customer[(i, k)] = time.perf_counter()
            text = f"{rng.choice(QUESTIONS)} 〔{i}-{k}〕"
            await ws.send(json.dumps({"type": "send", "text": text, "client_id": f"{i}-{k}"}))
            try:
                await asyncio.wait_for(waiting[k].wait(), args.reply_timeout)
            except TimeoutError:
                stats.errors["customer: no answer in time"] += 1
                break
            await asyncio.sleep(rng.random() * args.think)
        answered[i] = True
        await asyncio.sleep(args.linger)  # late or repeated deliveries would still show
    except Exception as error:  # noqa: BLE001 - a dropped connection is counted as an error
        stats.errors[f"customer: {type(error).__name__}"] += 1
    finally:
        task.cancel()
        await ws.close()


async def agent(n: int, session: str, base: str, args, stats: Stats, stop: asyncio.Event, ready) -> None:
    import websockets

    try:
        ws = await websockets.connect(
            f"{base}/ws/chat/staff/",
            origin="http://127.0.0.1",
            additional_headers={"Cookie": f"sessionid={session}"},
            open_timeout=60,
            max_size=2**22,
        )
    except Exception as error:  # noqa: BLE001
        stats.errors[f"agent connect: {type(error).__name__}"] += 1
        ready.release()
        return
    seen: dict[int, set[int]] = {}
    last: dict[int, int] = {}
    rng = random.Random(1000 + n)

    async def ping():
        while not stop.is_set():
            await asyncio.sleep(20)
            await ws.send(json.dumps({"type": "ping"}))

    pinger = asyncio.create_task(ping())
    try:
        hello = json.loads(await ws.recv())
        if hello.get("type") != "hello":
            stats.errors[f"agent: {hello.get('message')}"] += 1
            return
        ready.release()
        while not stop.is_set():
            try:
                raw = await asyncio.wait_for(ws.recv(), 0.5)
            except TimeoutError:
                continue
            event = json.loads(raw)
            kind = event["type"]
            if kind == "message":
                m = event["message"]
                c = m["conversation"]
                before = last.get(c, 0)
                last[c] = stats.seqs(seen.setdefault(c, set()), m["seq"], before)
                if last[c] == before and m["seq"] <= before:
                    continue
                mark = MARK.search(m["text"])
                if m["sender"] == "customer" and mark:
                    key = (int(mark[1]), int(mark[2]))
                    stats.to_agent.setdefault(key, time.perf_counter())
                    stats.sent_agent[key] = time.perf_counter()
                    text = f"{rng.choice(ANSWERS)} 〔{key[0]}-{key[1]}〕"
                    await ws.send(json.dumps({"type": "send", "conversation": c, "text": text}))
            elif kind == "error":
                stats.errors[f"agent: {event.get('code') or event.get('message')}"] += 1
    except Exception as error:  # noqa: BLE001
        stats.errors[f"agent: {type(error).__name__}"] += 1
    finally:
        pinger.cancel()
        await ws.close()


async def drive(base: str, keys: dict, args, stats: Stats) -> float:
    stop = asyncio.Event()
    ready = asyncio.Semaphore(0)
    agents = [
        asyncio.create_task(agent(n, s, base, args, stats, stop, ready))
        for n, s in enumerate(keys["sessions"])
    ]
    for _ in agents:
        await asyncio.wait_for(ready.acquire(), 120)
    answered: dict[int, bool] = {}
    started = time.perf_counter()
    await asyncio.wait_for(
        asyncio.gather(
            *(customer(i, t, base, args, stats, answered) for i, t in enumerate(keys["tokens"])),
            return_exceptions=True,
        ),
        args.max_seconds,
    )
    elapsed = time.perf_counter() - started
    stop.set()
    await asyncio.gather(*agents, return_exceptions=True)
    return elapsed


def run(args) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("KEFU_DATABASE_URL", None)
    env.pop("KEFU_REDIS_URL", None)
    with tempfile.TemporaryDirectory(prefix="kefu-bench-chat-") as home:
        env["KEFU_HOME"] = home
        db = "sqlite"
        if args.postgres:
            problem = _pg_recreate(args.pg_url)
            if problem:
                return {"db": "postgresql", "skipped": f"PostgreSQL unreachable ({problem})"}
            env["KEFU_DATABASE_URL"] = args.pg_url
            db = "postgresql"
        if args.redis:
            import redis

            redis.Redis.from_url(args.redis_url).flushdb()
            env["KEFU_REDIS_URL"] = args.redis_url
        done = subprocess.run(  # noqa: S603
            [
                sys.executable,
                __file__,
                "--setup",
                "--agents",
                str(args.agents),
                "--customers",
                str(args.customers),
            ],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        keys = json.loads(done.stdout.strip().splitlines()[-1])
        port = _free_port()
        serve = [sys.executable, "-m", "kefu", "serve", "--no-worker", "--no-access-log", "--port", str(port)]
        if args.redis:
            serve += ["--workers", str(args.workers)]
        server = subprocess.Popen(serve, env=env, cwd=home, stdout=subprocess.DEVNULL)  # noqa: S603
        rss_peak = 0.0
        try:
            import urllib.request

            deadline = time.monotonic() + 300  # `kefu serve` migrates first; slow on a busy machine
            while True:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as r:  # noqa: S310
                        if r.status == 200:
                            break
                except OSError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise SystemExit("kefu serve did not come up") from None
                    time.sleep(0.5)
            stats = Stats()
            cpu_before, me_before = _tree_cpu(server.pid), resource.getrusage(resource.RUSAGE_SELF)

            async def main():
                nonlocal rss_peak

                async def sample():
                    nonlocal rss_peak
                    while True:
                        rss_peak = max(rss_peak, _rss_mb(server.pid))
                        await asyncio.sleep(1)

                sampler = asyncio.create_task(sample())
                try:
                    return await drive(f"ws://127.0.0.1:{port}", keys, args, stats)
                finally:
                    sampler.cancel()

            elapsed = asyncio.run(main())
            rss_peak = max(rss_peak, _rss_mb(server.pid))
            cpu_server = _tree_cpu(server.pid) - cpu_before
            me = resource.getrusage(resource.RUSAGE_SELF)
            cpu_client = (me.ru_utime + me.ru_stime) - (me_before.ru_utime + me_before.ru_stime)
            processes = len(_tree(server.pid))
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()

    c2a = [stats.to_agent[k] - t for k, t in stats.sent_customer.items() if k in stats.to_agent]
    # the first message of a chat also waits for the routing to offer it to an agent
    c2a_first = [
        stats.to_agent[k] - t for k, t in stats.sent_customer.items() if k in stats.to_agent and k[1] == 0
    ]
    a2c = [stats.to_customer[k] - t for k, t in stats.sent_agent.items() if k in stats.to_customer]
    sent = len(stats.sent_customer) + len(stats.sent_agent)
    delivered = len(c2a) + len(a2c)

    def figures(values: list[float]) -> dict:
        if not values:
            return {"n": 0}
        ms = [v * 1000 for v in values]
        return {
            "n": len(ms),
            "p50_ms": round(statistics.median(ms)),
            "p95_ms": round(_percentile(ms, 0.95)),
            "p99_ms": round(_percentile(ms, 0.99)),
            "max_ms": round(max(ms)),
        }

    return {
        # the summary the issue names, in its order; the details follow
        "p95_customer_to_agent_ms": figures(c2a).get("p95_ms"),
        "p95_agent_to_customer_ms": figures(a2c).get("p95_ms"),
        "sent": sent,
        "delivered": delivered,
        "lost": sent - delivered + stats.gaps,
        "duplicated": stats.duplicated,
        "errors": dict(stats.errors),
        "rss_mb": round(rss_peak, 1),
        "db": db + (" + redis" if args.redis else ""),
        # the tree is `kefu serve` → uvicorn → its workers
        "server_processes": max(1, processes - 2) if args.redis else 1,
        "customers": args.customers,
        "agents": args.agents,
        "messages_each": args.messages,
        "seconds": round(elapsed, 1),
        "customer_to_agent": figures(c2a),
        "customer_to_agent_first_message": figures(c2a_first),
        "agent_to_customer": figures(a2c),
        "messages_per_s": round(sent / elapsed, 1),
        "cpu_server_s": round(cpu_server, 1),
        "cpu_client_s": round(cpu_client, 1),
        "cores": os.cpu_count(),
        "load_avg": round(os.getloadavg()[0], 1),
        "gaps": stats.gaps,
        "server_cpu_ms_per_message": round(cpu_server * 1000 / sent, 1) if sent else None,
    }


def table(r: dict) -> str:
    if "skipped" in r:
        return f"{r['db']}: {r['skipped']}"
    a, c = r["customer_to_agent"], r["agent_to_customer"]
    return "\n".join(
        [
            "| 数据库 | 进程 | 客户/客服 | 方向 | 条数 | p50 ms | p95 ms | p99 ms | max ms |",
            "|---|---|---|---|---|---|---|---|---|",
            f"| {r['db']} | {r['server_processes']} | {r['customers']}/{r['agents']} | 客户发 → 客服收到 | {a['n']} | {a.get('p50_ms', '–')} | {a.get('p95_ms', '–')} | {a.get('p99_ms', '–')} | {a.get('max_ms', '–')} |",
            f"| {r['db']} | {r['server_processes']} | {r['customers']}/{r['agents']} | 客服回 → 客户收到 | {c['n']} | {c.get('p50_ms', '–')} | {c.get('p95_ms', '–')} | {c.get('p99_ms', '–')} | {c.get('max_ms', '–')} |",
            "",
            f"{r['sent']} 条消息 / {r['seconds']} 秒 = {r['messages_per_s']} 条/秒；送达 {r['delivered']}，丢失 {r['lost']}，重复 {r['duplicated']}；"
            f"服务端内存峰值 {r['rss_mb']} MB；服务端 CPU {r['cpu_server_s']} 秒，压测端 CPU {r['cpu_client_s']} 秒，"
            f"{r['cores']} 核，负载 {r['load_avg']}；错误 {r['errors'] or '无'}",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--customers", type=int, default=500, help="concurrent customers = conversations")
    parser.add_argument("--agents", type=int, default=20, help="agents online")
    parser.add_argument("--messages", type=int, default=3, help="messages per customer")
    parser.add_argument(
        "--think", type=float, default=3.0, help="a customer's pause between messages, s (up to)"
    )
    parser.add_argument("--ramp", type=float, default=10.0, help="customers arrive over this many seconds")
    parser.add_argument(
        "--linger", type=float, default=2.0, help="sockets stay open this long after the last answer"
    )
    parser.add_argument("--reply-timeout", type=float, default=30.0)
    parser.add_argument("--max-seconds", type=float, default=300.0)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/kefu_bench_chat")
    parser.add_argument(
        "--redis", action="store_true", help="KEFU_REDIS_URL set: channels-redis, --workers processes"
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/15")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", action="store_true", help="end with the one-line JSON summary")
    parser.add_argument("--setup", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--queries",
        type=int,
        metavar="N",
        help="no server: queries, ms and pushes of each socket step, over N chats (fresh SQLite)",
    )
    parser.add_argument("--profile", metavar="FILE", help="with --queries: cProfile of the steps to FILE")
    args = parser.parse_args()
    if args.setup:
        setup(args.agents, args.customers)
        return
    if args.queries:
        if "KEFU_HOME" not in os.environ:
            with tempfile.TemporaryDirectory(prefix="kefu-bench-chat-") as home:
                env = {**os.environ, "KEFU_HOME": home}
                env.pop("KEFU_DATABASE_URL", None)
                raise SystemExit(subprocess.call([sys.executable, *sys.argv], env=env))  # noqa: S603
        for step, row in queries(args.customers, args.agents, args.queries, args.profile).items():
            print(json.dumps({"step": step, **row}, ensure_ascii=False))
        return
    result = run(args)
    print(table(result))
    if args.json:
        print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
