"""The rows the replies' data migration ships, and ``restore()`` to put them back.

Starter quick phrases written from the shop's service scripts (欢迎/结束用语, 接单问题, 大促话术),
the forbidden wordings of the shop's 语言规范 with the better wording for each,
and the three auto-reply rules plus the (switched-off) promotion mode. The migration and
``restore()`` share ``install`` so the two can never drift apart. Every starter phrase passes the
linter (a test checks it): the shop's own script must not teach the wording it forbids.
"""

from django.apps import apps

from kefu.replies.search_index import phrase_document
from kefu.search import services as search_services

GROUPS = ["欢迎语", "等待", "结束语", "发货物流", "价格优惠", "正品保障", "活动促销", "突发情况"]

# (group, shortcut, text)
PHRASES = [
    ("欢迎语", "hy", "您好，欢迎光临{店铺}，我是客服{客服}，很高兴为您服务！😊"),
    ("欢迎语", "hy2", "{店铺}客服{客服}很高兴为您服务，有看中什么款式吗？"),
    ("欢迎语", "zai", "您好，请问有什么可以帮助您的吗？"),
    ("等待", "dd", "您好，请您稍等，我去咨询下相关工作人员，马上回复您哦~"),
    ("等待", "jd", "不好意思，让您久等了，我将尽快帮您处理。"),
    (
        "等待",
        "mang",
        "亲，您好，目前咨询量较大，回复稍慢请您谅解！为节省您的时间，店内能拍的就是有货的，"
        "如需发票请在备注里填写发票抬头，谢谢🙏",
    ),
    ("结束语", "hd", "感谢惠顾！帮您核对下信息：订单{订单号}的收货地址和快递都正确吗？"),
    ("结束语", "hp", "收到宝贝后如果满意，请记得给予5分好评哦！⭐"),
    (
        "结束语",
        "wt",
        "如果您对宝贝有任何问题，请先及时找我们客服沟通处理，我们会竭尽所能服务到您满意的哦！",
    ),
    ("结束语", "bz", "请问还有什么可以帮助您？"),
    ("结束语", "xx", "谢谢您对{店铺}的支持，{店铺}全体员工祝您全家百事可乐！🎉"),
    (
        "发货物流",
        "fh",
        "亲，您在{发货截止时间}之前付款我们会在当天发货，快递公司承诺一般3—4个工作日可以到的哦，请耐心等待~",
    ),
    ("发货物流", "kd", "亲，因为申通的站点最多，我们一般都是发申通，您这边可以到的吧？"),
    (
        "发货物流",
        "dfh",
        "亲，感谢您对本店的支持，我们会尽快给您发货，活动期间发货量大，恳请您的谅解，欢迎再次光临。",
    ),
    ("价格优惠", "jg", "亲，一分价钱一分货，我们是厂家直销，品质绝对值得放心哦。您可以看下我们的评价哦。"),
    (
        "价格优惠",
        "by",
        "亲，我很能理解您的想法，价格是公司统一制定的哦，作为客服我是无权修改价格的，"
        "不过您要是拍两组的话是可以免邮的哦！",
    ),
    (
        "价格优惠",
        "yh",
        "我们针对老客户是有会员制度的哦，多买多优惠，下次您可要多买两件呀，亲记得多多关注哦。",
    ),
    (
        "正品保障",
        "zp",
        "亲，我们是以公司名义开设的旗舰店，在工商部门都是有备案的，产品经过权威机构鉴定，品质您可以绝对放心哦。",
    ),
    (
        "正品保障",
        "sq",
        "亲，有的哦，我们都是厂家直接开设的，很多店铺的授权书都是我们给的呢，所以您尽管放心哦。",
    ),
    (
        "正品保障",
        "pj",
        "网络销售省却了传统渠道和门店费用，价格一般都要比线下优惠，我家商品齐全，品质有保障，您可以从容挑选哦。",
    ),
    ("活动促销", "hdx", "欢迎光临{店铺}，我们现在有优惠活动，详情可以关注店铺首页哦~🎁"),
    (
        "活动促销",
        "my",
        "亲，我们全场满额包邮的哦，您可以看下这款搭配，和您现在看的这款是黄金搭配，正好也可以给您免邮，一箭双雕哦~",
    ),
    (
        "突发情况",
        "tf",
        "亲，很抱歉，由于XXX的原因造成您这边XXX的情况，目前正在跟进该问题的解决状态，请您耐心等待。",
    ),
    (
        "突发情况",
        "bc",
        "亲爱的{买家}，遗憾地通知您，您所在的区域受到了快递爆仓的影响，我们会跟踪最新快递情况并及时通知您，"
        "谢谢您的理解与支持。",
    ),
    ("突发情况", "ts", "对不起，由于我们服务不周，为您添麻烦了，您能否将详细情况告诉我？"),
]

