"""Chat benchmark: message round trips through gunicorn, customers and agents polling.

    python3 bench/chat.py                         # 200 customers, 20 agents, SQLite
    python3 bench/chat.py --postgres              # the same on PostgreSQL (kefu_bench_chat, recreated)
    python3 bench/chat.py --customers 50 --messages 3 --quick

The app runs under gunicorn on 127.0.0.1 (a free port) with a fresh database: SQLite in a temporary
KEFU_HOME, or the PostgreSQL database of --pg-url, dropped and created again (never point it at a
database you care about). Everything goes through the public HTTP API, as the browser does:

- ``--customers`` threads (one conversation each, so 200 conversations by default) each fetch a
  help-center page for the CSRF cookie, open a chat, then send ``--messages`` messages, each after
  the agent's answer to the previous one arrived, polling ``?after=<last id>`` every ``--poll`` s;
- ``--agents`` agent threads log in, go online, poll the inbox every ``--poll`` s, take waiting
  conversations (the take race between agents is real; 409s are counted), fetch the new messages of
  their conversations and answer each customer message (the linter runs on every answer).

Printed: round-trip latency p50/p95/p99 of "customer sends → an agent's poll first shows it" (the
console's waiting or "mine" list carries each conversation's latest customer message) and "agent
replies → the customer's poll sees it" (both include the polling interval: that is what a person
waits), HTTP requests and chat messages per second, and errors by status. Loopback only, bounded
thread count and time (--max-seconds).
"""

import argparse
import json
import os
import queue
import random
import re
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AGENT_PASSWORD = "bench-agent-pw"
MAX_THREADS = 500
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


def setup(agents: int) -> None:
    """In the benchmark's database: migrate, the agents, and shop settings for one loopback IP."""
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from kefu.core.models import ShopSetting

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    group = Group.objects.get(name="客服")
    for i in range(agents):
        user = get_user_model().objects.create_user(
            f"bench{i}", password=AGENT_PASSWORD, first_name=f"客服{i}"
        )
        user.groups.add(group)
    # Every simulated customer comes from 127.0.0.1: the per-IP limits would stop the benchmark, not
    # measure it. The team works around the clock so no off-hours reply interferes.
    for key, value in {
        "chat_send_rate_limit": 1_000_000,
        "chat_poll_rate_limit": 1_000_000,
        "work_hours_start": "00:00",
        "work_hours_end": "00:00",
        "autoreply_no_answer_seconds": 3600,
    }.items():
        ShopSetting.objects.update_or_create(key=key, defaults={"value": value})


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


def _tree_cpu(pid: int) -> float:
    """CPU seconds of gunicorn's master and workers so far (Linux /proc), startup excluded by the
    caller taking a difference."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry.name) == pid or int(fields[1]) == pid:  # fields[1] is the parent pid
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.sent_at: dict[tuple[int, int], float] = {}  # customer message → when it was sent
        self.reply_sent_at: dict[tuple[int, int], float] = {}
        self.to_agent: list[float] = []
        self.agent_saw: set[tuple[int, int]] = set()
        self.to_customer: list[float] = []
        self.requests = 0
        self.errors: Counter = Counter()
        self.messages = 0
        self.take_conflicts = 0
        self.durations: list[float] = []
        self.lint_blocks = 0

    def agent_sees(self, key: tuple[int, int], now: float) -> None:
        """The first time any agent's poll shows a customer message (waiting list or conversation)."""
        with self.lock:
            sent = self.sent_at.get(key)
            if sent is not None and key not in self.agent_saw:
                self.agent_saw.add(key)
                self.to_agent.append(now - sent)

    def request(self, response) -> None:
        with self.lock:
            self.requests += 1
            self.durations.append(response.elapsed.total_seconds())
            if response.status_code >= 400 and response.status_code != 409:
                self.errors[response.status_code] += 1


class _Failed:
    status_code = 0


FAILED = _Failed()


def _http(stats: Stats, method, url: str, **kwargs):
    """One request; a dropped connection is counted and tried once more, as a browser would."""
    import requests

    for _attempt in (1, 2):
        try:
            response = method(url, timeout=60, **kwargs)
        except requests.RequestException as error:
            with stats.lock:
                stats.errors[type(error).__name__] += 1
            continue
        stats.request(response)
        return response
    return FAILED


