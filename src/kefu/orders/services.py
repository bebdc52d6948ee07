"""Writes of the orders app: review, remarks and flags, address and courier changes, imports.

Every service locks the order row and, when the caller says which version it showed the agent
(``expected_version``), refuses if someone else changed the order since: two agents reviewing the
same order never overwrite each other silently.
"""

import contextlib
import functools
import os
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kefu.core import roles
from kefu.core.activity import activity_record
from kefu.core.spreadsheets import excerpt
from kefu.core.types import User
from kefu.orders import rulebook
from kefu.orders.importing import cells, queue
from kefu.orders.importing.importer import ImportFileError, ImportReport, import_file
from kefu.orders.models import FlagColour, Order, OrderImport, OrderLine, OrderRemark, OrderState

REVIEWABLE = (OrderState.WAIT_BUYER_PAY, OrderState.WAIT_SELLER_SEND)


def _lock(order: Order, expected_version: int | None) -> Order:
    locked = Order.objects.select_for_update().get(pk=order.pk)
    if expected_version is not None and locked.version != int(expected_version):
        raise ValidationError(
            _("订单 %(n)s 已被其他客服修改，请刷新页面查看最新内容后再操作。") % {"n": locked.number}
        )
    return locked


def _save(order: Order, fields: list[str]) -> None:
    order.version += 1
    order.save(update_fields=[*fields, "version", "updated_at"])


# --- remarks and flags ----------------------------------------------------------------------


def _check_flag(flag: str | None) -> None:
    if flag is not None and flag not in FlagColour.values:
        raise ValidationError({"flag": _("未知的旗帜颜色：%(f)s") % {"f": flag}})


@transaction.atomic
def order_remark_add(
    *, order: Order, by: User, text: str, flag: str | None = None, expected_version: int | None = None
) -> OrderRemark:
    """Keep a remark with its time and agent; ``flag`` also sets the order's flag (先点红旗，再写备注)."""
    roles.require_staff(by)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("请填写备注内容。")})
    if len(text) > 500:
        raise ValidationError({"text": _("备注不能超过 500 个字。")})
    _check_flag(flag)
    order = _lock(order, expected_version)
    remark = OrderRemark.objects.create(order=order, text=text, flag=flag or "", author=by)
    fields = []
    if flag is not None and flag != order.flag:
        order.flag = flag
        fields.append("flag")
    _save(order, fields)
    activity_record(target=order, actor=by, verb="order_remark", message=text, data={"flag": flag or ""})
    return remark


@transaction.atomic
def order_flag_set(*, order: Order, by: User, flag: str, expected_version: int | None = None) -> Order:
    roles.require_staff(by)
    _check_flag(flag)
    order = _lock(order, expected_version)
    old = order.flag
    order.flag = flag
    _save(order, ["flag"])
    activity_record(target=order, actor=by, verb="order_flag", message=f"{old or '-'} → {flag or '-'}")
    return order


# --- order review (订单审核) ----------------------------------------------------------------


@transaction.atomic
def order_review_confirm(*, order: Order, by: User, expected_version: int | None = None) -> Order:
    """Confirm a paid, unshipped order after review; a second confirm (by anyone) is refused."""
    roles.require_staff(by)
    order = _lock(order, expected_version)
    if order.state != OrderState.WAIT_SELLER_SEND:
        raise ValidationError(
            _("只有“买家已付款，等待卖家发货”的订单需要审核（当前：%(s)s）。") % {"s": order.state_label}
        )
    if order.reviewed_at is not None:
        raise ValidationError(
            _("订单 %(n)s 已于 %(t)s 审核过。")
            % {"n": order.number, "t": timezone.localtime(order.reviewed_at).strftime("%m-%d %H:%M")}
        )
    order.reviewed_at = timezone.now()
    order.reviewed_by = by
    _save(order, ["reviewed_at", "reviewed_by"])
    activity_record(target=order, actor=by, verb="order_review_confirm")
    return order


