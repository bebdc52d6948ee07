"""``kefu lint-reply TEXT``: check a reply against the shop's forbidden phrases.

Prints each hit with its better wording and exits 1; prints nothing and exits 0 for a clean text,
so it drops into a script (``kefu lint-reply "$msg" || echo 改一改``).
"""

import sys

from django.core.management.base import BaseCommand

from kefu.replies.linter import lint_reply


class Command(BaseCommand):
    help = "检查一条回复是否用了禁用说法：有则逐条列出建议说法并以 1 退出，没有则不输出、以 0 退出。"

    def add_arguments(self, parser):
        parser.add_argument("text", nargs="+", help="要检查的回复内容")
        parser.add_argument(
            "--customer", default="", help="客户上一条消息（例如“在吗”），用于检查只回一个“在”"
        )

    def handle(self, *args, **options):
        text = " ".join(options["text"])
        hits = lint_reply(text, customer_message=options["customer"])
        for hit in hits:
            line = f"「{hit.phrase}」（第 {hit.start + 1} 个字起）→ 建议：{hit.suggestion}"
            if hit.reason:
                line += f"（{hit.reason}）"
            self.stdout.write(line)
        if hits:
            sys.exit(1)
