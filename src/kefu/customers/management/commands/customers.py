"""``kefu customers export|refresh``: the customer profiles from the command line.

``export --format json|csv|xlsx [--output FILE]``: every profile with a member name, in member-name
order; json prints a list of ``{"nickname": "买家会员名", "orders": 3, "paid_orders": 2,
"paid_amount": "123.40", "returning": true, ...}`` (the same fields as ``GET /api/customers/``).
Phones are masked. The export is recorded (channel ``cli``, who ran it when ``--user`` is given).
"""

import sys

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from kefu.customers import services


class Command(BaseCommand):
    help = "客户：导出客户资料（json、csv、xlsx）。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", metavar="{export}")
        sub.required = True
        p_export = sub.add_parser("export", help="导出全部客户资料（手机号脱敏；每次导出都会记录）")
        p_export.add_argument("--format", choices=services.EXPORT_FORMATS, default="json", help="格式")
        p_export.add_argument("--output", help="写入文件（默认输出到屏幕；xlsx 必须指定文件）")
        p_export.add_argument("--user", help="记为导出人的用户名（须为管理员，可不填）")
        p_export.set_defaults(handler=self._export)

    def handle(self, *args, handler, **options):
        return handler(options)

    def _export(self, options: dict) -> None:
        user = None
        if options.get("user"):
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"没有用户 {options['user']}")
        fmt = options["format"]
        if fmt == "xlsx" and not options.get("output"):
            raise CommandError("xlsx 格式请用 --output 指定文件")
        try:
            data, count = services.customers_export(by=user, fmt=fmt, channel="cli")
        except (PermissionDenied, ValidationError) as exc:
            raise CommandError(" ".join(getattr(exc, "messages", [str(exc)]))) from None
        if options.get("output"):
            with open(options["output"], "wb") as out:
                out.write(data)
            self.stderr.write(f"已导出 {count} 位客户到 {options['output']}")
        else:
            sys.stdout.flush()
            self.stdout.write(data.decode("utf-8-sig" if fmt == "csv" else "utf-8"))
