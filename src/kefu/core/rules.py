"""Shop-wide settings that several apps print (the shop's name in phrases, scripts and notices)."""

from kefu.core.shopsettings import define

shop_name = define("shop_name", "美丽小铺", label="店铺名称", help_text="快捷短语、催付话术里的 {店铺}")
