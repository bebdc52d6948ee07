"""Search benchmark: import rate, search latency and relevance, on SQLite and PostgreSQL.

    python3 bench/search.py                      # N = 10 000 and 100 000, SQLite and PostgreSQL
    python3 bench/search.py --quick              # N = 2 000 only
    python3 bench/search.py --million            # also N = 1 000 000
    python3 bench/search.py --sizes 1000000 --no-atec --only sqlite
    python3 bench/search.py --pg-url postgresql://postgres@127.0.0.1:5432/kefu_bench --only sqlite
    python3 bench/search.py --sizes 1000000 --no-atec --keep /work/bench-data   # import once, reuse

Each run is a fresh database in a child process (settings are read once per process): SQLite in a
temporary KEFU_HOME, PostgreSQL in the database of --pg-url, dropped and created again (never point
it at a database you care about). Articles are synthetic Chinese FAQ entries of a shop (topics,
products and wordings drawn from lists with a fixed seed), imported through ``kb_io.kb_import`` in
CSV chunks so memory stays bounded; queries are customers' wordings generated from the same lists.
Relevance is measured on the ATEC paraphrase pairs (../shared/data/atec/, first 3 000 pairs): every
``faq`` is indexed as a title, each ``query`` searched, and the share whose own ``faq`` comes first
and in the top 3 is reported (skipped when the file is absent).
"""

import argparse
import csv
import io
import json
import math
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ATEC = ROOT.parent / "shared" / "data" / "atec" / "paraphrase_pairs.tsv"
ATEC_PAIRS = 3000
SEED = 20261122
CHUNK = 5000
QUERIES = 300

CATEGORIES = ["产品订购", "保修条例", "维修保养", "技术支持", "常见问题", "物流配送", "售后服务", "优惠活动"]
PRODUCTS = [
    "口红",
    "面霜",
    "精华液",
    "防晒霜",
    "洗面奶",
    "爽肤水",
    "面膜",
    "粉底液",
    "眼霜",
    "卸妆油",
    "香水",
    "护手霜",
    "身体乳",
    "洗发水",
    "护发素",
    "T恤",
    "衬衫",
    "连衣裙",
    "半身裙",
    "牛仔裤",
    "休闲裤",
    "运动裤",
    "羽绒服",
    "羊毛衫",
    "卫衣",
    "外套",
    "风衣",
    "打底衫",
    "睡衣",
    "内衣",
    "袜子",
    "运动鞋",
    "帆布鞋",
    "皮鞋",
    "凉鞋",
    "靴子",
    "拖鞋",
    "双肩包",
    "手提包",
    "钱包",
    "帽子",
    "围巾",
    "手套",
    "蓝牙耳机",
    "充电宝",
    "数据线",
    "手机壳",
    "保温杯",
    "电饭煲",
    "吹风机",
    "电动牙刷",
    "剃须刀",
    "台灯",
    "加湿器",
    "榨汁机",
    "扫地机器人",
    "空气炸锅",
    "电热水壶",
    "床单",
    "被套",
    "枕头",
    "毛巾",
    "收纳盒",
    "雨伞",
    "行李箱",
    "儿童玩具",
    "奶瓶",
    "猫粮",
    "狗粮",
]
ACTIONS = [
    "退货",
    "换货",
    "退款",
    "发货",
    "开发票",
    "修改地址",
    "取消订单",
    "催发货",
    "查物流",
    "使用优惠券",
    "申请保修",
    "维修",
    "清洗",
    "保养",
    "选尺码",
    "激活",
    "充电",
    "安装",
    "绑定",
    "拆封",
    "试用",
    "补发",
    "改价",
    "预约",
    "寄回",
    "签收",
    "拒收",
    "验货",
    "投诉",
    "评价",
    "积分兑换",
    "领取赠品",
    "拼单",
    "分期付款",
    "开通会员",
    "延长保修",
    "更换配件",
]
MODIFIERS = [
    "七天无理由",
    "顺丰",
    "中通",
    "圆通",
    "京东快递",
    "预售",
    "定金",
    "满减",
    "会员",
    "积分",
    "赠品",
    "包邮",
    "偏远地区",
    "港澳台",
    "海外",
    "大促期间",
    "双十一",
    "周末",
    "节假日",
    "晚上",
    "新疆西藏",
    "已拆封",
    "未拆封",
    "质量问题",
    "非质量问题",
    "第一次购买",
    "老客户",
    "团购",
    "直播间",
    "官方旗舰店",
]
TITLE_TEMPLATES = [
    "{modifier}的{product}怎么{action}？",
    "{modifier}的{product}可以{action}吗？",
    "{modifier}{product}{action}需要多久？",
    "{product}{modifier}{action}有什么规定？",
    "{modifier}{product}{action}运费谁出？",
    "{modifier}买了{product}想{action}怎么办？",
    "{modifier}购买{product}能{action}吗？",
    "{product}{action}的流程是什么？（{modifier}）",
    "{modifier}{product}不能{action}是什么原因？",
    "{modifier}下单的{product}{action}要注意什么？",
]
SENTENCES = [
    "{product}签收后七天内未使用、包装完好的可以申请{action}。",
    "请在订单详情页点击申请{action}，填写原因并上传照片，客服会在24小时内审核。",
    "{modifier}的订单{action}以活动页面说明为准，如有疑问请联系在线客服。",
    "{action}的运费：质量问题由本店承担，非质量问题由买家承担。",
    "仓库收到寄回的{product}后一到三个工作日内处理，处理结果会短信通知您。",
    "{product}属于{category}范围，保修期为一年，人为损坏不在保修范围内。",
    "默认发中通快递，需要顺丰请联系客服补差价，偏远地区需要加收运费。",
    "每天下午四点前付款的订单当天发货，{modifier}订单发货时间可能延迟两到三天。",
    "使用{product}前请先阅读说明书，如出现过敏、红肿请立即停用并联系客服。",
    "优惠券在店铺首页领取，满199减20，每个账号限领一张，不能与其他优惠叠加。",
    "如需开具发票，请在下单时备注抬头和税号，发票会在确认收货后七天内开出。",
    "会员积分可以在会员中心兑换{product}或者优惠券，积分有效期一年。",
]
QUERY_TEMPLATES = [
    "{product}能{action}吗",
    "我买的{product}想{action}",
    "{product}坏了怎么{action}",
    "{modifier}能不能{action}",
    "{action}要多长时间",
    "{product}{action}运费谁付",
    "刚收到的{product}怎么{action}",
    "{modifier}的{product}{action}",
    "{product}{action}怎么弄",
    "{action}找谁",
]


