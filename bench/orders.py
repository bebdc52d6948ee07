"""Orders benchmark: import rate and memory of a seller-center export, re-import, the timeout sweep.

    python3 bench/orders.py                                # N = 1 000 000 rows, SQLite
    python3 bench/orders.py --rows 100000,1000000          # both sizes (shows memory stays bounded)
    python3 bench/orders.py --rows 100000 --postgres postgresql://postgres@127.0.0.1:5432/kefu_bench_orders
    python3 bench/orders.py --rows 100000 --lines --utf8   # also a 宝贝报表; UTF-8 instead of GBK
    python3 bench/orders.py --rows 100000 --profile        # cProfile of the import, top functions

Per N: a synthetic 订单报表 (ExportOrderList….csv, the 2016 layout exactly as the sample in
``src/kefu/orders/tests/data``: the same header with its trailing spaces and trailing comma, GBK,
CRLF) is written streaming to a temporary file; then each step runs in its own child process, so
the import's peak RSS is its own (settings are read once per process):

1. **migrate** a fresh database: SQLite in a temporary KEFU_HOME, or the PostgreSQL database named
   by --postgres, dropped and created again (never point it at a database you care about);
2. **import** the file with ``kefu.orders.importing.importer.import_file`` (rows/s, peak RSS of the process
   and its RSS before the import began) — and the 宝贝报表 with --lines;
3. **re-import** the same file: time, and the report must say 0 created, 0 updated;
4. **daily import**: a second export of N/10 new orders into the loaded table (the path of a
   shop's everyday imports: the table's indexes are kept up to date row by row);
5. **sweep**: a set-based UPDATE ages the orders as if days had passed — a third of the unpaid
   orders created 4 days earlier, two thirds of the shipped ones shipped 11 days earlier and half
   of those 31 days earlier (so 平邮's 30 days are due too) — then ``lifecycle.orders_sweep()``
   runs twice: its time and what it changed (checked against what the ageing made due), and
   the second run must change nothing.

The rows are realistic: order numbers as ``="…"``, mobile phones with a leading apostrophe (a few
landlines in 联系电话), money as ``123.00`` (buyer service fee ``0元``), both date shapes (one row in
ten as Excel re-saves it: ``2016/5/23 22:02``), the platform's states in real proportions (and
the half-width comma variant, 买家已签收, 没有创建支付宝交易), provinces with their postage, shipping
methods (快递, EMS, 平邮, 虚拟物品, 自动发货, 无需物流), waybills sometimes as ``No:…``, buyer
messages with commas and quotes, and 0.5 % of rows repeating an earlier order, as overlapping
exports do. Times are recent (relative to now), so nothing is due until the ageing step.
"""

import argparse
import bisect
import csv
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "src" / "kefu" / "orders" / "tests" / "data" / "ExportOrderList201605241230.csv"
SEED = 20161111
DUPLICATE_SHARE = 0.005
EXCEL_DATE_SHARE = 0.1
SHOP_NAME = "美丽小铺"
ZONE = ZoneInfo("Asia/Shanghai")

# The 2016 header, as the sample file has it (trailing spaces, trailing empty column).
ORDER_HEADER = [
    "订单编号", "买家会员名", "买家支付宝账号", "买家应付货款", "买家应付邮费", "买家支付积分", "总金额", "返点积分",
    "买家实际支付金额", "买家实际支付积分", "订单状态", "买家留言", "收货人姓名", "收货地址 ", "运送方式", "联系电话 ",
    "联系手机", "订单创建时间", "订单付款时间 ", "宝贝标题 ", "宝贝种类", "物流单号 ", "物流公司", "订单备注", "宝贝总数量",
    "店铺Id", "店铺名称", "订单关闭原因", "卖家服务费", "买家服务费", "发票抬头", "是否手机订单", "分阶段订单信息",
    "特权订金订单id", "定金排名", "修改后的sku", "修改后的收货地址", "异常信息", "天猫卡券抵扣", "集分宝抵扣",
    "是否是O2O交易", "",
]  # fmt: skip
LINE_HEADER = [
    "订单编号",
    "标题",
    "价格",
    "购买数量",
    "外部系统编号",
    "商品属性",
    "套餐信息",
    "备注",
    "订单状态",
    "商家编码",
]

