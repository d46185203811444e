"""The platform's language rule, without domain knowledge: Simplified Chinese
first, English when the visitor chose it.  Used by the middleware stack and by
the page cache (cms), which must key pages by the language they will be in."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


def request_language(cookies: dict) -> str:
    """Simplified Chinese unless the visitor chose another language with the
    language switch (its cookie); a browser's Accept-Language does not count."""
    chosen = cookies.get(settings.LANGUAGE_COOKIE_NAME, "")
    supported = {code for code, _name in settings.LANGUAGES}
    return chosen if chosen in supported else settings.LANGUAGE_CODE


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """Simplified Chinese unless the visitor chose another language.

    The platform serves a Chinese national programme: a browser's
    Accept-Language does not switch it to English; the language switch (a
    cookie) does.
    """

    def process_request(self, request):
        translation.activate(request_language(request.COOKIES))
        request.LANGUAGE_CODE = translation.get_language()
