"""``kefu kb import|export|search|reindex``: the knowledge base from the command line.

Exit status of ``import``: 0 when every row landed, 1 when some rows were bad (the good ones
are imported all the same), 2 when the file cannot be read at all — so a shop's script can tell
"fix a few rows" from "wrong file".
"""

import json
import os
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kefu.helpcenter import kb_io, selectors, services
from kefu.helpcenter.models import Category


class Command(BaseCommand):
    help = "帮助中心知识库：导入 / 导出 CSV（category,title,body），命令行搜索。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", metavar="{import,export,search,reindex}")
        sub.required = True

        p_import = sub.add_parser(
            "import",
            help="导入 CSV（UTF-8 或 GBK，表头 category,title,body）；按（类别, 标题）更新，不会重复",
        )
        p_import.add_argument("file", help="CSV 文件路径")
        p_import.set_defaults(handler=self.do_import)

        p_export = sub.add_parser("export", help="导出全部文章为 UTF-8 CSV")
        p_export.add_argument("file", help="输出文件路径，- 表示标准输出")
        p_export.add_argument("--published-only", action="store_true", help="只导出已发布的文章")
        p_export.set_defaults(handler=self.do_export)

        p_search = sub.add_parser("search", help="搜索已发布的文章，最相关的在前")
        p_search.add_argument("query", help="关键词")
        p_search.add_argument("--category", help="只在这个类别中搜索（类别名称或编号）")
        p_search.add_argument("--limit", type=int, default=10, help="最多显示几条（默认 10）")
        p_search.add_argument("--json", action="store_true", help="以 JSON 输出")
        p_search.set_defaults(handler=self.do_search)

        p_reindex = sub.add_parser("reindex", help="重建文章搜索索引（升级或更换分词词典后使用）")
        p_reindex.set_defaults(handler=self.do_reindex)

    def handle(self, *args, **options):
        return options["handler"](options)

    # --- reindex ----------------------------------------------------------------------------

    def do_reindex(self, options: dict) -> None:
        count = services.articles_reindex()
        self.stdout.write(f"已重建搜索索引：{count} 篇已发布文章。")

    # --- import -----------------------------------------------------------------------------

    def do_import(self, options: dict) -> None:
        path = options["file"]
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            self.stderr.write(f"无法读取文件 {path}：{exc.strerror or exc}")
            sys.exit(2)
        report = kb_io.kb_import(data=data)
        if report.fatal:
            self.stderr.write(f"无法导入 {path}：{report.fatal}")
            sys.exit(2)
        self.stdout.write(
            f"导入完成：新增 {report.created} 篇，更新 {report.updated} 篇，未变 {report.unchanged} 篇，"
            f"新建类别 {report.categories_created} 个，出错 {len(report.errors)} 行。"
        )
        for line, reason in report.errors:
            self.stderr.write(f"第 {line} 行：{reason}")
        if report.errors:
            sys.exit(1)

    # --- export -----------------------------------------------------------------------------

    def do_export(self, options: dict) -> None:
        path, published_only = options["file"], options["published_only"]
        if path == "-":
            try:
                kb_io.kb_export(stream=self.stdout, include_drafts=not published_only)
            except BrokenPipeError:
                # `kefu kb export - | head`: the reader left; say nothing more on the closed pipe.
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return
        try:
            # utf-8-sig: Excel on a shop's Windows PC opens the file with the right encoding.
            with open(path, "w", encoding="utf-8-sig", newline="") as stream:
                count = kb_io.kb_export(stream=stream, include_drafts=not published_only)
        except OSError as exc:
            raise CommandError(f"无法写入文件 {path}：{exc.strerror or exc}") from exc
        self.stderr.write(f"已导出 {count} 篇文章到 {path}。")

    # --- search -----------------------------------------------------------------------------

    def do_search(self, options: dict) -> None:
        query, category, limit = options["query"], options["category"], options["limit"]
        as_json = options["json"]
        if limit < 1:
            raise CommandError("--limit 必须大于 0。")
        category_id = None
        if category:
            # A name first: a category may well be called "2024".
            found = Category.objects.filter(name=category).first()
            if found is None and category.isdigit():
                found = Category.objects.filter(pk=int(category)).first()
            if found is None:
                raise CommandError(f"类别不存在：{category}")
            category_id = found.pk
        results = selectors.article_search(q=query, category_id=category_id, page_size=limit)
        rows = [
            {
                "id": article.pk,
                "title": article.title,
                "category": article.category.name,
                "score": results.scores.get(article.pk),
            }
            for article in results.articles
        ]
        if as_json:
            self.stdout.write(json.dumps(rows, ensure_ascii=False))
            return
        if not rows:
            self.stdout.write(f"没有找到与“{query}”相关的文章。")
            return
        self.stdout.write(f"找到 {results.total} 篇相关文章，显示前 {len(rows)} 篇：")
        self.stdout.write(f"{'编号':>6}  {'相关度':>8}  {'类别':<8}  标题")
        for row in rows:
            score = f"{row['score']:.3f}" if row["score"] is not None else "-"
            self.stdout.write(f"{row['id']:>8}  {score:>10}  {row['category']:<8}  {row['title']}")
