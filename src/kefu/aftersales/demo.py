"""The demo shop's after-sales desk over six weeks: cases on real paid orders with the outcome their
times reach (refunded, exchanged, reshipped, refused…), complaints and bad reviews tied to orders
with how they ended, one blacklisted customer; the open ones are in the inbox as the services put
them there.

The history is written in bulk with past times (the services stamp "now"); the cases still open
today go through the services, so their inbox items, deadlines and history are the real ones.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from kefu.aftersales import rules, services
from kefu.aftersales.customer_card import customer_figures_refresh
from kefu.aftersales.models import (
    AfterSalesCase,
    BadReview,
    CaseKind,
    CaseState,
    Complaint,
    InspectionResult,
    RefundChannel,
)
from kefu.core import demo
from kefu.customers.models import Customer, Satisfaction
from kefu.orders.models import Order, OrderState

# kind, weight, reasons (reason, quality problem)
AFTER_RECEIPT = [
    (
        CaseKind.RETURN_REFUND,
        40,
        [
            ("七天无理由退货", False),
            ("不喜欢这个香味", False),
            ("用后皮肤泛红过敏", False),
            ("瓶身破损漏液", True),
        ],
    ),
    (CaseKind.REFUND_ONLY, 18, [("少发赠品", False), ("物流太慢，协商补偿", False), ("包装压坏", True)]),
    (CaseKind.EXCHANGE, 12, [("色号拍错，换 02 豆沙", False), ("收到的是旧包装", False)]),
    (CaseKind.RESHIPMENT, 10, [("漏发一件", True), ("快递丢件", True)]),
    (CaseKind.PROBLEM_PARCEL, 12, [("物流三天未更新", False), ("显示签收但未收到", False)]),
    (CaseKind.RETURNED_PARCEL, 8, [("地址不详被退回", False), ("买家拒收", False)]),
]
RESOLUTIONS = {
    CaseKind.EXCHANGE: "已收到退回商品，换发新品",
    CaseKind.RESHIPMENT: "已补发，运费由店铺承担",
    CaseKind.PROBLEM_PARCEL: "已联系快递，包裹已派送签收",
    CaseKind.RETURNED_PARCEL: "已与买家核对地址，重新发出",
}
COMPLAINTS = [
    (
        "phone",
        "用了面霜后脸上起红疹",
        "疑似个人肤质过敏，需品质部核查批次",
        "品质部",
        "批次检验合格，为个人肤质不耐受",
        "退货退款并赠送舒缓面膜",
    ),
    (
        "im",
        "客服回复太慢，态度敷衍",
        "高峰期排队，客服话术生硬",
        "客服部",
        "当天咨询量大，未及时分流",
        "致歉并赠送 10 元无门槛券，客服复训",
    ),
    (
        "im",
        "收到的精华液瓶盖松动漏了一半",
        "运输挤压导致",
        "仓储部",
        "打包未加封口膜",
        "补发一瓶，仓库增加封口膜",
    ),
    ("phone", "说好的赠品没有收到", "仓库漏放赠品", "仓储部", "赠品缺货未备注", "补寄赠品并致歉"),
    (
        "email",
        "快递员态度差，还要求自提",
        "快递网点问题",
        "客服部",
        "申通网点人手不足",
        "已向快递投诉，改发韵达",
    ),
    (
        "im",
        "活动价和页面显示不一致",
        "优惠券叠加规则未说明清楚",
        "运营部",
        "页面文案有歧义",
        "退还差价并修改页面说明",
    ),
]
REVIEWS = [
    ("bad", "物流太慢了，一个星期才到"),
    ("bad", "用了两天脸上长痘，不适合我"),
    ("neutral", "味道一般，保湿效果还行"),
    ("neutral", "包装有点简陋，送人不太好看"),
    ("bad", "收到的口红断了"),
    ("neutral", "和专柜的质地感觉不太一样"),
    ("bad", "客服一直不回复"),
]
OUTCOMES = [("changed", 45), ("explained", 40), ("unresolved", 15)]
PUBLIC_REPLY = "亲，非常抱歉给您带来不好的体验，我们已和您联系并处理，欢迎随时找客服小美~"


def _later(start: datetime, low_h: float, high_h: float, r) -> datetime:
    return start + timedelta(hours=low_h + (high_h - low_h) * r.random())


def _case_from_order(order: Order, kind: str, reason: str, quality: bool) -> AfterSalesCase:
    lines = [line for line in order.lines.all() if not line.is_gift]
    first = lines[0]
    return AfterSalesCase(
        kind=kind,
        order=order,
        buyer_nick=order.buyer_nick,
        buyer_phone=order.receiver_phone,
        order_number=order.number,
        purchase_date=timezone.localtime(order.paid_at).date(),
        item_title=first.title,
        quantity=first.quantity,
        amount=order.paid_amount,
        waybill=order.waybill,
        reason=reason,
        quality_problem=quality,
        free_shipping=order.postage == 0,
        outbound_postage=order.postage,
        return_required=kind == CaseKind.RETURN_REFUND,
    )


def _history(case: AfterSalesCase, *, start: datetime, now: datetime, r, team) -> AfterSalesCase | None:
    """The case's steps from ``start`` for as far as now reaches; None when it is still open (the
    open ones are made through the services)."""
    kind = case.kind
    case.requested_at = start
    if kind in (CaseKind.RETURN_REFUND, CaseKind.REFUND_ONLY):
        line_value = (
            case.amount if kind == CaseKind.RETURN_REFUND else Decimal(r.choice(["10.00", "15.00", "20.00"]))
        )
        case.refund_requested = line_value
        if kind == CaseKind.RETURN_REFUND and not case.quality_problem and r.random() < 0.12:
            case.refused_at = _later(start, 1, 20, r)
            case.refuse_reason = "商品已拆封使用，不支持七天无理由退货"
            case.closed_at = _later(case.refused_at, 24, 72, r)
            case.close_reason = "买家撤销退款申请"
            case.state = CaseState.CLOSED
            return case if case.closed_at < now else None
        case.agreed_at = _later(start, 0.5, 18, r)
        step = case.agreed_at
        if kind == CaseKind.RETURN_REFUND:
            case.return_shipped_at = _later(step, 10, 48, r)
            case.return_courier, case.return_waybill = "申通快递", f"77{r.randint(10**9, 10**10 - 1)}"
            case.received_at = _later(case.return_shipped_at, 40, 80, r)
            case.inspected_at = _later(case.received_at, 1, 6, r)
            case.inspected_by = team["aftersales"]
            case.inspection_condition = (
                "外包装完好，未拆封" if not case.quality_problem else "瓶身有裂痕，与买家照片一致"
            )
            case.inspection_result = InspectionResult.ACCEPTED
            step = case.inspected_at
        case.refunded_at = _later(step, 0.5, 12, r)
        case.refund_amount = line_value
        case.refund_channel = RefundChannel.PLATFORM
        case.refunded_by = r.choice([team["aftersales"], team["xiaochen"]])
        case.rights_protection = r.random() < 0.08
        case.state = CaseState.REFUNDED
        case.closed_at = case.refunded_at
        return case if case.refunded_at < now else None
    # exchange, reshipment, problem and returned parcels: handled and resolved
    if kind == CaseKind.EXCHANGE:
        case.agreed_at = _later(start, 0.5, 12, r)
        case.return_shipped_at = _later(case.agreed_at, 10, 48, r)
        case.received_at = _later(case.return_shipped_at, 40, 80, r)
        done = _later(case.received_at, 2, 20, r)
    else:
        done = _later(start, 4, 60, r)
    if kind in (CaseKind.EXCHANGE, CaseKind.RESHIPMENT, CaseKind.RETURNED_PARCEL):
        case.reship_courier, case.reship_waybill = "申通快递", f"77{r.randint(10**9, 10**10 - 1)}"
    case.resolution = RESOLUTIONS[kind]
    case.state = CaseState.RESOLVED
    case.closed_at = done
    return case if done < now else None


def load() -> str:
    team = demo.demo_staff()
    aftersales, agent, supervisor = team["aftersales"], team["agent"], team["supervisor"]
    r = demo.rng("aftersales")
    now = timezone.now()
    customers = dict(Customer.objects.exclude(buyer_nick="").values_list("buyer_nick", "id"))
    orders = list(
        Order.objects.filter(paid_at__isnull=False).prefetch_related("lines").order_by("created_at", "id")
    )

    history: list[AfterSalesCase] = []
    open_cases: list[tuple[AfterSalesCase, Order]] = []
    used: set[int] = set()
    for order in orders:
        # a buyer who cancelled before shipping: refunded, the trade closed
        if order.state == OrderState.TRADE_CLOSED and order.shipped_at is None:
            case = _case_from_order(
                order,
                CaseKind.REFUND_ONLY,
                r.choice(["拍错了，不想要了", "重复下单", "地址填错，重新拍"]),
                False,
            )
            case.requested_at = order.paid_at + (order.closed_at - order.paid_at) * (0.2 + 0.6 * r.random())
            case.refund_requested = case.refund_amount = order.paid_amount
            case.agreed_at = case.refunded_at = case.closed_at = order.closed_at
            case.refund_channel, case.refunded_by, case.state = (
                RefundChannel.PLATFORM,
                aftersales,
                CaseState.REFUNDED,
            )
            history.append(case)
            used.add(order.pk)
            continue
        if order.shipped_at is None or r.random() > 0.05:
            continue
        kind, _w, reasons = r.choices(AFTER_RECEIPT, weights=[k[1] for k in AFTER_RECEIPT])[0]
        reason, quality = r.choice(reasons)
        received = order.finished_at or order.shipped_at + timedelta(days=3)
        if kind in (CaseKind.PROBLEM_PARCEL, CaseKind.RETURNED_PARCEL):
            start = _later(order.shipped_at, 30, 70, r)  # on the way: before the buyer has it
            if order.state == OrderState.TRADE_FINISHED and start > order.finished_at:
                continue
        elif order.state == OrderState.TRADE_FINISHED:
            start = _later(received, 2, 96, r)
        else:
            start = _later(order.shipped_at, 50, 90, r)
        if start >= now:
            continue
        case = _case_from_order(order, kind, reason, quality)
        case.received_by_buyer_at = received if received < start else None
        done = _history(case, start=start, now=now, r=r, team=team)
        if done is not None and (
            order.state == OrderState.TRADE_FINISHED or kind not in (CaseKind.RETURN_REFUND,)
        ):
            history.append(done)
            used.add(order.pk)
        elif done is None and start > now - timedelta(days=4) and len(open_cases) < 14:
            open_cases.append((_case_from_order(order, kind, reason, quality), order))
            open_cases[-1][0].requested_at = start
            used.add(order.pk)
    for case in history:
        case.customer_id = customers.get(case.buyer_nick)
    AfterSalesCase.objects.bulk_create(history, batch_size=500)

    # the cases on the desk today, through the services: each a step of its own
    made = 0
    for i, (case, order) in enumerate(open_cases):
        c = services.case_create(
            by=aftersales,
            kind=case.kind,
            order=order,
            requested_at=case.requested_at,
            reason=case.reason,
            quality_problem=case.quality_problem,
            received_by_buyer_at=min(
                order.finished_at or order.shipped_at + timedelta(days=3), case.requested_at
            )
            if case.kind in (CaseKind.RETURN_REFUND, CaseKind.REFUND_ONLY, CaseKind.EXCHANGE)
            else None,
            refund_requested=case.amount
            if case.kind == CaseKind.RETURN_REFUND
            else Decimal("10.00")
            if case.kind == CaseKind.REFUND_ONLY
            else None,
            damage="signed_photos" if case.quality_problem and case.kind == CaseKind.RETURN_REFUND else "",
        )
        made += 1
        if c.kind == CaseKind.RETURN_REFUND and i % 3 == 1:
            c = services.case_agree(case=c, by=aftersales)
            if i % 2:
                services.case_return_shipped(
                    case=c, by=aftersales, waybill=f"SF13002{24466 + i}", courier="顺丰速运"
                )
        elif c.kind == CaseKind.REFUND_ONLY and i % 2:
            services.case_refuse(case=c, by=aftersales, reason="已核实赠品随单发出，物流称重一致")

    # A buyer who has misdescribed goods five times: blacklisted by the rule, shown on her cases.
    trouble = demo.buyers()[12].nick
    for n, order in enumerate(
        [o for o in orders if o.buyer_nick == trouble and o.pk not in used and o.finished_at][:5]
    ):
        c = services.case_create(
            by=aftersales,
            kind=CaseKind.REFUND_ONLY,
            order=order,
            requested_at=order.finished_at + timedelta(hours=6),
            refund_requested=Decimal("30.00"),
            reason="称未收到货",
        )
        services.case_misdescription_record(case=c, by=aftersales, note="物流显示本人签收，买家称未收到")
        services.case_close(case=c, by=aftersales, reason="核实为虚假描述")
        AfterSalesCase.objects.filter(pk=c.pk).update(closed_at=order.finished_at + timedelta(hours=30 + n))
        made += 1

    # --- complaints -----------------------------------------------------------------------------
    finished = [o for o in orders if o.state == OrderState.TRADE_FINISHED]
    complaints = []
    for day in demo.history_days(now)[:-5]:
        if r.random() > 0.45:
            continue
        order = r.choice([o for o in finished if o.finished_at < demo.at(day, 0)] or finished)
        channel, problem, judgement, department, cause, handling = r.choice(COMPLAINTS)
        received = demo.at(day, 9 * 3600 + r.random() * 11 * 3600)
        if received < order.finished_at:
            received = order.finished_at + timedelta(hours=2)
        if received >= now - timedelta(days=4):
            continue
        satisfaction = r.choices(["satisfied", "partly", "unsatisfied"], weights=[60, 28, 12])[0]
        complaints.append(
            Complaint(
                customer_id=customers.get(order.buyer_nick),
                order=order,
                customer_name=order.receiver_name,
                phone=order.receiver_phone,
                buyer_nick=order.buyer_nick,
                channel=channel,
                problem=problem,
                product=order.items_summary.split("，")[0][:200],
                received_at=received,
                first_judgement=judgement,
                promised_reply_at=received + timedelta(hours=24),
                department=department,
                signed_off_by=supervisor,
                signed_off_at=_later(received, 4, 24, r),
                cause=cause,
                proposed_handling=handling,
                customer_informed_at=_later(received, 24, 48, r),
                follow_up="已回访，买家认可处理结果"
                if satisfaction != "unsatisfied"
                else "买家仍不满意，已记录",
                satisfaction=satisfaction,
                quick_steps=["calm", "cause", "position", "solve", "apologise", "thank"],
                closed_at=_later(received, 48, 96, r),
            )
        )
    Complaint.objects.bulk_create(complaints)
    recent = [o for o in finished if o.finished_at > now - timedelta(days=3)] or finished
    first = recent[0]
    complaint = services.complaint_create(
        by=agent,
        customer_name=first.receiver_name,
        phone=first.receiver_phone,
        buyer_nick=first.buyer_nick,
        order=first,
        channel="phone",
        problem="用了面霜后脸上起红疹",
        product="玻尿酸补水保湿面霜 50ml",
        product_batch="B20260901",
    )
    services.complaint_update(
        complaint=complaint,
        by=aftersales,
        first_judgement="疑似个人肤质过敏，需品质部核查批次",
        promised_reply_at=now + timedelta(hours=4),
        expected_handling_at=now + timedelta(days=1),
    )
    services.complaint_step_set(complaint=complaint, by=aftersales, step="calm", done=True)
    services.complaint_create(
        by=agent,
        customer_name=recent[-1].receiver_name,
        buyer_nick=recent[-1].buyer_nick,
        order=recent[-1],
        channel="im",
        problem="客服回复太慢，态度敷衍",
    )

    # --- bad and neutral reviews ----------------------------------------------------------------
    reviews = []
    for order in finished:
        if r.random() > 0.012:
            continue
        reviewed = _later(order.finished_at, 1, 60, r)
        if reviewed >= now - timedelta(days=3):
            continue
        rating, text = r.choice(REVIEWS)
        outcome = r.choices([o for o, _w in OUTCOMES], weights=[w for _o, w in OUTCOMES])[0]
        reviews.append(
            BadReview(
                customer_id=customers.get(order.buyer_nick),
                order=order,
                order_number=order.number,
                buyer_nick=order.buyer_nick,
                item_title=order.items_summary.split("，")[0][:200],
                rating=rating,
                text=text,
                reviewed_at=reviewed,
                final_due_at=rules.review_final_due(reviewed),
                change_deadline=rules.review_change_deadline(reviewed),
                settle_by=rules.review_due(reviewed_at=reviewed, now=reviewed),
                outcome=outcome,
                public_reply=PUBLIC_REPLY if outcome == "explained" else "",
                outcome_note="买家不接受补偿，坚持不改评价" if outcome == "unresolved" else "",
                closed_at=_later(reviewed, 4, 48, r),
                closed_by=supervisor,
            )
        )
    BadReview.objects.bulk_create(reviews)
    for order, (rating, text) in zip(recent[1:3], REVIEWS[:2], strict=False):
        services.review_record(
            by=agent,
            buyer_nick=order.buyer_nick,
            rating=rating,
            text=text,
            order=order,
            item_title=order.items_summary.split("，")[0][:200],
            reviewed_at=max(order.finished_at, now - timedelta(hours=5)),
        )
    customer_figures_refresh()

    # the customers' own ratings of the settled cases and complaints (the survey link they got)
    ratings = []
    for kind, rows in (
        ("case", AfterSalesCase.objects.filter(closed_at__isnull=False, misdescribed=False)),
        ("complaint", Complaint.objects.filter(closed_at__isnull=False)),
    ):
        for row in rows:
            rated = row.closed_at + timedelta(hours=1 + r.random() * 20)
            if rated < now and r.random() < 0.45:
                low = kind == "complaint" and row.satisfaction == "unsatisfied"
                ratings.append(
                    Satisfaction(
                        kind=kind,
                        source_id=row.pk,
                        agent=r.choice([team["aftersales"], team["xiaochen"]]),
                        customer_id=row.customer_id,
                        score=r.choice([1, 2] if low else [5, 5, 5, 4, 4, 3]),
                        created_at=rated,
                    )
                )
    with demo.timestamps_kept(Satisfaction):
        Satisfaction.objects.bulk_create(ratings)
    cases = AfterSalesCase.objects.count()
    return f"{cases} 张售后单（{len(open_cases)} 张处理中），{Complaint.objects.count()} 条投诉，{BadReview.objects.count()} 条中差评，1 位黑名单客户"
