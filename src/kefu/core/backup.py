"""A copy of the whole shop in one file, taken while the desk keeps working, and put back.

The archive is a zip: ``manifest.json`` (what it holds and when it was taken), the database
(``kefu.sqlite3`` copied with SQLite's online backup, or ``database.dump`` from ``pg_dump``) and
the uploaded files under ``media/`` (after-sales photos, chat images).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils import timezone

FORMAT = "kefu-backup-1"


class BackupError(Exception):
    """Said to the person in plain words; the command exits 2."""


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    engine: str
    media_files: int
    size: int


def _engine() -> str:
    vendor = connections["default"].vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"不支持的数据库：{vendor}")
    return vendor


def _pg_env_and_target() -> tuple[dict[str, str], list[str]]:
    db = settings.DATABASES["default"]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = ["-h", str(db.get("HOST") or "127.0.0.1"), "-p", str(db.get("PORT") or 5432)]
    if db.get("USER"):
        args += ["-U", str(db["USER"])]
    return env, args


def _run(command: list[str], env: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(
            f"找不到 {command[0]}：请安装 PostgreSQL 客户端（Debian：apt-get install postgresql-client）"
        )
    done = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{command[0]} 失败：{done.stderr.strip()[:500]}")


def _sqlite_copy(source: Path, destination: Path) -> None:
    """SQLite's online backup API: page by page, consistent, while others read and write."""
    src = sqlite3.connect(str(source))
    dst = sqlite3.connect(str(destination))
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def backup_make(target: Path) -> BackupSummary:
    """Write the archive to ``target`` (via a temporary file, so a half-written backup never
    replaces a good one)."""
    engine = _engine()
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    media = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(dir=target.parent) as work:
        work_dir = Path(work)
        if engine == "sqlite":
            copy = work_dir / "kefu.sqlite3"
            # a consistent copy while other connections keep writing
            _sqlite_copy(Path(settings.DATABASES["default"]["NAME"]), copy)
            database_member = ("kefu.sqlite3", copy)
        else:
            dump = work_dir / "database.dump"
            env, args = _pg_env_and_target()
            name = str(settings.DATABASES["default"]["NAME"])
            _run(["pg_dump", *args, "-Fc", "--no-owner", "--no-privileges", "-f", str(dump), name], env)
            database_member = ("database.dump", dump)
        partial = work_dir / "backup.zip"
        media_files = 0
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            archive.write(database_member[1], database_member[0])
            if media.exists():
                for path in sorted(p for p in media.rglob("*") if p.is_file()):
                    archive.write(path, f"media/{path.relative_to(media).as_posix()}")
                    media_files += 1
            manifest = {
                "format": FORMAT,
                "engine": engine,
                "database": database_member[0],
                "media_files": media_files,
                "taken_at": timezone.now().isoformat(),
            }
            archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
        os.replace(partial, target)
    return BackupSummary(path=target, engine=engine, media_files=media_files, size=target.stat().st_size)


def _read_manifest(archive: zipfile.ZipFile) -> dict:
    try:
        manifest = json.loads(archive.read("manifest.json"))
    except KeyError as exc:
        raise BackupError("这不是 kefu 的备份文件（缺少 manifest.json）。") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"无法识别的备份格式：{manifest.get('format')!r}")
    return manifest


def backup_restore(source: Path) -> dict:
    """Replace the shop's database and uploaded files with the archive's. The desk should be
    stopped meanwhile; the caller migrates afterwards (a backup from an older version)."""
    engine = _engine()
    source = Path(source)
    try:
        archive = zipfile.ZipFile(source)
    except (FileNotFoundError, zipfile.BadZipFile) as exc:
        raise BackupError(f"无法读取备份文件 {source}：{exc}") from exc
    with archive:
        manifest = _read_manifest(archive)
        if manifest["engine"] != engine:
            raise BackupError(
                f"备份来自 {manifest['engine']} 数据库，当前是 {engine}；请在同类数据库上恢复。"
            )
        media = Path(settings.MEDIA_ROOT)
        with tempfile.TemporaryDirectory(dir=Path(settings.KEFU_HOME)) as work:
            work_dir = Path(work)
            database_file = work_dir / manifest["database"]
            with archive.open(manifest["database"]) as packed, open(database_file, "wb") as out:
                shutil.copyfileobj(packed, out)
            new_media = work_dir / "media"
            new_media.mkdir()
            for member in archive.namelist():
                if not member.startswith("media/") or member.endswith("/"):
                    continue
                relative = Path(member).relative_to("media")
                if ".." in relative.parts or relative.is_absolute():
                    raise BackupError(f"备份中的文件路径不安全：{member}")
                (new_media / relative).parent.mkdir(parents=True, exist_ok=True)
                with archive.open(member) as packed, open(new_media / relative, "wb") as out:
                    shutil.copyfileobj(packed, out)
            connections.close_all()
            if engine == "sqlite":
                # the backup API again, into the live file: other connections see the whole
                # restored database at once, and the WAL stays consistent
                _sqlite_copy(database_file, Path(settings.DATABASES["default"]["NAME"]))
            else:
                env, args = _pg_env_and_target()
                name = str(settings.DATABASES["default"]["NAME"])
                _run(
                    [
                        "pg_restore",
                        *args,
                        "--clean",
                        "--if-exists",
                        "--no-owner",
                        "--no-privileges",
                        "--single-transaction",
                        "-d",
                        name,
                        str(database_file),
                    ],
                    env,
                )
            if media.exists():
                shutil.rmtree(media)
            shutil.move(str(new_media), str(media))
    return manifest
