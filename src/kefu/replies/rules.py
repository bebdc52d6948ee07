"""The replies' shop settings (domain.md §7): every number a default the shop can change."""

from kefu.core.shopsettings import define

no_answer_seconds = define(
    "autoreply_no_answer_seconds",
    20,
    label="客服未回复自动回复等待（秒）",
    help_text="客户发来消息后这么多秒内没有客服回复，发送“客服未及时回复”的自动回复（seed 001：20 秒内首次响应）",
)
work_hours_start = define(
    "work_hours_start", "09:00", label="客服上班时间", help_text="HH:MM，此前为非工作时间"
)
work_hours_end = define(
    "work_hours_end",
    "23:00",
    label="客服下班时间",
    help_text="HH:MM，此后为非工作时间；早于上班时间表示跨午夜",
)
lint_fact_words = define(
    "reply_lint_fact_words",
    [
        "褪色",
        "掉色",
        "串色",
        "染色",
        "变色",
        "发黄",
        "起球",
        "缩水",
        "变形",
        "起皱",
        "掉毛",
        "脱毛",
        "掉渣",
        "开线",
        "开胶",
        "脱胶",
        "开裂",
        "断裂",
        "生锈",
        "漏水",
        "渗漏",
        "漏气",
        "漏液",
        "发霉",
        "变质",
        "过期",
        "过敏",
        "刺激",
        "长痘",
        "闷痘",
        "伤手",
        "伤皮肤",
        "伤发",
        "伤害",
        "有毒",
        "有味",
        "有异味",
        "掉漆",
        "磨损",
        "损坏",
        "坏",
        "脱落",
        "松动",
        "卡顿",
        "发烫",
        "影响",
    ],
    label="商品事实词（回复检查不误报）",
    help_text="“不会/不能”后面紧跟这些词时是在说商品事实（不会褪色、不会过敏），不算负面用语；用逗号分隔",
)
