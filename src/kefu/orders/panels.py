"""What the orders app shows on other apps' pages (``kefu.core.panels``): the customer's orders on
the customer page, since the customers app sits below orders and never imports it."""

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from kefu.orders.selectors import orders_of_customer


def customer_orders(request: HttpRequest, customer) -> SafeString:
    orders = orders_of_customer(customer=customer)
    return render_to_string("orders/partials/customer_orders.html", {"orders": orders}, request=request)
