"""Background work of the orders app: imports run in the huey worker, not in the request."""

from huey.contrib.djhuey import db_task


@db_task()
def order_import_task(job_id: int) -> None:
    from kefu.orders.services import order_import_run

    order_import_run(job_id=job_id)
