"""``kefu report sales|service``: the reports from the command line, as JSON, CSV or Excel.

``kefu report sales --start 2026-11-01 --end 2026-11-30 --by week --format xlsx --output nov.xlsx``.
A bad range (end before start, over a year, an unknown ``--by``) stops with the reason, exit 1.
"""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kefu.core import shopsettings
from kefu.reports import exports, selectors
from kefu.reports.forms import RangeForm
from kefu.reports.rules import first_response_target

REPORTS = {
    "sales": ("销售报表", exports.SALES_COLUMNS),
    "service": ("服务数据", exports.SERVICE_COLUMNS),
}


class Command(BaseCommand):
    help = "报表：销售（生意参谋口径）与服务数据，按日/周/月，输出 JSON、CSV 或 Excel。"

    def add_arguments(self, parser):
        parser.add_argument("report", choices=sorted(REPORTS), help="sales（销售）或 service（服务数据）")
        parser.add_argument("--start", required=True, help="开始日期 YYYY-MM-DD（含）")
        parser.add_argument("--end", required=True, help="结束日期 YYYY-MM-DD（含）")
        parser.add_argument("--by", default="day", help="day | week | month")
        parser.add_argument("--format", default="json", choices=["json", "csv", "xlsx"], dest="fmt")
        parser.add_argument("--output", help="写入文件（不填则输出到屏幕）")
        parser.add_argument("--shop", default="", help="只看一个店铺")

    def handle(self, *args, report, start, end, by, fmt, output, shop, **options):
        form = RangeForm(data={"start": start, "end": end, "by": by, "shop": shop})
        if not form.is_valid():
            messages = [str(m) for errors in form.errors.values() for m in errors]
            raise CommandError(" ".join(messages))
        rng = form.range
        with shopsettings.snapshot():
            if report == "sales":
                rows = selectors.sales_report(rng=rng, shop=shop or None)
            else:
                rows = selectors.service_report(
                    rng=rng, agent_ids=None, target_seconds=first_response_target()
                )
        title, columns = REPORTS[report]
        if fmt == "json":
            data = json.dumps(
                {"rows": exports.rows_json(rows, columns)}, ensure_ascii=False, indent=2
            ).encode()
        elif fmt == "csv":
            data = exports.rows_csv(rows, columns)
        else:
            data = exports.rows_xlsx(title, rows, columns)
        if output:
            Path(output).write_bytes(data)
            self.stderr.write(f"已写入 {output}（{len(rows)} 行）")
        elif fmt == "xlsx":
            sys.stdout.buffer.write(data)
        else:
            self.stdout.write(data.decode("utf-8-sig"))
