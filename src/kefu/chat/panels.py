"""What the chat shows on other apps' pages: the chat window on every public help-center page."""

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe


def chat_widget(request: HttpRequest, obj: object) -> SafeString:
    return mark_safe(render_to_string("chat/partials/chat_widget.html", request=request))  # noqa: S308 - a rendered template
