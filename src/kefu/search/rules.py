"""The search engine's numbers, each a shop setting."""

from kefu.core.shopsettings import define

SEARCH_MIN_COVERAGE = define(
    "search_min_coverage",
    0.25,
    label="搜索“无答案”门槛",
    help_text=(
        "一篇文章至少要回答顾客问题中多大比例的关键内容（0–1，按词的稀有程度加权，不计“怎么办”“多久”等问法）"
        "才作为答案显示；都达不到时搜索返回“没有找到答案”，引导顾客提问或联系客服。"
    ),
)