@transaction.atomic
def order_review_bulk_confirm(*, order_ids: list[int], by: User) -> dict:
    """Confirm in one step those of ``order_ids`` that are small enough to skip a look one by
    one (few pieces, no buyer message, no special-request flag).

    One conditional UPDATE: an order another agent confirmed a moment ago, or that no longer
    qualifies, is simply not counted; the rest are reported as skipped for the agent to open.
    """
    roles.require_staff(by)
    now = timezone.now()
    candidates = Order.objects.filter(
        pk__in=order_ids, state=OrderState.WAIT_SELLER_SEND, reviewed_at__isnull=True
    )
    eligible = list(candidates.filter(rulebook.bulk_confirmable_q()).values_list("pk", flat=True))
    confirmed = Order.objects.filter(pk__in=eligible, reviewed_at__isnull=True).update(
        reviewed_at=now, reviewed_by=by, version=F("version") + 1, updated_at=now
    )
    for order in Order.objects.filter(pk__in=eligible, reviewed_by=by, reviewed_at=now):
        activity_record(target=order, actor=by, verb="order_review_confirm", message=_("批量审核"))
    skipped = sorted(set(order_ids) - set(eligible))
    return {"confirmed": confirmed, "skipped": skipped}


@transaction.atomic
def order_gift_add(
    *,
    order: Order,
    by: User,
    title: str,
    quantity: int = 1,
    sku: str = "",
    expected_version: int | None = None,
) -> OrderLine:
    """Add a gift (赠品) line before the order ships."""
    roles.require_staff(by)
    title = " ".join((title or "").split())
    if not title:
        raise ValidationError({"title": _("请填写赠品名称。")})
    if not 1 <= int(quantity) <= 99:
        raise ValidationError({"quantity": _("赠品数量应在 1 到 99 之间。")})
    order = _lock(order, expected_version)
    if order.state not in REVIEWABLE:
        raise ValidationError(_("订单已发货或已结束，不能再加赠品。"))
    line = OrderLine.objects.create(
        order=order,
        title=title[:200],
        sku=sku.strip()[:120],
        quantity=int(quantity),
        price=0,
        is_gift=True,
        line_key=f"gift:{uuid.uuid4().hex[:16]}",
    )
    _save(order, [])
    activity_record(target=order, actor=by, verb="order_gift_add", message=f"{title} × {quantity}")
    return line


@transaction.atomic
def order_courier_change(
    *, order: Order, by: User, courier: str, expected_version: int | None = None
) -> Order:
    roles.require_staff(by)
    courier = " ".join((courier or "").split())
    if not courier:
        raise ValidationError({"courier": _("请填写快递公司。")})
    if len(courier) > 32:
        raise ValidationError({"courier": _("快递公司名称不能超过 32 个字。")})
    order = _lock(order, expected_version)
    if order.state not in REVIEWABLE:
        raise ValidationError(_("订单已发货或已结束，不能再改快递。"))
    old = order.courier
    order.courier = courier
    _save(order, ["courier"])
    activity_record(
        target=order, actor=by, verb="order_courier_change", message=f"{old or '-'} → {courier}",
        data={"old": old, "new": courier},
    )  # fmt: skip
    return order


@transaction.atomic
def order_address_edit(
    *,
    order: Order,
    by: User,
    receiver_name: str,
    receiver_phone: str,
    receiver_address: str,
    expected_version: int | None = None,
) -> Order:
    """Change where the parcel goes; the old and new address are kept with who and when, and a
    remark is written, because the shop's rule is that every changed address is noted on the order
    ("修改了地址等必须备注")."""
    roles.require_staff(by)
    values = {
        "receiver_name": " ".join((receiver_name or "").split()),
        "receiver_phone": (receiver_phone or "").strip(),
        "receiver_address": " ".join((receiver_address or "").split()),
    }
    errors = {}
    if not values["receiver_name"]:
        errors["receiver_name"] = _("请填写收货人。")
    if not values["receiver_phone"]:
        errors["receiver_phone"] = _("请填写联系手机。")
    elif len(values["receiver_phone"]) > 32:
        errors["receiver_phone"] = _("手机号码太长。")
    if not values["receiver_address"]:
        errors["receiver_address"] = _("请填写收货地址。")
    elif len(values["receiver_address"]) > 255:
        errors["receiver_address"] = _("地址不能超过 255 个字。")
    if errors:
        raise ValidationError(errors)
    order = _lock(order, expected_version)
    if order.state not in REVIEWABLE:
        raise ValidationError(_("订单已发货或已结束，不能再改地址。"))
    old = {name: getattr(order, name) for name in values}
    if old == values:
        return order
    for name, value in values.items():
        setattr(order, name, value)
    order.receiver_province = cells.province(values["receiver_address"])
    _save(order, [*values, "receiver_province"])
    with translation.override(settings.LANGUAGE_CODE):  # remarks are the shop's record, in its language
        text = _("修改收货信息：%(old)s → %(new)s") % {
            "old": " ".join(old.values()),
            "new": " ".join(values.values()),
        }
    OrderRemark.objects.create(order=order, text=text, author=by)
    activity_record(target=order, actor=by, verb="order_address_edit", data={"old": old, "new": values})
    return order


