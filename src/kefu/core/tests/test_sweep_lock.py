"""A worker killed in the middle of a sweep does not stop the shop's timers for good."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import override_settings

from kefu.core import sweeps
from kefu.core.tasks import SWEEP_LOCK, sweeps_run_locked

SRC = Path(__file__).resolve().parents[3]

SLOW_SWEEP = """
import json, sys, time, django
django.setup()
from kefu.core import sweeps
from kefu.core.tasks import sweeps_run_locked
mode = sys.argv[1]
if mode == "hang":
    def hang(now):
        open(sys.argv[2], "w").write("started")
        time.sleep(120)
        return {}
    sweeps.register("hang", hang)
result = sweeps_run_locked()
print(json.dumps(None if result is None else sorted(result)))
"""


def _env(home: Path, lock_seconds: int) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kefu.settings",
        "KEFU_HOME": str(home),
        "KEFU_SWEEP_LOCK_SECONDS": str(lock_seconds),
        "PYTHONPATH": str(SRC),
    }


def _sweep(home: Path, lock_seconds: int):
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", SLOW_SWEEP, "once"],
        env=_env(home, lock_seconds),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


# long enough that a fresh process (a Django start-up on a busy machine) checks well inside it
LOCK = 15


@pytest.mark.skipif(
    os.environ.get("KEFU_DATABASE_URL", "").startswith("postgres"),
    reason="runs its own embedded SQLite shop in a subprocess; the lock itself is tested below on every database",
)
def test_a_worker_killed_mid_sweep_holds_the_timers_only_until_its_lock_expires(tmp_path):
    env = _env(tmp_path, lock_seconds=LOCK)
    subprocess.run(  # noqa: S603
        [sys.executable, "-m", "kefu", "migrate", "-v", "0"], env=env, check=True, timeout=300
    )
    marker = tmp_path / "started"
    worker = subprocess.Popen(  # noqa: S603
        [sys.executable, "-c", SLOW_SWEEP, "hang", str(marker)], env=env, stdout=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert time.monotonic() < deadline, "the slow sweep never started"
            assert worker.poll() is None, "the worker died before the sweep started"
            time.sleep(0.1)
        started = time.monotonic()
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()

    assert _sweep(tmp_path, lock_seconds=LOCK) is None, "the dead worker's lock still holds right after"
    time.sleep(max(0.0, LOCK + 0.5 - (time.monotonic() - started)))
    ran = _sweep(tmp_path, lock_seconds=LOCK)
    assert ran is not None and "orders" in ran, "after the lock expired the sweeps ran again"
    assert _sweep(tmp_path, lock_seconds=LOCK) is not None, "and the lock was released after that run"


@pytest.mark.django_db
def test_two_sweeps_never_run_at_once_and_the_lock_is_released(monkeypatch):
    seen = []

    def nested(now):
        seen.append(sweeps_run_locked(now=now))  # a second run while the first holds the lock
        return {"nested": 1}

    monkeypatch.setattr(sweeps, "_SWEEPS", [("nested", nested)])
    cache.delete(SWEEP_LOCK)
    assert sweeps_run_locked() == {"nested": {"nested": 1}}
    assert seen == [None]
    assert cache.get(SWEEP_LOCK) is None


@pytest.mark.django_db
@override_settings(KEFU_SWEEP_LOCK_SECONDS=1)
def test_a_lock_left_behind_expires(monkeypatch):
    monkeypatch.setattr(sweeps, "_SWEEPS", [("noop", lambda now: {"done": 1})])
    cache.delete(SWEEP_LOCK)
    assert cache.add(SWEEP_LOCK, "a dead worker", timeout=1)
    assert sweeps_run_locked() is None
    time.sleep(2.1)  # the database cache keeps expiry times to the whole second
    assert sweeps_run_locked() == {"noop": {"done": 1}}
