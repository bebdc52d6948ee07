"""The orders' paper forms: 订单更改通知书 (request → supervisor → warehouse), 发货通知单 per batch,
订单评审表; each printed and in Excel, with the same refusals on the page and the API."""

import io
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from kefu.core.activity import activity_list
from kefu.core.paperforms import table_start
from kefu.orders import paperwork
from kefu.orders.models import ChangeState, OrderChange, OrderRemark, OrderState, ShippingNotice

API = "/api/v1/orders/"


def _sheet(response):
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content)).active


def _fields(sheet) -> dict:
    """The form's header lines: label → the cell holding its value."""
    out = {}
    for row in sheet.iter_rows(min_row=2):
        if row[0].value and len(row) > 1:
            out.setdefault(row[0].value, row[1])
    return out


def _table(sheet, first_column: str) -> list[dict]:
    """The form's table read back: one dict per row, up to the blank line before the signatures."""
    start = table_start(sheet, first_column)
    header = [c.value for c in sheet[start]]
    rows = []
    for values in sheet.iter_rows(min_row=start + 1, values_only=True):
        if values[0] is None:
            break
        rows.append(dict(zip(header, values, strict=False)))
    return rows


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _request(order, by, **extra):
    values = {
        "subject": "spec",
        "before": "玫瑰面霜 50g",
        "after": "玫瑰面霜 100g",
        "extra_cost": Decimal("30"),
    }
    values.update(extra)
    return paperwork.order_change_request(order=order, by=by, **values)


# --- 订单更改通知书 --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "allowed"),
    [
        (OrderState.WAIT_BUYER_PAY, False),
        (OrderState.WAIT_SELLER_SEND, True),
        (OrderState.SELLER_CONSIGNED_PART, True),
        (OrderState.WAIT_BUYER_CONFIRM, False),
        (OrderState.TRADE_FINISHED, False),
        (OrderState.TRADE_CLOSED, False),
    ],
)
def test_a_change_is_recorded_only_for_a_paid_order_not_yet_shipped(order_factory, agent, state, allowed):
    order = order_factory(state=state)
    if allowed:
        change = _request(order, agent)
        assert change.state == ChangeState.REQUESTED and change.extra_cost == Decimal("30.00")
        assert [e.verb for e in activity_list(target=order)] == ["order_change_request"]
    else:
        with pytest.raises(ValidationError, match="已付款、未发货"):
            _request(order, agent)
        assert not OrderChange.objects.exists()


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"before": " "}, "before"),
        ({"after": ""}, "after"),
        ({"after": "玫瑰面霜 50g"}, "after"),
        ({"extra_cost": Decimal("-1")}, "extra_cost"),
        ({"subject": "colour"}, "subject"),
    ],
)
def test_an_incomplete_change_is_refused_by_field(order_factory, agent, extra, field):
    with pytest.raises(ValidationError) as caught:
        _request(order_factory(paid=True), agent, **extra)
    assert field in caught.value.message_dict
    assert not OrderChange.objects.exists()


def test_only_one_change_of_an_order_waits_for_the_supervisor(order_factory, agent, supervisor):
    order = order_factory(paid=True)
    first = _request(order, agent)
    with pytest.raises(ValidationError, match="等待主管批准"):
        _request(order, agent, after="玫瑰面霜 30g")
    with pytest.raises(IntegrityError), transaction.atomic():
        OrderChange.objects.create(order=order, subject="spec", before="a", after="b")
    paperwork.order_change_approve(change=first, by=supervisor)
    assert _request(order, agent, after="玫瑰面霜 30g").state == ChangeState.REQUESTED


def test_an_agent_cannot_approve_and_nothing_changes(order_factory, agent):
    change = _request(order_factory(paid=True), agent)
    with pytest.raises(PermissionDenied):
        paperwork.order_change_approve(change=change, by=agent)
    change.refresh_from_db()
    assert change.state == ChangeState.REQUESTED and change.decided_by is None


