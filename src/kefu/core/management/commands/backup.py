"""``kefu backup FILE``: the whole shop (database and uploaded files) in one file, online."""

from django.core.management.base import BaseCommand, CommandError

from kefu.core.backup import BackupError, backup_make


class Command(BaseCommand):
    help = "Copy the shop's database and uploaded files into one .zip while the desk keeps running."

    def add_arguments(self, parser):
        parser.add_argument("file", help="where to write the backup, e.g. kefu-2026-12-03.zip")

    def handle(self, *args, file, **options):
        try:
            summary = backup_make(file)
        except BackupError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        self.stdout.write(
            f"备份完成 (backup written): {summary.path} — {summary.engine}, "
            f"{summary.media_files} 个上传文件, {summary.size // 1024} KB"
        )