_ASKS_IF_THERE = "在吗 在不在 在么 在嘛 在没 有人吗"

# (phrase, suggestion, reason, match, customer_trigger, exceptions, fact_exempt)
FORBIDDEN = [
    (
        "不能",
        "看看我能为您做些什么：这边可以为您……",
        "直接否定，客户只会想“为什么不能”",
        "contains",
        "",
        "不能错过",
        True,
    ),
    ("不会", "我们能为您做的是……", "直接否定，让客户怀疑店铺的能力", "contains", "", "不会让您失望", True),
    ("不愿意", "我很愿意为您……", "直接否定，显得推脱", "contains", "", "", False),
    (
        "不可",
        "委婉说明，并告诉客户可以怎么做",
        "直接否定，给客户的感受不好",
        "contains",
        "",
        "不可或缺 必不可少 不可思议 密不可分 不可多得 不可错过 不可替代",
        True,
    ),
    ("我不能", "看看我能帮您做些什么", "客户的注意力会集中在“为什么不能”上", "contains", "", "", False),
    ("我不会做", "我们能为您做的是……", "客户会怀疑企业的能力，认为您在抵抗", "contains", "", "", False),
    ("这不是我应该做的", "我很愿意为您做", "客户会认为客服对他有成见", "contains", "", "", False),
    (
        "我想我做不了",
        "告诉客户您能做什么，并表明非常愿意帮助他：我来看看能为您做些什么",
        "让沟通陷入消极气氛",
        "contains",
        "",
        "",
        False,
    ),
    (
        "不可能",
        "很抱歉，这超出了我们的服务范围，我们可以为您……",
        "生硬拒绝客户的要求",
        "contains",
        "",
        "",
        False,
    ),
    (
        "完全不可以",
        "很抱歉，这超出了我们的服务范围，我们可以为您……",
        "生硬拒绝客户的要求",
        "contains",
        "",
        "",
        False,
    ),
    ("在", "您好，请问有什么可以帮助您的吗？", "只回一个“在”显得冷淡", "whole", _ASKS_IF_THERE, "", False),
    ("嗯", "好的 / 是的 / 了解了", "只回“嗯”显得敷衍", "whole", "", "", False),
    ("哦", "好的 / 是的 / 了解了", "只回“哦”显得敷衍", "whole", "", "", False),
    ("没事了吧", "请问还有什么可以帮助您？", "像在催客户离开", "contains", "", "", False),
    ("明白了吗", "请问我刚才的解释您是否清楚？", "像在质问客户", "contains", "", "", False),
    (
        "我不太清楚",
        "您好，请您稍等，我去咨询下相关工作人员。",
        "答不上来时先咨询同事，再回复客户",
        "contains",
        "",
        "",
        False,
    ),
    ("不是我的错", "对不起，请您原谅。", "推卸责任，激化矛盾", "contains", "", "", False),
    (
        "不是我接待的",
        "对不起，由于我们服务不周，为您添麻烦了，您能否将详细情况告诉我？",
        "推卸责任",
        "contains",
        "",
        "",
        False,
    ),
    ("我是新手", "对不起，让您久等了，我将尽快帮您处理。", "让客户对店铺失去信心", "contains", "", "", False),
]

AUTOREPLIES = [
    ("first_message", "您好，欢迎光临{店铺}，很高兴为您服务！请问有什么可以帮助您的吗？😊", True),
    ("no_answer", "亲，不好意思让您久等了，客服正在逐一回复中，请您稍等片刻，马上为您处理哦~", True),
    (
        "off_hours",
        "亲，现在是非工作时间，客服{上班时间}上班后会第一时间回复您；店内能拍的宝贝都有货，您可以直接下单哦~",
        True,
    ),
]

