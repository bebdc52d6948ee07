"""The periodic sweeps (order timeouts, refund timers, SLA marks), one registry for all apps.

Each app registers its sweeps in ``AppConfig.ready``; the huey periodic task and ``kefu sweep`` run
them all. A sweep is set-based SQL, idempotent and safe to run twice at once, and returns what it
changed as ``{label: count}`` so both entry points can log it.
"""

import logging
from collections.abc import Callable

from django.utils import timezone

from kefu.core import shopsettings

logger = logging.getLogger("kefu.sweeps")

Sweep = Callable[..., dict[str, int]]
_SWEEPS: list[tuple[str, Sweep]] = []


def register(name: str, sweep: Sweep) -> None:
    """``sweep(now=...) -> {label: count}``."""
    if all(existing != name for existing, _ in _SWEEPS):
        _SWEEPS.append((name, sweep))


def names() -> list[str]:
    return [name for name, _ in _SWEEPS]


def sweeps_run(*, now=None, only: list[str] | None = None) -> dict[str, dict[str, int]]:
    """Run every registered sweep (or those named in ``only``) and log what each changed."""
    now = now or timezone.now()
    report: dict[str, dict[str, int]] = {}
    for name, sweep in _SWEEPS:
        if only and name not in only:
            continue
        with shopsettings.snapshot():
            changed = sweep(now=now)
        report[name] = changed
        if any(changed.values()):
            logger.info("sweep %s: %s", name, ", ".join(f"{k}={v}" for k, v in changed.items() if v))
    return report
