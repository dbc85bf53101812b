"""Bahasa Indonesia unless the user chose otherwise.

Django's LocaleMiddleware follows the browser's Accept-Language, and many office PCs and phones run an
English system: their users would land in English without asking for it. Here only an explicit choice
(the language switch, kept in a cookie) changes the language.
"""

from django.conf import settings
from django.utils import translation
from django.utils.deprecation import MiddlewareMixin


class ChosenLanguageMiddleware(MiddlewareMixin):
    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
