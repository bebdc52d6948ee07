"""``kefu orders import|show``: the shop platform's exports and single orders from the command line.

Exit status of ``import``: 0 when every row landed, 1 when some rows were bad (the good ones are
imported all the same), 2 when the file cannot be read at all. An import runs here and now, but
as the same job an upload starts (recorded, with its progress and result, on the import page).
"""

import json
import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from kefu.orders import selectors, services
from kefu.orders.api import order_as_json
from kefu.orders.importing.importer import ImportFileError


class Command(BaseCommand):
    help = "订单：导入淘宝/天猫卖家中心的订单报表、宝贝报表；查看单个订单。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", metavar="{import,show}")
        sub.required = True
        p_import = sub.add_parser(
            "import", help="导入订单报表或宝贝报表（CSV 或 .xlsx，GBK/UTF-8，按表头识别）"
        )
        p_import.add_argument("file", help="ExportOrderList*.csv（订单报表）")
        p_import.add_argument("--lines", help="同时导入的宝贝报表 ExportOrderDetailList*.csv")
        p_import.add_argument("--shop", default="", help="店铺（多店铺时区分订单号）")
        p_import.add_argument("--json", action="store_true", help="以 JSON 输出导入结果")
        p_import.add_argument("--user", help="记为导入人的用户名（可不填）")
        p_show = sub.add_parser("show", help="查看一个订单")
        p_show.add_argument("number", help="订单编号")
        p_show.add_argument("--shop", default="")
        p_show.add_argument("--json", action="store_true", help="以 JSON 输出")
        p_import.set_defaults(handler=self._import_command)
        p_show.set_defaults(handler=self._show_command)

    def handle(self, *args, handler, **options):
        return handler(options)

    def _show_command(self, options: dict) -> None:
        self.show(options["number"], shop=options["shop"], as_json=options["json"])

    def _import_command(self, options: dict) -> None:
        self.do_import(
            options["file"],
            options["lines"],
            shop=options["shop"],
            as_json=options["json"],
            user=options["user"],
        )

    def show(self, number: str, *, shop: str, as_json: bool) -> None:
        try:
            order = selectors.order_get(number=number.strip(), shop=shop)
        except Http404:
            raise CommandError(f"找不到订单 {number}") from None
        data = order_as_json(order)
        if as_json:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"订单 {data['number']}  {data['state']}")
        self.stdout.write(
            f"买家 {data['buyer_nick']}  收货人 {data['receiver_name']} {data['receiver_phone']}"
        )
        self.stdout.write(f"地址 {data['receiver_address']}")
        self.stdout.write(
            f"实付 {data['paid']} 元（邮费 {data['postage']}）  快递 {data['courier']} {data['waybill']}"
        )
        for remark in data["remarks"]:
            self.stdout.write(f"备注 [{remark['flag'] or '-'}] {remark['text']}")

    def do_import(self, path: str, lines: str | None, *, shop: str, as_json: bool, user: str | None) -> None:
        by = None
        if user:
            by = get_user_model().objects.filter(username=user, is_active=True).first()
            if by is None:
                raise CommandError(f"没有这个用户：{user}")
        try:
            run = services.order_import_files(
                by=by, path=Path(path), lines_path=Path(lines) if lines else None, shop=shop
            )
        except (ImportFileError, OSError) as exc:
            file = getattr(exc, "path", None) or getattr(exc, "filename", None) or path
            raise CommandError(f"无法导入 {file}：{exc}", returncode=2) from None
        except ValidationError as exc:
            raise CommandError(f"无法导入 {path}：{' '.join(exc.messages)}", returncode=2) from None
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
        reports = run.reports
        if as_json:
            self.stdout.write(json.dumps([r.as_dict() for r in reports], ensure_ascii=False, indent=2))
        else:
            for report in reports:
                kind = "订单报表" if report.kind == "orders" else "宝贝报表"
                self.stdout.write(
                    f"{kind}：共 {report.rows} 行，新增 {report.created}，更新 {report.updated}，"
                    f"未变 {report.unchanged}，旧数据跳过 {report.stale}，宝贝 {report.lines}，出错 {report.error_count}"
                )
                for line, reason in report.errors:
                    self.stderr.write(f"  第 {line} 行：{reason}")
                if report.error_count > len(report.errors):
                    self.stderr.write(f"  ……另有 {report.error_count - len(report.errors)} 行出错未列出")
        if any(r.error_count for r in reports):
            sys.exit(1)
