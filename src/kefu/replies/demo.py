"""The demo shop's quick phrases: a few more team phrases, the demo agent's own, and usage counts.

Written through the services (as the demo admin and agent) so the search index and the history
are as a real shop's would be.
"""

from django.db.models import F

from kefu.core import demo
from kefu.replies import services
from kefu.replies.models import QuickPhrase

TEAM = [
    ("肤质", "fz", "亲，方便说一下您的肤质（干性/油性/混合/敏感）吗？我帮您推荐合适的产品哦~"),
    ("肤质", "mg", "亲，敏感肌建议先在耳后或手腕内侧试用 24 小时，没有泛红再用在脸上哦。"),
    ("售后", "th", "亲，收到宝贝7天内不影响二次销售都可以申请退换货哦，请在订单页面点击“申请售后”。"),
    ("售后", "yf", "亲，质量问题的退换运费由我们承担，请您先垫付，收到退货后给您补上哦。"),
]
AGENT = [
    ("常用", "wo", "亲，我是{客服}，有什么问题随时找我哦😊"),
    ("常用", "xie", "感谢{买家}的支持，祝您生活愉快！"),
]
# How often the demo team has used the starter phrases, so the usage list shows what matters.
USES = {
    "hy": 312,
    "zai": 187,
    "fh": 164,
    "kd": 121,
    "dd": 96,
    "bz": 88,
    "zp": 54,
    "jg": 47,
    "hp": 41,
    "tf": 9,
}


def load() -> str:
    staff = demo.demo_staff()
    admin, agent = staff["admin"], staff["agent"]
    made = 0
    for group, shortcut, text in TEAM:
        if not QuickPhrase.objects.filter(owner__isnull=True, shortcut=shortcut).exists():
            services.phrase_create(text=text, shortcut=shortcut, group=group, by=admin, team=True)
            made += 1
    for group, shortcut, text in AGENT:
        if not QuickPhrase.objects.filter(owner=agent, shortcut=shortcut).exists():
            services.phrase_create(text=text, shortcut=shortcut, group=group, by=agent)
            made += 1
    for shortcut, uses in USES.items():
        QuickPhrase.objects.filter(owner__isnull=True, shortcut=shortcut).update(
            use_count=F("use_count") + uses
        )
    return f"{made} 条快捷短语，{len(USES)} 条常用短语的使用次数"
