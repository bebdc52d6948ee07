"""Background work of the shop: the periodic sweep runs every minute in the huey consumer.

Two sweeps must not run at once (they would only repeat each other's work), so a sweep holds a
lock; the lock expires by itself, so a worker killed in the middle of a sweep cannot stop the
shop's timers for good: once it expires, the next minute's sweep catches up on everything that fell
due meanwhile, in one run (each sweep is set-based and idempotent).
"""

import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from kefu.core.sweeps import sweeps_run

logger = logging.getLogger("kefu.sweeps")

SWEEP_LOCK = "kefu-sweeps-lock"


def sweeps_run_locked(*, now=None) -> dict | None:
    """Run every sweep unless another run holds the lock; ``None`` when it was skipped."""
    token = uuid.uuid4().hex
    if not cache.add(SWEEP_LOCK, token, timeout=settings.KEFU_SWEEP_LOCK_SECONDS):
        logger.info("sweep skipped: another sweep is still running")
        return None
    try:
        return sweeps_run(now=now)
    finally:
        if cache.get(SWEEP_LOCK) == token:
            cache.delete(SWEEP_LOCK)


@db_periodic_task(crontab(minute="*"))
def sweeps_periodic() -> dict | None:
    return sweeps_run_locked()
