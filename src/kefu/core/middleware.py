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
