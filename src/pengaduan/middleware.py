"""Request-wide policies (the language, the response headers, a busy database), and lazy sessions and messages.

Bahasa Indonesia unless the user chose otherwise.

Django's LocaleMiddleware follows the browser's Accept-Language, and many office PCs and phones run an
English system: their users would land in English without asking for it. Here only an explicit choice
(the language switch, kept in a cookie) changes the language.
"""

from functools import partial

from django.conf import settings
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.messages.storage import default_storage
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import FileResponse
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.functional import SimpleLazyObject, empty


class SitePoliciesMiddleware:
    """The site's own request-wide policies, in one layer of the chain (every layer costs every request, the bare
    ones too: bench/peer.py --ceiling).

    * **The chosen language**, for this request only (the previous one restored afterwards). The page depends on
      the language cookie, so every response says `Vary: Cookie`: a cache must not hand the Indonesian page to
      someone who chose English.
    * **Content Security Policy** (settings.CONTENT_SECURITY_POLICY) on every response. The pages carry no inline
      scripts or styles and load nothing from other sites, so the policy can forbid both: an injected <script>
      would not run even if some text escaped escaping.
    * **`Cache-Control: no-store`** on every page and file that may show personal data, so that neither a shared
      office PC's browser cache nor a proxy keeps a complainant's identity, a case or an attachment. By address
      (the workdesk, reports, tracking and the receipt, the admin, the API, the login) and by kind: every file
      download (attachments, letters, receipts) wherever it is served. Public pages stay cacheable; static files
      never get here (WhiteNoise answers them above this middleware).
    * **X-Frame-Options** (settings.X_FRAME_OPTIONS) by Django's XFrameOptionsMiddleware, called here rather than
      stacked as a layer: no page in another site's frame, for the browsers that do not know the policy's
      frame-ancestors; a response that sets its own or is exempt (@xframe_options_exempt) keeps it.
    * **Retry-After on every 429**: the throttles set their own; this is the fallback.
    * **A busy database** (SQLite's write lock, after its wait) becomes a clear 503 "please try again" instead of
      an error page. The transaction was rolled back: nothing was half-written, and the browser still holds what
      the person typed.

    It sits above the middlewares that answer on their own (a redirect, a CSRF refusal, the login lock-out), so
    their responses carry the headers too. The settings are read once, when the worker starts.
    """

    PRIVATE_PREFIXES = ("/kerja/", "/laporan/", "/lacak/", "/pengaduan/terkirim/", "/admin/", "/api/", "/masuk/",
                        "/keluar/")
    RETRY_AFTER_SECONDS = 600
    BUSY_RETRY_AFTER_SECONDS = 5

    def __init__(self, get_response):
        self.get_response = get_response
        self.cookie_name = settings.LANGUAGE_COOKIE_NAME
        self.supported = frozenset(code for code, _name in settings.LANGUAGES)
        self.default = settings.LANGUAGE_CODE
        self.policy = getattr(settings, "CONTENT_SECURITY_POLICY", "")
        self.frame_options = XFrameOptionsMiddleware(get_response)

    def __call__(self, request):
        response = self._in_chosen_language(request)
        headers = response.headers
        if self.policy and "Content-Security-Policy" not in headers:
            headers["Content-Security-Policy"] = self.policy
        if request.path.startswith(self.PRIVATE_PREFIXES) or isinstance(response, FileResponse) \
                or "Content-Disposition" in headers:
            headers["Cache-Control"] = "no-store"
        self.frame_options.process_response(request, response)
        if response.status_code == 429 and "Retry-After" not in headers:
            headers["Retry-After"] = str(self.RETRY_AFTER_SECONDS)
        return response

    def _in_chosen_language(self, request):
        chosen = request.COOKIES.get(self.cookie_name)
        language = chosen if chosen in self.supported else self.default
        request.LANGUAGE_CODE = language
        if translation.get_language() != language:
            with translation.override(language):
                response = self.get_response(request)
                response.headers.setdefault("Content-Language", translation.get_language())
            return _vary_on_cookie(response)
        # The worker's usual case: the language is already active, nothing to switch (or to switch back).
        try:
            response = self.get_response(request)
        except BaseException:
            if translation.get_language() != language:  # the view switched: as the override would, switch back
                translation.activate(language)
            raise
        active = translation.get_language()
        response.headers.setdefault("Content-Language", active)
        if active != language:
            translation.activate(language)
        return _vary_on_cookie(response)

    def process_exception(self, request, exception):
        from django.db import OperationalError
        from django.shortcuts import render

        message = str(exception).lower()
        if isinstance(exception, OperationalError) and ("locked" in message or "busy" in message):
            response = render(request, "busy.html", status=503)
            response["Retry-After"] = str(self.BUSY_RETRY_AFTER_SECONDS)
            return response
        return None


def _vary_on_cookie(response):
    """Vary: Cookie, as patch_vary_headers would add it, without parsing the header in the usual case."""
    vary = response.headers.get("Vary")
    if vary is None:
        response.headers["Vary"] = "Cookie"
    elif vary != "Cookie":
        patch_vary_headers(response, ("Cookie",))
    return response


class _LazyMessages(SimpleLazyObject):
    """The message storage of one request, made when something first adds or reads a message."""


class LazyMessageMiddleware(MessageMiddleware):
    """Django's MessageMiddleware, without its cost on the many requests that never touch a message.

    Django's makes the storage on every request (a cookie storage with its signer, a session storage) and
    asks it to save afterwards. Here the storage is made on first use (messages.add_message,
    get_messages, the `messages` of a template all reach it through request._messages), and a storage never
    made has nothing to save - exactly what Django's update() would have found.
    """

    async_capable = False  # a plain callable: Django adapts it under ASGI

    def __call__(self, request):
        request._messages = _LazyMessages(partial(default_storage, request))
        return self.process_response(request, self.get_response(request))

    def process_response(self, request, response):
        messages = request.__dict__.get("_messages")
        if type(messages) is _LazyMessages and messages._wrapped is empty:
            return response
        return super().process_response(request, response)


class _LazySession(SimpleLazyObject):
    """A request's new session store (no session cookie came), made when something first reads or writes it."""


class LazySessionMiddleware(SessionMiddleware):
    """Django's SessionMiddleware, without its cost on requests that bring no session and use none.

    With a session cookie it is Django's, unchanged. Without one (most public requests) the store is made when
    something first uses `request.session`; when nothing did, Django's process_response would have found it
    neither accessed nor modified and empty, with no cookie to delete: nothing to do, so nothing is done.
    """

    async_capable = False  # a plain callable: Django adapts it under ASGI

    def __call__(self, request):
        session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        if session_key is not None:
            request.session = self.SessionStore(session_key)
            return self.process_response(request, self.get_response(request))
        request.session = _LazySession(self.SessionStore)
        response = self.get_response(request)
        session = request.__dict__.get("session")
        if type(session) is _LazySession and session._wrapped is empty:
            return response
        return self.process_response(request, response)
