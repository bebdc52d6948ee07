"""The help center's shop settings."""

from kefu.core.shopsettings import define

page_size = define("helpcenter_page_size", 10, label="帮助中心每页文章数")
ask_suggestions = define("helpcenter_ask_suggestions", 5, label="提问时推荐的相似文章数")
