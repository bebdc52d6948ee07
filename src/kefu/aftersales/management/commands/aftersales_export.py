"""``kefu aftersales_export cases|reviews [--kind K] [--since YYYY-MM-DD] [--rights] -o file.xlsx``:
the after-sales register or the bad-review count as a spreadsheet, in the columns the shop's registers have."""

from datetime import date, datetime, time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kefu.aftersales import registers, selectors
from kefu.aftersales.models import CaseKind


class Command(BaseCommand):
    help = "导出售后记录表或中差评统计（.xlsx）"

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["cases", "reviews"])
        parser.add_argument("-o", "--output", required=True, help="写到这个 .xlsx 文件")
        parser.add_argument("--kind", choices=CaseKind.values, help="只导出这一类售后（如 problem_parcel）")
        parser.add_argument("--since", help="从这一天起（YYYY-MM-DD）")
        parser.add_argument("--rights", action="store_true", help="只导出维权退款")

    def handle(self, *args, what, output, kind, since, rights, **options):
        start = None
        if since:
            try:
                start = timezone.make_aware(datetime.combine(date.fromisoformat(since), time.min))
            except ValueError as exc:
                raise CommandError(f"日期格式应为 YYYY-MM-DD：{since}") from exc
        if what == "cases":
            qs = selectors.case_list(kind=kind or "")
            if start:
                qs = qs.filter(requested_at__gte=start)
            if rights:
                qs = qs.filter(rights_protection=True, refunded_at__isnull=False)
            data, count = registers.cases_workbook(cases=qs), qs.count()
        else:
            qs = selectors.review_list()
            if start:
                qs = qs.filter(reviewed_at__gte=start)
            data, count = registers.reviews_workbook(reviews=qs), qs.count()
        with open(output, "wb") as fh:
            fh.write(data)
        self.stdout.write(f"已导出 {count} 行到 {output}")
