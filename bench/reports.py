"""Reports benchmark: the sales report and the dashboard over a shop's year of orders.

    python3 bench/reports.py                                  # 1 000 000 orders, SQLite
    python3 bench/reports.py --orders 100000,1000000          # several sizes (memory stays flat)
    python3 bench/reports.py --orders 1000000 --postgres postgresql://postgres@127.0.0.1:5432/kefu_bench_reports

Per size N, in a fresh database (SQLite in a temporary KEFU_HOME, or the PostgreSQL database named
by --postgres, dropped and created again — never point it at a database you care about):

1. **load**: N orders spread over 365 days up to 2026-11-30 (70 % paid, a quarter of all buyers
   return, amounts 10–510 元), a 催付 for one order in twenty, N/20 chats (each with two answers)
   and a few hundred inbox items, written by set-based ``INSERT … SELECT`` from a number series,
   so the load itself is fast and takes no memory;
2. **daily totals**: the reports' sweep counting every closed day of the history into the daily
   totals (the first run), then one run of a week's days (what the sweep recounts every quarter of an
   hour);
3. **sales**: ``selectors.sales_report`` for the last 30 days by day, by week and the last 365
   days by month, from the daily totals and counted live (``use_summary=False``) — best of 5, and
   the process's peak RSS;
4. **dashboard**: ``GET /desk/reports/`` for a supervisor (30 days: live figures, sales, service,
   agents, after-sales; the full page rendered) — server time, best of 5; once more with the
   range's last day counted live, as today always is;
5. **plan**: the query plans of the paid-orders query and of the daily totals' read
   (``EXPLAIN QUERY PLAN`` / ``EXPLAIN ANALYZE``).

Each size runs in its own child process, so the peak RSS printed is that size's own.
"""

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DAYS = 365
END_LOCAL = "2026-11-30"
# 2026-12-01 00:00 Asia/Shanghai in Unix time: every generated moment lies before it
END_EPOCH = 1_796_054_400


def _django():
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    import django

    django.setup()


def _rss_mb() -> int:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def _columns(model, given: dict[str, str], vendor: str) -> tuple[list[str], list[str]]:
    """Every concrete column of ``model``: the given SQL expression, else a neutral value."""
    from django.db import models

    names, values = [], []
    for field in model._meta.concrete_fields:
        column = field.column
        names.append(f'"{column}"')
        if column in given:
            values.append(given[column])
        elif field.null:
            values.append("NULL")
        elif isinstance(field, models.BooleanField):
            values.append("false" if vendor == "postgresql" else "0")
        elif isinstance(field, models.JSONField):
            values.append("'[]'" if isinstance(field.default(), list) else "'{}'")
        elif isinstance(field, models.CharField | models.TextField):
            values.append("''")
        elif isinstance(field, models.DateTimeField):
            values.append(_moment("0", vendor))
        else:
            values.append("0")
    return names, values


def _moment(seconds_before_end: str, vendor: str) -> str:
    if vendor == "postgresql":
        return f"to_timestamp({END_EPOCH} - ({seconds_before_end}))"
    return f"strftime('%Y-%m-%d %H:%M:%f', {END_EPOCH} - ({seconds_before_end}), 'unixepoch')"


def _insert(model, count: int, given: dict[str, str], vendor: str, *, chunk: int = 200_000) -> None:
    """``INSERT INTO table SELECT … FROM series(i)`` in chunks; ``i`` runs 1..count."""
    from django.db import connection, transaction

    names, values = _columns(model, given, vendor)
    table = model._meta.db_table
    for low in range(1, count + 1, chunk):
        high = min(count, low + chunk - 1)
        if vendor == "postgresql":
            series = f"FROM generate_series({low}::bigint, {high}::bigint) AS s(i)"
            sql = f'INSERT INTO "{table}" ({", ".join(names)}) SELECT {", ".join(values)} {series}'
        else:
            sql = (
                f"WITH RECURSIVE s(i) AS (SELECT {low} UNION ALL SELECT i + 1 FROM s WHERE i < {high}) "
                f'INSERT INTO "{table}" ({", ".join(names)}) SELECT {", ".join(values)} FROM s'
            )
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)