PROMOTION = {
    "is_enabled": False,
    "name": "双11大促",
    "offer": "全场5折包邮",
    "text": (
        "亲，您好，{店铺}{活动名称}进行中（{活动时间}）：{活动内容}！目前咨询量较大，回复稍慢请您谅解；"
        "为节省您的时间，店内能拍的就是有货的，如需发票请在备注里填写发票抬头，谢谢🙏"
    ),
}


def install(get_model) -> list[int]:
    """Create whatever of the shipped rows is missing; returns the ids of the phrases created.

    ``get_model`` is ``apps.get_model`` of a migration (historical models) or of the running app.
    """
    PhraseGroup = get_model("replies", "PhraseGroup")
    QuickPhrase = get_model("replies", "QuickPhrase")
    ForbiddenPhrase = get_model("replies", "ForbiddenPhrase")
    AutoReplyRule = get_model("replies", "AutoReplyRule")
    Promotion = get_model("replies", "Promotion")

    groups = {g.name: g for g in PhraseGroup.objects.filter(name__in=GROUPS)}
    for position, name in enumerate(GROUPS, start=1):
        if name not in groups:
            groups[name] = PhraseGroup.objects.create(name=name, position=position)
    have = set(QuickPhrase.objects.filter(owner__isnull=True).values_list("shortcut", flat=True))
    created = QuickPhrase.objects.bulk_create(
        QuickPhrase(group=groups[group], shortcut=shortcut, text=text)
        for group, shortcut, text in PHRASES
        if shortcut not in have
    )
    have_forbidden = set(ForbiddenPhrase.objects.values_list("phrase", flat=True))
    ForbiddenPhrase.objects.bulk_create(
        ForbiddenPhrase(
            phrase=phrase,
            suggestion=suggestion,
            reason=reason,
            match=match,
            customer_trigger=trigger,
            exceptions=exceptions,
            fact_exempt=fact_exempt,
        )
        for phrase, suggestion, reason, match, trigger, exceptions, fact_exempt in FORBIDDEN
        if phrase not in have_forbidden
    )
    have_rules = set(AutoReplyRule.objects.values_list("trigger", flat=True))
    AutoReplyRule.objects.bulk_create(
        AutoReplyRule(trigger=trigger, text=text, is_enabled=enabled)
        for trigger, text, enabled in AUTOREPLIES
        if trigger not in have_rules
    )
    if not Promotion.objects.exists():
        Promotion.objects.create(**PROMOTION)
    if created and created[0].pk is None:  # a backend that does not return ids from bulk_create
        shortcuts = [p.shortcut for p in created]
        return list(
            QuickPhrase.objects.filter(owner__isnull=True, shortcut__in=shortcuts).values_list(
                "id", flat=True
            )
        )
    return [p.pk for p in created]


def uninstall(get_model) -> None:
    """Remove the shipped rows again (the data migration's reverse); the shop's own rows stay."""
    PhraseGroup = get_model("replies", "PhraseGroup")
    QuickPhrase = get_model("replies", "QuickPhrase")
    shipped = QuickPhrase.objects.filter(owner__isnull=True, shortcut__in=[s for _g, s, _t in PHRASES])
    search_services.remove_documents(kind="phrase", object_ids=list(shipped.values_list("id", flat=True)))
    shipped.delete()
    PhraseGroup.objects.filter(name__in=GROUPS, phrases__isnull=True).delete()
    get_model("replies", "ForbiddenPhrase").objects.filter(phrase__in=[f[0] for f in FORBIDDEN]).delete()
    get_model("replies", "AutoReplyRule").objects.filter(trigger__in=[a[0] for a in AUTOREPLIES]).delete()
    get_model("replies", "Promotion").objects.all().delete()


def index_phrases(get_model, ids: list[int]) -> None:
    """Put the given phrases into the search index (kind="phrase"), as ``phrase_search`` reads it."""
    if not ids:
        return
    QuickPhrase = get_model("replies", "QuickPhrase")
    phrases = QuickPhrase.objects.filter(id__in=ids).select_related("group")
    search_services.index_documents(kind="phrase", documents=[phrase_document(p) for p in phrases])


def restore() -> None:
    """Re-create the shipped rows when a test's flush removed them (called by the root conftest)."""
    ids = install(apps.get_model)
    index_phrases(apps.get_model, ids)