def customer(i: int, base: str, args, stats: Stats, stop: threading.Event) -> None:
    import requests

    s = requests.Session()
    rng = random.Random(i)
    r = _http(stats, s.get, f"{base}/")
    csrf = s.cookies.get("csrftoken", "")
    headers = {"X-CSRFToken": csrf, "Referer": f"{base}/"}
    r = _http(stats, s.post, f"{base}/api/v1/chat/conversations/", json={"name": f"顾客{i}"}, headers=headers)
    if r.status_code not in (200, 201):
        return
    token = r.json()["conversation"]["token"]
    last = max([m["id"] for m in r.json()["messages"]] or [0])
    url = f"{base}/api/v1/chat/conversations/{token}/messages/"
    time.sleep(rng.random() * args.poll)  # customers do not all arrive in the same instant
    for k in range(args.messages):
        if stop.is_set():
            return
        key = (i, k)
        t0 = time.perf_counter()
        with stats.lock:
            stats.sent_at[key] = t0
        r = _http(stats, s.post, url, json={"text": f"{rng.choice(QUESTIONS)}〔{i}-{k}〕"}, headers=headers)
        if r.status_code != 201:
            continue
        with stats.lock:
            stats.messages += 1
        last = max(last, *(m["id"] for m in r.json()))
        deadline = time.perf_counter() + args.reply_timeout
        answered = False
        while not answered and not stop.is_set() and time.perf_counter() < deadline:
            time.sleep(args.poll)
            r = _http(stats, s.get, url, params={"after": last})
            if r.status_code != 200:
                continue
            now = time.perf_counter()
            for m in r.json()["messages"]:
                last = max(last, m["id"])
                found = MARK.search(m["text"]) if m["sender"] == "agent" else None
                if found and (int(found.group(1)), int(found.group(2))) == key:
                    with stats.lock:
                        sent = stats.reply_sent_at.get(key)
                        if sent is not None:
                            stats.to_customer.append(now - sent)
                    answered = True
        time.sleep(rng.uniform(0.2, 1.0) * args.think)


def agent(n: int, base: str, args, stats: Stats, stop: threading.Event, ready: threading.Semaphore) -> None:
    import requests

    s = requests.Session()
    r = _http(stats, s.get, f"{base}/desk/login/")
    r = _http(
        stats,
        s.post,
        f"{base}/desk/login/",
        data={
            "username": f"bench{n}",
            "password": AGENT_PASSWORD,
            "csrfmiddlewaretoken": s.cookies["csrftoken"],
        },
        headers={"Referer": f"{base}/desk/login/"},
    )
    headers = {"X-CSRFToken": s.cookies["csrftoken"], "Referer": f"{base}/desk/chat/"}
    api = f"{base}/api/v1/chat/staff/"
    _http(stats, s.post, f"{api}presence/", json={"status": "online"}, headers=headers)
    ready.release()
    # Like the console: the poll runs on its own timer; fetching and answering a conversation is
    # a second thread (the person typing), so a slow answer never delays the next poll.
    work: queue.Queue[int] = queue.Queue()
    pending: set[int] = set()
    pending_lock = threading.Lock()
    last_id: dict[int, int] = {}

    def answer() -> None:
        replier = requests.Session()
        replier.cookies.update(s.cookies)
        seen: dict[int, int] = {}
        rng = random.Random(1000 + n)
        while not stop.is_set():
            try:
                conversation = work.get(timeout=0.5)
            except queue.Empty:
                continue
            with pending_lock:
                pending.discard(conversation)
            m = _http(
                stats,
                replier.get,
                f"{api}conversations/{conversation}/messages/",
                params={"after": seen.get(conversation, 0)},
            )
            if m.status_code != 200:
                continue
            for msg in m.json():
                seen[conversation] = max(seen.get(conversation, 0), msg["id"])
                found = MARK.search(msg["text"]) if msg["sender"] == "customer" else None
                if not found:
                    continue
                key = (int(found.group(1)), int(found.group(2)))
                stats.agent_sees(key, time.perf_counter())
                with stats.lock:
                    stats.reply_sent_at[key] = time.perf_counter()
                reply = _http(
                    stats,
                    replier.post,
                    f"{api}conversations/{conversation}/messages/",
                    json={"text": f"{rng.choice(ANSWERS)}〔{key[0]}-{key[1]}〕"},
                    headers=headers,
                )
                if reply.status_code == 201:
                    with stats.lock:
                        stats.messages += 1
                elif reply.status_code == 409:
                    with stats.lock:
                        stats.lint_blocks += 1

    threading.Thread(target=answer, daemon=True).start()
    while not stop.is_set():
        tick = time.perf_counter()
        r = _http(stats, s.get, f"{api}inbox/")
        if r.status_code == 200:
            inbox = r.json()
            now = time.perf_counter()
            # The console's lists show each conversation's latest customer message: that is when
            # the agent sees it.
            for c in inbox["waiting"] + inbox["mine"]:
                found = MARK.search(c.get("last_customer_text") or "")
                if found:
                    stats.agent_sees((int(found.group(1)), int(found.group(2))), now)
            # Take a share of the waiting ones (as a person would: a few at a time), racing colleagues.
            for c in inbox["waiting"][n :: args.agents][: args.take_per_tick]:
                t = _http(stats, s.post, f"{api}conversations/{c['id']}/take/", headers=headers)
                if t.status_code == 409:
                    with stats.lock:
                        stats.take_conflicts += 1
                elif t.status_code == 200:
                    inbox["mine"].append(t.json())
            for c in inbox["mine"]:
                newest = c.get("last_message_id") or 0
                if newest <= last_id.get(c["id"], -1):
                    continue
                last_id[c["id"]] = newest
                with pending_lock:
                    if c["id"] in pending:
                        continue
                    pending.add(c["id"])
                work.put(c["id"])
        stop.wait(max(0.0, args.poll - (time.perf_counter() - tick)))


