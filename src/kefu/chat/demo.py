"""The demo shop's chats: six weeks of them, and two customers waiting right now.

Buyers ask before they order (the chat linked to the order it led to), ask after the parcel left
(the after-sales agents answer), or ask and never order (the leads). Each chat was taken, answered
with the response times the reports measure, sometimes handed to a colleague, closed, and often
rated by the customer. Before the six weeks only the number of chats per day is kept (this
October's and last year's October and Double-11), which is what the staffing forecast reads.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from kefu.chat import services
from kefu.chat.models import ChatGroup, Conversation, ConversationStatus, Message, Sender
from kefu.core import demo
from kefu.core.models import ActivityLog
from kefu.customers.models import Customer, Satisfaction
from kefu.orders.models import Order

GREETING = "在的亲，欢迎光临天天化妆品旗舰店，请问有什么可以帮您？"
PRESALES = [
    ("敏感肌可以用这款面霜吗", "亲，这款面霜是无香精配方，敏感肌也可以用的，建议先在耳后试用一下哦"),
    ("今天下单什么时候发货呀", "亲，每天 16:30 前付款当天发货，默认申通快递，一般 3-4 天到哦"),
    ("口红 02 和 05 哪个更显白", "亲，黄皮推荐 02 豆沙色，日常通勤很显气色哦~"),
    ("现在有优惠券吗", "亲，店铺首页可以领满 199 减 20 的券，下单时会自动使用哦"),
    ("油皮用哪款精华比较好", "亲，油皮推荐烟酰胺亮肤精华，质地清爽不黏腻，早晚都可以用"),
    ("买面霜送小样吗", "亲，订单满 199 元送面霜小样一份，多买多送哦"),
    ("这个保质期到什么时候", "亲，都是今年的新批次，保质期三年，开封后建议一年内用完"),
    ("防晒霜可以当妆前乳用吗", "亲，可以的，这款质地轻薄成膜快，上妆不搓泥"),
]
AFTERSALES = [
    ("我的快递怎么三天没动了", "亲，帮您查了一下，包裹在中转站滞留，已经联系快递加急派送了"),
    ("收到的瓶子漏液了", "非常抱歉亲，麻烦拍一下外箱和瓶身的照片，我们马上给您补发或者退款"),
    ("怎么申请退货", "亲，在订单页点“申请售后”，选退货退款就可以，未拆封 7 天无理由的哦"),
    ("退款什么时候到账", "亲，仓库收到退货验货后 24 小时内退款，原路退回您的支付宝"),
    ("赠品没收到", "亲，抱歉漏放了，已经给您登记补寄，单号稍后发您"),
]
FOLLOW_UP = ("好的，谢谢", "不客气亲，有问题随时找我哦😊")
CLOSING = "会话已结束，感谢您的咨询。有新问题可以随时再发消息。"
COMMENTS = {
    5: ["回复很快，很耐心", "推荐的很合适", ""],
    4: ["还不错", ""],
    3: ["一般"],
    2: ["等了好久"],
    1: ["没解决问题"],
}
LEADS_PER_DAY = 18
_LEAD_WORDS = ["路过的", "想买", "第一次来", "学生党", "敏感肌", "干皮", "油皮", "混油皮"]


def _lead_nicks(r) -> list[str]:
    taken = {b.nick for b in demo.buyers()}
    out: list[str] = []
    while len(out) < 300:
        nick = f"{r.choice(_LEAD_WORDS)}{r.choice(['小仙女', '姐姐', '宝宝', '同学', '美美'])}{r.randint(1, 999)}"
        if nick not in taken:
            taken.add(nick)
            out.append(nick)
    return out


class _Chats:
    """The conversations, messages, transfers and ratings of the history, written in bulk."""

    def __init__(self, r, now: datetime, staff: dict):
        self.r, self.now = r, now
        self.presales = [staff[u] for u in demo.PRESALES_STAFF]
        self.aftersales = [staff[u] for u in demo.AFTERSALES_STAFF]
        self.rows: list[tuple[Conversation, list[Message], object, int | None]] = []

    def add(
        self, *, created: datetime, nick: str, group: str, order: Order | None, topic: tuple[str, str]
    ) -> None:
        r, now = self.r, self.now
        if created >= now:
            return
        team = self.aftersales if group == ChatGroup.AFTERSALES else self.presales
        busy = 2.2 if demo.day_factor(timezone.localdate(created)) > 1.5 else 1.0
        conv = Conversation(
            buyer_name=nick,
            buyer_contact=nick,
            group=group,
            order=order,
            page_url=r.choice(["/", "/articles/", "/search/?q=面霜", "/categories/"]),
            created_at=created,
            session_started_at=created,
        )
        messages: list[dict] = []
        t = created

        def say(sender: str, text: str, *, author=None, response=None) -> None:
            messages.append(
                {
                    "sender": sender,
                    "author_id": author.pk if author else None,
                    "text": text,
                    "response_seconds": response,
                    "created_at": t,
                }
            )

        say(Sender.CUSTOMER, "在吗？" if r.random() < 0.5 else topic[0])
        if r.random() < 0.03 * busy:  # left before anyone answered
            conv.status = ConversationStatus.CLOSED
            conv.closed_at = t + timedelta(minutes=3 + r.random() * 5)
            if conv.closed_at >= now:
                return
            self._finish(conv, messages, None, None)
            return
        agent = r.choice(team)
        conv.agent = agent
        conv.taken_at = t + timedelta(seconds=2 + r.random() * 10 * busy)
        first = (4 + r.lognormvariate(2.0, 0.6)) * busy
        t = t + timedelta(seconds=first)
        conv.first_response_at, conv.first_response_seconds = t, round(first, 1)
        say(
            Sender.AGENT,
            GREETING if messages[0]["text"] == "在吗？" else topic[1],
            author=agent,
            response=round(first, 1),
        )
        if messages[0]["text"] == "在吗？":
            t += timedelta(seconds=10 + r.random() * 40)
            say(Sender.CUSTOMER, topic[0])
            wait = 5 + r.lognormvariate(2.3, 0.5) * busy
            t += timedelta(seconds=wait)
            say(Sender.AGENT, topic[1], author=agent, response=round(wait, 1))
        transferred_from = None
        if r.random() < 0.05:
            other = r.choice([a for a in self.presales + self.aftersales if a.pk != agent.pk])
            t += timedelta(seconds=20 + r.random() * 60)
            say(Sender.SYSTEM, f"已为您转接客服 {other.get_full_name() or other.username}。")
            transferred_from, agent = agent, other
            conv.agent = agent
            t += timedelta(seconds=15 + r.random() * 60)
            say(Sender.CUSTOMER, "好的，麻烦帮我看一下")
            wait = 6 + r.lognormvariate(2.2, 0.5)
            t += timedelta(seconds=wait)
            say(Sender.AGENT, "亲，我来帮您处理，请稍等~", author=agent, response=round(wait, 1))
        t += timedelta(seconds=20 + r.random() * 90)
        say(Sender.CUSTOMER, FOLLOW_UP[0])
        wait = 3 + r.lognormvariate(1.8, 0.5)
        t += timedelta(seconds=wait)
        say(Sender.AGENT, FOLLOW_UP[1], author=agent, response=round(wait, 1))
        if t >= now - timedelta(minutes=5):  # still going on
            if t >= now:
                return
            conv.status = ConversationStatus.ACTIVE
        else:
            t += timedelta(seconds=60 + r.random() * 180)
            say(Sender.SYSTEM, CLOSING)
            conv.status = ConversationStatus.CLOSED
            conv.closed_at, conv.closed_by = t, agent
        score = None
        if conv.status == ConversationStatus.CLOSED and r.random() < 0.62:
            score = r.choices([5, 4, 3, 2, 1], weights=[72, 17, 6, 3, 2])[0]
        self._finish(conv, messages, transferred_from, score)

    def _finish(self, conv, messages, transferred_from, score) -> None:
        for seq, message in enumerate(messages, start=1):
            message["seq"] = seq
        conv.last_seq = conv.customer_read_seq = conv.agent_read_seq = len(messages)
        conv.last_message_at = messages[-1]["created_at"]
        conv.customer_message_count = sum(1 for m in messages if m["sender"] == Sender.CUSTOMER)
        conv.agent_message_count = sum(1 for m in messages if m["sender"] == Sender.AGENT)
        self.rows.append((conv, messages, transferred_from, score))

    def save(self, customers: dict[str, int]) -> dict[str, int]:
        conversations = [c for c, *_rest in self.rows]
        with demo.timestamps_kept(Conversation, ActivityLog, Satisfaction):
            Conversation.objects.bulk_create(conversations, batch_size=500)
            if conversations and conversations[0].pk is None:  # a backend that does not return ids
                ids = dict(
                    Conversation.objects.filter(
                        created_at__gte=min(c.created_at for c in conversations)
                    ).values_list("token", "id")
                )
                for c in conversations:
                    c.pk = ids[c.token]
            messages, transfers, ratings = [], [], []
            kind = ContentType.objects.get_for_model(Conversation)
            for conv, rows, transferred_from, score in self.rows:
                for message in rows:
                    message["conversation_id"] = conv.pk
                    messages.append(message)
                if transferred_from is not None:
                    note = next(m for m in rows if m["sender"] == Sender.SYSTEM)
                    transfers.append(
                        ActivityLog(
                            content_type=kind,
                            object_id=str(conv.pk),
                            actor=transferred_from,
                            verb="chat_transfer",
                            message=f"{transferred_from.get_full_name()} → {conv.agent.get_full_name()}",
                            created_at=note["created_at"],
                        )
                    )
                if score is not None:
                    ratings.append(
                        Satisfaction(
                            kind="chat",
                            source_id=conv.pk,
                            agent=conv.agent,
                            customer_id=customers.get(conv.buyer_name),
                            score=score,
                            comment=self.r.choice(COMMENTS[score]),
                            created_at=conv.closed_at + timedelta(seconds=20),
                        )
                    )
            demo.insert_rows(Message, messages)
            ActivityLog.objects.bulk_create(transfers)
            Satisfaction.objects.bulk_create(ratings)
        return {
            "chats": len(conversations),
            "messages": len(messages),
            "transfers": len(transfers),
            "ratings": len(ratings),
        }


def _volume_history(r, now: datetime, staff: dict, first_day: date) -> int:
    """Closed chats with their times only, for the days before the six weeks the forecast reads:
    this October, last October and last year's Double-11."""
    today = timezone.localdate(now)
    days: list[tuple[date, float]] = []
    for year, scale in ((today.year, 1.0), (today.year - 1, 0.8)):
        for n in range(31):
            day = date(year, 10, 1) + timedelta(days=n)
            if day < first_day:
                days.append((day, scale))
    last_double11 = date(today.year - 1, 11, 11)
    if last_double11 < first_day:
        days.append((last_double11, 0.8))
    agents = [staff[u] for u in demo.PRESALES_STAFF]
    rows = []
    for day, scale in days:
        for _n in range(round(62 * scale * demo.day_factor(day) * (0.9 + 0.2 * r.random()))):
            created = demo.moment_of(day, r, now=now)
            first = 4 + r.lognormvariate(2.0, 0.6)
            closed = created + timedelta(minutes=3 + r.random() * 6)
            rows.append(
                {
                    "status": ConversationStatus.CLOSED,
                    "agent_id": r.choice(agents).pk,
                    "created_at": created,
                    "session_started_at": created,
                    "taken_at": created + timedelta(seconds=3),
                    "first_response_at": created + timedelta(seconds=first),
                    "first_response_seconds": round(first, 1),
                    "last_message_at": closed,
                    "closed_at": closed,
                }
            )
    return demo.insert_rows(Conversation, rows)


