"""An import is one recorded job, whether started from the import page, the API or the command line."""

import datetime as dt
import json
import os
import socket
import subprocess
import sys

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from kefu.orders import services
from kefu.orders.importing import queue
from kefu.orders.models import Order, OrderImport
from kefu.orders.tests.test_import import LINES, ORDERS


def test_the_command_line_import_is_recorded_as_a_finished_job(db, capsys):
    call_command("orders", "import", str(ORDERS), "--lines", str(LINES), "--json")

    reports = json.loads(capsys.readouterr().out)
    assert [r["kind"] for r in reports] == ["orders", "lines"]
    assert set(reports[0]) == {
        "kind",
        "rows",
        "created",
        "updated",
        "unchanged",
        "stale",
        "lines",
        "error_count",
        "errors",
        "without_buyer",
        "customers_created",
        "customers_updated",
    }
    job = OrderImport.objects.get()
    assert (job.status, job.original_name, job.created, job.lines, job.percent) == (
        OrderImport.Status.DONE, ORDERS.name, 10, 5, 100,
    )  # fmt: skip
    assert job.by is None and job.finished_at is not None


def test_the_command_line_names_who_imported(db, agent):
    call_command("orders", "import", str(ORDERS), "--user", agent.username)
    assert OrderImport.objects.get().by == agent


def test_a_file_that_is_no_export_fails_the_job_with_the_reason(db, tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text("a,b\n1,2\n")

    with pytest.raises(CommandError) as err:
        call_command("orders", "import", str(path))

    assert err.value.returncode == 2 and str(path) in str(err.value)
    job = OrderImport.objects.get()
    assert job.status == OrderImport.Status.FAILED and "无法识别的文件" in job.message


def test_an_unexpected_error_fails_the_job_instead_of_leaving_it_running(db, monkeypatch, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path

    def broken(*args, **kwargs):
        raise RuntimeError("磁盘已满")

    monkeypatch.setattr(services, "import_file", broken)
    job = OrderImport.objects.create(file="order-imports/x.csv", original_name="x.csv")
    (tmp_path / "order-imports").mkdir()
    (tmp_path / "order-imports" / "x.csv").write_bytes(ORDERS.read_bytes())

    with pytest.raises(RuntimeError):
        services.order_import_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == OrderImport.Status.FAILED
    assert job.message.startswith("导入意外中断（RuntimeError: 磁盘已满）")
    assert job.finished_at is not None


def test_an_upload_is_handed_to_the_registered_runner_after_commit(
    agent, settings, tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    queued = []
    monkeypatch.setattr(queue, "_runner", queued.append)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = services.order_import_start(by=agent, file=SimpleUploadedFile(ORDERS.name, ORDERS.read_bytes()))
    assert queued == []  # nothing runs before the upload is saved
    for callback in callbacks:
        callback()

    assert queued == [job.pk]
    services.order_import_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.created) == (OrderImport.Status.DONE, Order.objects.count())


# --- a worker that dies mid-import --------------------------------------------------------------


def _dead_worker() -> str:
    """host:pid of a process of this machine that has ended."""

    finished = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    return f"{socket.gethostname()}:{finished.stdout.strip()}"


def _running_job(tmp_path, **fields) -> OrderImport:
    (tmp_path / "order-imports").mkdir(exist_ok=True)
    (tmp_path / "order-imports" / "x.csv").write_bytes(ORDERS.read_bytes())
    return OrderImport.objects.create(
        file="order-imports/x.csv",
        original_name="x.csv",
        status=OrderImport.Status.RUNNING,
        total_bytes=ORDERS.stat().st_size,
        done_bytes=500,
        rows=7,
        **fields,
    )


def test_imports_of_a_worker_that_died_are_marked_interrupted_at_once(db, tmp_path, settings):

    settings.MEDIA_ROOT = tmp_path
    now = timezone.now()
    dead = _running_job(tmp_path, worker=_dead_worker(), beat_at=now)
    alive = _running_job(tmp_path, worker=f"{socket.gethostname()}:{os.getpid()}", beat_at=now)
    elsewhere = _running_job(tmp_path, worker="another-host:1", beat_at=now)

    assert services.order_imports_interrupted_mark(now=now) == 1

    statuses = dict(OrderImport.objects.values_list("pk", "status"))
    assert statuses == {
        dead.pk: OrderImport.Status.INTERRUPTED,
        alive.pk: OrderImport.Status.RUNNING,
        elsewhere.pk: OrderImport.Status.RUNNING,
    }
    dead.refresh_from_db()
    assert "继续导入" in dead.message and dead.finished_at is not None


@pytest.mark.parametrize(
    ("silent_minutes", "interrupted"),
    [(3, False), (9, False), (11, True), (600, True)],
)
def test_an_import_silent_longer_than_the_limit_lost_its_worker(
    db, tmp_path, settings, silent_minutes, interrupted
):

    settings.MEDIA_ROOT = tmp_path
    settings.KEFU_IMPORT_STALLED_MINUTES = 10
    now = timezone.now()
    job = _running_job(tmp_path, worker="another-host:1", beat_at=now - dt.timedelta(minutes=silent_minutes))

    services.orders_imports_sweep(now=now)

    job.refresh_from_db()
    assert (job.status == OrderImport.Status.INTERRUPTED) is interrupted


def test_an_interrupted_import_is_resumed_from_its_page_and_finishes(
    agent, login, tmp_path, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    queued = []
    monkeypatch.setattr(queue, "_runner", queued.append)
    job = _running_job(tmp_path, worker=_dead_worker())
    services.order_imports_interrupted_mark()
    client = login(agent)
    page = client.get(f"/desk/orders/import/{job.pk}/").content.decode()
    assert "继续导入" in page and "已中断" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/desk/orders/import/{job.pk}/resume/")
    assert response.status_code == 302 and queued == [job.pk]
    job.refresh_from_db()
    assert (job.status, job.rows, job.done_bytes, job.message) == (OrderImport.Status.QUEUED, 0, 0, "")

    services.order_import_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.created) == (OrderImport.Status.DONE, 10)


def test_resuming_through_the_api_and_what_cannot_be_resumed(
    agent, login, tmp_path, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(queue, "_runner", lambda job_id: None)
    interrupted = _running_job(tmp_path, worker=_dead_worker())
    from_command_line = OrderImport.objects.create(
        original_name="big.csv", status=OrderImport.Status.RUNNING, worker=_dead_worker()
    )
    services.order_imports_interrupted_mark()
    client = login(agent)

    with django_capture_on_commit_callbacks(execute=True):
        resumed = client.post(f"/api/v1/orders/imports/{interrupted.pk}/resume/")
        again = client.post(f"/api/v1/orders/imports/{interrupted.pk}/resume/")
        cli = client.post(f"/api/v1/orders/imports/{from_command_line.pk}/resume/")

    assert resumed.status_code == 202 and resumed.json()["status"] == "queued"
    assert again.status_code == 400 and "只有已中断的导入可以继续" in again.content.decode()
    assert cli.status_code == 400 and "命令行" in cli.content.decode()