# (label as exported, weight, max age in hours, paid, shipped)
STATES = [
    ("交易成功", 44, 24 * 25, True, True),
    ("卖家已发货，等待买家确认", 18, 24 * 9, True, True),
    ("买家已付款，等待卖家发货", 11, 48, True, False),
    ("买家已付款,等待卖家发货", 1, 48, True, False),  # half-width comma, as some tools write it
    ("等待买家付款", 11.5, 60, False, False),
    ("没有创建支付宝交易", 0.5, 60, False, False),
    ("交易关闭", 11, 24 * 20, False, False),
    ("卖家部分发货", 2, 24 * 4, True, True),
    ("买家已签收", 1, 24 * 9, True, True),
]
SHIPPING = [("快递", 78), ("EMS", 7), ("平邮", 5), ("虚拟物品", 4), ("自动发货", 2), ("无需物流", 4)]
COURIERS = ["中通快递", "圆通速递", "申通快递", "韵达快递", "顺丰速运", "百世快递", "天天快递"]
# province, cities, postage
PROVINCES = [
    ("浙江省", ["杭州市", "宁波市", "温州市", "金华市"], "0.00"),
    ("江苏省", ["南京市", "苏州市", "无锡市", "常州市"], "0.00"),
    ("上海", ["上海市"], "0.00"),
    ("北京", ["北京市"], "0.00"),
    ("广东省", ["广州市", "深圳市", "东莞市", "佛山市"], "0.00"),
    ("山东省", ["济南市", "青岛市", "烟台市"], "0.00"),
    ("四川省", ["成都市", "绵阳市"], "0.00"),
    ("湖北省", ["武汉市", "宜昌市"], "0.00"),
    ("湖南省", ["长沙市", "株洲市"], "0.00"),
    ("河南省", ["郑州市", "洛阳市"], "0.00"),
    ("福建省", ["福州市", "厦门市"], "0.00"),
    ("安徽省", ["合肥市", "芜湖市"], "0.00"),
    ("河北省", ["石家庄市", "保定市"], "0.00"),
    ("辽宁省", ["沈阳市", "大连市"], "0.00"),
    ("陕西省", ["西安市"], "0.00"),
    ("重庆", ["重庆市"], "0.00"),
    ("天津", ["天津市"], "0.00"),
    ("广西壮族自治区", ["南宁市", "桂林市"], "0.00"),
    ("云南省", ["昆明市", "大理白族自治州"], "0.00"),
    ("新疆维吾尔自治区", ["乌鲁木齐市", "喀什地区"], "10.00"),
    ("西藏自治区", ["拉萨市"], "10.00"),
    ("青海省", ["西宁市"], "10.00"),
    ("内蒙古自治区", ["呼和浩特市", "包头市"], "10.00"),
    ("甘肃省", ["兰州市"], "10.00"),
    ("宁夏回族自治区", ["银川市"], "10.00"),
    ("海南省", ["海口市", "三亚市"], "10.00"),
]
PROVINCE_WEIGHTS = [
    12,
    10,
    8,
    7,
    12,
    6,
    5,
    5,
    4,
    5,
    4,
    4,
    3,
    3,
    3,
    3,
    2,
    2,
    2,
    0.6,
    0.2,
    0.2,
    0.6,
    0.6,
    0.2,
    0.6,
]
DISTRICTS = [
    "西湖区",
    "滨江区",
    "鼓楼区",
    "朝阳区",
    "南山区",
    "天河区",
    "武侯区",
    "江汉区",
    "岳麓区",
    "高新区",
    "城关区",
]
STREETS = [
    "文三路",
    "解放路",
    "人民路",
    "中山路",
    "建设路",
    "解放北路",
    "科技园",
    "世纪大道",
    "望京街",
    "长江路",
]
# title, price, outer code, sku
PRODUCTS = [
    ("玫瑰保湿面霜 50g", "128.00", "MG-CREAM-50", "规格：50g"),
    ("玫瑰爽肤水 120ml", "128.00", "MG-TONER-120", "规格：120ml;赠品：化妆棉"),
    ("薰衣草睡眠面膜 5 片装", "89.90", "XY-MASK-5", "规格：5片"),
    ("补水喷雾 150ml", "45.00", "BS-MIST", "规格：150ml"),
    ("洁面套装", "133.00", "JM-SET", "套餐：洁面乳+起泡网"),
    ("卸妆水 200ml", "59.00", "XZ-200", "规格：200ml"),
    ("玫瑰精油 10ml", "168.00", "MG-OIL-10", "规格：10ml"),
    ("美白精华 30ml", "86.67", "MB-SERUM-30", "规格：30ml"),
    ("会员礼品卡", "30.00", "VIP-CARD", "面值：30元"),
    ("眼霜 15ml", "49.00", "EYE-15", "规格：15ml"),
    ("面膜 10 片", "26.00", "MASK-10", "规格：10片"),
    ("纯棉T恤 男款", "79.00", "TS-M", "颜色分类：白色;尺码：XL"),
    ("纯棉T恤 女款", "79.00", "TS-W", "颜色分类：黑色;尺码：M"),
    ("数据线 2m", "19.90", "USB-2M", "颜色分类：白色;长度：2m"),
    ("保温杯 500ml", "99.00", "CUP-500", "颜色分类：藏青"),
    ("蓝牙耳机", "199.00", "BT-EAR", "颜色分类：黑色"),
]
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程苏魏吕丁任沈姚卢"
)
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华红玉兰小晴可熊苗卓玛秋枫甜"
NICK_HEADS = ["小桃子", "阿木木", "hello_kitty", "晴天娃娃", "大熊爸爸", "一只小猫咪", "西藏的云", "秋天的枫叶",
              "游戏达人", "甜甜圈", "tb", "爱吃鱼的猫", "momo", "学生党", "宝妈", "小仙女", "jack", "星星点灯"]  # fmt: skip
