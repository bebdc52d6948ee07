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
auto_assign = define(
    "chat_auto_assign",
    True,
    label="自动分配会话",
    help_text="客户发来消息时，按分组和客服的接待量自动分给在线客服；关闭后由客服在“待接入”中自己接入",
)
presence_away_minutes = define(
    "presence_away_minutes",
    5,
    label="客服无操作自动“离开”（分钟）",
    help_text="在线客服这么久没有任何操作，就自动改为“离开”，再次操作时恢复“在线”",
)
conversation_rate_limit = define(
    "chat_conversation_rate_limit",
    20,
    label="每个会话每分钟可发消息数",
    help_text="同一会话中客户发消息过快时，提示稍后再试",
)
image_max_mb = define(
    "chat_image_max_mb",
    5,
    label="聊天图片大小上限（MB）",
    help_text="客户和客服在聊天中发送的图片，超过这个大小会被拒绝",
)
image_types = define(
    "chat_image_types",
    ["jpeg", "png", "gif", "webp"],
    label="聊天图片允许的格式",
    help_text="按文件内容判断，不看文件名；可选 jpeg、png、gif、webp，用逗号分隔",
)
image_thumbnail_px = define(
    "chat_image_thumbnail_px",
    320,
    label="聊天图片缩略图边长（像素）",
    help_text="聊天窗口里先显示缩略图，点开看原图",
)
