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
from django.core.checks import Tags, register
from django.core.checks.security import base as security_checks
from django.http import FileResponse
from django.http.response import ResponseHeaders
from django.middleware.security import SecurityMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.functional import SimpleLazyObject, empty
from whitenoise.middleware import WhiteNoiseMiddleware


class SitePoliciesMiddleware:
    """The site's request-wide policies, Django's SecurityMiddleware and WhiteNoise, in one layer of the chain
    (every layer costs every request, the bare ones too: bench/peer.py --ceiling).

    For every response, static files included:

    * **Django's SecurityMiddleware**, composed rather than stacked: its settings (SECURE_*) read by Django's own
      class; a plain-HTTP request redirected to HTTPS by its process_request; and the headers its
      process_response would add, with the same rules (HSTS only over HTTPS; X-Content-Type-Options,
      Referrer-Policy and Cross-Origin-Opener-Policy unless the response set its own). Django's deploy checks
      of those settings look for SecurityMiddleware by name: `check_security_settings` below runs them for this
      middleware instead (security.W001 is silenced in the settings).
    * **WhiteNoise** answers static files; nothing below it (the session, the language, the views) sees them.

    For every page (not the static files):

    * **The chosen language**, for this request only (the previous one restored afterwards). The page depends on
      the language cookie, so every response says `Vary: Cookie`: a cache must not hand the Indonesian page to
      someone who chose English.
    * **Content Security Policy** (settings.CONTENT_SECURITY_POLICY) on every response. The pages carry no inline
      scripts or styles and load nothing from other sites, so the policy can forbid both: an injected <script>
      would not run even if some text escaped escaping.
    * **`Cache-Control: no-store`** on every page and file that may show personal data, so that neither a shared
      office PC's browser cache nor a proxy keeps a complainant's identity, a case or an attachment. By address
      (the workdesk, reports, tracking and the receipt, the admin, the API, the login) and by kind: every file
      download (attachments, letters, receipts) wherever it is served. Public pages and static files stay
      cacheable.
    * **X-Frame-Options** (settings.X_FRAME_OPTIONS), as Django's XFrameOptionsMiddleware sets it: no page in
      another site's frame, for the browsers that do not know the policy's frame-ancestors; a response that sets
      its own or is exempt (@xframe_options_exempt) keeps it.
    * **Retry-After on every 429**: the throttles set their own; this is the fallback.
    * **A busy database** (SQLite's write lock, after its wait) becomes a clear 503 "please try again" instead of
      an error page. The transaction was rolled back: nothing was half-written, and the browser still holds what
      the person typed.

    It sits above the middlewares that answer on their own (a redirect, a CSRF refusal, the login lock-out), so
    their responses carry the headers too. The settings are read once, when the worker starts, and the constant
    headers are checked and encoded once then (by Django's ResponseHeaders) and written into each response's
    header store as Django itself stores them.
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
        security = self.security = SecurityMiddleware(get_response)
        self.static = WhiteNoiseMiddleware(self._page)
        policy = ",".join(v.strip() for v in security.referrer_policy.split(",")) \
            if isinstance(security.referrer_policy, str) else ",".join(security.referrer_policy or ())
        self.security_headers = stored_headers({
            "X-Content-Type-Options": "nosniff" if security.content_type_nosniff else "",
            "Referrer-Policy": policy,
            "Cross-Origin-Opener-Policy": security.cross_origin_opener_policy or "",
        })
        sts = ""
        if security.sts_seconds:
            sts = f"max-age={security.sts_seconds}"
            sts += "; includeSubDomains" if security.sts_include_subdomains else ""
            sts += "; preload" if security.sts_preload else ""
        self.sts = stored_headers({"Strict-Transport-Security": sts})
        self.page_headers = stored_headers({
            "Content-Security-Policy": getattr(settings, "CONTENT_SECURITY_POLICY", ""),
        })
        self.frame_options = stored_headers({"X-Frame-Options": getattr(settings, "X_FRAME_OPTIONS", "DENY").upper()})
        self.no_store = stored_headers({"Cache-Control": "no-store"})

    def __call__(self, request):
        secure = request.is_secure()
        response = None
        if not secure and self.security.redirect:
            response = self.security.process_request(request)  # Django's: the redirect to HTTPS, or None
        if response is None:
            response = self.static(request)  # WhiteNoise: a static file, or else the page (_page)
        store = response.headers._store
        if secure:
            _set_absent(store, self.sts)
        _set_absent(store, self.security_headers)
        return response

    def _page(self, request):
        response = self._in_chosen_language(request)
        store = response.headers._store
        _set_absent(store, self.page_headers)
        if request.path.startswith(self.PRIVATE_PREFIXES) or isinstance(response, FileResponse) \
                or "content-disposition" in store:
            store.update(self.no_store)
        if not getattr(response, "xframe_options_exempt", False):
            _set_absent(store, self.frame_options)
        if response.status_code == 429 and "retry-after" not in store:
            response.headers["Retry-After"] = str(self.RETRY_AFTER_SECONDS)
        return response

    def _in_chosen_language(self, request):
        chosen = request.COOKIES.get(self.cookie_name)
        language = chosen if chosen in self.supported else self.default
        request.LANGUAGE_CODE = language
        if translation.get_language() != language:
            with translation.override(language):
                response = self.get_response(request)
                _content_language(response, translation.get_language())
            return _vary_on_cookie(response)
        # The worker's usual case: the language is already active, nothing to switch (or to switch back).
        try:
            response = self.get_response(request)
        except BaseException:
            if translation.get_language() != language:  # the view switched: as the override would, switch back
                translation.activate(language)
            raise
        # A view that switches the language for the rest of its request says so in request.LANGUAGE_CODE, as
        # Django's LocaleMiddleware does and the API does (api.auth): read from there, not asked of Django's
        # translation state a second time. One that did not would leave its language active; the next request
        # finds it so and runs under override (above).
        active = request.LANGUAGE_CODE
        _content_language(response, active)
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


def stored_headers(headers: dict[str, str]) -> tuple[tuple[str, tuple[str, str]], ...]:
    """The non-empty headers as Django's ResponseHeaders stores them (in its `_store`: lower-case name -> (name,
    value)), checked and encoded by it: once, when the worker starts, instead of on every response. The tests
    compare the responses with those of Django's own middlewares, so a change of that store would show there."""
    return tuple(ResponseHeaders({name: value for name, value in headers.items() if value})._store.items())


