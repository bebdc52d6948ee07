"""The orders' paper forms, printed and in Excel: 订单评审表, 发货通知单, 订单更改通知书.

The printed page and the Excel file are built from the same lines here, so what the warehouse
reads on paper and in the sheet is the same. The Excel file is the shop's record and is always in
the shop's language (Chinese), whatever language the agent reads the page in.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kefu.core import shopsettings
from kefu.core.paperforms import PaperForm, paper_workbook
from kefu.orders import rulebook
from kefu.orders.models import Order, OrderChange, OrderState, ShippingNotice


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def special_requests(order: Order) -> str:
    """The buyer's message and the remarks under the special-request flag (先点红旗，再写备注)."""
    flag = shopsettings.get("special_request_flag")
    parts = [order.buyer_message.strip()] if order.buyer_message.strip() else []
    parts += [r.text for r in order.remarks.all() if flag and r.flag == flag]
    return "；".join(parts)


def delivery_date(order: Order) -> date | None:
    """When the order should leave: the day it was paid if before the cut-off, else the next day."""
    if order.paid_at is None:
        return None
    day = timezone.localdate(order.paid_at)
    if order.paid_at >= rulebook.shipping_cutoff_on(day):
        day = date.fromordinal(day.toordinal() + 1)
    return day


@dataclass
class Line:
    code: str
    title: str
    spec: str
    quantity: int
    price: Decimal | None
    gift: bool


def order_lines(order: Order) -> list[Line]:
    lines = [
        Line(line.outer_code, line.title, line.sku, line.quantity, line.price, line.is_gift)
        for line in order.lines.all()
    ]
    if not lines:  # the line export was not imported: what the order export says
        lines = [Line("", order.items_summary, "", order.item_count, None, False)]
    return lines


# --- 订单评审表 ------------------------------------------------------------------------------------


def review_form_fields(order: Order) -> list[tuple[str, object]]:
    return [
        (_("订单编号"), order.number),
        (_("买家"), order.buyer_nick),
        (_("收货人"), order.receiver_name),
        (_("联系手机"), order.receiver_phone),
        (_("收货地址"), order.receiver_address),
        (_("订单状态"), order.state_label),
        (_("下单时间"), order.created_at),
        (_("付款时间"), order.paid_at or ""),
        (_("交货时间"), delivery_date(order) or ""),
        (_("运送方式"), order.get_shipping_method_display()),
        (_("快递"), order.courier),
        (_("货款（元）"), order.goods_amount),
        (_("邮费（元）"), order.postage),
        (_("实付（元）"), order.paid_amount),
        (_("特殊要求"), special_requests(order)),
        (
            _("审单提示"),
            "；".join(rulebook.review_warnings(order)) if order.state == OrderState.WAIT_SELLER_SEND else "",
        ),
    ]


def review_form_columns() -> list[str]:
    return [_("产品编号"), _("名称"), _("规格"), _("数量"), _("单价（元）"), _("赠品")]


def review_form_rows(order: Order) -> list[list[object]]:
    return [
        [
            line.code,
            line.title,
            line.spec,
            line.quantity,
            line.price if line.price is not None else "",
            _("是") if line.gift else "",
        ]
        for line in order_lines(order)
    ]


def review_form_signatures(order: Order) -> list[tuple[str, str]]:
    reviewed = ""
    if order.reviewed_at:
        reviewed = f"{_name(order.reviewed_by)} {timezone.localtime(order.reviewed_at):%Y-%m-%d %H:%M}"
    return [(_("客服审核"), reviewed), (_("部门领导签字"), ""), (_("物控部签字"), "")]


def review_form_workbook(order: Order) -> bytes:
    with translation.override(settings.LANGUAGE_CODE):
        return paper_workbook(
            PaperForm(
                title=_("订单评审表"),
                fields=review_form_fields(order),
                columns=review_form_columns(),
                rows=review_form_rows(order),
                signatures=review_form_signatures(order),
            )
        )


# --- 发货通知单 ------------------------------------------------------------------------------------


def notice_columns() -> list[str]:
    return [
        _("序号"),
        _("订单编号"),
        _("产品编号"),
        _("名称"),
        _("规格"),
        _("数量"),
        _("特殊要求"),
        _("收货人"),
        _("联系手机"),
        _("收货地址"),
        _("快递"),
        _("发货时间"),
    ]


