"""The shop's synonym list: query words are expanded to the other words of their group."""

from django.db import transaction

from kefu.core import roles
from kefu.search.analysis import normalize
from kefu.search.models import SynonymGroup

# A starting list of the words customers of a Chinese shop use interchangeably; shops edit it.
DEFAULT_GROUPS = [
    "物流 快递 快递公司",
    "邮费 运费 快递费 邮资",
    "退钱 退款 返款 退",
    "退货 退回 退换 退",
    "换货 调换 更换 换",
    "发货 寄出 发出 出货 发 寄",
    "到货 收到 签收",
    "吊牌 标签 商标",
    "掉色 褪色 染色 串色 浮色",
    "优惠 优惠券 券 折扣 福利 红包",
    "赠品 礼物 小礼品 礼品",
    "客服 人工 在线客服 人工客服",
    "尺码 码数 码子 尺寸 码",
    "正品 真货 行货",
    "发票 开票",
    "地址 收货地址",
    "包邮 免邮 免运费",
    "付款 支付 付钱",
    "快递单号 运单号 物流单号 单号",
    "过敏 不适 红肿 刺痛",
    "保质期 有效期 生产日期",
    "新人 新客 新顾客 首次 第一次 首单",
    # Everyday wordings of the same question (added by migration search/0004).
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


def synonym_map() -> dict[str, set[str]]:
    """word → the other words of its group(s)."""
    out: dict[str, set[str]] = {}
    for group in SynonymGroup.objects.all():
        group_words = {normalize(w) for w in group.word_list}
        for word in group_words:
            out.setdefault(word, set()).update(group_words - {word})
    return out


@transaction.atomic
def synonym_groups_replace(*, lines: list[str], by) -> int:
    """Replace the shop's synonym list, one group per line; supervisors and admins only."""
    roles.require_role(by, roles.SUPERVISOR, roles.ADMIN)
    groups = [" ".join(line.replace("，", " ").replace(",", " ").split()) for line in lines]
    groups = [g for g in groups if len(g.split()) >= 2]
    SynonymGroup.objects.all().delete()
    SynonymGroup.objects.bulk_create(SynonymGroup(words=g) for g in groups)
    return len(groups)