def _set_absent(store: dict, items) -> None:
    """Each header into a response's header store unless the response has its own (Django's setdefault)."""
    for key, item in items:
        if key not in store:
            store[key] = item


@register(Tags.security, deploy=True)
def check_security_settings(app_configs, **kwargs):
    """Django's deploy checks of the SecurityMiddleware settings (check_sts, check_ssl_redirect, ...), which look
    for that middleware by its dotted name, for SitePoliciesMiddleware that runs it: the same conditions and
    Django's own messages."""
    if f"{__name__}.SitePoliciesMiddleware" not in settings.MIDDLEWARE:
        return []
    problems = []
    if not settings.SECURE_HSTS_SECONDS:
        problems.append(security_checks.W004)
    else:
        if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS is not True:
            problems.append(security_checks.W005)
        if settings.SECURE_HSTS_PRELOAD is not True:
            problems.append(security_checks.W021)
    if settings.SECURE_CONTENT_TYPE_NOSNIFF is not True:
        problems.append(security_checks.W006)
    if settings.SECURE_SSL_REDIRECT is not True:
        problems.append(security_checks.W008)
    policy = settings.SECURE_REFERRER_POLICY
    if policy is None:
        problems.append(security_checks.W022)
    elif not ({v.strip() for v in policy.split(",")} if isinstance(policy, str) else set(policy)) \
            <= security_checks.REFERRER_POLICY_VALUES:
        problems.append(security_checks.E023)
    opener = settings.SECURE_CROSS_ORIGIN_OPENER_POLICY
    if opener is not None and opener not in security_checks.CROSS_ORIGIN_OPENER_POLICY_VALUES:
        problems.append(security_checks.E024)
    return problems


def _content_language(response, language: str) -> None:
    store = response.headers._store
    if "content-language" not in store:  # a language code: plain ASCII, nothing for ResponseHeaders to encode
        store["content-language"] = ("Content-Language", language)


def _vary_on_cookie(response):
    """Vary: Cookie, as patch_vary_headers would add it, without parsing the header in the usual case."""
    store = response.headers._store
    vary = store.get("vary")
    if vary is None:
        store["vary"] = _VARY_ON_COOKIE
    elif vary[1] != "Cookie":
        patch_vary_headers(response, ("Cookie",))
    return response


_VARY_ON_COOKIE = ("Vary", "Cookie")


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