def _pick(rng: random.Random, template: str, category: str) -> str:
    return template.format(
        product=rng.choice(PRODUCTS),
        action=rng.choice(ACTIONS),
        modifier=rng.choice(MODIFIERS),
        category=category,
    )


def articles(n: int):
    """``n`` distinct (category, title, body) rows, the same for a given n on every run."""
    rng = random.Random(SEED)
    combos = len(TITLE_TEMPLATES) * len(PRODUCTS) * len(ACTIONS) * len(MODIFIERS)
    step = 7_919_993  # coprime with ``combos``: i * step walks every combination once, well mixed
    while math.gcd(step, combos) != 1:
        step += 2
    for i in range(n):
        k, round_ = (i * step) % combos, i // combos
        k, t = divmod(k, len(TITLE_TEMPLATES))
        k, p = divmod(k, len(PRODUCTS))
        m, a = divmod(k, len(ACTIONS))
        category = CATEGORIES[(i + round_) % len(CATEGORIES)]
        title = TITLE_TEMPLATES[t].format(product=PRODUCTS[p], action=ACTIONS[a], modifier=MODIFIERS[m])
        body = "".join(_pick(rng, s, category) for s in rng.sample(SENTENCES, rng.randint(2, 4)))
        yield category, title, body


def queries(count: int) -> list[str]:
    rng = random.Random(SEED + 1)
    return [_pick(rng, rng.choice(QUERY_TEMPLATES), "") for _ in range(count)]