MESSAGES = [
    "请发顺丰，周末不在家",
    "麻烦快点发货",
    '送人的，不要放"发票"',
    "颜色要白色,谢谢",
    "能不能多送小样",
]
REMARKS = ["赠小样", "已改地址", "补发一件", "顺丰到付"]


def _cumulative(weights):
    total, out = 0.0, []
    for w in weights:
        total += w
        out.append(total)
    return out


class OrderRows:
    """The N export rows, the same for a given N and seed on every run; also the lines of each order."""

    def __init__(self, n: int, *, seed: int = SEED, start: int = 0):
        self.n = n
        self.start = start  # order numbers after the first ``start`` ones: a later export's new orders
        self.rng = random.Random(seed + start)
        self.now = datetime.now(ZONE).replace(tzinfo=None, microsecond=0)
        self.state_cum = _cumulative([s[1] for s in STATES])
        self.ship_cum = _cumulative([w for _m, w in SHIPPING])
        self.prov_cum = _cumulative(PROVINCE_WEIGHTS)
        rng = random.Random(seed + 1)
        self.nicks = [f"{rng.choice(NICK_HEADS)}{rng.randint(1, 99999)}" for _ in range(50000)]
        self.names = [
            rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.randint(1, 2))) for _ in range(5000)
        ]
        self.recent: list[tuple[list, list]] = []  # last rows, for the overlapping-export repeats
        self.lines: list[list] = []

    def _pick(self, cum):
        return bisect.bisect(cum, self.rng.random() * cum[-1])

    def _time(self, dt: datetime) -> str:
        if self.rng.random() < EXCEL_DATE_SHARE:
            return f"{dt.year}/{dt.month}/{dt.day} {dt.hour:02d}:{dt.minute:02d}"
        return dt.strftime("%Y-%m-%d %H:%M:%S")

    def __iter__(self):
        rng = self.rng
        base = 1930679858170647
        for i in range(self.n):
            if self.recent and rng.random() < DUPLICATE_SHARE:
                row, lines = self.recent[rng.randrange(len(self.recent))]
                self.lines = lines
                yield row
                continue
            label, _w, max_age_h, paid, shipped = STATES[self._pick(self.state_cum)]
            k = i + self.start
            number = str(base + k * 1000 + (k * 7919) % 1000)
            province, cities, postage = PROVINCES[self._pick(self.prov_cum)]
            method = SHIPPING[self._pick(self.ship_cum)][0]
            kinds = 1 if rng.random() < 0.75 else rng.randint(2, 3)
            chosen = rng.sample(PRODUCTS, kinds)
            quantities = [1 if rng.random() < 0.8 else rng.randint(2, 6) for _ in chosen]
            goods = sum(int(p[1].replace(".", "")) * q for p, q in zip(chosen, quantities, strict=True))
            goods_s = f"{goods // 100}.{goods % 100:02d}"
            total = goods + int(postage.replace(".", ""))
            total_s = f"{total // 100}.{total % 100:02d}"
            created = self.now - timedelta(seconds=rng.randrange(600, max_age_h * 3600))
            paid_at = created + timedelta(seconds=rng.randrange(20, 3600)) if paid else None
            if paid_at is not None and paid_at > self.now:
                paid_at = self.now
            closed_paid = label == "交易关闭" and rng.random() < 0.3  # refunded after paying
            close_reason = ("退款" if closed_paid else "买家未付款") if label == "交易关闭" else "订单未关闭"
            if closed_paid:
                paid_at = created + timedelta(seconds=rng.randrange(20, 3600))
            virtual = method in ("虚拟物品", "自动发货", "无需物流")
            waybill = courier = ""
            if shipped and not virtual:
                waybill = str(rng.randrange(10**11, 10**13))
                if rng.random() < 0.1:
                    waybill = "No:" + waybill
                courier = "EMS" if method == "EMS" else rng.choice(COURIERS)
            city = cities[0] if province in ("上海", "北京", "重庆", "天津") else rng.choice(cities)
            address = (
                f"{province} {city} {rng.choice(DISTRICTS)} {rng.choice(STREETS)} {rng.randint(1, 999)} 号"
                f"({rng.randint(100000, 859999)})"
            )
            phone = "'1" + str(rng.choice((3, 5, 7, 8, 9))) + f"{rng.randrange(10**9):09d}"
            landline = (
                f"'0{rng.randint(10, 999)}-{rng.randint(2000000, 89999999)}" if rng.random() < 0.05 else ""
            )
            message = rng.choice(MESSAGES) if rng.random() < 0.08 else ""
            remark = rng.choice(REMARKS) if rng.random() < 0.05 else ""
            pieces = sum(quantities)
            titles = "，".join(p[0] for p in chosen)
            row = [
                f'="{number}"',
                rng.choice(self.nicks),
                "****",
                goods_s,
                postage,
                "0",
                total_s,
                "0",
                total_s if paid_at else "0.00",
                "0",
                label,
                message,
                rng.choice(self.names),
                address,
                method,
                landline,
                phone,
                self._time(created),
                self._time(paid_at) if paid_at else "",
                titles,
                str(kinds),
                waybill,
                courier,
                remark,
                str(pieces),
                "0",
                SHOP_NAME,
                close_reason,
                "0",
                "0元",
                "",
                "手机订单" if rng.random() < 0.7 else "",
                *[""] * 10,
            ]
            self.lines = [
                [f'="{number}"', p[0], p[1], str(q), "", p[3], "", "", label, p[2]]
                for p, q in zip(chosen, quantities, strict=True)
            ]
            if len(self.recent) < 2000:
                self.recent.append((row, self.lines))
            else:
                self.recent[i % 2000] = (row, self.lines)
            yield row


