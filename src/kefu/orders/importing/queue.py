"""Who runs a queued import. The orders' task module registers its task here (from
``OrdersConfig.ready``); services hand a job over after their transaction commits. Services need
not know the task queue, and the task module may import services."""

from collections.abc import Callable

_runner: Callable[[int], object] | None = None


def runner_register(run: Callable[[int], object]) -> None:
    """``run(job_id)`` queues the import job ``job_id``."""
    global _runner
    _runner = run


def enqueue(job_id: int) -> None:
    if _runner is None:
        raise RuntimeError("no import runner registered (OrdersConfig.ready registers the task)")
    _runner(job_id)
