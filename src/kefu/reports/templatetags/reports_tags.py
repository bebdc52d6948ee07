"""How a report's cell reads on the page: money with two decimals, rates as percents."""

from decimal import Decimal

from django import template

register = template.Library()


def cell_text(value, kind: str) -> str:
    if value is None:
        return "—"
    if kind == "money":
        return f"{Decimal(value):,.2f}"
    if kind == "rate":
        return f"{Decimal(value) * 100:.1f}%"
    if kind == "seconds":
        return f"{value:.1f}"
    if kind == "date":
        return value.isoformat()
    return str(value)


@register.filter
def percent(value) -> str:
    return "—" if value is None else f"{Decimal(value) * 100:.1f}%"