def _csv_chunks(n: int):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["category", "title", "body"])
    rows = 0
    for row in articles(n):
        writer.writerow(row)
        rows += 1
        if rows == CHUNK:
            yield buffer.getvalue().encode("utf-8")
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            writer.writerow(["category", "title", "body"])
            rows = 0
    if rows:
        yield buffer.getvalue().encode("utf-8")


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def worker(n: int, atec: bool) -> dict:
    """One database, already chosen through the environment: migrate, import, search, measure."""
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from kefu.helpcenter.kb_io import kb_import
    from kefu.helpcenter.models import Article
    from kefu.helpcenter.selectors import article_search
    from kefu.search import selectors, services

    call_command("migrate", verbosity=0)
    result: dict = {"n": n, "db": connection.vendor}
    if Article.objects.count() == n:
        # A kept database (--keep) already holds these N articles: search only.
        result.update(imported="kept")
    else:
        started = time.perf_counter()
        imported = 0
        for chunk in _csv_chunks(n):
            report = kb_import(data=chunk)
            if report.errors:
                raise SystemExit(f"import errors: {report.errors[:3]}")
            imported += report.created + report.updated
        elapsed = time.perf_counter() - started
        result.update(imported=imported, import_s=round(elapsed, 1), import_rate=round(imported / elapsed))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    texts = queries(QUERIES)
    for text in texts[:20]:  # warm caches and connections
        article_search(q=text, page_size=10)
    timings, found = [], 0
    for text in texts:
        t0 = time.perf_counter()
        page = article_search(q=text, page_size=10)
        timings.append((time.perf_counter() - t0) * 1000)
        found += bool(page.articles)
    result.update(
        p50_ms=round(statistics.median(timings), 1),
        p95_ms=round(_percentile(timings, 0.95), 1),
        answered=round(found / len(texts), 3),
    )

    if atec and ATEC.exists():
        pairs = []
        with ATEC.open(encoding="utf-8") as handle:
            next(handle)
            for line in handle:
                faq, query = line.rstrip("\n").split("\t")[:2]
                pairs.append((faq, query))
                if len(pairs) >= ATEC_PAIRS:
                    break
        services.index_documents(
            kind="bench_atec",
            documents=(services.Document(object_id=i, title=f) for i, (f, _q) in enumerate(pairs)),
        )
        top1 = top3 = 0
        for i, (_faq, query) in enumerate(pairs):
            ids = [h.object_id for h in selectors.search(kind="bench_atec", query=query, limit=3)[0]]
            top1 += bool(ids) and ids[0] == i
            top3 += i in ids
        result.update(
            atec_pairs=len(pairs),
            atec_top1=round(top1 / len(pairs), 3),
            atec_top3=round(top3 / len(pairs), 3),
        )
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return result


def _pg_recreate(url: str) -> str | None:
    """Drop and create the benchmark database; the reason when the server cannot be reached."""
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed"
    base, _, name = url.rpartition("/")
    name = name.split("?")[0]
    try:
        with psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(
                f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' LC_CTYPE 'C.UTF-8' LC_COLLATE 'C.UTF-8'"
            )
    except Exception as error:  # noqa: BLE001 - any failure means: skip PostgreSQL, say why
        return " ".join(f"{type(error).__name__}: {error}".split())
    return None


def grow(keep: str, source_n: int, n: int) -> None:
    """A kept SQLite database of ``n`` articles made from the kept one of ``source_n`` by copying its
    articles and index rows ``n / source_n`` times inside SQLite (minutes, where importing a million
    articles on a busy two-core box takes hours). The copies keep their text (a title gets " #k" so
    titles stay unique in their category; the index keeps the original terms), so every posting list
    is ``n / source_n`` times as long and every document frequency scaled alike: what search pays
    for is that of ``n`` articles, though only ``source_n`` of them are different."""
    import shutil
    import sqlite3

    factor, rest = divmod(n, source_n)
    if rest or factor < 2:
        raise SystemExit(f"{n} is not a multiple (≥ 2) of {source_n}")
    source = _kept_home(keep, "sqlite", source_n) / "kefu.sqlite3"
    target_home = _kept_home(keep, "sqlite", n)
    target = target_home / "kefu.sqlite3"
    with sqlite3.connect(source) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copyfile(source, target)
    shutil.copyfile(source.parent / "secret_key", target_home / "secret_key")
    conn = sqlite3.connect(target)
    conn.execute("PRAGMA journal_mode=WAL")
    (step,) = conn.execute("SELECT MAX(id) FROM helpcenter_article").fetchone()
    (entry_step,) = conn.execute("SELECT MAX(id) FROM search_searchentry").fetchone()
    columns = [row[1] for row in conn.execute("PRAGMA table_info(helpcenter_article)")]
    entry_columns = [row[1] for row in conn.execute("PRAGMA table_info(search_searchentry)")]
    for k in range(1, factor):
        picks = [
            f"id + {k * step}" if c == "id" else f"title || ' #{k}'" if c == "title" else c for c in columns
        ]
        conn.execute(
            f"INSERT INTO helpcenter_article ({', '.join(columns)}) "
            f"SELECT {', '.join(picks)} FROM helpcenter_article WHERE id <= {step}"
        )
        entry_picks = [
            f"id + {k * entry_step}" if c == "id" else f"object_id + {k * step}" if c == "object_id" else c
            for c in entry_columns
        ]
        conn.execute(
            f"INSERT INTO search_searchentry ({', '.join(entry_columns)}) "
            f"SELECT {', '.join(entry_picks)} FROM search_searchentry "
            f"WHERE kind = 'article' AND id <= {entry_step}"
        )
        conn.commit()
    conn.execute(f"UPDATE search_searchterm SET df = df * {factor} WHERE kind = 'article'")
    conn.commit()
    conn.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
    conn.commit()
    conn.close()


