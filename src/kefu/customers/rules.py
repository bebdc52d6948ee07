"""The customers' shop settings: when repeated misdescriptions put a buyer on the blacklist (黑名单)."""

from kefu.core.shopsettings import define

blacklist_threshold = define(
    "blacklist_threshold",
    5,
    label="虚假描述几次后自动加入黑名单",
    help_text="客户对物品虚假描述达到此次数，自动加入黑名单，拒绝其提交问题",
)
