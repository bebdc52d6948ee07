"""Background work of the orders app: imports run in the task queue's worker, not in the request.

``OrdersConfig.ready`` registers ``order_import_task`` as the runner services hand import jobs to.
"""

from huey.contrib.djhuey import db_task

from kefu.orders import services


@db_task()
def order_import_task(job_id: int) -> None:
    services.order_import_run(job_id=job_id)
