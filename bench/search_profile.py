"""CPU and wall time per help-center search on a kept benchmark database, with where the time goes.

    KEFU_HOME=/work/bench-data/sqlite-1000000 python3 bench/search_profile.py
    KEFU_HOME=/work/bench-data/postgresql-1000000 \
        KEFU_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/kefu_bench_1000000 python3 bench/search_profile.py

Searches the 300 queries of ``bench/search.py`` (after 20 warm-up searches) through
``helpcenter.selectors.article_search(page_size=10)`` in a database made by ``bench/search.py
--keep`` (it imports nothing and migrates nothing). CPU time is the on-CPU time of this process
and, on PostgreSQL, of the server's backend serving it (``/proc/<pid>/schedstat``: both run on
this machine). Prints one JSON line: p50/p95 of wall and CPU time in milliseconds, the share of
queries with a result, the mean CPU and wall milliseconds per query of each phase, the load
average; then the slowest queries by CPU time. ``--profile`` adds cProfile's top functions.
"""

import argparse
import cProfile
import json
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUERY_COUNT = 300
WARM_UP = 20


def _on_cpu_ms(pid: int | str) -> float:
    with open(f"/proc/{pid}/schedstat", encoding="ascii") as handle:
        return int(handle.read().split()[0]) / 1e6


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--queries", type=int, default=QUERY_COUNT, help="the first N queries only")
    parser.add_argument("--profile", action="store_true", help="also print cProfile's top functions")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(ROOT / "bench"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    import django

    django.setup()
    import search as bench
    from django.db import connection

    from kefu.helpcenter import selectors as help_selectors
    from kefu.search import scoring
    from kefu.search import selectors as search_selectors
    from kefu.search.backends import backend

    phases: dict[str, list[float]] = {}

    def timed(owner, name: str, label: str) -> None:
        inner = getattr(owner, name)

        def wrapper(*a, **kw):
            cpu, wall = time.process_time(), time.perf_counter()
            try:
                return inner(*a, **kw)
            finally:
                spent = phases.setdefault(label, [0.0, 0.0])
                spent[0] += time.process_time() - cpu
                spent[1] += time.perf_counter() - wall

        setattr(owner, name, wrapper)

    timed(search_selectors, "_plan", "parse")
    timed(search_selectors, "_frequencies", "frequencies (SQL)")
    for name in ("candidates", "title_candidates"):
        timed(backend(), name, "candidates (SQL)")
    timed(search_selectors, "_entries", "candidate rows (SQL)")
    timed(scoring.Scorer, "score", "re-score (Python)")
    timed(help_selectors, "_published_by_id", "articles (ORM)")

    server_pid = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            (server_pid,) = cursor.fetchone()

    def cpu_ms() -> float:
        return _on_cpu_ms("self") + (_on_cpu_ms(server_pid) if server_pid else 0.0)

    texts = bench.queries(bench.QUERIES)[: args.queries]
    for text in texts[:WARM_UP]:
        help_selectors.article_search(q=text, page_size=10)
    phases.clear()
    profile = cProfile.Profile() if args.profile else None
    wall, cpu, found, slowest = [], [], 0, []
    for text in texts:
        if profile:
            profile.enable()
        cpu0, wall0 = cpu_ms(), time.perf_counter()
        page = help_selectors.article_search(q=text, page_size=10)
        spent_wall, spent_cpu = (time.perf_counter() - wall0) * 1000, cpu_ms() - cpu0
        if profile:
            profile.disable()
        wall.append(spent_wall)
        cpu.append(spent_cpu)
        found += bool(page.articles)
        slowest.append((round(spent_cpu, 1), text))
    print(
        json.dumps(
            {
                "db": connection.vendor,
                "queries": len(texts),
                "cpu_p50_ms": round(statistics.median(cpu), 1),
                "cpu_p95_ms": round(_percentile(cpu, 0.95), 1),
                "wall_p50_ms": round(statistics.median(wall), 1),
                "wall_p95_ms": round(_percentile(wall, 0.95), 1),
                "answered": round(found / len(texts), 3),
                "phase_cpu_wall_ms": {
                    k: [round(v[0] * 1000 / len(texts), 2), round(v[1] * 1000 / len(texts), 2)]
                    for k, v in phases.items()
                },
                "load": [round(x, 1) for x in os.getloadavg()],
            },
            ensure_ascii=False,
        ),
        flush=True,
    )
    print("slowest by CPU:", sorted(slowest, reverse=True)[:8], flush=True)
    if profile:
        pstats.Stats(profile).sort_stats("cumulative").print_stats(30)


if __name__ == "__main__":
    main()
