"""The help center's public pages beside django-helpdesk 2.6.1's knowledge base, under wrk.

    python3 bench/public_pages.py                        # N = 10 000, flatness at 1 000 and 10 000
    python3 bench/public_pages.py --n 10000 --flat 1000 --duration 10
    python3 bench/public_pages.py --keep /work/helpdesk-peer/data   # load once, reuse the databases
    python3 bench/public_pages.py --kefu-only --n 100000 --flat 1000  # flatness only

Both get the same N synthetic articles (bench/search.py's generator: eight categories, Chinese FAQ
titles and bodies): kefu through its KB import (``kb_io.kb_import``, so the search index and the
categories' kept counts are built as a shop's import builds them), the peer through its models (it
has no import). Each runs on SQLite under gunicorn with 2 workers on a loopback port:

- kefu with its production command: ``gunicorn -c python:kefu.gunicorn_conf kefu.asgi:application``
  (uvicorn workers, the app, the word dictionary and the synonym table loaded once before fork), then
  the same config with plain WSGI workers (``--worker-class sync kefu.wsgi:application``, a
  pages-only host; ``--no-sync`` leaves this run out);
- django-helpdesk 2.6.1 from PyPI in its own venv (``--peer``, default /work/helpdesk-peer; created
  with ``pip install 'django-helpdesk[teams]==2.6.1' gunicorn`` when absent), with a minimal Django project
  this script writes there at run time, served by gunicorn's default sync workers.

wrk runs on kefu's home, a category, an article and the search page with a query, then on the
peer's /kb/, a /kb/<category>/ and an article (/kb/<category>/?kbitem=<id>, the page its links
open), back-to-back with the same settings. For each page: requests/s, latency p50/p99, and the CPU
the server processes spent per request (utime + stime of master and workers from /proc, before and
after the run: the fair figure on a shared machine). Then the memory of master + workers: the sum of
VmRSS (counts pages the forked workers share once per process) and of Pss from smaps_rollup (shares
them out: the fairer figure). Flatness: kefu's CPU per request on home, category and article at
``--flat`` articles beside N. The last line is the JSON of everything.
"""

import argparse
import importlib.util
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PEER_VERSION = "2.6.1"
SEARCH_QUERY = "七天无理由退货运费谁出"
TICK = os.sysconf("SC_CLK_TCK")