def run(args) -> dict:
    if args.customers + args.agents > MAX_THREADS:
        raise SystemExit(f"at most {MAX_THREADS} threads")
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("KEFU_DATABASE_URL", None)
    with tempfile.TemporaryDirectory(prefix="kefu-bench-chat-") as home:
        env["KEFU_HOME"] = home
        db = "sqlite"
        if args.postgres:
            problem = _pg_recreate(args.pg_url)
            if problem:
                return {"db": "postgresql", "skipped": f"PostgreSQL unreachable ({problem})"}
            env["KEFU_DATABASE_URL"] = args.pg_url
            db = "postgresql"
        subprocess.run(
            [sys.executable, __file__, "--setup", "--agents", str(args.agents)], env=env, check=True
        )
        port = _free_port()
        base = f"http://127.0.0.1:{port}"

        server = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn", "kefu.wsgi:application",
                "--bind", f"127.0.0.1:{port}",
                "--workers", str(args.workers), "--threads", str(args.threads),
                "--worker-class", "gthread", "--log-level", "warning",
                # Longer than the polling interval, or the server drops idle connections just as
                # the next poll reuses them (gunicorn's default keep-alive is 2 s).
                "--keep-alive", "10",
            ],
            env=env,
            cwd=home,
        )  # fmt: skip
        try:
            import requests

            for _ in range(100):
                try:
                    if requests.get(f"{base}/", timeout=1).status_code == 200:
                        break
                except requests.RequestException:
                    time.sleep(0.2)
            else:
                raise SystemExit("gunicorn did not come up")
            stats, stop, ready = Stats(), threading.Event(), threading.Semaphore(0)
            agents = [
                threading.Thread(target=agent, args=(n, base, args, stats, stop, ready), daemon=True)
                for n in range(args.agents)
            ]
            for t in agents:
                t.start()
            # The team is logged in and online before customers arrive (a login hashes a password:
            # twenty of them would otherwise sit in front of the first customers' requests).
            for _ in agents:
                if not ready.acquire(timeout=120):
                    raise SystemExit("the agents could not log in")
            customers = [
                threading.Thread(target=customer, args=(i, base, args, stats, stop), daemon=True)
                for i in range(args.customers)
            ]
            server_cpu_before, self_before = _tree_cpu(server.pid), resource.getrusage(resource.RUSAGE_SELF)
            with stats.lock:  # count from here: the logins are not the chat's load
                stats.requests = 0
                stats.durations.clear()
            started = time.perf_counter()
            for t in customers:
                t.start()
            timer = threading.Timer(args.max_seconds, stop.set)
            timer.start()
            for t in customers:
                t.join()
            elapsed = time.perf_counter() - started
            stop.set()
            timer.cancel()
            for t in agents:
                t.join(timeout=10)
            cpu_server = _tree_cpu(server.pid) - server_cpu_before
            me = resource.getrusage(resource.RUSAGE_SELF)
            cpu_client = (me.ru_utime + me.ru_stime) - (self_before.ru_utime + self_before.ru_stime)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=20)

    def figures(values: list[float]) -> dict:
        if not values:
            return {"n": 0}
        ms = [v * 1000 for v in values]
        return {
            "n": len(ms),
            "p50_ms": round(statistics.median(ms)),
            "p95_ms": round(_percentile(ms, 0.95)),
            "p99_ms": round(_percentile(ms, 0.99)),
        }

    return {
        "db": db,
        "customers": args.customers,
        "agents": args.agents,
        "gunicorn": f"{args.workers}x{args.threads} gthread",
        "poll_s": args.poll,
        "seconds": round(elapsed, 1),
        "customer_to_agent": figures(stats.to_agent),
        "agent_to_customer": figures(stats.to_customer),
        "messages": stats.messages,
        "messages_per_s": round(stats.messages / elapsed, 1),
        "requests": stats.requests,
        "requests_per_s": round(stats.requests / elapsed, 1),
        "request": figures(stats.durations),
        "cpu_server_s": round(cpu_server, 1),
        "cpu_client_s": round(cpu_client, 1),
        "cpu_ms_per_request": round(cpu_server * 1000 / max(1, stats.requests), 1),
        "cores": os.cpu_count(),
        "reply_timeout_s": args.reply_timeout,
        "unanswered": args.customers * args.messages - len(stats.to_customer),
        "take_conflicts_409": stats.take_conflicts,
        "lint_blocks": stats.lint_blocks,
        "errors": dict(stats.errors),
    }


