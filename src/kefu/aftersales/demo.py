"""The demo shop's after-sales desk: a few cases of each kind at different steps, complaints, bad
reviews and one blacklisted customer, all made through the services (so history and due times are real)."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from kefu.aftersales import services
from kefu.aftersales.models import AfterSalesCase, CaseKind
from kefu.core import demo as core_demo
from kefu.orders.models import Order


def load() -> str:
    core_demo.demo_users_ensure()  # the loaders run before `serve` prints the logins; we need them now
    User = get_user_model()
    agent = User.objects.get(username="agent")
    aftersales = User.objects.get(username="aftersales")

    now = timezone.now()
    orders = list(Order.objects.prefetch_related("lines").order_by("-created_at")[:6])

    def order(i):
        return orders[i] if i < len(orders) else None

    def case(kind, i, **fields):
        o = order(i)
        if o is None:
            fields.setdefault("order_number", f"2026112000{i:05d}")
            fields.setdefault(
                "item_title", ["玻尿酸补水面霜 50ml", "氨基酸洁面乳", "保湿精华水 120ml"][i % 3]
            )
            fields.setdefault("amount", "129.00")
            fields.setdefault("outbound_postage", "8.00")
        return services.case_create(by=aftersales, kind=kind, order=o, **fields)

    c = case(
        CaseKind.RETURN_REFUND,
        0,
        buyer_nick="tb_chen2024",
        reason="不喜欢香味",
        received_by_buyer_at=now - timedelta(days=2),
    )
    c = case(
        CaseKind.RETURN_REFUND,
        1,
        buyer_nick="tb_lily",
        reason="瓶盖破损",
        quality_problem=True,
        return_postage="12.00",
        damage="signed_photos",
    )
    c = services.case_agree(case=c, by=aftersales)
    services.case_return_shipped(case=c, by=aftersales, waybill="SF1300224466", courier="顺丰速运")
    c = case(CaseKind.REFUND_ONLY, 2, buyer_nick="tb_wang88", reason="少发赠品", refund_requested="10.00")
    c = case(
        CaseKind.REFUND_ONLY, 3, buyer_nick="tb_zhao", reason="未按约定时间发货", refund_requested="20.00"
    )
    services.case_refuse(case=c, by=aftersales, reason="已按承诺时间发货，物流有记录")
    case(CaseKind.EXCHANGE, 4, buyer_nick="tb_sun", reason="色号拍错，换成 02 号")
    case(CaseKind.RESHIPMENT, 5, buyer_nick="tb_zhou", reason="快递丢件，补发一瓶")
    case(CaseKind.PROBLEM_PARCEL, 6, buyer_nick="tb_wu", waybill="773001234567", details="物流三天未更新")
    case(CaseKind.RETURNED_PARCEL, 7, buyer_nick="tb_zheng", waybill="773007654321", details="地址不详被退回")

    # A customer who has misdescribed goods five times: blacklisted by the rule, shown on their cases.
    for n in range(5):
        c = case(
            CaseKind.REFUND_ONLY,
            20 + n,
            buyer_nick="tb_trouble",
            refund_requested="30.00",
            reason="称未收到货",
        )
        services.case_misdescription_record(case=c, by=aftersales, note="物流显示本人签收，买家称未收到")
        services.case_close(case=c, by=aftersales, reason="核实为虚假描述")

    complaint = services.complaint_create(
        by=agent,
        customer_name="王女士",
        phone="13900002222",
        channel="phone",
        problem="用了面霜后脸上起红疹",
        product="玻尿酸补水面霜 50ml",
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
        by=agent, customer_name="李先生", buyer_nick="tb_li", channel="im", problem="客服回复太慢，态度敷衍"
    )
    services.review_record(
        by=agent,
        buyer_nick="tb_angry",
        rating="bad",
        text="物流太慢了，一个星期才到",
        reviewed_at=now - timedelta(hours=3),
    )
    services.review_record(
        by=agent, buyer_nick="tb_meh", rating="neutral", text="味道一般", reviewed_at=now - timedelta(days=1)
    )
    return f"{AfterSalesCase.objects.count()} 张售后单，2 条投诉，2 条中差评，1 位黑名单客户"
