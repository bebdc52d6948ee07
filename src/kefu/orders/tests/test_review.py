"""Order review (订单审核): warnings, confirm, bulk confirm, gifts, courier and address, no lost update."""

import threading
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from kefu.core.activity import activity_list
from kefu.orders import rulebook, selectors, services
from kefu.orders.models import Order, OrderState
from kefu.orders.tests.factories import OrderFactory


@pytest.fixture
def paid_order(order_factory):
    return order_factory(paid=True)


def test_remote_area_and_wrong_postage_are_warned(order_factory):
    order = order_factory(paid=True, receiver_province="新疆维吾尔自治区", postage=Decimal("0.00"))
    warnings = rulebook.review_warnings(order)
    assert any("偏远地区" in w for w in warnings)
    assert any("邮费 0.00 元与店铺邮费规则（10.00 元）不符" in w for w in warnings)


def test_remote_area_with_the_right_postage_warns_only_about_the_area(order_factory):
    order = order_factory(paid=True, receiver_province="西藏自治区", postage=Decimal("10.00"))
    warnings = rulebook.review_warnings(order)
    assert len(warnings) == 1 and "偏远地区" in warnings[0]


def test_an_ordinary_order_has_no_warnings(paid_order):
    assert rulebook.review_warnings(paid_order) == []


def test_buyer_message_is_shown_as_a_warning(order_factory):
    order = order_factory(paid=True, buyer_message="请发顺丰")
    assert rulebook.review_warnings(order) == ["买家留言：请发顺丰"]


@pytest.mark.parametrize(
    ("pieces", "message", "flag", "confirmable"),
    [
        (1, "", "", True),
        (4, "", "", True),
        (5, "", "", False),
        (1, "周末不在家", "", False),
        (1, "", "red", False),
        (1, "", "purple", True),
    ],
)
def test_only_small_orders_without_special_requests_may_be_confirmed_in_bulk(
    order_factory, pieces, message, flag, confirmable
):
    order = order_factory(paid=True, item_count=pieces, buyer_message=message, flag=flag)
    assert rulebook.bulk_confirmable(order) is confirmable
    assert Order.objects.filter(pk=order.pk).filter(rulebook.bulk_confirmable_q()).exists() is confirmable


def test_confirm_records_who_and_when(paid_order, agent):
    services.order_review_confirm(order=paid_order, by=agent)
    paid_order.refresh_from_db()
    assert paid_order.reviewed_by == agent and paid_order.reviewed_at is not None
    assert selectors.review_queue().count() == 0


def test_a_second_confirm_is_refused(paid_order, agent, make_user):
    services.order_review_confirm(order=paid_order, by=agent)
    other = make_user("xiaoli", "客服")
    with pytest.raises(ValidationError, match="已于"):
        services.order_review_confirm(order=paid_order, by=other)
    paid_order.refresh_from_db()
    assert paid_order.reviewed_by == agent


def test_an_unpaid_order_is_not_reviewed(order_factory, agent):
    with pytest.raises(ValidationError, match="只有"):
        services.order_review_confirm(order=order_factory(), by=agent)


def test_bulk_confirm_confirms_the_eligible_and_names_the_rest(order_factory, agent):
    small = order_factory(paid=True, item_count=2)
    big = order_factory(paid=True, item_count=8)
    with_message = order_factory(paid=True, buyer_message="送礼，不要放发票")

    result = services.order_review_bulk_confirm(order_ids=[small.pk, big.pk, with_message.pk], by=agent)

    assert result == {"confirmed": 1, "skipped": sorted([big.pk, with_message.pk])}
    assert set(selectors.review_queue()) == {big, with_message}


def test_stale_version_is_refused_so_no_update_is_lost(paid_order, agent, make_user):
    """Two agents open the same order (version 1); the second save is refused, not applied."""
    seen = paid_order.version
    services.order_courier_change(order=paid_order, by=agent, courier="顺丰速运", expected_version=seen)
    other = make_user("xiaoli", "客服")

    with pytest.raises(ValidationError, match="已被其他客服修改"):
        services.order_address_edit(
            order=paid_order, by=other, receiver_name="李四", receiver_phone="139", receiver_address="上海 上海市",
            expected_version=seen,
        )  # fmt: skip

    paid_order.refresh_from_db()
    assert paid_order.courier == "顺丰速运"
    assert paid_order.receiver_name == "张小花"