def load(n: int) -> dict:
    from django.contrib.auth.models import Group
    from django.db import connection

    from kefu.chat.models import Conversation, Message
    from kefu.core import roles
    from kefu.inbox.models import WorkItem
    from kefu.orders.models import Order, PaymentReminder

    vendor = connection.vendor
    started = time.perf_counter()
    users = get_user_model()
    agent = users.objects.create_user("bench-agent", password="x")
    agent.groups.set(Group.objects.filter(name=roles.AGENT))
    boss = users.objects.create_user("bench-boss", password="x")
    boss.groups.set(Group.objects.filter(name=roles.SUPERVISOR))
    span = DAYS * 86400
    created = f"((i * 7919) % {span}) + 3600"  # seconds before the end; an hour of room to pay
    buyers = max(n // 4, 1)
    paid = "(i % 10) < 7"
    paid_at = f"CASE WHEN {paid} THEN {_moment(f'{created} - 300 - (i % 3000)', vendor)} ELSE NULL END"
    amount = "(10 + ((i * 37) % 50000) / 100.0)"
    _insert(
        Order,
        n,
        {
            "id": "i",
            "shop": "'美丽小铺'",
            "number": "'B' || i",
            "buyer_nick": f"'buyer' || ((i * 104729) % {buyers})",
            "goods_amount": amount,
            "paid_amount": f"CASE WHEN {paid} THEN {amount} ELSE 0 END",
            "item_count": "1",
            "state": f"CASE WHEN {paid} THEN 'TRADE_FINISHED' ELSE 'TRADE_CLOSED' END",
            "shipping_method": "'express'",
            "created_at": _moment(created, vendor),
            "paid_at": paid_at,
            "updated_at": _moment(created, vendor),
            "version": "1",
        },
        vendor,
    )
    # one order in twenty chased, a minute after it was placed (before any payment)
    _insert(
        PaymentReminder,
        n // 20,
        {
            "id": "i",
            "order_id": "i * 20 - 3",
            "sequence": "1",
            "channel": "'im'",
            "reason": "'other'",
            "agent_id": str(agent.pk),
            "created_at": _moment(f"(((i * 20 - 3) * 7919) % {span}) + 3600 - 60", vendor),
        },
        vendor,
    )
    chats = max(n // 20, 1)
    _insert(
        Conversation,
        chats,
        {
            "id": "i",
            "token": "'t' || i",
            "buyer_name": f"'buyer' || ((i * 15485863) % {buyers})",
            "status": "'closed'",
            "agent_id": str(agent.pk),
            "created_at": _moment(f"(i * 104723) % {span} + 7200", vendor),
            "session_started_at": _moment(f"(i * 104723) % {span} + 7200", vendor),
            "first_response_at": _moment(f"(i * 104723) % {span} + 7200 - 5 - (i % 40)", vendor),
            "first_response_seconds": "5 + (i % 40)",
            "closed_at": _moment(f"(i * 104723) % {span} + 600", vendor),
            "customer_message_count": "2",
            "agent_message_count": "2",
        },
        vendor,
    )
    _insert(
        Message,
        chats * 2,
        {
            "id": "i",
            "conversation_id": f"((i - 1) % {chats}) + 1",
            "seq": f"((i - 1) / {chats}) + 1",
            "sender": "'agent'",
            "author_id": str(agent.pk),
            "text": "'好的亲'",
            "response_seconds": "3 + (i % 30)",
            "created_at": _moment(f"((((i - 1) % {chats}) + 1) * 104723) % {span} + 7000", vendor),
        },
        vendor,
    )
    _insert(
        WorkItem,
        500,
        {
            "id": "i",
            "source": "'aftersales'",
            "source_id": "i",
            "state": "CASE WHEN i % 3 = 0 THEN 'done' ELSE 'open' END",
            "title": "'售后'",
            "priority": "1",
            "due_at": _moment("(i * 3600) % 864000", vendor),
            "created_at": _moment("(i * 3600) % 864000 + 86400", vendor),
            "updated_at": _moment("0", vendor),
        },
        vendor,
    )
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (Order, PaymentReminder, Conversation, Message, WorkItem):
                table = model._meta.db_table
                cursor.execute(f'VACUUM ANALYZE "{table}"')
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), (SELECT max(id) FROM \"{table}\"))"
                )
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {"load_s": round(time.perf_counter() - started, 1)}


def get_user_model():
    from django.contrib.auth import get_user_model as _get

    return _get()


CPU: dict[str, float] = {}


def _best(fn, times: int = 5, name: str = "") -> float:
    """Best wall time in ms; the best CPU time of this process goes to ``CPU[name]`` (with SQLite
    the database works inside the process, so on a busy machine CPU time is the fairer figure)."""
    best = cpu = float("inf")
    for _ in range(times):
        started, started_cpu = time.perf_counter(), time.process_time()
        fn()
        best = min(best, time.perf_counter() - started)
        cpu = min(cpu, time.process_time() - started_cpu)
    if name:
        CPU[name] = round(cpu * 1000, 1)
    return round(best * 1000, 1)


def measure() -> dict:
    import datetime as dt

    from django.db import connection
    from django.test import Client

    from kefu.core import shopsettings
    from kefu.orders.models import Order
    from kefu.reports import selectors, summary
    from kefu.reports.models import SalesDay, SummarizedDay
    from kefu.reports.periods import Range

    end = dt.date.fromisoformat(END_LOCAL)
    last30 = Range(end - dt.timedelta(days=29), end, "day")
    rss_before = _rss_mb()
    out: dict = {"rss_before_mb": rss_before}
    with shopsettings.snapshot():
        started = time.perf_counter()
        runs = []
        while True:  # the sweep fills the history a month per run, the newest first
            run_started = time.perf_counter()
            if not summary.summary_sweep()["days_summarized"]:
                break
            runs.append(round(time.perf_counter() - run_started, 1))
        out["summary_history_runs_s"] = runs
        out["summary_history_s"] = round(time.perf_counter() - started, 1)
        started = time.perf_counter()
        from django.utils import timezone

        summary.summarize_days(first=end - dt.timedelta(days=6), last=end, now=timezone.now())
        out["summary_7_days_s"] = round(time.perf_counter() - started, 2)
    timings: list = []

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timings.append((round((time.perf_counter() - started) * 1000, 1), sql[:160]))

    with shopsettings.snapshot():
        with connection.execute_wrapper(timed):
            selectors.sales_report(rng=last30)
        out["sales_queries_ms"] = timings
        rows = selectors.sales_report(rng=last30)
        out["paid_orders_30d"] = sum(r["paid_orders"] for r in rows)
        out["sales_30d_day_ms"] = _best(lambda: selectors.sales_report(rng=last30), name="sales_30d_day")
        out["sales_30d_week_ms"] = _best(lambda: selectors.sales_report(rng=Range(last30.start, end, "week")))
        out["sales_365d_month_ms"] = _best(
            lambda: selectors.sales_report(rng=Range(end - dt.timedelta(days=364), end, "month")), times=1
        )
        out["sales_30d_day_counted_live_ms"] = _best(
            lambda: selectors.sales_report(rng=last30, use_summary=False), name="sales_30d_day_counted_live"
        )
        target = 20.0
        out["service_30d_ms"] = _best(
            lambda: selectors.service_report(rng=last30, agent_ids=None, target_seconds=target)
        )
        out["agents_30d_ms"] = _best(lambda: selectors.sales_by_agent(rng=last30))
        out["live_ms"] = _best(lambda: selectors.live_figures(target_seconds=target))
        asked = [s for s in selectors.sales_sources(shop=None) if s.name.startswith("asked")]
        out["conversion_30d_counted_live_ms"] = _best(lambda: selectors._counted_live(last30, asked))
    client = Client(HTTP_HOST="localhost")
    client.force_login(get_user_model().objects.get(username="bench-boss"))
    url = f"/desk/reports/?start={last30.start}&end={end}&by=day"

    def page():
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    page()
    out["dashboard_ms"] = _best(page, name="dashboard")
    week = f"/desk/reports/?start={end - dt.timedelta(days=6)}&end={end}&by=day"
    out["dashboard_7d_ms"] = _best(lambda: client.get(week), name="dashboard_7d")
    # the range's last day counted live, as today always is
    SummarizedDay.objects.filter(day=end).delete()
    out["dashboard_last_day_live_ms"] = _best(page, name="dashboard_last_day_live")
    out["cpu_ms"] = CPU
    out["rss_after_mb"] = _rss_mb()
    qs = (
        Order.objects.filter(paid_at__isnull=False, paid_at__gte=last30.since, paid_at__lt=last30.until)
        .annotate(period=selectors.LocalPeriod("paid_at", by="day", at=last30.since))
        .values("period")
        .order_by("period")
        .annotate(
            n=selectors.Count("id"),
            s=selectors.Sum("paid_amount"),
            b=selectors.Count("buyer_nick", distinct=True),
        )
    )
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) " + sql, params)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        out["plan"] = [" | ".join(str(c) for c in row) for row in cursor.fetchall()]
    stored = (
        SalesDay.objects.filter(all_shops=True, day__gte=last30.start, day__lte=last30.end)
        .values("day")
        .order_by("day")
        .annotate(n=selectors.Sum("paid_orders"), s=selectors.Sum("paid_amount"))
    )
    sql, params = stored.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) " + sql, params)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        out["plan_summary"] = [" | ".join(str(c) for c in row) for row in cursor.fetchall()]
    return out


