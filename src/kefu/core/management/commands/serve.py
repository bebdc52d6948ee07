"""``kefu serve [--demo]``: migrate, optionally load the demo shop, then serve with gunicorn.

The huey consumer runs beside gunicorn so the periodic sweeps (timeouts, SLA) happen without a
second command.
"""

import os
import signal
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand

from kefu.core import demo as demo_data


class Command(BaseCommand):
    help = "Serve the desk with gunicorn (migrates first; --demo loads a demo shop once)."

    def add_arguments(self, parser):
        parser.add_argument("--demo", action="store_true", help="load the demo shop and demo logins")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=3)
        parser.add_argument("--no-worker", action="store_true", help="do not start the huey consumer")

    def handle(self, *args, demo, host, port, workers, no_worker, **options):
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
        gunicorn = [
            sys.executable,
            "-m",
            "gunicorn",
            "kefu.wsgi:application",
            "--bind",
            f"{host}:{port}",
            "--workers",
            str(workers),
            "--threads",
            "4",
            "--timeout",
            "60",
            # longer than the chat's 2-second poll, so a browser's kept-alive connection is still
            # open when its next poll reuses it
            "--keep-alive",
            "10",
            "--access-logfile",
            "-",
        ]
        self.stdout.write(f"kefu 正在运行：http://{host}:{port}/  (Ctrl+C 退出)")
        self.stdout.flush()
        server = subprocess.Popen(gunicorn, env=env)  # noqa: S603
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