def test_the_supervisor_approves_once_and_the_warehouse_is_told_once(order_factory, agent, supervisor):
    order = order_factory(paid=True)
    change = _request(order, agent)
    with pytest.raises(ValidationError, match="主管批准后"):
        paperwork.order_change_warehouse_notify(change=change, by=agent, contact="仓库老陈")
    paperwork.order_change_approve(change=change, by=supervisor, note="可以")
    with pytest.raises(ValidationError, match="已经处理过"):
        paperwork.order_change_refuse(change=change, by=supervisor, note="改主意")
    notified = paperwork.order_change_warehouse_notify(change=change, by=agent, contact=" 仓库 老陈 ")
    assert notified.warehouse_contact == "仓库 老陈" and notified.warehouse_notified_by == agent
    with pytest.raises(ValidationError, match="通知过仓库"):
        paperwork.order_change_warehouse_notify(change=change, by=agent, contact="别人")
    assert sorted(e.verb for e in activity_list(target=order)) == [
        "order_change_approve",
        "order_change_request",
        "order_change_warehouse_notify",
    ]


def test_a_refusal_needs_a_reason(order_factory, agent, supervisor):
    change = _request(order_factory(paid=True), agent)
    with pytest.raises(ValidationError):
        paperwork.order_change_refuse(change=change, by=supervisor, note="")
    refused = paperwork.order_change_refuse(change=change, by=supervisor, note="仓库已打包")
    assert refused.state == ChangeState.REFUSED and refused.decision_note == "仓库已打包"


def test_the_order_page_links_to_its_change_and_review_forms(login, agent, order_factory):
    order = order_factory(paid=True)
    html = login(agent).get(f"/desk/orders/{order.number}/").content.decode()
    assert f"/desk/orders/{order.number}/changes/new/" in html
    assert f"/desk/orders/{order.number}/review-form/" in html


def test_an_agent_requests_a_change_on_the_page_and_prints_the_notice(login, agent, order_factory):
    order = order_factory(paid=True, buyer_nick="小鹿买家")
    client = login(agent)
    assert "提交主管批准" in client.get(f"/desk/orders/{order.number}/changes/new/").content.decode()
    response = client.post(
        f"/desk/orders/{order.number}/changes/",
        {"subject": "address", "before": "杭州市西湖区", "after": "杭州市滨江区", "extra_cost": "8.50",
         "customer_request": "地址写错了，改到滨江"},
    )  # fmt: skip
    change = OrderChange.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/desk/orders/changes/{change.pk}/"
    html = client.get(response["Location"]).content.decode()
    for text in ("订单更改通知书", change.notice_number, order.number, "杭州市滨江区", "地址写错了，改到滨江",
                 "8.50", "待主管批准", "data-print", "paper.css"):  # fmt: skip
        assert text in html
    assert 'id="decision-form"' not in html  # an agent does not see the supervisor's buttons


def test_a_refused_change_on_the_page_keeps_what_was_typed(login, agent, order_factory):
    order = order_factory()  # unpaid
    response = login(agent).post(
        f"/desk/orders/{order.number}/changes/", {"subject": "spec", "before": "50g", "after": "100g"}
    )
    assert response.status_code == 400
    assert "已付款、未发货" in response.content.decode()
    assert not OrderChange.objects.exists()


def test_the_supervisor_approves_on_the_page_and_an_agent_may_not(login, agent, supervisor, order_factory):
    change = _request(order_factory(paid=True), agent)
    assert login(agent).post(f"/desk/orders/changes/{change.pk}/approve/", {"note": ""}).status_code == 403
    supervisor_client = login(supervisor)
    assert (
        'id="decision-form"' in supervisor_client.get(f"/desk/orders/changes/{change.pk}/").content.decode()
    )
    supervisor_client.post(f"/desk/orders/changes/{change.pk}/approve/", {"note": "同意，补差价"})
    change.refresh_from_db()
    assert change.state == ChangeState.APPROVED and change.decided_by == supervisor
    login(agent).post(f"/desk/orders/changes/{change.pk}/warehouse-notified/", {"contact": "物控部小王"})
    change.refresh_from_db()
    assert change.warehouse_contact == "物控部小王" and change.warehouse_notified_at is not None


