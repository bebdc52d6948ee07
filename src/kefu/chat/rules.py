"""The chat's shop settings: every number a default the shop can change.

The working hours are the replies app's ``work_hours_start``/``work_hours_end`` (one clock for the
auto-replies and the chat window).
"""

from kefu.core.shopsettings import define

first_response_target = define(
    "chat_first_response_target_seconds",
    20,
    label="在线咨询首次响应目标（秒）",
    help_text="客户发来消息后多少秒内必须回复；控制台上超过即标红（大促可改为 300）",
)
presence_timeout = define(
    "chat_presence_timeout_seconds",
    90,
    label="客服掉线判定（秒）",
    help_text="“在线”的客服控制台超过这么久没有动静，就不再算作在岗",
)
send_rate_limit = define(
    "chat_send_rate_limit",
    30,
    label="访客每分钟可发消息数（每个 IP）",
    help_text="开始会话、发消息、留言合计",
)
poll_rate_limit = define("chat_poll_rate_limit", 120, label="访客每分钟可刷新消息次数（每个 IP）")
poll_interval = define("chat_poll_interval_seconds", 2, label="聊天窗口刷新间隔（秒）")
