"""A small JSON-over-HTTPS client on the standard library, shared by the WhatsApp and SMS gateway adapters.

Three calls (post a message, look up a media URL, download it) do not justify an HTTP library; timeouts are always
set (MESSAGING_TIMEOUT), so a provider that hangs never holds a web worker or the outbox run for long.
"""

import json
import urllib.error
import urllib.request
from collections.abc import Mapping
from typing import Any

from django.conf import settings

USER_AGENT = "Pengaduan/1 (+complaint handling)"


class ProviderError(Exception):
    """The provider answered with an error (`status` > 0) or could not be reached (`status` 0)."""

    def __init__(self, message: str, *, status: int = 0, payload: Any = None):
        super().__init__(message)
        self.status = status
        self.payload = payload


def _timeout() -> int:
    return getattr(settings, "MESSAGING_TIMEOUT", 15)


def _open(request: urllib.request.Request):
    try:
        return urllib.request.urlopen(request, timeout=_timeout())  # noqa: S310 (the URL is from settings)
    except urllib.error.HTTPError as error:
        raw = error.read(65536)
        try:
            payload = json.loads(raw or b"null")
        except ValueError:
            payload = raw.decode("utf-8", "replace")
        raise ProviderError(f"HTTP {error.code}: {_summary(payload)}", status=error.code, payload=payload) from None
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise ProviderError(f"cannot reach {request.full_url.split('?')[0]}: {error}") from None


def _summary(payload: Any) -> str:
    if isinstance(payload, dict) and isinstance(payload.get("error"), dict):
        error = payload["error"]
        details = (error.get("error_data") or {}).get("details", "") if isinstance(error.get("error_data"), dict) else ""
        return f"({error.get('code')}) {error.get('message', '')} {details}".strip()
    return str(payload)[:300]


def request_json(method: str, url: str, *, payload: Any = None, headers: Mapping[str, str] | None = None) -> Any:
    data = json.dumps(payload).encode() if payload is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("User-Agent", USER_AGENT)
    request.add_header("Accept", "application/json")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    with _open(request) as response:
        raw = response.read(1024 * 1024)
    if not raw.strip():
        return {}
    try:
        return json.loads(raw)
    except ValueError:
        raise ProviderError(f"not JSON from {url.split('?')[0]}: {raw[:200]!r}") from None


def download(url: str, *, headers: Mapping[str, str] | None = None, max_bytes: int) -> tuple[bytes, str]:
    """(content, content type) of `url`; ProviderError when it is larger than `max_bytes`."""
    request = urllib.request.Request(url, method="GET")
    request.add_header("User-Agent", USER_AGENT)
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    with _open(request) as response:
        content = response.read(max_bytes + 1)
        content_type = response.headers.get_content_type()
    if len(content) > max_bytes:
        raise ProviderError(f"the file is larger than {max_bytes} bytes", status=413)
    return content, content_type
