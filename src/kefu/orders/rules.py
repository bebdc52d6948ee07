"""The orders' shop settings (domain.md §2, §3): every number a default the shop can change."""

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
