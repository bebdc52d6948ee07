"""The public directory and article pages, rendered once per process for visitors without a session.

Most readers of the help center arrive from a search engine or a link, logged out, with no session:
for them the directory, a category and an article look the same, so each server process keeps the
rendered page and serves it again while nothing that shows on it has changed. What shows on it is
summed up in a version the caller reads with fixed, cheap queries (the categories with their kept
counts, the last change of any article, the page size): a change anywhere makes every kept page
stale at the next request, in every process, without a message between them.

Left out on purpose: searches (each is logged for the search analytics), visitors with a session
(their page says whether they voted, who is logged in, their messages) and anything but GET. The
form token is the only per-visitor part of a kept page: it is cut out when the page is kept and a
fresh one for this visitor put in when it is served. Kept pages also expire after ``MAX_AGE``
seconds, so the view counts they show follow the batched writes.
"""

import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import _unmask_cipher_token, get_token
from django.utils import translation

MAX_AGE = 60.0
MAX_PAGES = 500
_TOKEN = re.compile(r"[A-Za-z0-9]{64}")
_MARK = "\x00csrf\x00"

_lock = threading.Lock()
_pages: OrderedDict[Hashable, tuple[float, str, str]] = OrderedDict()


def cacheable(request: HttpRequest) -> bool:
    """A GET from a visitor who brings no session and no pending messages."""
    return (
        request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def clear() -> None:
    with _lock:
        _pages.clear()


def serve(request: HttpRequest, *, key: Hashable, render: Callable[[], HttpResponse]) -> HttpResponse:
    """The kept page for ``key`` (with this visitor's form token), or ``render()``'s page, kept."""
    if not cacheable(request):
        return render()
    full_key = (key, request.get_full_path(), translation.get_language())
    now = time.monotonic()
    with _lock:
        found = _pages.get(full_key)
        if found is not None and now - found[0] < MAX_AGE:
            _pages.move_to_end(full_key)
        else:
            found = None
    if found is not None:
        _kept_at, content_type, html = found
        return HttpResponse(html.replace(_MARK, get_token(request)), content_type=content_type)
    response = render()
    if (
        response.status_code == 200
        and not response.streaming
        and not response.cookies.keys() - {settings.CSRF_COOKIE_NAME}
    ):
        html = _cut_tokens(request, response.content.decode(response.charset))
        with _lock:
            _pages[full_key] = (now, response["Content-Type"], html)
            _pages.move_to_end(full_key)
            while len(_pages) > MAX_PAGES:
                _pages.popitem(last=False)
    return response


def _cut_tokens(request: HttpRequest, html: str) -> str:
    """The page with this visitor's form tokens replaced by a mark."""
    secret = request.META.get("CSRF_COOKIE")
    if not secret:
        return html
    return _TOKEN.sub(lambda m: _MARK if _unmask_cipher_token(m.group()) == secret else m.group(), html)