def write_files(
    n: int, directory: Path, *, encoding: str, lines: bool, start: int = 0
) -> tuple[Path, Path | None, dict]:
    """Stream the 订单报表 (and 宝贝报表) to disk; the seconds it took and the files' sizes."""
    started = time.perf_counter()
    stamp = datetime.now(ZONE).strftime("%Y%m%d%H%M") + (f"-{start}" if start else "")
    orders_path = directory / f"ExportOrderList{stamp}.csv"
    lines_path = directory / f"ExportOrderDetailList{stamp}.csv" if lines else None
    generator = OrderRows(n, start=start)
    line_count = 0
    with orders_path.open("w", encoding=encoding, newline="") as out:
        writer = csv.writer(out)
        writer.writerow(ORDER_HEADER)
        line_out = lines_path.open("w", encoding=encoding, newline="") if lines_path else None
        try:
            line_writer = csv.writer(line_out) if line_out else None
            if line_writer:
                line_writer.writerow(LINE_HEADER)
            for row in generator:
                writer.writerow(row)
                if line_writer:
                    line_writer.writerows(generator.lines)
                    line_count += len(generator.lines)
        finally:
            if line_out:
                line_out.close()
    info = {
        "generate_s": round(time.perf_counter() - started, 1),
        "file_mb": round(orders_path.stat().st_size / 2**20, 1),
    }
    if lines_path:
        info.update(line_rows=line_count, lines_file_mb=round(lines_path.stat().st_size / 2**20, 1))
    return orders_path, lines_path, info


