"""An import is one recorded job, whether started from the import page, the API or the command line."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

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