def load() -> str:
    staff = demo.demo_staff()
    r = demo.rng("chat")
    now = timezone.now()
    chats = _Chats(r, now, staff)
    days = demo.history_days(now)
    since = demo.at(days[0], 0)
    for order in Order.objects.filter(created_at__gte=since).order_by("created_at", "id"):
        if r.random() < 0.55:  # asked before ordering
            chats.add(
                created=order.created_at - timedelta(minutes=3 + r.random() * 90),
                nick=order.buyer_nick,
                group=ChatGroup.PRESALES,
                order=order if r.random() < 0.75 else None,
                topic=r.choice(PRESALES),
            )
        if order.shipped_at and r.random() < 0.09:  # asked where the parcel is, or about a return
            chats.add(
                created=order.shipped_at + timedelta(hours=20 + r.random() * 90),
                nick=order.buyer_nick,
                group=ChatGroup.AFTERSALES,
                order=order,
                topic=r.choice(AFTERSALES),
            )
    leads = _lead_nicks(r)
    for day in days:
        for _n in range(round(LEADS_PER_DAY * demo.day_factor(day) * (0.8 + 0.4 * r.random()))):
            created = demo.moment_of(day, r, now=now)
            if created is not None:
                nick = r.choice(leads) if r.random() < 0.8 else ""
                chats.add(
                    created=created, nick=nick, group=ChatGroup.PRESALES, order=None, topic=r.choice(PRESALES)
                )
    chats.rows.sort(key=lambda row: row[0].created_at)

    # the leads are customers of their own (咨询未下单) from their first chat; every buyer who
    # chatted has the time of her last chat on her profile
    last_contact: dict[str, datetime] = {}
    for conv, *_rest in chats.rows:
        if conv.buyer_name:
            last_contact[conv.buyer_name] = max(
                last_contact.get(conv.buyer_name, conv.created_at), conv.created_at
            )
    known = dict(Customer.objects.filter(buyer_nick__in=list(last_contact)).values_list("buyer_nick", "id"))
    Customer.objects.bulk_create(
        [
            Customer(buyer_nick=nick, last_contact_at=at)
            for nick, at in last_contact.items()
            if nick not in known
        ],
        batch_size=500,
    )
    profiles = list(Customer.objects.filter(buyer_nick__in=list(known)))
    for customer in profiles:
        customer.last_contact_at = max(
            filter(None, [customer.last_contact_at, last_contact[customer.buyer_nick]])
        )
    Customer.objects.bulk_update(profiles, ["last_contact_at"], batch_size=500)
    customers = dict(
        Customer.objects.filter(buyer_nick__in=list(last_contact)).values_list("buyer_nick", "id")
    )
    counts = chats.save(customers)
    older = _volume_history(r, now, staff, days[0])

    # two customers waiting right now
    for name, contact, text in [
        (leads[0], leads[0], "在吗？我想问下敏感肌用哪款面霜"),
        ("", "", "双十二有活动吗？精华液会降价吗"),
    ]:
        conversation = services.conversation_start(buyer_name=name, buyer_contact=contact, page_url="/")
        services.customer_message_send(conversation=conversation, text=text)
    return (
        f"{counts['chats']} 个会话（六周），{counts['messages']} 条消息，{counts['transfers']} 次转接，"
        f"{counts['ratings']} 个评价；更早的 {older} 个会话只留时间（人力预测用）；2 个等待接入"
    )
