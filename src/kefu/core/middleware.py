"""Language: Simplified Chinese unless the user picked English with the switcher.

Django's LocaleMiddleware would follow the browser's Accept-Language, so a shop's agents on an
English-language browser would get a half-translated desk; here only an explicit choice counts.
"""

from django.conf import settings
from django.utils import translation


class ShopLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.codes = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.codes else settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        # override, not activate: the thread's language is put back after the response, so
        # nothing that runs after a request in this thread inherits the visitor's choice
        with translation.override(language):
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class SyncChainMiddleware:
    """Does nothing but keep the middleware chain synchronous under the ASGI server.

    Django runs a middleware that can be both synchronous and asynchronous in the mode of what it
    wraps; when the innermost ones wrap the asynchronous view handler, each of them hops to a
    thread and back for its request part and again for its response part (two thread hops per
    middleware, twenty per page: 12 ms of CPU against 3 ms on a WSGI worker). Innermost and
    synchronous only, this makes every middleware around it run in one thread, as under WSGI; the
    views are synchronous anyway. The chat's sockets do not pass through this chain.
    """

    sync_capable = True
    async_capable = False

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)
