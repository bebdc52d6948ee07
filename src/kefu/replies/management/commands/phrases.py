"""``kefu phrases import|export FILE``: quick phrases as CSV or Excel, by the file's extension.

Import exit status: 0 when every row landed, 1 when some rows were bad (the good ones land all the
same), 2 when the file cannot be read at all or the importer may not import there.
"""

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from kefu.core import roles
from kefu.replies import phrase_io, selectors


def _user(username: str | None):
    """The named user, or the first active admin when none is named (the shop's operator)."""
    User = get_user_model()
    if username:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"没有这个用户：{username}")
        return user
    user = (
        User.objects.filter(is_active=True).filter(is_superuser=True).order_by("id").first()
        or User.objects.filter(is_active=True, groups__name=roles.ADMIN).order_by("id").first()
    )
    if user is None:
        raise CommandError("请用 --user 指定导入人（主管或管理员才能导入团队短语）。")
    return user


class Command(BaseCommand):
    help = "快捷短语：导入 / 导出 CSV 或 Excel（.xlsx），按文件扩展名区分。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", metavar="{import,export}")
        sub.required = True
        p_import = sub.add_parser(
            "import", help="导入 CSV（UTF-8 或 GBK）或 .xlsx；表头：分组,快捷键,内容；按快捷键更新，不会重复"
        )
        p_import.add_argument("file", help="文件路径（.csv 或 .xlsx）")
        p_import.add_argument("--user", help="导入人用户名（默认第一个管理员）")
        p_import.add_argument(
            "--personal", action="store_true", help="导入为该用户的个人短语（默认团队短语）"
        )

        p_export = sub.add_parser("export", help="导出为 .csv 或 .xlsx（按扩展名）")
        p_export.add_argument("file", help="输出文件路径（.csv 或 .xlsx）")
        p_export.add_argument("--user", help="导出该用户的个人短语（配合 --personal）")
        p_export.add_argument("--personal", action="store_true", help="导出个人短语（默认团队短语）")
        p_export.add_argument("--gbk", action="store_true", help="CSV 用 GBK（GB18030）编码，给旧版 Excel")
        p_import.set_defaults(handler=self.do_import)
        p_export.set_defaults(handler=self.do_export)

    def handle(self, *args, handler, **options):
        return handler(options)

    def do_import(self, options) -> None:
        path = options["file"]
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            self.stderr.write(f"无法读取文件 {path}：{exc.strerror or exc}")
            sys.exit(2)
        user = _user(options["user"])
        try:
            report = phrase_io.import_file(data=data, filename=path, by=user, team=not options["personal"])
        except PermissionDenied as exc:
            self.stderr.write(str(exc))
            sys.exit(2)
        if report.fatal:
            self.stderr.write(f"无法导入 {path}：{report.fatal}")
            sys.exit(2)
        self.stdout.write(
            f"导入完成：新增 {report.created} 条，更新 {report.updated} 条，未变 {report.unchanged} 条，"
            f"出错 {len(report.errors)} 行。"
        )
        for line, reason in report.errors:
            self.stderr.write(f"第 {line} 行：{reason}")
        if report.errors:
            sys.exit(1)

    def do_export(self, options) -> None:
        path = options["file"]
        fmt = "xlsx" if path.lower().endswith(".xlsx") else "csv"
        if options["personal"]:
            phrases = selectors.phrase_export_list(user=_user(options["user"]), scope="mine")
        else:
            phrases = selectors.phrase_export_list(scope="team")
        content, _mime = phrase_io.export_file(
            list(phrases), fmt=fmt, encoding="gbk" if options["gbk"] else "utf-8"
        )
        try:
            Path(path).write_bytes(content)
        except OSError as exc:
            raise CommandError(f"无法写入 {path}：{exc.strerror or exc}") from None
        self.stdout.write(f"已导出 {len(phrases)} 条快捷短语到 {path}")
