"""The 催付 scripts (话术) a new shop starts with: a reminder soon after the order, one before the
day's shipping cut-off, one asking whether paying went wrong, and the phone and text-message
openings for buyers who do not answer. The data migration creates them."""

SCRIPTS = [
    ("下单后提醒付款", "im", "亲，请问待会儿可以完成付款吗？我这边可以为您审单，方便仓库提前为您配货。"),
    (
        "截单时间提醒",
        "im",
        "亲，您拍下的{宝贝}待会儿可以完成付款吗？我们当天订单在{截止时间}之前付款的都可以当天发货哦，这样您就能早一天收到啦。",
    ),
    (
        "默拍询问",
        "im",
        "{买家}您好，我看到您拍下的商品还未付款，请问是付款过程中遇到了什么困难吗？有什么我可以帮助您的吗？",
    ),
    (
        "忙碌关怀",
        "sms",
        "亲，您好，是不是最近忙呢？还是付款遇到问题了呢？您在{店铺}拍下的{宝贝}还没有完成付款哦，如果需要帮助请联系我们客服哦。",
    ),
    (
        "电话催付开场",
        "phone",
        "您好，请问是{买家}吗？我是{店铺}的客服，看到您拍下了{宝贝}还没有付款，想问问是不是遇到了什么问题，我可以帮您处理。",
    ),
    (
        "电话未接补发短信",
        "sms",
        "{买家}您好，刚才打扰您了，{店铺}客服来电是想提醒您拍下的{宝贝}还未付款，{截止时间}前付款当天发货，有任何问题随时联系我们。",
    ),
]


def create(ReminderScript) -> None:
    """Add the starter scripts a shop does not have yet (``ReminderScript``: the migration's model)."""
    for position, (name, channel, text) in enumerate(SCRIPTS, start=1):
        ReminderScript.objects.get_or_create(
            name=name, defaults={"channel": channel, "text": text, "position": position}
        )
