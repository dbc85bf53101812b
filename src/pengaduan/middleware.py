"""Request-wide policies: the language, and the Content Security Policy.

Bahasa Indonesia unless the user chose otherwise.

Django's LocaleMiddleware follows the browser's Accept-Language, and many office PCs and phones run an
English system: their users would land in English without asking for it. Here only an explicit choice
(the language switch, kept in a cookie) changes the language.
"""

from django.conf import settings
from django.utils import translation


class ChosenLanguageMiddleware:
    """Activates the chosen language for one request only, and restores the previous one afterwards."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        if translation.get_language() != language:
            with translation.override(language):
                response = self.get_response(request)
                response.headers.setdefault("Content-Language", translation.get_language())
            return response
        # The worker's usual case: the language is already active, nothing to switch (or to switch back).
        try:
            response = self.get_response(request)
            response.headers.setdefault("Content-Language", translation.get_language())
        finally:
            if translation.get_language() != language:  # the view switched: as the override would, switch back
                translation.activate(language)
        return response


class _ResponseMiddleware:
    """A middleware that only looks at the response: a plain callable (Django's MiddlewareMixin costs more per
    request, and every request passes through each of these)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.process_response(request, self.get_response(request))


class ContentSecurityPolicyMiddleware(_ResponseMiddleware):
    """Sends the Content Security Policy of settings.CONTENT_SECURITY_POLICY on every HTML response.

    The pages carry no inline scripts or styles and load nothing from other sites, so the policy can
    forbid both: an injected <script> would not run even if some text escaped escaping.
    """

    def process_response(self, request, response):
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", "")
        if policy and "Content-Security-Policy" not in response.headers:
            response.headers["Content-Security-Policy"] = policy
        return response


class BusyDatabaseMiddleware:
    """A database too busy to answer in time (SQLite's write lock, after its wait) becomes a clear 503
    "please try again" instead of an error page. The transaction was rolled back: nothing was half-written,
    and the browser still holds what the person typed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.db import OperationalError
        from django.shortcuts import render

        message = str(exception).lower()
        if isinstance(exception, OperationalError) and ("locked" in message or "busy" in message):
            response = render(request, "busy.html", status=503)
            response["Retry-After"] = "5"
            return response
        return None


class NoStoreMiddleware(_ResponseMiddleware):
    """`Cache-Control: no-store` on every page and file that may show personal data, so that neither a shared
    office PC's browser cache nor a proxy keeps a complainant's identity, a case or an attachment.

    By address (the workdesk, reports, tracking and the receipt, the admin, the API, the login) and by kind:
    every file download (attachments, letters, receipts) wherever it is served. Public pages stay cacheable;
    static files never get here (WhiteNoise answers them above this middleware).
    """

    PRIVATE_PREFIXES = ("/kerja/", "/laporan/", "/lacak/", "/pengaduan/terkirim/", "/admin/", "/api/", "/masuk/",
                        "/keluar/")

    def process_response(self, request, response):
        from django.http import FileResponse

        if request.path.startswith(self.PRIVATE_PREFIXES) or isinstance(response, FileResponse) \
                or response.get("Content-Disposition"):
            response["Cache-Control"] = "no-store"
        return response


class RetryAfterMiddleware(_ResponseMiddleware):
    """Every 429 tells when to try again: the throttles set their own Retry-After; this is the fallback."""

    DEFAULT_SECONDS = 600

    def process_response(self, request, response):
        if response.status_code == 429 and "Retry-After" not in response:
            response["Retry-After"] = str(self.DEFAULT_SECONDS)
        return response
