"""The demo shop's orders: six weeks of trade up to now, as the seller center would export them.

Every order follows the platform's lifecycle with times that agree with each other and with now:
paid within minutes (or chased by a 催付 and paid later, or closed unpaid after the payment
timeout), shipped by the afternoon run, confirmed by the buyer a few days later or automatically
after the confirm timeout; the latest are still waiting where the queues show them. The customer
profiles are then built from them exactly as an import builds them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from kefu.core import demo
from kefu.orders import lifecycle
from kefu.orders.customer_profiles import profiles_refresh
from kefu.orders.models import (
    FlagColour,
    Order,
    OrderLine,
    OrderRemark,
    OrderState,
    PaymentReminder,
    ReminderChannel,
    ReminderReason,
)
from kefu.orders.reminders import reminder_remark_text


@dataclass(frozen=True)
class Product:
    title: str
    price: Decimal
    code: str
    weight: int
    specs: tuple[str, ...] = ("",)


PRODUCTS = [
    Product("玻尿酸补水保湿面霜 50ml", Decimal("129.00"), "TT-MS01", 14),
    Product("氨基酸温和洁面乳 120g", Decimal("69.00"), "TT-JM02", 16),
    Product("保湿精华水 120ml", Decimal("99.00"), "TT-JS03", 12),
    Product("烟酰胺亮肤精华液 30ml", Decimal("189.00"), "TT-JH04", 9),
    Product("清透防晒霜 SPF50+ PA++++ 60ml", Decimal("89.00"), "TT-FS05", 8),
    Product("温和卸妆水 500ml", Decimal("79.00"), "TT-XZ06", 10),
    Product("玻尿酸补水面膜 10片装", Decimal("59.00"), "TT-MM07", 15),
    Product("紧致淡纹眼霜 15g", Decimal("159.00"), "TT-YS08", 5),
    Product(
        "丝绒哑光口红", Decimal("99.00"), "TT-KH09", 9, ("色号：01 正红", "色号：02 豆沙", "色号：05 枫叶")
    ),
    Product("轻薄气垫 BB 霜 15g", Decimal("139.00"), "TT-QD10", 6, ("色号：01 亮白", "色号：02 自然")),
    Product("修护舒缓乳液 100ml", Decimal("119.00"), "TT-RY11", 7),
    Product("香氛身体乳 250ml", Decimal("69.00"), "TT-ST12", 6),
    Product("护手霜三支装", Decimal("39.00"), "TT-HS13", 7),
    Product("水乳护肤套装（水+乳+霜）", Decimal("299.00"), "TT-TZ14", 4),
]
GIFT = ("面霜小样 5ml", "TT-ZP01")
COURIERS = [
    ("申通快递", "77", 10, 70),
    ("圆通速递", "YT", 12, 12),
    ("韵达快递", "43", 11, 10),
    ("顺丰速运", "SF", 12, 8),
]
FREE_SHIPPING_FROM = Decimal("69.00")
POSTAGE = Decimal("8.00")
BASE_ORDERS_PER_DAY = 64
CLOSE_REFUNDED = "买家申请退款，交易关闭"
BUYER_MESSAGES = [
    "请尽快发货，谢谢",
    "麻烦多送点小样～",
    "送人的，请不要放价格单",
    "请用顺丰，补差价可以联系我",
]
REMINDER_FEEDBACK = {
    ReminderReason.BALANCE: "买家说发工资后再付",
    ReminderReason.CASUAL: "买家说再考虑一下",
    ReminderReason.PRICE: "买家问能否再便宜点，已说明活动价",
    ReminderReason.PAYMENT_PROBLEM: "支付宝付款失败，已发付款教程",
    ReminderReason.UNFAMILIAR: "第一次网购，已教她在“待付款”里付款",
    ReminderReason.OTHER: "旺旺未回复",
}


def _after(start: datetime, low_s: float, high_s: float, r) -> datetime:
    return start + timedelta(seconds=low_s + (high_s - low_s) * r.random())


def _ship_run(paid_at: datetime, r) -> datetime:
    """The warehouse's afternoon run: paid before 16:30 ships that day, later the next day."""
    local = timezone.localtime(paid_at)
    day = local.date() if (local.hour, local.minute) < (16, 30) else local.date() + timedelta(days=1)
    return demo.at(day, 17 * 3600 + r.random() * 2.5 * 3600)


