"""The optional error reporter (Sentry or a compatible service), and the scrubber that runs before
anything leaves the server.

Off unless SENTRY_DSN is set; the SDK is an optional extra (`pip install 'pengaduan[sentry]'`). Complaints
carry complainants' names, addresses, telephone numbers and stories (UU PDP), so an error report keeps only
what finds the bug: the exception's type, the stack's file and function names, the URL route. Request bodies,
cookies, headers, query strings, local variables, SQL parameters and the user are dropped, and what text is
left (messages, breadcrumbs) has e-mail addresses, telephone numbers, long numbers (NIK, NIP, accounts) and
tracking codes masked.
"""

from typing import Any

from django.core.exceptions import ImproperlyConfigured

from pengaduan.redact import scrub_text

# Headers that help and say nothing about the person.
_SAFE_HEADERS = {"content-type", "content-length", "accept", "accept-language", "x-request-id", "host"}


def _scrub(value: Any) -> Any:
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, dict):
        return {key: _scrub(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_scrub(item) for item in value]
    return value


def scrub_event(event: dict, hint: dict | None = None) -> dict:
    """An error event with personal data removed or masked (the reporter's `before_send`)."""
    event.pop("user", None)
    event.pop("extra", None)
    request = event.get("request")
    if isinstance(request, dict):
        for key in ("data", "cookies", "query_string", "env"):
            request.pop(key, None)
        headers = request.get("headers") or {}
        request["headers"] = {name: value for name, value in headers.items() if name.lower() in _SAFE_HEADERS}
        if isinstance(request.get("url"), str):
            request["url"] = scrub_text(request["url"].split("?")[0])
    for exception in (event.get("exception") or {}).get("values") or []:
        if isinstance(exception.get("value"), str):
            exception["value"] = scrub_text(exception["value"])
        for frame in (exception.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)  # local variables hold complaints and complainants
    for thread in (event.get("threads") or {}).get("values") or []:
        for frame in (thread.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)
    logentry = event.get("logentry")
    if isinstance(logentry, dict):
        logentry.pop("params", None)
        for key in ("message", "formatted"):
            if isinstance(logentry.get(key), str):
                logentry[key] = scrub_text(logentry[key])
    if isinstance(event.get("message"), str):
        event["message"] = scrub_text(event["message"])
    breadcrumbs = event.get("breadcrumbs")
    crumbs = breadcrumbs.get("values", []) if isinstance(breadcrumbs, dict) else breadcrumbs or []
    for crumb in crumbs:
        scrub_breadcrumb(crumb)
    if "contexts" in event:
        event["contexts"] = _scrub(event["contexts"])
    if "tags" in event:
        event["tags"] = _scrub(event["tags"])
    return event


def scrub_breadcrumb(crumb: dict, hint: dict | None = None) -> dict:
    """A breadcrumb without its data (SQL parameters, HTTP bodies) and with its message masked."""
    crumb.pop("data", None)
    if isinstance(crumb.get("message"), str):
        crumb["message"] = scrub_text(crumb["message"])
    return crumb


def init_error_reporter(dsn: str, *, environment: str = "", release: str = "") -> None:
    """Start the reporter with the scrubber in front; called once at start-up when SENTRY_DSN is set."""
    try:
        import sentry_sdk
        from sentry_sdk.integrations.django import DjangoIntegration
    except ImportError:
        raise ImproperlyConfigured("SENTRY_DSN is set but the error reporter is not installed: "
                                   "pip install 'pengaduan[sentry]' (or unset SENTRY_DSN).") from None
    sentry_sdk.init(
        dsn=dsn,
        environment=environment or None,
        release=release or None,
        integrations=[DjangoIntegration()],
        # send_default_pii stays off (its default): no user, no client address, no cookies.
        include_local_variables=False,
        max_request_body_size="never",
        traces_sample_rate=0,
        before_send=scrub_event,
        before_breadcrumb=scrub_breadcrumb,
    )
