"""``{% load customers %}{% buyer_card customer %}``: the buyer card beside a chat, an order, a case.

``customer`` may be a ``Customer``, a member name (买家会员名: the profile is looked up) or None
(nothing is shown). The card shows what customers knows (new or returning, level, blacklist
warning, tags, notes) and, through the ``customers.card`` slot of ``kefu.core.panels``, what the
apps above add: orders its last orders with state and logistics and the invoice title, after-sales
the open cases and complaints. The whole card stays within a fixed number of queries.
"""

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from kefu.core import panels
from kefu.customers import selectors
from kefu.customers.models import Customer

register = template.Library()


def card_html(request, customer: Customer | str | None, *, nick: str = "") -> SafeString:
    if isinstance(customer, str):
        nick = customer
        customer = selectors.customer_for_nick(customer)
    return render_to_string(
        "customers/partials/buyer_card.html",
        {
            "customer": customer,
            "nick": nick,
            "level": selectors.level_of(customer) if customer else "",
            "phone": selectors.phone_masked(customer.phone) if customer else "",
            "slots": panels.render("customers.card", request, customer) if customer else "",
        },
    )  # no request: the page's context processors (badges…) would cost queries on every card


@register.simple_tag(takes_context=True)
def buyer_card(context, customer):
    request = context.get("request")
    if request is None or customer in (None, ""):
        return ""
    return card_html(request, customer)
