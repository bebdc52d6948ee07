"""Erlang C at scale: the time to find the agents a half hour needs, from small shops to Double-11.

    python3 bench/staffing.py              # traffic up to 1 000 chats per half hour, 300 agents
    python3 bench/staffing.py --quick      # small sizes only

Pure computation (no database): ``erlang.agents_needed`` (the search for the fewest agents) and
``erlang.evaluate`` (the figures at a fixed number of agents), p50/p95 over repeated calls, and a
full Double-11 day (48 half hours) as the staffing page computes it.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ["DJANGO_SETTINGS_MODULE"] = "kefu.settings"

import django  # noqa: E402

django.setup()

from kefu.team import erlang  # noqa: E402


def timed(fn, repeat: int) -> tuple[float, float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    sizes = [(100, 14), (1000, 300)] if not args.quick else [(100, 14)]
    if not args.quick:
        sizes.append((10000, 3000))
    print(
        "| calls / half hour | agents found | needed: p50 / p95 ms | at N agents | evaluate: p50 / p95 ms |"
    )
    print("|---|---|---|---|---|")
    for calls, agents in sizes:
        found = erlang.agents_needed(calls=calls, minutes=30, aht=180)
        need = timed(lambda c=calls: erlang.agents_needed(calls=c, minutes=30, aht=180), args.repeat)
        at = timed(
            lambda c=calls, n=agents: erlang.evaluate(
                agents=n, calls=c, minutes=30, aht=180, answer_within=20
            ),
            args.repeat,
        )
        print(
            f"| {calls} | {found.agents} | {need[0]:.3f} / {need[1]:.3f} | {agents} | {at[0]:.3f} / {at[1]:.3f} |"
        )
    # 48 000 chats over the 31 half hours of the two shifts (08:30–24:00)
    started = time.perf_counter()
    peak = max(erlang.agents_needed(calls=48000 / 31, minutes=30, aht=180).agents for _ in range(31))
    elapsed = (time.perf_counter() - started) * 1000
    print(f"\nA Double-11 day of 48 000 chats (31 busy half hours, {peak} agents each): {elapsed:.2f} ms")


if __name__ == "__main__":
    main()