def _generator():
    """bench/search.py's article generator (stdlib only, so the peer's venv can load it too)."""
    spec = importlib.util.spec_from_file_location("bench_search", ROOT / "bench" / "search.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- loading ------------------------------------------------------------------------------------


def load_kefu(n: int) -> dict:
    """In a child with KEFU_HOME set: migrate, import N articles, say which pages to ask for."""
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from kefu.helpcenter.kb_io import kb_import
    from kefu.helpcenter.models import Article, Category

    call_command("migrate", verbosity=0)
    if Article.objects.count() != n:
        gen = _generator()
        gen.CHUNK = 5000
        for chunk in gen._csv_chunks(n):
            report = kb_import(data=chunk)
            if report.errors or report.fatal:
                raise SystemExit(f"import errors: {report.errors[:3] or report.fatal}")
    call_command("collectstatic", interactive=False, verbosity=0)
    category = Category.objects.order_by("position", "id").first()
    assert category is not None
    article = Article.objects.filter(category=category).order_by("id").first()
    assert article is not None
    return {"n": Article.objects.count(), "category": category.pk, "article": article.pk}


PEER_SETTINGS = '''\
"""A minimal Django project around django-helpdesk (written by kefu's bench/public_pages.py)."""
import os

BASE_DIR = os.path.dirname(os.path.abspath(__file__))
SECRET_KEY = "bench-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "rest_framework",
    "account",
    "pinax.invitations",
    "pinax.teams",
    "reversion",
    "helpdesk",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "peer_urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
DATABASES = {
    "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["PEER_DB"]}
}
SITE_ID = 1
STATIC_URL = "/static/"
LANGUAGE_CODE = "zh-hans"
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
HELPDESK_KB_ENABLED = True
LOGIN_URL = "helpdesk:login"
'''

PEER_URLS = """\
from django.urls import include, path

urlpatterns = [path("", include("helpdesk.urls", namespace="helpdesk"))]
"""


def load_peer(n: int) -> dict:
    """Under the peer's venv, in its project folder: migrate and write the same N articles."""
    sys.path.insert(0, os.getcwd())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peer_settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone
    from helpdesk.models import KBCategory, KBItem

    call_command("migrate", verbosity=0)
    gen = _generator()
    if KBItem.objects.count() != n:
        KBItem.objects.all().delete()
        KBCategory.objects.all().delete()
        slugs = {}
        for i, name in enumerate(gen.CATEGORIES, start=1):
            KBCategory.objects.create(name=name, title=name, slug=f"c{i}", description=name, public=True)
            slugs[name] = f"c{i}"
        by_slug = {c.slug: c for c in KBCategory.objects.all()}
        batch, now = [], timezone.now()
        with transaction.atomic():
            for order, (category, title, body) in enumerate(gen.articles(n)):
                batch.append(
                    KBItem(
                        category=by_slug[slugs[category]],
                        title=title,
                        question=title,
                        answer=body,
                        order=order,
                        enabled=True,
                        last_updated=now,
                    )
                )
                if len(batch) == 5000:
                    KBItem.objects.bulk_create(batch)
                    batch = []
            KBItem.objects.bulk_create(batch)
    first = KBCategory.objects.order_by("id").first()
    item = KBItem.objects.filter(category=first).order_by("id").first()
    return {"n": KBItem.objects.count(), "category": first.slug, "article": item.pk}


def _child(args: list[str], env: dict, python: str = sys.executable, cwd: str | None = None) -> dict:
    done = subprocess.run(
        [python, __file__, *args], env=env, cwd=cwd, capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise SystemExit(f"{args[0]} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def peer_ensure(peer: Path) -> str:
    """The peer's venv (created when absent) and its project folder; returns its python."""
    python = peer / "venv" / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(peer / "venv")], check=True)
        subprocess.run(
            [
                str(python),
                "-m",
                "pip",
                "install",
                "-q",
                f"django-helpdesk[teams]=={PEER_VERSION}",
                "gunicorn",
            ],
            check=True,
        )
    project = peer / "project"
    project.mkdir(parents=True, exist_ok=True)
    (project / "peer_settings.py").write_text(PEER_SETTINGS, encoding="utf-8")
    (project / "peer_urls.py").write_text(PEER_URLS, encoding="utf-8")
    return str(python)


# --- serving and measuring ---------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICK


def _memory_mb(pids: list[int]) -> dict:
    rss = pss = 0
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                rss += int(line.split()[1])
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                pss += int(line.split()[1])
    return {"rss_mb": round(rss / 1024, 1), "pss_mb": round(pss / 1024, 1), "processes": len(pids)}


class Server:
    def __init__(self, name: str, cmd: list[str], env: dict, cwd: str | None, port: int):
        self.name, self.port = name, port
        # the server writes its log here until it stops; kept for reading after a failure
        self.log = tempfile.NamedTemporaryFile(prefix="bench-server-", suffix=".log", delete=False)  # noqa: SIM115
        self.proc = subprocess.Popen(  # noqa: S603
            cmd, env=env, cwd=cwd, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"{name} did not start:\n{Path(self.log.name).read_text()[-3000:]}")
            if len(_children(self.proc.pid)) >= 2 and self._answers():
                break
            time.sleep(0.3)
        else:
            raise SystemExit(f"{name} did not answer:\n{Path(self.log.name).read_text()[-3000:]}")

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return True
        except OSError:
            return False

    @property
    def pids(self) -> list[int]:
        return [self.proc.pid, *_children(self.proc.pid)]

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def _status(url: str) -> int:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - loopback only
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    assert match, text
    return round(
        float(match.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[match.group(2)], 2
    )


def wrk(server: Server, page: str, path: str, args) -> dict:
    url = server.url(path)
    status = _status(url)
    if status != 200:
        raise SystemExit(f"{server.name} {page} {path}: HTTP {status}")
    for _ in range(args.warm):
        _status(url)
    cpu0 = _cpu_seconds(server.pids)
    done = subprocess.run(
        [
            "wrk",
            f"-t{args.threads}",
            f"-c{args.connections}",
            f"-d{args.duration}s",
            "--timeout",
            "60s",
            "--latency",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    cpu = _cpu_seconds(server.pids) - cpu0
    out = done.stdout
    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {
        "server": server.name,
        "page": page,
        "path": path,
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        "p50_ms": _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)),  # type: ignore[union-attr]
        "p99_ms": _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1)),  # type: ignore[union-attr]
        "requests": requests,
        "cpu_ms_per_request": round(1000 * cpu / max(1, requests), 2),
        "non_2xx": int(bad.group(1)) if bad else 0,
        "socket_errors": errors.group(1).strip() if errors else "",
    }