def notice_rows(notice: ShippingNotice) -> Iterator[list[object]]:
    number = 0
    for entry in notice.entries.all():
        order = entry.order
        requests = special_requests(order)
        for line in order_lines(order):
            number += 1
            yield [
                number,
                order.number,
                line.code,
                line.title + (f"（{_('赠品')}）" if line.gift else ""),
                line.spec,
                line.quantity,
                requests,
                order.receiver_name,
                order.receiver_phone,
                order.receiver_address,
                order.courier,
                notice.ship_on,
            ]


def notice_fields(notice: ShippingNotice) -> list[tuple[str, object]]:
    return [
        (_("通知单编号"), notice.notice_number),
        (_("发货日期"), notice.ship_on),
        (_("加急"), _("加急") if notice.urgent else ""),
        (_("订单数"), len(notice.entries.all())),
        (_("编制人"), _name(notice.created_by)),
        (_("转物控部时间"), notice.created_at),
        (_("备注"), notice.note),
    ]


def notice_signatures() -> list[tuple[str, str]]:
    return [(_("物控部签收"), ""), (_("发货人"), "")]


def notice_workbook(notice: ShippingNotice) -> bytes:
    with translation.override(settings.LANGUAGE_CODE):
        return paper_workbook(
            PaperForm(
                title=_("发货通知单"),
                fields=notice_fields(notice),
                columns=notice_columns(),
                rows=list(notice_rows(notice)),
                signatures=notice_signatures(),
            )
        )


# --- 订单更改通知书 --------------------------------------------------------------------------------


def _when(value: datetime | None) -> datetime | str:
    return value if value is not None else ""


def change_fields(change: OrderChange) -> list[tuple[str, object]]:
    order = change.order
    return [
        (_("通知书编号"), change.notice_number),
        (_("订单编号"), order.number),
        (_("买家"), order.buyer_nick),
        (_("收货人"), f"{order.receiver_name} {order.receiver_phone}".strip()),
        (_("付款时间"), _when(order.paid_at)),
        (_("更改项目"), change.get_subject_display()),
        (_("更改前"), change.before),
        (_("更改后"), change.after),
        (_("客户更改要求（客户原话）"), change.customer_request),
        (_("客户需承担费用（元）"), change.extra_cost),
        (_("经办客服"), _name(change.requested_by)),
        (_("申请时间"), change.requested_at),
        (_("状态"), change.get_state_display()),
        (_("批准人"), _name(change.decided_by)),
        (_("批准时间"), _when(change.decided_at)),
        (_("主管意见"), change.decision_note),
        (_("通知仓库时间"), _when(change.warehouse_notified_at)),
        (_("仓库接收人"), change.warehouse_contact),
    ]


def change_signatures(change: OrderChange) -> list[tuple[str, str]]:
    return [
        (_("经办客服"), _name(change.requested_by)),
        (_("主管批准"), _name(change.decided_by) if change.state == "approved" else ""),
        (_("物控部签收"), change.warehouse_contact),
    ]


def change_workbook(change: OrderChange) -> bytes:
    with translation.override(settings.LANGUAGE_CODE):
        return paper_workbook(
            PaperForm(
                title=_("订单更改通知书"), fields=change_fields(change), signatures=change_signatures(change)
            )
        )


def change_columns() -> list[str]:
    return [
        _("通知书编号"),
        _("订单编号"),
        _("买家"),
        _("更改项目"),
        _("更改前"),
        _("更改后"),
        _("客户需承担费用（元）"),
        _("经办客服"),
        _("申请时间"),
        _("状态"),
        _("批准人"),
        _("批准时间"),
        _("通知仓库时间"),
        _("仓库接收人"),
    ]


def change_list_workbook(changes: QuerySet[OrderChange]) -> bytes:
    with translation.override(settings.LANGUAGE_CODE):
        rows = [
            [
                c.notice_number,
                c.order.number,
                c.order.buyer_nick,
                c.get_subject_display(),
                c.before,
                c.after,
                c.extra_cost,
                _name(c.requested_by),
                c.requested_at,
                c.get_state_display(),
                _name(c.decided_by),
                _when(c.decided_at),
                _when(c.warehouse_notified_at),
                c.warehouse_contact,
            ]
            for c in changes
        ]
        return paper_workbook(
            PaperForm(
                title=_("订单更改登记"),
                fields=[(_("导出时间"), timezone.now())],
                columns=change_columns(),
                rows=rows,
            )
        )
