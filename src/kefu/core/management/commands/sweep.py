"""``kefu sweep``: run the periodic sweeps once (what the huey consumer does every minute)."""

import json

from django.core.management.base import BaseCommand, CommandError

from kefu.core import sweeps


class Command(BaseCommand):
    help = "Apply the shop's timeouts once: order timeouts, refund timers, overdue marks."

    def add_arguments(self, parser):
        parser.add_argument("--only", action="append", help="run only this sweep (repeatable)")
        parser.add_argument("--json", action="store_true", help="print what changed as JSON")

    def handle(self, *args, only, **options):
        unknown = set(only or []) - set(sweeps.names())
        if unknown:
            known = "、".join(sweeps.names())
            raise CommandError(f"未知的扫描：{'、'.join(sorted(unknown))}（可用：{known}）")
        report = sweeps.sweeps_run(only=only)
        if options["json"]:
            self.stdout.write(_json(report))
            return
        for name, changed in report.items():
            detail = "，".join(f"{label} {count}" for label, count in changed.items()) or "无变化"
            self.stdout.write(f"{name}: {detail}")


def _json(report) -> str:
    return json.dumps(report, ensure_ascii=False)