def kefu_server(home: str, port: int, worker: str = "uvicorn") -> Server:
    env = {
        **os.environ,
        "KEFU_HOME": home,
        "PYTHONPATH": str(ROOT / "src"),
        "DJANGO_SETTINGS_MODULE": "kefu.settings",
        "KEFU_BIND": f"127.0.0.1:{port}",
        "KEFU_WORKERS": "2",
        "KEFU_ACCESS_LOG": "0",
    }
    env.pop("KEFU_DATABASE_URL", None)
    env.pop("KEFU_REDIS_URL", None)
    cmd = [sys.executable, "-m", "gunicorn", "-c", "python:kefu.gunicorn_conf", "kefu.asgi:application"]
    if worker == "sync":  # a pages-only host: plain WSGI workers, no chat sockets
        cmd[-1:] = ["--worker-class", "sync", "kefu.wsgi:application"]
    return Server(f"kefu ({worker})", cmd, env, str(ROOT), port)


def peer_server(python: str, project: str, db: str, port: int) -> Server:
    env = {**os.environ, "PEER_DB": db, "DJANGO_SETTINGS_MODULE": "peer_settings"}
    env.pop("PYTHONPATH", None)
    cmd = [python, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}", "wsgi_app"]
    wsgi = Path(project) / "wsgi_app.py"
    wsgi.write_text(
        "from django.core.wsgi import get_wsgi_application\napplication = get_wsgi_application()\n",
        encoding="utf-8",
    )
    return Server("django-helpdesk", cmd, env, project, port)


def kefu_pages(info: dict) -> list[tuple[str, str]]:
    from urllib.parse import quote

    return [
        ("home", "/"),
        ("category", f"/?category={info['category']}"),
        ("article", f"/help/articles/{info['article']}/"),
        ("search", f"/?q={quote(SEARCH_QUERY)}"),
    ]


def peer_pages(info: dict) -> list[tuple[str, str]]:
    return [
        ("home", "/kb/"),
        ("category", f"/kb/{info['category']}/"),
        ("article", f"/kb/{info['category']}/?kbitem={info['article']}"),
    ]


def _uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


def _kefu_home(base: Path, n: int) -> str:
    home = base / f"kefu-{n}"
    home.mkdir(parents=True, exist_ok=True)
    return str(home)


