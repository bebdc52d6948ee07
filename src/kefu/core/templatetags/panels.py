from django import template

from kefu.core import panels as registry

register = template.Library()


@register.simple_tag(takes_context=True)
def panels(context, slot: str, obj):
    """``{% panels "aftersales.case" case %}``: what other apps show on this page about ``obj``."""
    request = context.get("request")
    if request is None:
        return ""
    return registry.render(slot, request, obj)
