"""``kefu serve [--demo]``: migrate, optionally load the demo shop, then serve with uvicorn (ASGI:
the pages, the API and the chat's WebSocket push from one server).

Which setup it runs follows from the environment, nothing to choose:

- without ``KEFU_REDIS_URL`` (the embedded shop): ONE server process; the chat's channel layer lives
  in its memory, so several processes would not see each other's pushes (``--workers`` is ignored).
- with ``KEFU_REDIS_URL``: the channel layer is Redis, shared by every process and machine;
  ``--workers`` processes (default 2) serve behind one port, and more hosts may run ``kefu serve``.

The huey consumer runs beside the server so the periodic sweeps (timeouts, SLA) happen without a
second command.

``--gunicorn`` (scaled setup): gunicorn with uvicorn workers and ``kefu.gunicorn_conf``, which loads
the application, the word dictionary and the synonym table once in the master before it forks, so
the workers share that memory instead of each loading its own copy.
"""

import os
import signal
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand

from kefu.core import demo as demo_data


class Command(BaseCommand):
    help = "Serve the desk with uvicorn: pages, API and chat push (migrates first; --demo loads a demo shop once)."

    def add_arguments(self, parser):
        parser.add_argument("--demo", action="store_true", help="load the demo shop and demo logins")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--workers", type=int, default=None, help="server processes (only with KEFU_REDIS_URL; default 2)"
        )
        parser.add_argument("--no-worker", action="store_true", help="do not start the huey consumer")
        parser.add_argument("--no-access-log", action="store_true", help="do not log every request")
        parser.add_argument(
            "--gunicorn",
            action="store_true",
            help="gunicorn master with uvicorn workers, the app loaded once before forking (with KEFU_REDIS_URL)",
        )

    def handle(self, *args, demo, host, port, workers, no_worker, no_access_log, gunicorn, **options):
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("数据库已就绪 (database ready)")
        if demo and demo_data.shop_has_own_data():
            self.stdout.write("这个数据库里已有店铺自己的数据：不加载演示数据，也不改动任何账号。")
        elif demo:
            for line in demo_data.demo_load():
                self.stdout.write(f"演示数据 (demo data) — {line}")
            self.stdout.write("演示账号 (demo logins):")
            for username, password, role in demo_data.demo_users_ensure():
                self.stdout.write(f"  {username} / {password}   [{role}]")
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "kefu.settings"}
        children = []
        if not no_worker:
            children.append(
                subprocess.Popen(
                    [sys.executable, "-m", "kefu", "run_huey", "--quiet", "--flush-locks"], env=env
                )  # noqa: S603
            )
        shared = bool(os.environ.get("KEFU_REDIS_URL"))
        if not shared and workers not in (None, 1):
            self.stdout.write("未设置 KEFU_REDIS_URL：只启动 1 个服务进程 (one process without Redis)")
        processes = (workers or 2) if shared else 1
        server_cmd = [
            sys.executable,
            "-m",
            "uvicorn",
            "kefu.asgi:application",
            "--host",
            host,
            "--port",
            str(port),
            "--workers",
            str(processes),
            # behind nginx: the client's address and scheme from X-Forwarded-* of the local proxy
            "--proxy-headers",
            "--ws-ping-interval",
            "20",
            "--ws-max-size",
            str(64 * 1024),
            # chat frames are small: compressing them costs more CPU than it saves
            "--ws-per-message-deflate",
            "false",
            "--timeout-graceful-shutdown",
            "10",
            "--timeout-keep-alive",
            "10",
        ]
        if no_access_log:
            server_cmd += ["--no-access-log", "--log-level", "warning"]
        if gunicorn:
            # the same uvicorn settings, from kefu.gunicorn_conf
            server_cmd = [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                "python:kefu.gunicorn_conf",
                "kefu.asgi:application",
            ]
            env.update(
                KEFU_BIND=f"{host}:{port}",
                KEFU_WORKERS=str(processes),
                KEFU_ACCESS_LOG="0" if no_access_log else "1",
            )
        self.stdout.write(f"kefu 正在运行：http://{host}:{port}/  ({processes} 个进程, Ctrl+C 退出)")
        self.stdout.flush()
        server = subprocess.Popen(server_cmd, env=env)  # noqa: S603
        children.append(server)

        def stop(signum, frame):
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            code = server.wait()
        finally:
            stop(None, None)
            for child in children:
                try:
                    child.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    child.kill()
        sys.exit(code if code and code > 0 else 0)
