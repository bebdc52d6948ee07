"""Answer quality of help-center search, through the exact command a shop runs.

    python3 bench/search_quality.py                     # every set below, SQLite
    python3 bench/search_quality.py --verbose           # also each miss
    KEFU_DATABASE_URL=postgresql://… python3 bench/search_quality.py   # on PostgreSQL

For each set: a fresh database, ``kefu kb import KB.csv``, then ``kefu kb search QUERY --limit 3
--json`` for every query. Reported: top-1 and top-3 (share of answerable queries whose article is
first / in the first three), and for questions no article answers, the share that got no result.

Sets (in the repository, written for this purpose, not tuned phrase by phrase):
- ``shop``: a beauty and daily-goods shop's FAQ (src/kefu/search/tests/data/shop_kb.csv), customers'
  colloquial paraphrases (shop_queries.tsv) and questions it does not answer (shop_unanswered.txt);
- ``food``: a snack and small-appliance shop, written after the synonym list and the thresholds
  were set on ``shop`` and left untouched since, so it tells how the engine does on an unseen KB;
- ``clothing``: the sample clothing help center and its queries (helpcenter/tests/data).
"""

import argparse
import csv
import io
import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEARCH_DATA = ROOT / "src" / "kefu" / "search" / "tests" / "data"
HELP_DATA = ROOT / "src" / "kefu" / "helpcenter" / "tests" / "data"
SETS = {
    "shop": (
        SEARCH_DATA / "shop_kb.csv",
        SEARCH_DATA / "shop_queries.tsv",
        SEARCH_DATA / "shop_unanswered.txt",
    ),
    "food": (
        SEARCH_DATA / "food_kb.csv",
        SEARCH_DATA / "food_queries.tsv",
        SEARCH_DATA / "food_unanswered.txt",
    ),
    "clothing": (HELP_DATA / "sample_kb.csv", HELP_DATA / "sample_queries.tsv", None),
}


def _queries(path: Path) -> list[tuple[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.reader(handle, delimiter="\t") if len(row) >= 2]
    return [(q, t) for q, t in rows if q != "query"]


def evaluate(name: str, verbose: bool) -> dict:
    from django.core.management import call_command

    from kefu.helpcenter.models import Article, Category
    from kefu.search.models import SearchEntry, SearchTerm

    kb, queries_path, unanswered_path = SETS[name]
    Article.objects.all().delete()
    Category.objects.all().delete()
    SearchEntry.objects.all().delete()
    SearchTerm.objects.all().delete()
    call_command("kb", "import", str(kb), stdout=io.StringIO())

    def search(query: str) -> list[str]:
        out = io.StringIO()
        call_command("kb", "search", query, "--limit", "3", "--json", stdout=out)
        return [row["title"] for row in json.loads(out.getvalue())]

    queries = _queries(queries_path)
    top1 = top3 = 0
    for query, title in queries:
        got = search(query)
        top1 += bool(got) and got[0] == title
        top3 += title in got
        if verbose and (not got or got[0] != title):
            print(f"  [{name}] {query} → {title}  got {got}")
    result = {"set": name, "queries": len(queries), "top1": top1 / len(queries), "top3": top3 / len(queries)}
    if unanswered_path:
        questions = [q for q in unanswered_path.read_text(encoding="utf-8").split("\n") if q.strip()]
        empty = 0
        for query in questions:
            got = search(query)
            empty += not got
            if verbose and got:
                print(f"  [{name}] (no answer expected) {query}  got {got}")
        result["unanswered"] = len(questions)
        result["no_result"] = empty
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--sets", default=",".join(SETS))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kefu-quality-") as home:
        os.environ.setdefault("KEFU_HOME", home)
        sys.path.insert(0, str(ROOT / "src"))
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        print("| 数据 | 问题数 | top-1 | top-3 | 无答案问题 → 无结果 |")
        print("| --- | --- | --- | --- | --- |")
        for name in args.sets.split(","):
            r = evaluate(name, args.verbose)
            gap = f"{r['no_result']}/{r['unanswered']}" if "unanswered" in r else "—"
            print(f"| {r['set']} | {r['queries']} | {r['top1']:.2f} | {r['top3']:.2f} | {gap} |")


if __name__ == "__main__":
    main()