# --- imports ----------------------------------------------------------------------------------

EXPORT_SUFFIXES = (".csv", ".xlsx")


def _check_export_names(name: str, lines_name: str | None) -> None:
    if not name.lower().endswith(EXPORT_SUFFIXES):
        raise ValidationError({"file": _("请上传订单报表（.csv 或 .xlsx 文件）。")})
    if lines_name is not None and not lines_name.lower().endswith(EXPORT_SUFFIXES):
        raise ValidationError({"lines_file": _("宝贝报表应为 .csv 或 .xlsx 文件。")})


@transaction.atomic
def order_import_start(
    *, by: User, file: UploadedFile, lines_file: UploadedFile | None = None
) -> OrderImport:
    """Keep the uploaded export(s) and queue the import; the page polls the job's progress."""
    roles.require_staff(by)
    name = file.name or ""
    _check_export_names(name, (lines_file.name or "") if lines_file is not None else None)
    job = OrderImport.objects.create(
        file=file,
        lines_file=lines_file or "",
        original_name=name[:200],
        total_bytes=(file.size or 0) + ((lines_file.size or 0) if lines_file else 0),
        by=by,
    )
    transaction.on_commit(functools.partial(queue.enqueue, job.pk))
    return job


@dataclass
class ImportRun:
    """An import job that ran to its end, and what each of its files did."""

    job: OrderImport
    reports: list[ImportReport]


def order_import_files(
    *, by: User | None, path: Path, lines_path: Path | None = None, shop: str = ""
) -> ImportRun:
    """Import exports lying on this machine (the command line), here and now, recorded as a job
    like an upload: the same checks, progress and result; no worker needed.

    ``by`` None: the shop's operator at the command line, who holds the database anyway.
    Raises ``ImportFileError`` or ``OSError`` (the job is then marked failed with the reason).
    """
    if by is not None:
        roles.require_staff(by)
    _check_export_names(path.name, lines_path.name if lines_path is not None else None)
    sources = [p for p in (path, lines_path) if p is not None]
    job = OrderImport.objects.create(
        original_name=path.name[:200],
        total_bytes=sum(p.stat().st_size for p in sources),
        status=OrderImport.Status.RUNNING,
        worker=_this_worker(),
        beat_at=timezone.now(),
        by=by,
    )
    return ImportRun(job=job, reports=_job_run(job, sources, shop=shop))


def order_import_run(*, job_id: int) -> OrderImport:
    """Run a queued import (in the task queue's worker), writing its progress as it goes.

    A file that is no export ends the job as failed with the reason; any other error does too,
    and is raised for the worker to log.
    """
    claimed = OrderImport.objects.filter(pk=job_id, status=OrderImport.Status.QUEUED).update(
        status=OrderImport.Status.RUNNING, worker=_this_worker(), beat_at=timezone.now()
    )
    job = OrderImport.objects.get(pk=job_id)
    if not claimed:
        return job
    sources = [Path(f.path) for f in (job.file, job.lines_file) if f]
    with contextlib.suppress(ImportFileError):
        _job_run(job, sources)
    job.refresh_from_db()
    return job


