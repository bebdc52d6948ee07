"""Data: a starting synonym list every shop gets (and may edit)."""

from django.db import migrations

# The list as first shipped, frozen here; later migrations extend it (see 0004).
DEFAULT_GROUPS = [
    "物流 快递 快递公司",
    "邮费 运费 快递费 邮资",
    "退钱 退款 返款",
    "退货 退回 退换",
    "换货 调换 更换",
    "发货 寄出 发出 出货",
    "到货 收到 签收",
    "吊牌 标签 商标",
    "掉色 褪色 染色",
    "优惠 优惠券 券 折扣 福利",
    "赠品 礼物 小礼品",
    "客服 人工 在线客服",
    "尺码 码数 码子 尺寸",
    "正品 真货 行货",
    "发票 开票",
    "地址 收货地址",
    "包邮 免邮 免运费",
    "付款 支付 付钱",
    "快递单号 运单号 物流单号 单号",
    "过敏 不适 红肿 刺痛",
    "保质期 有效期 生产日期",
    "新人 新客 新顾客 首次",
]


def add(apps, schema_editor):
    SynonymGroup = apps.get_model("search", "SynonymGroup")
    if not SynonymGroup.objects.exists():
        SynonymGroup.objects.bulk_create(SynonymGroup(words=words) for words in DEFAULT_GROUPS)


def remove(apps, schema_editor):
    apps.get_model("search", "SynonymGroup").objects.filter(words__in=DEFAULT_GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [("search", "0002_fulltext_index")]
    operations = [migrations.RunPython(add, remove)]
