"""Quick phrases and the reply linter: import rate, and the latency of what the reply box calls.

    python3 bench/replies.py                 # 5 000 team phrases, SQLite in a temporary KEFU_HOME
    python3 bench/replies.py --phrases 20000
    KEFU_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/kefu_bench_replies python3 bench/replies.py

With PostgreSQL, point KEFU_DATABASE_URL at a scratch database: the script migrates it and adds
phrases to it. Prints the import rate and p50/p95 of ``lint_reply`` (every message an agent sends),
``phrase_suggest`` (the ``/`` menu, per keystroke) and ``phrase_search`` (suggested answers).
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("KEFU_HOME", tempfile.mkdtemp(prefix="kefu-bench-replies-"))
os.environ["DJANGO_SETTINGS_MODULE"] = "kefu.settings"

PRODUCTS = ["面霜", "洗面奶", "连衣裙", "T恤", "吹风机", "记忆枕", "鱼肝油", "咖喱酱", "口红", "运动鞋"]
TOPICS = [
    "什么时候发货",
    "能不能包邮",
    "是不是正品",
    "怎么退货",
    "有没有优惠",
    "会不会褪色",
    "尺码怎么选",
    "保质期多久",
]
REPLIES = [
    "亲，这个不能退哦，没事了吧",
    "这款面料不会褪色的，请放心",
    "您说的“不能退货”是指哪一单呢？",
    "好的亲，马上为您安排发货，请问还有什么可以帮助您？",
]


def timed(name: str, fn, n: int = 300) -> None:
    for i in range(20):
        fn(i)
    samples = []
    for i in range(n):
        start = time.perf_counter()
        fn(i)
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    print(f"| {name} | {statistics.median(samples):.2f} | {samples[int(len(samples) * 0.95)]:.2f} |")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--phrases", type=int, default=5000)
    args = parser.parse_args()

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from kefu.core.roles import ADMIN
    from kefu.replies import selectors, services
    from kefu.replies.linter import lint_reply
    from kefu.replies.services import ImportRow

    boss, _ = get_user_model().objects.get_or_create(username="bench-boss")
    boss.groups.set(Group.objects.filter(name=ADMIN))
    random.seed(1)
    tag = int(time.time())
    rows = [
        ImportRow(
            line=i + 2,
            group=random.choice(TOPICS)[:4],
            shortcut=f"b{tag}-{i}",
            text=f"亲，关于{random.choice(PRODUCTS)}{random.choice(TOPICS)}：我们会尽快为您处理哦 {i}",
        )
        for i in range(args.phrases)
    ]
    start = time.perf_counter()
    report = services.phrases_import(rows=rows, by=boss, team=True)
    seconds = time.perf_counter() - start
    print(
        f"{connection.vendor}: imported {report.created} phrases in {seconds:.1f} s ({args.phrases / seconds:.0f}/s)"
    )
    print("\n| call | p50 ms | p95 ms |\n|---|---|---|")
    timed("lint_reply", lambda i: lint_reply(REPLIES[i % 4], customer_message="在吗"))
    timed(
        "phrase_suggest",
        lambda i: selectors.phrase_suggest(user=boss, query=["b1", "fh", "发货", "b99"][i % 4]),
    )
    timed(
        "phrase_search",
        lambda i: selectors.phrase_search(user=boss, text=f"{PRODUCTS[i % 10]}{TOPICS[i % 8]}"),
    )


if __name__ == "__main__":
    main()
