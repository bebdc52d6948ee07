"""What the orders app shows on other apps' pages (``kefu.core.panels``): the customer's orders on
the customer page, and on the buyer card the last orders with state and logistics and the invoice
title, since the customers app sits below orders and never imports it."""

import re

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from kefu.core import roles
from kefu.customers.selectors import phone_masked
from kefu.orders.customer_profiles import contacts_of_customer
from kefu.orders.models import Order
from kefu.orders.selectors import orders_of_customer


def customer_orders(request: HttpRequest, customer) -> SafeString:
    orders = orders_of_customer(customer=customer)
    return render_to_string("orders/partials/customer_orders.html", {"orders": orders}, request=request)


CARD_ORDERS = 5
# the export has no invoice column: buyers write the title in their message, sellers in the remark
_INVOICE = re.compile(r"发票抬头\s*[:：]?\s*([^\s,，;；。]{2,60})")


def invoice_title(order: Order) -> str:
    for text in (order.buyer_message, order.platform_remark):
        found = _INVOICE.search(text or "")
        if found:
            return found.group(1)
    return ""


def card_orders(request: HttpRequest, customer) -> SafeString | None:
    """The buyer card's last orders (one query: the member name's orders, newest first)."""
    if not customer.buyer_nick:
        return None
    orders = list(
        Order.objects.filter(buyer_nick=customer.buyer_nick).order_by("-created_at", "-id")[:CARD_ORDERS]
    )
    rows = [{"order": order, "invoice": invoice_title(order)} for order in orders]
    # rendered without the request: the context processors would cost queries on every card
    return render_to_string("orders/partials/card_orders.html", {"rows": rows})


def customer_contacts(request: HttpRequest, customer) -> SafeString | None:
    """The receivers, phones and addresses the customer's orders named, latest first; phones in full
    for supervisors only."""
    rows = contacts_of_customer(customer=customer)
    if not rows:
        return None
    full = roles.has_role(request.user, roles.SUPERVISOR)
    for row in rows:
        row["phone"] = row["receiver_phone"] if full else phone_masked(row["receiver_phone"])
    return render_to_string("orders/partials/customer_contacts.html", {"rows": rows}, request=request)
