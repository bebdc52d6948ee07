"""``kefu staffing erlang``: how many agents a period needs (Erlang C), from the command line.

Prints the same figures as ``GET /api/team/staffing/erlang/``. Bad input (zero or negative calls or
handling time, a service level of 100 % or more) is refused with a message, exit status 1.
"""

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from kefu.team import erlang


class Command(BaseCommand):
    help = "排班人力：按 Erlang C 计算一个时段需要的客服人数。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", metavar="{erlang}")
        sub.required = True
        p = sub.add_parser("erlang", help="一个时段需要几名客服（Erlang C）")
        p.add_argument("--calls", type=float, required=True, help="时段内的咨询量（个）")
        p.add_argument("--minutes", type=float, default=30, help="时段长度（分钟），默认 30")
        p.add_argument("--aht", type=float, required=True, help="平均处理时长（秒）")
        p.add_argument("--answer-within", type=float, default=20, help="应答时限（秒），默认 20")
        p.add_argument("--service-level", type=float, default=0.8, help="服务水平目标，默认 0.8")
        p.add_argument("--shrinkage", type=float, default=None, help="缺勤率（休息、请假），例如 0.3")
        p.add_argument("--json", action="store_true", help="以 JSON 输出")

    def handle(self, *args, **options):
        try:
            result = erlang.agents_needed(
                calls=options["calls"],
                minutes=options["minutes"],
                aht=options["aht"],
                answer_within=options["answer_within"],
                service_level=options["service_level"],
            )
            data = result.as_dict()
            if options["shrinkage"] is not None:
                data["shrinkage"] = options["shrinkage"]
                data["agents_with_shrinkage"] = erlang.with_shrinkage(result.agents, options["shrinkage"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False))
            return
        self.stdout.write(
            f"话务量 {result.traffic_erlangs:.2f} 爱尔兰：需要 {result.agents} 名客服，"
            f"服务水平 {result.service_level:.1%}（{result.answer_within:g} 秒内应答），"
            f"需要等待的概率 {result.probability_of_waiting:.1%}，"
            f"平均应答 {result.average_speed_of_answer:.1f} 秒，占用率 {result.occupancy:.1%}"
        )
        if "agents_with_shrinkage" in data:
            self.stdout.write(f"计入缺勤率 {data['shrinkage']:.0%} 后排班 {data['agents_with_shrinkage']} 人")
