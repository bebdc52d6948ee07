"""``kefu report sales|service|agents|kpi|aftersales|quality|errors|sanctions``: the reports from
the command line (the whole team's), as JSON, CSV or Excel.

``kefu report sales --start 2026-11-01 --end 2026-11-30 --by week --format xlsx --output nov.xlsx``.
A bad range (end before start, over a year, an unknown ``--by``) stops with the reason, exit 1.
"""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kefu.core import shopsettings
from kefu.reports import exports
from kefu.reports.forms import RangeForm
from kefu.reports.views import EXPORTS as REPORTS
from kefu.reports.views import report_rows


class Command(BaseCommand):
    help = "报表：销售（生意参谋口径）、服务数据、客服、KPI、售后、质检、差错、奖惩，按日/周/月，输出 JSON、CSV 或 Excel。"

    def add_arguments(self, parser):
        parser.add_argument(
            "report",
            choices=sorted(REPORTS),
            help="sales 销售、service 服务数据、agents 客服催付与接待、kpi、aftersales 售后类型与原因、quality 质检、errors 差错、sanctions 奖惩",
        )
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
            rows = report_rows(report=report, rng=rng, shop=shop or None, agent_ids=None)
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