def _job_run(job: OrderImport, sources: list[Path], *, shop: str = "") -> list[ImportReport]:
    """Import ``sources`` into the running ``job``; whatever happens, the job ends done or failed."""
    offset = 0

    def progress(done: int) -> None:
        OrderImport.objects.filter(pk=job.pk).update(done_bytes=offset + done, beat_at=timezone.now())

    totals = {"rows": 0, "created": 0, "updated": 0, "unchanged": 0, "lines": 0, "error_count": 0}
    errors: list = []
    reports: list[ImportReport] = []
    status, message = OrderImport.Status.DONE, ""
    try:
        for path in sources:
            report = import_file(path, shop=shop, progress=progress)
            reports.append(report)
            offset += path.stat().st_size
            for key in totals:
                totals[key] += getattr(report, key)
            totals["unchanged"] += report.stale
            prefix = f"{path.name} " if len(sources) > 1 else ""
            errors.extend([f"{prefix}{line}", reason] for line, reason in report.errors)
    except Exception as exc:
        status = OrderImport.Status.FAILED
        message = (
            str(exc)
            if isinstance(exc, ImportFileError)
            else _("导入意外中断（%(error)s），已导入的行保留；可重新导入同一文件补完其余的行。")
            % {"error": excerpt(f"{type(exc).__name__}: {exc}", 200)}
        )
        raise
    finally:
        OrderImport.objects.filter(pk=job.pk).update(
            status=status,
            message=message,
            errors=errors[:500],
            done_bytes=job.total_bytes if status == OrderImport.Status.DONE else F("done_bytes"),
            finished_at=timezone.now(),
            **totals,
        )
    return reports


def _this_worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _worker_gone(worker: str) -> bool:
    """True when ``worker`` (host:pid) was a process of this machine that no longer runs."""
    host, _sep, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def order_imports_interrupted_mark(*, now: datetime | None = None) -> int:
    """Running imports whose process is gone (a worker of this machine that no longer runs, or
    no progress for ``KEFU_IMPORT_STALLED_MINUTES``) become interrupted, with the reason: checked
    when a worker starts and every minute. Returns how many."""
    now = now or timezone.now()
    stalled = now - timedelta(minutes=settings.KEFU_IMPORT_STALLED_MINUTES)
    running = OrderImport.objects.filter(status=OrderImport.Status.RUNNING)
    gone = [pk for pk, worker in running.values_list("pk", "worker") if worker and _worker_gone(worker)]
    with translation.override(settings.LANGUAGE_CODE):
        message = _(
            "导入在后台中断了（运行它的进程已停止），已导入的行都保留。"
            "点“继续导入”再跑一遍同一文件即可补完，已导入的行不会重复。"
        )
    return running.filter(
        Q(pk__in=gone) | Q(beat_at__lt=stalled) | Q(beat_at__isnull=True, created_at__lt=stalled)
    ).update(status=OrderImport.Status.INTERRUPTED, message=message, finished_at=now)


def orders_imports_sweep(*, now: datetime | None = None) -> dict[str, int]:
    return {"imports_interrupted": order_imports_interrupted_mark(now=now)}


@transaction.atomic
def order_import_resume(*, job: OrderImport, by: User) -> OrderImport:
    """Run an interrupted import again from its stored files: orders already imported come out
    unchanged, the rest are added. A job run at the command line has no stored file."""
    roles.require_staff(by)
    if job.status == OrderImport.Status.INTERRUPTED and not job.file:
        raise ValidationError(
            _("这次导入是在命令行运行的，文件不在服务器上：请在命令行重新运行同一条导入命令。")
        )
    resumed = OrderImport.objects.filter(pk=job.pk, status=OrderImport.Status.INTERRUPTED).update(
        status=OrderImport.Status.QUEUED,
        message="",
        errors=[],
        done_bytes=0,
        rows=0,
        created=0,
        updated=0,
        unchanged=0,
        lines=0,
        error_count=0,
        worker="",
        beat_at=None,
        finished_at=None,
    )
    if not resumed:
        raise ValidationError(
            _("只有已中断的导入可以继续；这次导入现在是“%(status)s”。")
            % {"status": OrderImport.objects.get(pk=job.pk).get_status_display()}
        )
    activity_record(target=job, actor=by, verb="order_import_resume", message=job.original_name)
    transaction.on_commit(functools.partial(queue.enqueue, job.pk))
    job.refresh_from_db()
    return job


@transaction.atomic
def order_terms_changed(*, order: Order, by: User, at: datetime | None = None) -> Order:
    """The seller changed the price or terms of an unpaid order: the payment timeout counts
    again from now."""
    roles.require_staff(by)
    order = _lock(order, None)
    if order.state != OrderState.WAIT_BUYER_PAY:
        raise ValidationError(_("只有等待付款的订单可以修改交易条件。"))
    order.terms_changed_at = at or timezone.now()
    _save(order, ["terms_changed_at"])
    activity_record(target=order, actor=by, verb="order_terms_changed")
    return order