def table(r: dict) -> str:
    if "skipped" in r:
        return f"{r['db']}: {r['skipped']}"
    a, c = r["customer_to_agent"], r["agent_to_customer"]
    return "\n".join(
        [
            "| 数据库 | 客户/客服 | 方向 | 条数 | p50 ms | p95 ms | p99 ms |",
            "|---|---|---|---|---|---|---|",
            f"| {r['db']} | {r['customers']}/{r['agents']} | 客户发 → 客服看到 | {a['n']} | {a.get('p50_ms', '–')} | {a.get('p95_ms', '–')} | {a.get('p99_ms', '–')} |",
            f"| {r['db']} | {r['customers']}/{r['agents']} | 客服回 → 客户看到 | {c['n']} | {c.get('p50_ms', '–')} | {c.get('p95_ms', '–')} | {c.get('p99_ms', '–')} |",
            "",
            f"{r['messages']} 条消息 / {r['seconds']} 秒 = {r['messages_per_s']} 条/秒；"
            f"{r['requests']} 个请求 = {r['requests_per_s']} 请求/秒；轮询间隔 {r['poll_s']} 秒；"
            f"单个请求 p50 {r['request'].get('p50_ms')} ms / p95 {r['request'].get('p95_ms')} ms；"
            f"服务端 CPU {r['cpu_server_s']} 秒（每请求 {r['cpu_ms_per_request']} ms），压测端 CPU {r['cpu_client_s']} 秒，"
            f"{r['cores']} 核；gunicorn {r['gunicorn']}；{r['reply_timeout_s']:.0f} 秒内未等到回复 {r['unanswered']}；接入冲突 409 {r['take_conflicts_409']}；"
            f"错误 {r['errors'] or '无'}",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--customers", type=int, default=200, help="concurrent customers = conversations")
    parser.add_argument(
        "--agents", type=int, default=20, help="agent threads (a person answers about 10 chats)"
    )
    parser.add_argument("--messages", type=int, default=5, help="messages per customer")
    parser.add_argument(
        "--poll", type=float, default=2.0, help="polling interval of both sides, s (the widget default)"
    )
    parser.add_argument("--think", type=float, default=1.0, help="a customer's pause between messages, s")
    parser.add_argument("--reply-timeout", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--max-seconds", type=float, default=180.0)
    parser.add_argument("--take-per-tick", type=int, default=10)
    parser.add_argument("--quick", action="store_true", help="50 customers, 3 messages")
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/kefu_bench_chat")
    parser.add_argument("--setup", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.setup:
        setup(args.agents)
        return
    if args.quick:
        args.customers, args.messages = 50, 3
    result = run(args)
    print(json.dumps(result, ensure_ascii=False))
    print()
    print(table(result))


if __name__ == "__main__":
    main()
