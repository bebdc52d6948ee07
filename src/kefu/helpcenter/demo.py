"""The demo shop's help center: five categories, the FAQ articles in demo/articles.csv, and six weeks
of customers' questions (the older ones answered by the agents, the newest waiting in the inbox)."""

from datetime import timedelta
from pathlib import Path

from django.utils import timezone

from kefu.core import demo
from kefu.helpcenter import services
from kefu.helpcenter.kb_io import kb_import
from kefu.helpcenter.models import Category, Question

DEMO_CATEGORIES = ["下单与发货", "退换货与售后", "付款、物流与评价", "保存与使用", "常见问题"]
QUESTIONS = [
    (
        "下单与发货",
        "下单后多久能发货？",
        "昨天晚上拍的面霜，想知道什么时候能发出",
        "亲，16:30 前付款当天发货，您的订单今天下午会发出哦。",
    ),
    (
        "下单与发货",
        "可以指定顺丰快递吗",
        "比较急着用，能发顺丰吗？",
        "亲，可以的，顺丰需要补 12 元差价，拍下后联系客服改快递即可。",
    ),
    (
        "退换货与售后",
        "拆封了还能退吗",
        "精华液打开试了一下不太适合我",
        "亲，化妆品拆封后不支持七天无理由退货，如有过敏请拍照联系客服，我们会帮您处理。",
    ),
    (
        "退换货与售后",
        "退货运费谁出",
        "不是质量问题，想退货",
        "亲，非质量问题退货，寄回运费由您承担，包邮订单我们承担发货运费。",
    ),
    (
        "付款、物流与评价",
        "快递到哪里了",
        "三天了物流一直没更新",
        "亲，已帮您联系快递，包裹在中转站，预计明天派送。",
    ),
    (
        "保存与使用",
        "面霜开封后能放多久",
        "开封半年了还能用吗",
        "亲，开封后建议 12 个月内用完，放在阴凉处，避免阳光直射。",
    ),
    (
        "保存与使用",
        "精华和面霜的使用顺序",
        "新手不太懂先后顺序",
        "亲，顺序是洁面 → 精华水 → 精华液 → 乳液/面霜，白天最后加防晒。",
    ),
    ("常见问题", "敏感肌能用吗", "脸上容易泛红", "亲，建议先选修护舒缓乳液，使用前在耳后试用 24 小时。"),
    (
        "常见问题",
        "是正品吗",
        "第一次在你们家买",
        "亲，天天化妆品旗舰店所有商品均为品牌直供正品，支持专柜验货。",
    ),
]
QUESTIONS_PER_DAY = 3


def load() -> str:
    for position, name in enumerate(DEMO_CATEGORIES, start=1):
        Category.objects.update_or_create(name=name, defaults={"position": position})
    report = kb_import(data=(Path(__file__).parent / "demo" / "articles.csv").read_bytes())

    staff = demo.demo_staff()
    agents = [staff[u] for u in demo.PRESALES_STAFF]
    categories = {c.name: c for c in Category.objects.filter(name__in=DEMO_CATEGORIES)}
    r = demo.rng("questions")
    now = timezone.now()
    people = demo.buyers()
    rows = []
    for day in demo.history_days(now)[:-2]:
        for _n in range(r.randint(QUESTIONS_PER_DAY - 2, QUESTIONS_PER_DAY + 2)):
            created = demo.moment_of(day, r, now=now)
            category, title, details, answer = r.choice(QUESTIONS)
            buyer = r.choice(people)
            answered = created + timedelta(hours=0.5 + r.random() * 7)
            closed = r.random() < 0.08
            rows.append(
                Question(
                    category=categories[category],
                    title=title,
                    details=details,
                    name=buyer.name[0] + ("女士" if r.random() < 0.85 else "先生"),
                    im_id=buyer.nick,
                    status=Question.Status.CLOSED if closed else Question.Status.ANSWERED,
                    answer="" if closed else answer,
                    answered_by=None if closed else r.choice(agents),
                    answered_at=None if closed else answered,
                    created_at=created,
                )
            )
    with demo.timestamps_kept(Question):
        Question.objects.bulk_create(rows, batch_size=500)
    # the newest, still waiting for an answer (each in the inbox, due by the shop's rule)
    for category, title, details, _answer in QUESTIONS[:4]:
        buyer = r.choice(people)
        services.question_submit(
            title=title,
            details=details,
            name=buyer.name[0] + "女士",
            im_id=buyer.nick,
            category=categories[category],
        )
    return f"{len(DEMO_CATEGORIES)} 个类别，{report.ok} 篇文章，{len(rows) + 4} 个客户问题（4 个待答复）"