def child(n: int) -> dict:
    _django()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    result = {"orders": n, "db": connection.vendor}
    from kefu.orders.models import Order

    if Order.objects.exists():  # --home of an earlier run: measure again without loading
        result["orders"] = Order.objects.count()
    else:
        result |= load(n)
    result |= measure()
    return result


def _pg_recreate(url: str) -> None:
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=3) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--orders", default="1000000", help="orders; comma-separated for several sizes")
    parser.add_argument("--postgres", metavar="URL", help="PostgreSQL database to drop, create and use")
    parser.add_argument("--keep", action="store_true", help="keep the SQLite KEFU_HOME (path printed)")
    parser.add_argument("--home", help="reuse the SQLite KEFU_HOME a --keep run printed (no new load)")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child), ensure_ascii=False))
        return
    for n in (int(x) for x in args.orders.split(",")):
        home = args.home or tempfile.mkdtemp(prefix="kefu-bench-reports-")
        env = {**os.environ, "KEFU_HOME": home, "PYTHONPATH": str(ROOT / "src")}
        if args.postgres:
            _pg_recreate(args.postgres)
            env["KEFU_DATABASE_URL"] = args.postgres
        else:
            env.pop("KEFU_DATABASE_URL", None)
        try:
            done = subprocess.run(
                [sys.executable, __file__, "--child", str(n)],
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            if done.returncode:
                raise SystemExit(f"size {n} failed:\n{done.stderr[-4000:]}")
            result = json.loads(done.stdout.strip().splitlines()[-1])
        finally:
            if args.keep or args.home:
                print(f"KEFU_HOME={home}")
            else:
                shutil.rmtree(home, ignore_errors=True)
        plan = result.pop("plan")
        plan_summary = result.pop("plan_summary")
        print(json.dumps(result, ensure_ascii=False))
        print("plan of the paid-orders query:")
        for line in plan:
            print("   ", line)
        print("plan of the daily totals' read (sales, 30 days):")
        for line in plan_summary:
            print("   ", line)


if __name__ == "__main__":
    main()