# --- the steps, each in its own process -----------------------------------------------------------


def _django():
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    import django

    django.setup()


def _rss_mb() -> int:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def step_migrate(_args) -> dict:
    _django()
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    return {"db": connection.vendor, "migrate_s": round(time.perf_counter() - started, 1)}


def step_import(args) -> dict:
    _django()
    from django.db import connection

    from kefu.orders.importing.importer import import_file

    connection.ensure_connection()
    result = {"rss_before_mb": _rss_mb()}
    profiler = None
    if args.profile_to:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    started, cpu = time.perf_counter(), time.process_time()
    report = import_file(args.file)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    if profiler:
        profiler.disable()
        profiler.dump_stats(args.profile_to)
    result.update(
        seconds=round(elapsed, 2),
        cpu_s=round(cpu, 2),  # this process only: with SQLite all of the work, with PostgreSQL the client's
        rate=round(report.rows / elapsed),
        report={k: v for k, v in report.as_dict().items() if k != "errors"},
        first_errors=report.errors[:3],
        timings=report.timings,  # by phase: the load, the profiles per batch and after the load
    )
    if args.lines_file:
        started = time.perf_counter()
        lines = import_file(args.lines_file)
        elapsed = time.perf_counter() - started
        result.update(
            lines_seconds=round(elapsed, 2),
            lines_rate=round(lines.rows / elapsed),
            lines_report={k: v for k, v in lines.as_dict().items() if k != "errors"},
            lines_first_errors=lines.errors[:3],
        )
    result["peak_rss_mb"] = _rss_mb()
    return result


def step_sweep(_args) -> dict:
    _django()
    from django.db import connection
    from django.db.models import Count, F, Q
    from django.db.models.functions import Mod
    from django.utils import timezone

    from kefu.orders import lifecycle
    from kefu.orders.models import Order, OrderState, ShippingMethod

    S = OrderState
    result: dict = {"orders": Order.objects.count()}
    result["states"] = dict(Order.objects.values_list("state").annotate(n=Count("id")).order_by("state"))
    # Age the orders as if days had passed; set-based, so it costs what one UPDATE costs.
    started = time.perf_counter()
    third = Order.objects.alias(r=Mod("id", 3))
    unpaid = third.filter(state=S.WAIT_BUYER_PAY, r=0)
    expect_closed = unpaid.count()
    unpaid.update(created_at=F("created_at") - timedelta(days=4))
    shipped = third.filter(state=S.WAIT_BUYER_CONFIRM, shipped_at__isnull=False)
    expect_finished = (
        shipped.filter(r=0).count()
        + shipped.filter(r=1).exclude(shipping_method=ShippingMethod.SURFACE).count()
    )
    shipped.filter(~Q(r=2)).update(shipped_at=F("shipped_at") - timedelta(days=11))
    shipped.filter(r=0).update(shipped_at=F("shipped_at") - timedelta(days=20))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # what autovacuum does after a bulk load
    result["age_s"] = round(time.perf_counter() - started, 1)
    result["expected"] = {"unpaid_closed": expect_closed, "auto_confirmed": expect_finished}

    started, cpu = time.perf_counter(), time.process_time()
    first = lifecycle.orders_sweep(now=timezone.now())
    result["sweep_s"] = round(time.perf_counter() - started, 2)
    result["sweep_cpu_s"] = round(time.process_time() - cpu, 2)
    result["sweep"] = first
    started = time.perf_counter()
    second = lifecycle.orders_sweep(now=timezone.now())
    result["sweep2_s"] = round(time.perf_counter() - started, 2)
    result["sweep2"] = second
    result["peak_rss_mb"] = _rss_mb()
    return result


