"""``kefu restore FILE``: put a backup back (stop the desk first), then migrate it."""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from kefu.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "Replace the shop's database and uploaded files with a backup made by `kefu backup`."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--yes", action="store_true", help="do not ask before replacing the data")

    def handle(self, *args, file, yes, **options):
        if not yes:
            answer = input("这会用备份替换当前所有数据（This replaces all current data）。继续？[y/N] ")
            if answer.strip().lower() not in {"y", "yes", "是"}:
                raise CommandError("已取消 (cancelled)", returncode=1)
        try:
            manifest = backup_restore(file)
        except BackupError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(
            f"恢复完成 (restored): 备份时间 {manifest['taken_at']}, {manifest['media_files']} 个上传文件"
        )
