"""Background work of the orders app: imports run in the task queue's worker, not in the request.

``OrdersConfig.ready`` registers ``order_import_task`` as the runner services hand import jobs to.
"""

import logging

from django.db import close_old_connections
from huey.contrib.djhuey import db_task, on_startup

from kefu.orders import services

logger = logging.getLogger("kefu.orders")


@db_task()
def order_import_task(job_id: int) -> None:
    services.order_import_run(job_id=job_id)


@on_startup()
def imports_of_a_dead_worker_interrupted() -> None:
    """A worker that starts marks the imports its dead predecessor left running as interrupted,
    at once, so the page offers to resume them."""
    try:
        count = services.order_imports_interrupted_mark()
        if count:
            logger.warning("%d order import(s) left running by a stopped worker marked interrupted", count)
    finally:
        close_old_connections()