def grow_pg(pg_url: str, source_n: int, n: int) -> None:
    """``grow`` for PostgreSQL: the kept ``<pg-url>_<N>`` database made from ``<pg-url>_<N0>`` (a
    template copy, then the articles and index rows copied ``n / source_n`` times inside the
    server; the full-text indexes are dropped for the copy and built again once at the end)."""
    import psycopg

    factor, rest = divmod(n, source_n)
    if rest or factor < 2:
        raise SystemExit(f"{n} is not a multiple (≥ 2) of {source_n}")
    base, _, name = pg_url.rpartition("/")
    source, target = f"{name}_{source_n}", f"{name}_{n}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{target}" TEMPLATE "{source}"')
    with psycopg.connect(f"{base}/{target}", autocommit=True) as conn:
        conn.execute("SET maintenance_work_mem = '1GB'")
        indexes = conn.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'search_searchentry' "
            "AND indexdef LIKE '%USING gin%'"
        ).fetchall()
        for index, _definition in indexes:
            conn.execute(f"DROP INDEX {index}")

        def columns(table: str) -> list[str]:
            rows = conn.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
                "AND is_generated = 'NEVER' ORDER BY ordinal_position",
                [table],
            ).fetchall()
            return [row[0] for row in rows]

        (step,) = conn.execute("SELECT MAX(id) FROM helpcenter_article").fetchone()
        (entry_step,) = conn.execute("SELECT MAX(id) FROM search_searchentry").fetchone()
        article_columns, entry_columns = columns("helpcenter_article"), columns("search_searchentry")
        for k in range(1, factor):
            picks = [
                f"id + {k * step}" if c == "id" else f"title || ' #{k}'" if c == "title" else c
                for c in article_columns
            ]
            conn.execute(
                f"INSERT INTO helpcenter_article ({', '.join(article_columns)}) "
                f"SELECT {', '.join(picks)} FROM helpcenter_article WHERE id <= {step}"
            )
            entry_picks = [
                f"id + {k * entry_step}"
                if c == "id"
                else f"object_id + {k * step}"
                if c == "object_id"
                else c
                for c in entry_columns
            ]
            conn.execute(
                f"INSERT INTO search_searchentry ({', '.join(entry_columns)}) "
                f"SELECT {', '.join(entry_picks)} FROM search_searchentry "
                f"WHERE kind = 'article' AND id <= {entry_step}"
            )
        conn.execute(f"UPDATE search_searchterm SET df = df * {factor} WHERE kind = 'article'")
        for table in ("helpcenter_article", "search_searchentry"):
            conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
            )
        for _index, definition in indexes:
            conn.execute(definition)
        conn.execute("VACUUM ANALYZE")


def _kept_home(keep: str, db: str, n: int) -> Path:
    home = Path(keep) / f"{db}-{n}"
    home.mkdir(parents=True, exist_ok=True)
    return home