def test_address_edit_is_recorded_with_who_and_a_remark(paid_order, agent):
    services.order_address_edit(
        order=paid_order,
        by=agent,
        receiver_name="张小花",
        receiver_phone="13800000000",
        receiver_address="新疆维吾尔自治区 乌鲁木齐市 天山区 解放北路 8 号",
    )
    paid_order.refresh_from_db()
    assert paid_order.receiver_province == "新疆维吾尔自治区"
    entry = activity_list(target=paid_order).get(verb="order_address_edit")
    assert entry.actor == agent
    assert entry.data["old"]["receiver_address"].startswith("浙江省")
    assert "修改收货信息" in paid_order.remarks.get().text


def test_address_edit_keeps_nothing_blank(paid_order, agent):
    with pytest.raises(ValidationError) as err:
        services.order_address_edit(
            order=paid_order, by=agent, receiver_name="", receiver_phone="", receiver_address=""
        )
    assert set(err.value.message_dict) == {"receiver_name", "receiver_phone", "receiver_address"}


def test_gift_is_added_as_a_free_line(paid_order, agent):
    line = services.order_gift_add(order=paid_order, by=agent, title="玫瑰小样 5ml", quantity=2)
    assert line.is_gift and line.price == 0 and line.quantity == 2
    assert paid_order.lines.get().title == "玫瑰小样 5ml"


def test_no_gift_or_courier_change_after_shipping(order_factory, agent):
    shipped = order_factory(shipped=True)
    with pytest.raises(ValidationError, match="已发货"):
        services.order_gift_add(order=shipped, by=agent, title="小样")
    with pytest.raises(ValidationError, match="已发货"):
        services.order_courier_change(order=shipped, by=agent, courier="顺丰")


def test_remark_with_red_flag_marks_a_special_request(paid_order, agent):
    services.order_remark_add(order=paid_order, by=agent, text="一定要发申通", flag="red")
    paid_order.refresh_from_db()
    assert paid_order.flag == "red"
    assert rulebook.flag_label("red") == "红旗（特殊要求）"
    remark = paid_order.remarks.get()
    assert (remark.text, remark.author, remark.flag) == ("一定要发申通", agent, "red")
    assert not rulebook.bulk_confirmable(paid_order)


def test_every_remark_is_kept_in_order(paid_order, agent, supervisor):
    services.order_remark_add(order=paid_order, by=agent, text="第一条")
    services.order_remark_add(order=paid_order, by=supervisor, text="第二条")
    assert [r.text for r in paid_order.remarks.all()] == ["第一条", "第二条"]


def test_an_unknown_flag_colour_is_refused(paid_order, agent):
    with pytest.raises(ValidationError, match="未知的旗帜"):
        services.order_flag_set(order=paid_order, by=agent, flag="pink")


# --- end-of-day recheck ------------------------------------------------------------------------


def _local(day_offset: int, hh: int, mm: int) -> datetime:
    today = timezone.localdate()
    return timezone.make_aware(
        datetime.combine(today + timedelta(days=day_offset), datetime.min.time())
    ).replace(hour=hh, minute=mm)


@pytest.mark.parametrize(
    ("paid", "late"),
    [((0, 16, 29), True), ((0, 16, 31), False), ((-1, 20, 0), True)],
)
def test_recheck_marks_orders_paid_before_the_cutoff_as_late(order_factory, paid, late):
    paid_at = _local(*paid)
    order = order_factory(state=OrderState.WAIT_SELLER_SEND, created_at=paid_at, paid_at=paid_at)
    now = _local(0, 23, 0)

    rows = selectors.recheck_list(now=now)

    assert [r.order for r in rows] == [order]
    assert rows[0].late is late
    assert rows[0].waited == now - paid_at


def test_recheck_lists_only_paid_unshipped_orders(order_factory):
    order_factory()
    order_factory(shipped=True)
    paid = order_factory(paid=True)
    assert [r.order for r in selectors.recheck_list()] == [paid]


# --- two agents at once --------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL's row locks"
)
def test_two_agents_confirming_at_once_confirm_once(make_user):
    order = OrderFactory(paid=True)
    agents = [make_user("a1", "客服"), make_user("a2", "客服")]
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def confirm(user):
        try:
            barrier.wait()
            services.order_review_confirm(order=order, by=user, expected_version=1)
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm, args=(user,)) for user in agents]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok", "refused"]
    order.refresh_from_db()
    assert order.version == 2
