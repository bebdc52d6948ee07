"""Durations as people say them."""

from datetime import timedelta

from django import template

register = template.Library()


@register.filter
def minutes(value: timedelta | None) -> int:
    """A duration in whole minutes, rounded up (a lockout of 14.5 minutes is "15 分钟")."""
    if not value:
        return 0
    return -(-int(value.total_seconds()) // 60)
