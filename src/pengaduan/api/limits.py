"""Rate and size limits for the JSON API and Open311.

The counters are those of `pengaduan.throttle`: kept in the database, so that they hold across
app servers and restarts. Each limit can be changed with the setting `API_RATE_LIMITS`, a dict of
name → (hits, seconds), e.g. `{"api_token": (2000, 600)}`; settings are read per request, never at import.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from pengaduan.complaints.attachments import MAX_FILES_PER_UPLOAD
from pengaduan.throttle import services as throttle
from pengaduan.throttle.services import Limit, client_ip, hit

# name: (hits, window in seconds)
DEFAULT_LIMITS: dict[str, tuple[int, int]] = {
    # Every request to /api/v1/ from one address (before the token is even looked at).
    "api_ip": (1200, 600),
    # Every request made with one staff token.
    "api_token": (600, 600),
    # Every request to /open311/v2/ from one address.
    "open311_ip": (600, 600),
    # Complaints submitted through Open311 with one api_key, and from one address.
    "open311_key": (200, 3600),
    "open311_submit_ip": (200, 3600),
    # The public endpoints count against the portal's own limits (same names, so the same counters): one person
    # gets no more tries by switching between the website and an app.
    **{rule.name: (rule.hits, int(rule.window.total_seconds()))
       for rule in (throttle.SUBMIT, throttle.LOOKUP, throttle.REPLY)},
}

# JSON and form bodies; multipart bodies may carry files up to the attachment limits on top.
DEFAULT_MAX_BODY_BYTES = 1024 * 1024

__all__ = ["client_ip", "limit", "over_limit", "max_body_bytes", "body_too_large"]


def limit(name: str) -> Limit:
    hits, seconds = {**DEFAULT_LIMITS, **getattr(settings, "API_RATE_LIMITS", {})}[name]
    return Limit(name, hits=hits, window=timedelta(seconds=seconds))


def retry_after(window: timedelta, now: datetime) -> int:
    """Seconds until the fixed window of `hit` ends (windows are aligned on the epoch)."""
    seconds = int(window.total_seconds())
    return max(1, seconds - int(now.timestamp()) % seconds)


def over_limit(which: Limit | str, who: str, *, now: datetime | None = None) -> int | None:
    """Count one request by `who`; None when allowed, else the seconds to wait (for Retry-After)."""
    now = now or timezone.now()
    chosen = limit(which) if isinstance(which, str) else which
    if hit(chosen, who, now=now):
        return None
    return retry_after(chosen.window, now)


def max_body_bytes(content_type: str, *, files: bool = True) -> int:
    json_limit = getattr(settings, "API_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES)
    if files and content_type.startswith("multipart/"):
        return json_limit + settings.ATTACHMENT_MAX_BYTES * MAX_FILES_PER_UPLOAD
    return json_limit


def body_too_large(request, *, files: bool = True) -> bool:
    """Judged on Content-Length before anything is read; Django's own limits catch a body that lies about it.

    `files`: whether the endpoint takes files at all (Open311 does not: every body counts as JSON/form)."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > max_body_bytes(request.META.get("CONTENT_TYPE", "").lower(), files=files)
