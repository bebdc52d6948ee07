"""The customers' shop settings: the blacklist (黑名单), the levels, the satisfaction surveys."""

from kefu.core.shopsettings import define

blacklist_threshold = define(
    "blacklist_threshold",
    5,
    label="虚假描述几次后自动加入黑名单",
    help_text="客户对物品虚假描述达到此次数，自动加入黑名单，拒绝其提交问题",
)

customer_levels = define(
    "customer_levels",
    "普通会员:0,银牌会员:1000,金牌会员:3000,钻石会员:10000",
    label="客户等级（累计实付金额门槛，元）",
    help_text="客户累计实付金额达到门槛即为该等级，格式：等级名:金额，逗号分隔",
)
survey_coverage_target = define(
    "survey_coverage_target",
    70,
    label="满意度调查覆盖率目标（%）",
    help_text="结束的咨询、售后、投诉和回访中，应有此比例收到客户评价",
)
survey_link_days = define(
    "survey_link_days",
    14,
    label="满意度调查链接有效天数",
    help_text="发给客户的无需登录的评价链接在此天数后失效",
)
lead_days = define(
    "lead_days",
    1,
    label="咨询后几天未下单算未转化客户",
    help_text="客户咨询或提问后超过此天数仍未下单，列入“咨询未下单”名单，供售前跟进",
)
visit_rest_hours = define(
    "visit_rest_hours",
    "21:00-09:00",
    label="回访休息时段（不打扰客户）",
    help_text="此时段内不能记录回访（不给客户打电话或发消息），格式 开始-结束，如 21:00-09:00",
)
visit_script_opening = define(
    "visit_script_opening",
    "亲爱的{name}，您好！我是{shop}的客服{agent}，打扰您一分钟，想了解一下您对我们商品和服务的感受。",
    label="回访话术：开场",
    help_text="可用占位符：{name} 客户称呼，{shop} 店铺，{agent} 客服",
)
visit_script_asking = define(
    "visit_script_asking",
    "请问您收到的宝贝还满意吗？使用中有没有遇到什么问题，或者对我们有什么建议？",
    label="回访话术：询问",
)
visit_script_closing = define(
    "visit_script_closing",
    "非常感谢您的支持与建议，祝您生活愉快！请问还有什么可以帮助您的吗？",
    label="回访话术：结束",
)
notice_sms_webhook = define(
    "notice_sms_webhook",
    "",
    label="短信网关地址（通知客户）",
    help_text="以 JSON {phone, text} POST 到此地址发送短信；留空则不能用短信发送",
)
notice_max_attempts = define(
    "notice_max_attempts", 6, label="通知发送失败后最多尝试次数", help_text="每次失败后间隔加长再试"
)