def _pg_ensure(url: str) -> str | None:
    """Create the benchmark database unless it exists; the reason when the server cannot be reached."""
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed"
    base, _, name = url.rpartition("/")
    name = name.split("?")[0]
    try:
        with psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=3) as conn:
            if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                return None
        return _pg_recreate(url)
    except Exception as error:  # noqa: BLE001 - any failure means: skip PostgreSQL, say why
        return " ".join(f"{type(error).__name__}: {error}".split())


def run(db: str, n: int, atec: bool, pg_url: str, keep: str | None = None) -> dict:
    env = dict(os.environ)
    with tempfile.TemporaryDirectory(prefix="kefu-bench-") as tmp:
        home = str(_kept_home(keep, db, n)) if keep else tmp
        env["KEFU_HOME"] = home
        env.pop("KEFU_DATABASE_URL", None)
        if db == "postgresql":
            if keep:
                # One database per N, kept between runs: imported once, searched again after a change.
                pg_url = f"{pg_url}_{n}"
            problem = _pg_ensure(pg_url) if keep else _pg_recreate(pg_url)
            if problem:
                return {"n": n, "db": db, "skipped": f"PostgreSQL unreachable ({problem})"}
            env["KEFU_DATABASE_URL"] = pg_url
        args = [sys.executable, __file__, "--worker", str(n)] + (["--atec"] if atec else [])
        done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
        if done.returncode:
            return {"n": n, "db": db, "skipped": f"failed: {done.stderr.strip().splitlines()[-1:]}"}
        return json.loads(done.stdout.strip().splitlines()[-1])


COLUMNS = [
    ("db", "数据库"),
    ("n", "N"),
    ("import_rate", "导入 篇/秒"),
    ("import_s", "导入 秒"),
    ("p50_ms", "搜索 p50 ms"),
    ("p95_ms", "搜索 p95 ms"),
    ("answered", "有结果"),
    ("atec_top1", "ATEC top-1"),
    ("atec_top3", "ATEC top-3"),
    ("peak_rss_mb", "峰值内存 MB"),
]


def table(results: list[dict]) -> str:
    lines = ["| " + " | ".join(label for _k, label in COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for r in results:
        if "skipped" in r:
            lines.append(f"| {r['db']} | {r['n']} | {r['skipped']} |" + " |" * (len(COLUMNS) - 3))
        else:
            lines.append("| " + " | ".join(str(r.get(k, "–")) for k, _label in COLUMNS) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="N = 2 000 only")
    parser.add_argument("--million", action="store_true", help="also N = 1 000 000")
    parser.add_argument("--sizes", help="comma-separated N, instead of the defaults")
    parser.add_argument("--only", choices=["sqlite", "postgresql"], help="one database only")
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/kefu_bench")
    parser.add_argument("--no-atec", action="store_true", help="skip the ATEC relevance run")
    parser.add_argument(
        "--keep",
        metavar="DIR",
        help="keep each database (SQLite under DIR/<db>-<N>, PostgreSQL as <pg-url>_<N>) and reuse it: "
        "import once, search again after a change",
    )
    parser.add_argument(
        "--grow-from",
        type=int,
        metavar="N0",
        help="with --keep, one size N and --only: make the N-article database by copying the kept "
        "N0-article one N/N0 times (see grow(), grow_pg()), then search it",
    )
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--atec", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.atec)))
        return
    sizes = [2000] if args.quick else [10_000, 100_000] + ([1_000_000] if args.million else [])
    if args.sizes:
        sizes = [int(s) for s in args.sizes.split(",")]
    dbs = [args.only] if args.only else ["sqlite", "postgresql"]
    if not ATEC.exists():
        print(f"ATEC relevance skipped: {ATEC} not found")
    if args.grow_from:
        if not args.keep or len(sizes) != 1 or len(dbs) != 1:
            raise SystemExit("--grow-from needs --keep, one --sizes N and --only sqlite|postgresql")
        if dbs == ["sqlite"]:
            grow(args.keep, args.grow_from, sizes[0])
        else:
            grow_pg(args.pg_url, args.grow_from, sizes[0])
    results = []
    for db in dbs:
        for i, n in enumerate(sizes):
            result = run(db, n, atec=(i == 0 and not args.no_atec), pg_url=args.pg_url, keep=args.keep)
            results.append(result)
            print(json.dumps(result, ensure_ascii=False), flush=True)
    print()
    print(table(results))


if __name__ == "__main__":
    main()
