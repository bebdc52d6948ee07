"""Background work of the shop: the periodic sweep runs every minute in the huey consumer."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from kefu.core.sweeps import sweeps_run


@db_periodic_task(crontab(minute="*"))
@lock_task("kefu-sweeps")
def sweeps_periodic() -> dict:
    return sweeps_run()