def kefu_run(
    base: Path, n: int, args, pages: bool = True, worker: str = "uvicorn"
) -> tuple[dict, list[dict], dict]:
    home = _kefu_home(base, n)
    info = _child(["--load-kefu", str(n)], {**os.environ, "KEFU_HOME": home})
    server = kefu_server(home, _free_port(), worker)
    try:
        wanted = kefu_pages(info) if pages else kefu_pages(info)[:3]
        results = [wrk(server, page, path, args) for page, path in wanted]
        memory = _memory_mb(server.pids)
    finally:
        server.stop()
    return info, results, memory


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=10_000, help="articles on both sides")
    parser.add_argument("--flat", type=int, default=1_000, help="kefu's smaller size for the flatness check")
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per page")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--warm", type=int, default=20, help="requests before each measured run")
    parser.add_argument("--peer", default="/work/helpdesk-peer", help="the peer's venv and project")
    parser.add_argument("--keep", help="keep the databases in this folder and reuse them")
    parser.add_argument("--kefu-only", action="store_true", help="no peer: kefu's pages and flatness")
    parser.add_argument(
        "--no-sync", action="store_true", help="skip kefu on plain WSGI workers (a pages-only host)"
    )
    parser.add_argument("--load-kefu", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--load-peer", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load_kefu:
        print(json.dumps(load_kefu(args.load_kefu)))
        return
    if args.load_peer:
        print(json.dumps(load_peer(args.load_peer)))
        return
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install -y wrk")

    tmp = None if args.keep else tempfile.TemporaryDirectory(prefix="kefu-public-bench-")
    base = Path(args.keep or tmp.name)  # type: ignore[union-attr]
    base.mkdir(parents=True, exist_ok=True)
    report: dict = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "n": args.n,
        "wrk": f"-t{args.threads} -c{args.connections} -d{args.duration}s",
    }
    try:
        report["uptime_before"] = _uptime()
        info, kefu_results, kefu_memory = kefu_run(base, args.n, args)
        report.update(kefu=kefu_results, kefu_memory=kefu_memory)
        if not args.no_sync:
            _info, sync_results, sync_memory = kefu_run(base, args.n, args, worker="sync")
            report.update(kefu_sync=sync_results, kefu_sync_memory=sync_memory)
        if not args.kefu_only:
            python = peer_ensure(Path(args.peer))
            project = str(Path(args.peer) / "project")
            db = str(base / f"peer-{args.n}.sqlite3")
            peer_info = _child(["--load-peer", str(args.n)], {**os.environ, "PEER_DB": db}, python, project)
            server = peer_server(python, project, db, _free_port())
            try:
                report["peer"] = [wrk(server, page, path, args) for page, path in peer_pages(peer_info)]
                report["peer_memory"] = _memory_mb(server.pids)
            finally:
                server.stop()
        report["uptime_after"] = _uptime()
        if args.flat:
            _info, small, _memory = kefu_run(base, args.flat, args, pages=False)
            report["flat"] = {"n": args.flat, "kefu": small}
    finally:
        if tmp is not None:
            tmp.cleanup()
    print(render(report))
    print(json.dumps(report, ensure_ascii=False))


def render(report: dict) -> str:
    lines = [
        f"{report['date']}  N = {report['n']}  wrk {report['wrk']}",
        f"load: {report['uptime_before']}",
        "",
        "| 页面 | kefu 请求/秒 | kefu p50/p99 ms | kefu CPU ms/请求 | 对方 请求/秒 | 对方 p50/p99 ms "
        "| 对方 CPU ms/请求 | 倍数 (请求/秒) | 倍数 (CPU) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    peer = {r["page"]: r for r in report.get("peer", [])}
    for r in report["kefu"] + report.get("kefu_sync", []):
        p = peer.get(r["page"]) or (peer.get("home") if r["page"] == "search" else None)
        row = [
            f"{r['server']} {r['page']}" + (" (对方: /kb/)" if r["page"] == "search" and p else ""),
            f"{r['rps']:.0f}",
            f"{r['p50_ms']}/{r['p99_ms']}",
            f"{r['cpu_ms_per_request']}",
        ]
        if p:
            row += [
                f"{p['rps']:.0f}",
                f"{p['p50_ms']}/{p['p99_ms']}",
                f"{p['cpu_ms_per_request']}",
                f"{r['rps'] / max(0.01, p['rps']):.2f}×",
                f"{p['cpu_ms_per_request'] / max(0.01, r['cpu_ms_per_request']):.2f}×",
            ]
        else:
            row += ["–"] * 5
        lines.append("| " + " | ".join(row) + " |")
    lines.append("")
    for label, key in (("kefu (uvicorn)", "kefu_memory"), ("kefu (sync)", "kefu_sync_memory")):
        if key in report:
            m = report[key]
            lines.append(
                f"{label} memory (master + workers, {m['processes']} processes): "
                f"RSS {m['rss_mb']} MB, PSS {m['pss_mb']} MB"
            )
    if "peer_memory" in report:
        m = report["peer_memory"]
        lines.append(
            f"django-helpdesk memory ({m['processes']} processes): RSS {m['rss_mb']} MB, PSS {m['pss_mb']} MB"
        )
    if "flat" in report:
        small = {r["page"]: r for r in report["flat"]["kefu"]}
        lines.append("")
        lines.append(f"flatness, kefu CPU ms/request: N = {report['flat']['n']} → N = {report['n']}")
        for r in report["kefu"]:
            if r["page"] in small:
                lines.append(
                    f"  {r['page']}: {small[r['page']]['cpu_ms_per_request']} → {r['cpu_ms_per_request']}"
                )
    lines.append(f"load after: {report['uptime_after']}")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
