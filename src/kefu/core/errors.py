"""When something breaks, the person is told so in their language and loses nothing they typed.

The error pages are standalone (no navigation, no database): they must render when the database is
the thing that broke. A form that was being sent comes back on the page as text the person can copy
and send again once the desk is back.
"""

import logging

from django.db import DataError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _

logger = logging.getLogger("django.request")

# never echo these back, not even to the person who typed them
_NOT_ECHOED = ("csrfmiddlewaretoken", "password", "website", "next")


def _typed(request: HttpRequest) -> list[tuple[str, str]]:
    if request.method != "POST" or request.content_type not in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        return []
    try:
        items = request.POST.lists()
    except Exception:  # noqa: BLE001 - a broken body is no reason to fail the error page
        return []
    out = []
    for name, values in items:
        if any(word in name.lower() for word in _NOT_ECHOED):
            continue
        for value in values:
            if value.strip():
                out.append((name, value[:5000]))
    return out


def _page(request: HttpRequest, status: int, title: str, text: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": text}, status=status)
    body = loader.get_template("core/error.html").render(
        {"title": title, "text": text, "typed": _typed(request), "status": status}
    )
    response = HttpResponse(body, status=status)
    if status == 503:
        response["Retry-After"] = "30"
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: the traceback is already logged by Django's request logger."""
    return _page(
        request,
        500,
        _("系统出错了"),
        _("抱歉，处理您的请求时出现了错误，我们已记录下来。请稍后再试。"),
    )


class DatabaseUnavailableMiddleware:
    """The database cannot be reached (restarting, disk full, network): answer 503 "try again
    shortly" with the typed text, instead of a 500 that says nothing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, OverflowError | DataError):
            # a number too large for the database (``?page=99999999999999999999``) that a form let
            # through: the request is wrong, not the desk
            logger.warning("value out of range: %s", exception, extra={"request": request})
            return _page(request, 400, _("请求有误"), _("请求中的数字超出范围，请检查后重试。"))
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("database unavailable: %s", exception, exc_info=exception, extra={"request": request})
        return _page(
            request,
            503,
            _("系统暂时繁忙"),
            _("系统暂时无法保存，请稍后再试。您填写的内容在下面，可以复制保存，稍后重新提交。"),
        )