def test_the_change_notice_in_excel_has_real_numbers_and_times(login, agent, supervisor, order_factory):
    change = _request(order_factory(paid=True), agent, extra_cost=Decimal("12.40"))
    paperwork.order_change_approve(change=change, by=supervisor)
    sheet = _sheet(login(agent).get(f"/desk/orders/changes/{change.pk}/xlsx/"))
    assert sheet["A1"].value == "订单更改通知书"
    fields = _fields(sheet)
    assert fields["订单编号"].value == change.order.number
    assert fields["客户需承担费用（元）"].value == 12.4
    assert fields["更改后"].value == "玫瑰面霜 100g"
    requested = fields["申请时间"].value
    assert isinstance(requested, datetime)
    assert requested == timezone.localtime(change.requested_at).replace(tzinfo=None, microsecond=0)
    assert isinstance(fields["批准时间"].value, datetime)
    assert fields["批准人"].value == "王主管"


def test_the_change_list_exports_every_change_with_a_chinese_header(login, agent, order_factory):
    for cost in ("0", "15"):
        _request(order_factory(paid=True), agent, extra_cost=Decimal(cost))
    client = login(agent)
    html = client.get("/desk/orders/changes/").content.decode()
    assert html.count("/desk/orders/changes/") >= 2 and "导出 Excel" in html
    sheet = _sheet(client.get("/desk/orders/changes/export/"))
    start = table_start(sheet, "通知书编号")
    header = [c.value for c in sheet[start]]
    assert header[:4] == ["通知书编号", "订单编号", "买家", "更改项目"]
    costs = sorted(
        row[header.index("客户需承担费用（元）")]
        for row in sheet.iter_rows(min_row=start + 1, values_only=True)
    )
    assert costs == [0, 15]


def test_the_change_list_costs_the_same_queries_for_two_or_six_changes(login, agent, order_factory):
    client = login(agent)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/desk/orders/changes/").status_code == 200
        return len(ctx)

    for _i in range(2):
        _request(order_factory(paid=True), agent)
    two = queries()
    for _i in range(4):
        _request(order_factory(paid=True), agent)
    assert queries() == two


