"""Data: more everyday wordings (怎么/如何, 买/拍/下单 …) and single characters (换, 退, 码) for the
default synonym list. Groups a shop already has stay as they are; only missing lines are added, and
the extended default lines replace their older, shorter versions."""

from django.db import migrations

# The groups added, frozen here (kefu.search.synonyms keeps the live list).
MORE_GROUPS = [
    "购买 买 拍 下单 拍下",
    "怎么 如何 怎样 怎么样 咋",
    "为什么 为何 为啥",
    "可以 能 能不能 可不可以 能否",
    "多久 多长时间 几天",
    "开通 开启 打开 启用",
    "关闭 关掉 停用",
    "取消 撤销",
    "查看 查询",
    "修改 更改 变更",
    "降低 调低 下调",
    "提高 提升 调高 上调",
    "手机号 手机号码 电话号码",
    "起球 起毛球 起毛",
    "机洗 洗衣机",
    "缩水 缩小 变小",
    "毛衣 羊毛衫 针织衫",
    "还款 还钱",
    "到账 入账",
]

# The lines of 0003 that this migration extends, with their new version.
EXTENDED = {
    "退钱 退款 返款": "退钱 退款 返款 退",
    "退货 退回 退换": "退货 退回 退换 退",
    "换货 调换 更换": "换货 调换 更换 换",
    "发货 寄出 发出 出货": "发货 寄出 发出 出货 发 寄",
    "掉色 褪色 染色": "掉色 褪色 染色 串色 浮色",
    "优惠 优惠券 券 折扣 福利": "优惠 优惠券 券 折扣 福利 红包",
    "赠品 礼物 小礼品": "赠品 礼物 小礼品 礼品",
    "客服 人工 在线客服": "客服 人工 在线客服 人工客服",
    "尺码 码数 码子 尺寸": "尺码 码数 码子 尺寸 码",
    "新人 新客 新顾客 首次": "新人 新客 新顾客 首次 第一次 首单",
}


def add(apps, schema_editor):
    SynonymGroup = apps.get_model("search", "SynonymGroup")
    for old, new in EXTENDED.items():
        SynonymGroup.objects.filter(words=old).update(words=new)
    have = set(SynonymGroup.objects.values_list("words", flat=True))
    SynonymGroup.objects.bulk_create(SynonymGroup(words=w) for w in MORE_GROUPS if w not in have)


def remove(apps, schema_editor):
    SynonymGroup = apps.get_model("search", "SynonymGroup")
    SynonymGroup.objects.filter(words__in=MORE_GROUPS).delete()
    for old, new in EXTENDED.items():
        SynonymGroup.objects.filter(words=new).update(words=old)


class Migration(migrations.Migration):
    dependencies = [("search", "0003_default_synonyms")]
    operations = [migrations.RunPython(add, remove)]