STEPS = {"migrate": step_migrate, "import": step_import, "sweep": step_sweep}


def _child(step: str, env: dict, extra: list[str]) -> dict:
    args = [sys.executable, __file__, "--step", step, *extra]
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"step {step} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _pg_recreate(url: str) -> None:
    import psycopg

    base, _, name = url.rpartition("/")
    name = name.split("?")[0]
    with psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=3) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(
            f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' LC_CTYPE 'C.UTF-8' LC_COLLATE 'C.UTF-8'"
        )


def _print_profile(path: str, limit: int = 25) -> None:
    import pstats

    for key in ("tottime", "cumulative"):
        print(f"\n--- import profile, top {limit} by {key} ---", flush=True)
        pstats.Stats(path, stream=sys.stdout).strip_dirs().sort_stats(key).print_stats(limit)


def run(n: int, args) -> dict:
    db = "postgresql" if args.postgres else "sqlite"
    result: dict = {"db": db, "n": n, "load_before": round(os.getloadavg()[0], 1)}
    tmp = Path(tempfile.mkdtemp(prefix="kefu-bench-orders-"))
    try:
        home = tmp / "home"
        home.mkdir()
        orders_path, lines_path, info = write_files(
            n, tmp, encoding="utf-8" if args.utf8 else "gbk", lines=args.lines
        )
        result.update(info)
        print(f"[{db} N={n}] generated {info}", flush=True)
        env = dict(os.environ, KEFU_HOME=str(home), DJANGO_SETTINGS_MODULE="kefu.settings")
        env.pop("KEFU_DATABASE_URL", None)
        if args.postgres:
            _pg_recreate(args.postgres)
            env["KEFU_DATABASE_URL"] = args.postgres
        result.update(_child("migrate", env, []))
        extra = ["--file", str(orders_path)]
        if lines_path:
            extra += ["--lines-file", str(lines_path)]
        profile_to = str(tmp / "import.prof") if args.profile else None
        first = _child("import", env, extra + (["--profile-to", profile_to] if profile_to else []))
        print(f"[{db} N={n}] import {json.dumps(first, ensure_ascii=False)}", flush=True)
        if profile_to:
            _print_profile(profile_to)
        again = _child("import", env, ["--file", str(orders_path)])
        print(f"[{db} N={n}] re-import {json.dumps(again, ensure_ascii=False)}", flush=True)
        # a later day's export: N/10 new orders into the loaded table, its indexes kept up row by row
        daily_path, _none, _info = write_files(
            max(n // 10, 1), tmp, encoding="utf-8" if args.utf8 else "gbk", lines=False, start=n
        )
        daily = _child("import", env, ["--file", str(daily_path)])
        print(f"[{db} N={n}] daily import {json.dumps(daily, ensure_ascii=False)}", flush=True)
        sweep = _child("sweep", env, [])
        print(f"[{db} N={n}] sweep {json.dumps(sweep, ensure_ascii=False)}", flush=True)
    finally:
        if args.keep:
            print(f"[{db} N={n}] files and KEFU_HOME kept in {tmp}", flush=True)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    rep, rep2 = first["report"], again["report"]
    result.update(
        rows=rep["rows"],
        orders=sweep["orders"],
        import_s=first["seconds"],
        import_rate=first["rate"],
        import_cpu_s=first["cpu_s"],
        created=rep["created"],
        errors=rep["error_count"],
        rss_before_mb=first["rss_before_mb"],
        peak_rss_mb=first["peak_rss_mb"],
        reimport_s=again["seconds"],
        reimport_rate=again["rate"],
        reimport_changed=rep2["created"] + rep2["updated"],
        reimport_unchanged=rep2["unchanged"],
        daily_rows=daily["report"]["rows"],
        daily_s=daily["seconds"],
        daily_rate=daily["rate"],
        sweep_s=sweep["sweep_s"],
        sweep_cpu_s=sweep["sweep_cpu_s"],
        sweep_closed=sweep["sweep"]["unpaid_closed"],
        sweep_confirmed=sweep["sweep"]["auto_confirmed"],
        sweep_as_expected=sweep["sweep"] == sweep["expected"],
        sweep2_s=sweep["sweep2_s"],
        sweep2_changed=sum(sweep["sweep2"].values()),
    )
    if "lines_report" in first:
        result.update(
            lines=first["lines_report"]["lines"],
            lines_s=first["lines_seconds"],
            lines_rate=first["lines_rate"],
            lines_errors=first["lines_report"]["error_count"],
        )
    problems = []
    if rep["error_count"]:
        problems.append(f"import errors: {first['first_errors']}")
    if result["reimport_changed"] or rep2["stale"]:
        problems.append(f"re-import changed something: {rep2}")
    if not result["sweep_as_expected"]:
        problems.append(f"sweep changed {sweep['sweep']}, expected {sweep['expected']}")
    if result["sweep2_changed"]:
        problems.append(f"second sweep changed {sweep['sweep2']}")
    result["problems"] = problems
    result["load_after"] = round(os.getloadavg()[0], 1)
    return result


COLUMNS = [
    ("db", "数据库"),
    ("n", "行数 N"),
    ("orders", "订单"),
    ("import_rate", "导入 行/秒"),
    ("import_s", "导入 秒"),
    ("import_cpu_s", "导入 CPU 秒"),
    ("peak_rss_mb", "导入峰值内存 MB"),
    ("rss_before_mb", "导入前内存 MB"),
    ("reimport_s", "重复导入 秒"),
    ("reimport_changed", "重复导入 变更"),
    ("daily_rate", "日常导入 N/10 新订单 行/秒"),
    ("sweep_s", "清扫 秒"),
    ("sweep_cpu_s", "清扫 CPU 秒"),
    ("sweep_closed", "关闭未付款"),
    ("sweep_confirmed", "自动确认收货"),
    ("sweep2_s", "再次清扫 秒"),
    ("sweep2_changed", "再次清扫 变更"),
    ("load_before", "负载 前"),
    ("load_after", "负载 后"),
]
LINE_COLUMNS = [("lines", "宝贝行"), ("lines_rate", "宝贝 行/秒")]


def table(results: list[dict]) -> str:
    columns = COLUMNS + (LINE_COLUMNS if any("lines" in r for r in results) else [])
    out = ["| " + " | ".join(label for _k, label in columns) + " |", "|" + "---|" * len(columns)]
    for r in results:
        out.append("| " + " | ".join(str(r.get(k, "–")) for k, _label in columns) + " |")
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", default="1000000", help="rows of the export; comma-separated for several")
    parser.add_argument("--postgres", metavar="URL", help="PostgreSQL database to drop, create and use")
    parser.add_argument("--utf8", action="store_true", help="write UTF-8 instead of GBK")
    parser.add_argument(
        "--lines", action="store_true", help="also a 宝贝报表 (1–3 lines an order), imported after"
    )
    parser.add_argument(
        "--profile", action="store_true", help="cProfile the first import, print top functions"
    )
    parser.add_argument("--keep", action="store_true", help="keep the files and KEFU_HOME (path printed)")
    parser.add_argument("--step", choices=sorted(STEPS), help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--lines-file", help=argparse.SUPPRESS)
    parser.add_argument("--profile-to", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        print(json.dumps(STEPS[args.step](args), ensure_ascii=False))
        return
    results = []
    for n in (int(s.replace("_", "")) for s in args.rows.split(",")):
        result = run(n, args)
        results.append(result)
        print(json.dumps(result, ensure_ascii=False), flush=True)
    print()
    print(table(results))
    problems = [f"{r['db']} N={r['n']}: {p}" for r in results for p in r["problems"]]
    if problems:
        print("\nPROBLEMS:\n" + "\n".join(problems))
        raise SystemExit(1)


if __name__ == "__main__":
    main()