def load() -> str:
    staff = demo.demo_staff()
    presales = [staff[u] for u in demo.PRESALES_STAFF]
    r = demo.rng("orders")
    now = timezone.now()
    people = demo.buyers()
    weights = demo.buyer_weights()
    pay_timeout = lifecycle.payment_timeout()
    confirm_timeout = lifecycle.confirm_timeout("express")
    flag = FlagColour.PURPLE

    orders: list[Order] = []
    lines: dict[int, list[dict]] = {}
    reminders: list[
        tuple[int, datetime, int, str, str, object]
    ] = []  # order index, at, seq, channel, reason, agent
    numbers: set[str] = set()
    for day in demo.history_days(now):
        count = round(BASE_ORDERS_PER_DAY * demo.day_factor(day) * (0.85 + 0.3 * r.random()))
        for _n in range(count):
            created = demo.moment_of(day, r, now=now)
            if created is None:
                continue
            buyer = r.choices(people, weights=weights)[0]
            number = f"{timezone.localtime(created):%y%m%d}{r.randint(10**12, 10**13 - 1)}"
            if number in numbers:
                continue
            numbers.add(number)
            picked = []
            for _line in range(r.choices([1, 2, 3], weights=[70, 23, 7])[0]):
                product = r.choices(PRODUCTS, weights=[p.weight for p in PRODUCTS])[0]
                if product not in [p for p, _q in picked]:
                    picked.append((product, r.choices([1, 2, 3], weights=[80, 16, 4])[0]))
            goods = sum((p.price * q for p, q in picked), Decimal(0))
            postage = Decimal(0) if goods >= FREE_SHIPPING_FROM else POSTAGE
            order = Order(
                number=number,
                buyer_nick=buyer.nick,
                buyer_im=buyer.nick,
                receiver_name=buyer.name,
                receiver_phone=buyer.phone,
                receiver_province=buyer.province,
                receiver_address=buyer.address,
                goods_amount=goods,
                postage=postage,
                item_count=sum(q for _p, q in picked),
                created_at=created,
                items_summary="，".join(p.title for p, _q in picked)[:255],
                buyer_message=r.choice(BUYER_MESSAGES) if r.random() < 0.06 else "",
                state=OrderState.WAIT_BUYER_PAY,
            )
            index = len(orders)
            order_lines = [
                {
                    "title": p.title,
                    "sku": r.choice(p.specs),
                    "quantity": q,
                    "price": p.price,
                    "line_key": f"{number}{i + 1:02d}",
                    "outer_code": p.code,
                }
                for i, (p, q) in enumerate(picked)
            ]
            if goods >= Decimal("199.00"):
                order_lines.append(
                    {
                        "title": GIFT[0],
                        "quantity": 1,
                        "price": Decimal(0),
                        "is_gift": True,
                        "line_key": f"gift:{number}",
                        "outer_code": GIFT[1],
                    }
                )
            lines[index] = order_lines

            # --- payment: at once, after a 催付, or never --------------------------------------
            paid_at = None
            if r.random() < 0.86:
                paid_at = created + timedelta(seconds=20 + r.expovariate(1 / 240))
            else:
                first = _after(created, 40 * 60, 3 * 3600, r)
                if first < now and r.random() < 0.7:
                    agent = r.choice(presales)
                    reason = r.choice(list(REMINDER_FEEDBACK))
                    channel = r.choices(
                        [ReminderChannel.IM, ReminderChannel.SMS, ReminderChannel.PHONE], weights=[70, 20, 10]
                    )[0]
                    reminders.append((index, first, 1, channel, reason, agent))
                    order.flag = flag
                    if r.random() < 0.45:
                        paid_at = _after(first, 5 * 60, 8 * 3600, r)
                    else:
                        second = _after(first, 20 * 3600, 30 * 3600, r)
                        if second < now and second < created + pay_timeout and r.random() < 0.4:
                            reminders.append((index, second, 2, ReminderChannel.SMS, reason, agent))
                            if r.random() < 0.3:
                                paid_at = _after(second, 10 * 60, 4 * 3600, r)
            if paid_at is not None and paid_at >= now:
                paid_at = None
            if paid_at is None:
                if created + pay_timeout <= now:
                    order.state = OrderState.TRADE_CLOSED
                    order.closed_at = created + pay_timeout
                    order.close_reason = lifecycle.CLOSE_REASON_UNPAID
                orders.append(order)
                continue
            order.paid_at = paid_at
            order.paid_amount = goods + postage
            order.state = OrderState.WAIT_SELLER_SEND
            reviewed = _after(paid_at, 5 * 60, 3 * 3600, r)
            if reviewed < now and r.random() < 0.94:
                order.reviewed_at = reviewed
                order.reviewed_by = r.choice(presales)

            # --- the buyer cancels before shipping (a refund closes the trade) ------------------
            if r.random() < 0.025:
                closed = _after(paid_at, 30 * 60, 6 * 3600, r)
                if closed < now:
                    order.state = OrderState.TRADE_CLOSED
                    order.closed_at = closed
                    order.close_reason = CLOSE_REFUNDED
                    orders.append(order)
                    continue

            # --- shipping and receipt -----------------------------------------------------------
            shipped = _ship_run(paid_at, r)
            if order.reviewed_at and order.reviewed_at > shipped:
                order.reviewed_at = shipped - timedelta(minutes=30)
            if shipped >= now:
                orders.append(order)
                continue
            courier, prefix, digits, _w = r.choices(COURIERS, weights=[c[3] for c in COURIERS])[0]
            order.courier = courier
            order.waybill = prefix + str(r.randint(10 ** (digits - 1), 10**digits - 1))
            order.shipped_at = shipped
            if len(picked) >= 2 and r.random() < 0.08 and shipped > now - timedelta(days=2):
                order.state = OrderState.SELLER_CONSIGNED_PART
                orders.append(order)
                continue
            order.state = OrderState.WAIT_BUYER_CONFIRM
            transit = timedelta(days=2 + r.random() * 3 + (2 if buyer.province.startswith("新疆") else 0))
            if r.random() < 0.15:
                finished, auto = shipped + confirm_timeout, True
            else:
                finished, auto = shipped + transit + timedelta(hours=r.random() * 72), False
            if finished < now:
                order.state = OrderState.TRADE_FINISHED
                order.finished_at = finished
                order.auto_confirmed = auto
            orders.append(order)

    Order.objects.bulk_create(orders, batch_size=500)
    saved = {
        o.number: o.pk for o in Order.objects.filter(number__in=[o.number for o in orders]).only("number")
    }
    all_lines = []
    for index, order_lines in lines.items():
        for line in order_lines:
            line["order_id"] = saved[orders[index].number]
            all_lines.append(line)
    demo.insert_rows(OrderLine, all_lines)

    remarks = []
    rows = []
    for index, moment, sequence, channel, reason, agent in reminders:
        order_id = saved[orders[index].number]
        feedback = REMINDER_FEEDBACK[reason]
        rows.append(
            PaymentReminder(
                order_id=order_id,
                sequence=sequence,
                channel=channel,
                reason=reason,
                feedback=feedback,
                agent=agent,
                created_at=moment,
            )
        )
        name = agent.get_full_name() or agent.username
        remarks.append(
            OrderRemark(
                order_id=order_id,
                text=reminder_remark_text(at=moment, agent_name=name, sequence=sequence, feedback=feedback),
                flag=flag,
                author=agent,
                created_at=moment,
            )
        )
    with demo.timestamps_kept(OrderRemark):
        PaymentReminder.objects.bulk_create(rows, batch_size=1000)
        OrderRemark.objects.bulk_create(remarks, batch_size=1000)
    profiles_refresh()  # the buyers' profiles, built from their orders as an import builds them
    states = {state: sum(1 for o in orders if o.state == state) for state in OrderState.values}
    return (
        f"{len(orders)} 个订单（六周），{len(all_lines)} 行宝贝，{len(rows)} 次催付，"
        f"{states[OrderState.WAIT_BUYER_PAY]} 个待付款，{states[OrderState.WAIT_SELLER_SEND]} 个待发货"
    )
