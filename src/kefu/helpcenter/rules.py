"""The help center's shop settings, and when a customer question is due."""

from datetime import datetime, timedelta

from kefu.core import shopsettings
from kefu.core.shopsettings import define

page_size = define("helpcenter_page_size", 10, label="帮助中心每页文章数")
ask_suggestions = define("helpcenter_ask_suggestions", 5, label="提问时推荐的相似文章数")
question_reply_hours = define("question_reply_hours", 24, label="客户问题答复时限（小时）")
agents_publish = define(
    "helpcenter_agents_publish",
    False,
    label="客服可直接发布文章",
    help_text="关闭时客服提交的文章是草稿，由主管审核发布；打开后客服也能发布、修改已发布的文章",
)
search_log_keep_days = define(
    "search_log_keep_days",
    180,
    label="搜索记录保留天数",
    help_text="顾客在帮助中心搜过的词（已去掉电话、单号）保留这么多天，供搜索分析使用；更早的每天清掉",
)


def question_due(created_at: datetime) -> datetime:
    """The shop answers a customer's question within this many hours."""
    return created_at + timedelta(hours=int(shopsettings.get("question_reply_hours")))
