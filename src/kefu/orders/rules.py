"""The orders' shop settings (timeouts, order review, payment reminders): every number a default
the shop can change."""

from kefu.core.shopsettings import define

payment_timeout = define(
    "payment_timeout_days", 3, label="未付款自动关闭（天）", help_text="拍下后买家未付款，超时交易关闭"
)
confirm_timeout_express = define("confirm_timeout_express_days", 10, label="快递/EMS 自动确认收货（天）")
confirm_timeout_surface = define("confirm_timeout_surface_days", 30, label="平邮自动确认收货（天）")
confirm_timeout_auto = define("confirm_timeout_auto_delivery_days", 1, label="自动发货商品自动确认收货（天）")
confirm_timeout_virtual = define("confirm_timeout_virtual_days", 3, label="虚拟物品自动确认收货（天）")
shipping_cutoff = define(
    "shipping_cutoff", "16:30", label="当天发货截止时间", help_text="此时间前付款的订单当天发出（HH:MM）"
)

# Order review (订单审核): what an agent checks before an order ships
remote_provinces = define(
    "remote_provinces",
    ["新疆", "西藏", "青海", "内蒙古", "甘肃", "宁夏", "海南"],
    label="偏远地区省份",
    help_text="收货地址在这些省份时审单提示确认快递能否到达、邮费是否正确（逗号分隔）",
)
postage_standard = define("postage_standard", 0.0, label="普通地区邮费（元）", help_text="0 表示包邮")
postage_remote = define("postage_remote", 10.0, label="偏远地区邮费（元）")
bulk_confirm_max_pieces = define(
    "bulk_confirm_max_pieces",
    5,
    label="可批量审核的件数上限",
    help_text="少于此件数且无特殊要求的订单可一键批量确认",
)
flag_meanings = define(
    "flag_meanings",
    ["red=特殊要求", "purple=催付", "yellow=", "green=", "blue="],
    label="旗帜含义",
    help_text="颜色=含义，逗号分隔；颜色为 red/yellow/green/blue/purple",
)

# Payment reminders (催付): chasing buyers who ordered and did not pay
reminder_after_minutes = define("payment_reminder_after_minutes", 10, label="拍下多少分钟未付款进入催付队列")
reminder_call_windows = define(
    "payment_reminder_call_windows",
    ["11:00-12:00", "16:00-17:00", "19:00-21:00"],
    label="电话催付时段",
    help_text="HH:MM-HH:MM，逗号分隔",
)
reminder_flag = define("payment_reminder_flag", "purple", label="催付备注旗帜颜色")
special_request_flag = define("special_request_flag", "red", label="特殊要求旗帜颜色")