def test_the_change_api_follows_the_same_steps(agent, supervisor, order_factory):
    order = order_factory(paid=True)
    agent_api, supervisor_api = _api(agent), _api(supervisor)
    response = agent_api.post(
        f"{API}{order.number}/changes/",
        {"subject": "goods", "before": "面霜 ×1", "after": "面霜 ×2", "extra_cost": 128},
        format="json",
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert response.json()["extra_cost"] == "128.00" and response.json()["state"] == "requested"
    assert agent_api.post(f"{API}{order.number}/changes/", {"subject": "goods", "before": "a", "after": "b"},
                          format="json").status_code == 400  # fmt: skip
    assert agent_api.post(f"{API}changes/{pk}/approve/", {}, format="json").status_code == 403
    assert agent_api.post(f"{API}changes/{pk}/warehouse-notified/", {}, format="json").status_code == 400
    approved = supervisor_api.post(f"{API}changes/{pk}/approve/", {"note": "好"}, format="json")
    assert approved.status_code == 200 and approved.json()["decided_by"] == "王主管"
    told = agent_api.post(f"{API}changes/{pk}/warehouse-notified/", {"contact": "老陈"}, format="json")
    assert told.json()["warehouse_contact"] == "老陈"
    listed = agent_api.get(f"{API}changes/", {"state": "approved"}).json()
    assert [c["id"] for c in listed["results"]] == [pk]


# --- 发货通知单 ------------------------------------------------------------------------------------


@pytest.fixture
def notice_flag(db):
    from kefu.core import shopsettings

    return shopsettings.get("special_request_flag")


@pytest.mark.parametrize(
    ("attrs", "reviewed", "ready"),
    [
        ({"item_count": 1}, False, True),  # small retail order: no review needed
        ({"item_count": 1, "buyer_message": "周末送"}, False, False),
        ({"item_count": 1, "buyer_message": "周末送"}, True, True),
        ({"item_count": 8}, False, False),
        ({"item_count": 8}, True, True),
    ],
)
def test_orders_ready_to_ship_are_reviewed_or_need_no_review(order_factory, agent, attrs, reviewed, ready):
    order = order_factory(paid=True, **attrs)
    if reviewed:
        order.reviewed_at, order.reviewed_by = timezone.now(), agent
        order.save()
    assert (order in paperwork.ready_to_ship()) is ready


@pytest.mark.parametrize(
    "state", [OrderState.WAIT_BUYER_PAY, OrderState.WAIT_BUYER_CONFIRM, OrderState.TRADE_CLOSED]
)
def test_orders_not_waiting_to_ship_are_never_ready(order_factory, state):
    assert not paperwork.ready_to_ship().filter(pk=order_factory(state=state).pk).exists()


def test_a_notice_takes_ready_orders_once_and_refuses_the_others_by_number(order_factory, agent):
    small, other = order_factory(paid=True), order_factory(paid=True)
    unpaid = order_factory()
    with pytest.raises(ValidationError, match=unpaid.number):
        paperwork.shipping_notice_create(order_ids=[small.pk, unpaid.pk], by=agent)
    assert not ShippingNotice.objects.exists()
    notice = paperwork.shipping_notice_create(order_ids=[small.pk, other.pk], by=agent, urgent=True)
    assert [e.order for e in notice.entries.all()] == [small, other]
    assert not paperwork.ready_to_ship().filter(pk__in=[small.pk, other.pk]).exists()
    with pytest.raises(ValidationError, match=small.number):
        paperwork.shipping_notice_create(order_ids=[small.pk], by=agent)
    assert [e.verb for e in activity_list(target=small)] == ["shipping_notice_add"]


@pytest.mark.parametrize(
    ("hour", "minute", "days_later"),
    [(9, 0, 0), (16, 29, 0), (16, 30, 1), (20, 0, 1)],
)
def test_a_notice_made_after_the_cut_off_ships_the_next_day(hour, minute, days_later, db):
    day = date(2026, 11, 11)
    now = timezone.make_aware(datetime(2026, 11, 11, hour, minute))
    assert paperwork.ship_on(now) == day + timedelta(days=days_later)


def test_the_shipping_page_builds_a_notice_to_print_and_export(
    login, agent, order_factory, order_line_factory, notice_flag
):
    order = order_factory(paid=True, receiver_name="李小白", courier="中通快递")
    order_line_factory(order=order, title="玫瑰精华水", sku="150ml", quantity=2, outer_code="MG-150")
    order_line_factory(order=order, title="化妆棉", sku="", quantity=1, is_gift=True, outer_code="")
    OrderRemark.objects.create(order=order, text="请用防震包装", flag=notice_flag)
    client = login(agent)
    page = client.get("/desk/orders/shipping/").content.decode()
    assert order.number in page and "请用防震包装" in page
    response = client.post("/desk/orders/shipping/notices/", {"numbers": [order.number], "urgent": "on"})
    notice = ShippingNotice.objects.get()
    assert response["Location"] == f"/desk/orders/shipping/notices/{notice.pk}/"
    html = client.get(response["Location"]).content.decode()
    for text in ("发货通知单", notice.notice_number, "MG-150", "玫瑰精华水", "150ml", "请用防震包装", "李小白",
                 "加急", "物控部签收", "data-print"):  # fmt: skip
        assert text in html
    sheet = _sheet(client.get(f"/desk/orders/shipping/notices/{notice.pk}/xlsx/"))
    assert sheet["A1"].value == "发货通知单"
    rows = _table(sheet, "序号")
    assert [(r["产品编号"], r["名称"], r["数量"]) for r in rows] == [
        ("MG-150", "玫瑰精华水", 2),
        (None, "化妆棉（赠品）", 1),  # an empty cell, as Excel keeps it
    ]
    assert rows[0]["特殊要求"] == "请用防震包装" and rows[0]["快递"] == "中通快递"
    assert isinstance(rows[0]["发货时间"], datetime) and rows[0]["发货时间"].date() == notice.ship_on
    assert _fields(sheet)["订单数"].value == 1


def test_choosing_an_unready_order_on_the_page_writes_nothing(login, agent, order_factory):
    order = order_factory(paid=True, item_count=9)  # needs review first
    response = login(agent).post("/desk/orders/shipping/notices/", {"numbers": [order.number]})
    assert response.status_code == 400 and order.number in response.content.decode()
    assert not ShippingNotice.objects.exists()


def test_the_shipping_api_lists_ready_orders_and_makes_a_notice(agent, order_factory):
    ready, unready = order_factory(paid=True), order_factory(paid=True, buyer_message="发顺丰")
    api = _api(agent)
    listed = [o["number"] for o in api.get(f"{API}shipping/ready/").json()["results"]]
    assert ready.number in listed and unready.number not in listed
    refused = api.post(f"{API}shipping/notices/", {"numbers": [unready.number]}, format="json")
    assert refused.status_code == 400 and unready.number in refused.content.decode()
    missing = api.post(f"{API}shipping/notices/", {"numbers": ["99999999"]}, format="json")
    assert missing.status_code == 400
    made = api.post(f"{API}shipping/notices/", {"numbers": [ready.number], "urgent": True}, format="json")
    assert (
        made.status_code == 201 and made.json()["orders"] == [ready.number] and made.json()["urgent"] is True
    )
    assert api.get(f"{API}shipping/notices/").json()["count"] == 1


def test_paper_pages_need_a_team_member(client, order_factory):
    order = order_factory(paid=True)
    for url in (
        f"/desk/orders/{order.number}/review-form/",
        "/desk/orders/shipping/",
        "/desk/orders/changes/",
    ):
        assert client.get(url).status_code == 302
    assert APIClient().get(f"{API}changes/").status_code in (401, 403)


# --- 订单评审表 ------------------------------------------------------------------------------------


def test_the_review_form_prints_the_order_as_the_departments_sign_it(
    login, agent, order_factory, order_line_factory, notice_flag
):
    order = order_factory(paid=True, buyer_message="送朋友，不要放发票", goods_amount=Decimal("256.00"))
    order_line_factory(order=order, title="玫瑰保湿面霜 50g", sku="50g", quantity=2, outer_code="MG-50")
    order.reviewed_at, order.reviewed_by = timezone.now(), agent
    order.save()
    client = login(agent)
    html = client.get(f"/desk/orders/{order.number}/review-form/").content.decode()
    for text in ("订单评审表", order.number, "MG-50", "送朋友，不要放发票", "交货时间", "部门领导签字", "物控部签字",
                 "小美", "data-print"):  # fmt: skip
        assert text in html
    sheet = _sheet(client.get(f"/desk/orders/{order.number}/review-form/xlsx/"))
    fields = _fields(sheet)
    assert fields["货款（元）"].value == 256
    assert isinstance(fields["付款时间"].value, datetime)
    assert fields["特殊要求"].value == "送朋友，不要放发票"
    start = table_start(sheet, "产品编号")
    assert list(next(sheet.iter_rows(min_row=start + 1, values_only=True)))[:5] == [
        "MG-50",
        "玫瑰保湿面霜 50g",
        "50g",
        2,
        128,
    ]


def test_in_english_the_page_is_english_and_the_excel_stays_the_shops_chinese(login, agent, order_factory):
    change = _request(order_factory(paid=True), agent)
    client = login(agent)
    client.cookies["django_language"] = "en"
    html = client.get(f"/desk/orders/changes/{change.pk}/").content.decode()
    assert "Order change notice" in html and "Cost to the customer" in html and "Awaiting supervisor" in html
    assert "订单更改通知书" not in html
    sheet = _sheet(client.get(f"/desk/orders/changes/{change.pk}/xlsx/"))
    assert sheet["A1"].value == "订单更改通知书" and _fields(sheet)["更改项目"].value == "规格/颜色"


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_the_shipping_page_and_a_notice_cost_the_same_queries_for_two_or_six_orders(
    login, agent, order_factory, order_line_factory, notice_flag
):
    client = login(agent)

    def add(n: int) -> list:
        orders = [order_factory(paid=True) for _i in range(n)]
        for order in orders:
            order_line_factory(order=order)
            OrderRemark.objects.create(order=order, text="防震", flag=notice_flag)
        return orders

    add(2)
    few = _queries(client, "/desk/orders/shipping/")
    add(4)
    assert _queries(client, "/desk/orders/shipping/") == few
    small = paperwork.shipping_notice_create(order_ids=[o.pk for o in add(2)], by=agent)
    large = paperwork.shipping_notice_create(order_ids=[o.pk for o in add(6)], by=agent)
    assert _queries(client, f"/desk/orders/shipping/notices/{small.pk}/") == _queries(
        client, f"/desk/orders/shipping/notices/{large.pk}/"
    )
