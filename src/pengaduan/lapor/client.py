"""The LAPOR! integration API as docs/lapor.md describes it: two JSON requests over HTTPS, nothing else.

Only the standard library (urllib): one POST per call, a timeout, and errors sorted into "try again later"
(network, 429, 5xx) and "fix the set-up" (401/403, malformed answers).
"""

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from django.conf import settings


class LaporError(Exception):
    """A request to LAPOR! failed. `retry`: a later run may succeed (network, 429, 5xx)."""

    def __init__(self, message: str, *, retry: bool, status: int | None = None):
        super().__init__(message)
        self.retry = retry
        self.status = status


@dataclass
class ReportPage:
    reports: list[dict[str, Any]]
    next_cursor: str
    has_more: bool


@dataclass
class FollowUpAccepted:
    followup_id: str
    duplicate: bool  # LAPOR! already had this external_id (a repeat after a lost answer)


class LaporClient:
    def __init__(self, *, base_url: str, token: str, institution_id: str, timeout: float | None = None):
        if not base_url:
            raise LaporError("no LAPOR! base URL (LAPOR_BASE_URL or the unit's account)", retry=False)
        if not token:
            raise LaporError("no LAPOR! token (LAPOR_TOKEN or the unit's account)", retry=False)
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.institution_id = institution_id
        self.timeout = timeout if timeout is not None else getattr(settings, "LAPOR_TIMEOUT", 20)

    def reports(self, *, cursor: str, limit: int) -> ReportPage:
        """One page of the reports disposed to this institution, oldest disposition first, after `cursor`."""
        body = self._post("/reports", {"institution_id": self.institution_id, "cursor": cursor, "limit": limit})
        data = body.get("data")
        if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
            raise LaporError("LAPOR! answered a report page without a list in `data`", retry=False)
        next_cursor = body.get("next_cursor")
        if next_cursor is not None and not isinstance(next_cursor, str):
            raise LaporError("LAPOR! answered a `next_cursor` that is not text", retry=False)
        return ReportPage(reports=data, next_cursor=next_cursor or cursor, has_more=bool(body.get("has_more")))

    def follow_up(self, *, tracking_id: str, external_id: str, content: str, is_final: bool,
                  created_at: str) -> FollowUpAccepted:
        """Add a follow-up entry (tindak lanjut) to a report; a repeated external_id is accepted once only."""
        path = "/reports/" + urllib.parse.quote(tracking_id, safe="") + "/followups"
        body = self._post(path, {"institution_id": self.institution_id, "external_id": external_id,
                                 "content": content, "is_final": is_final, "created_at": created_at},
                          accept_conflict=True)
        return FollowUpAccepted(followup_id=str(body.get("followup_id") or ""),
                                duplicate=bool(body.get("duplicate")))

    def _post(self, path: str, payload: dict, *, accept_conflict: bool = False) -> dict:
        request = urllib.request.Request(
            self.base_url + path, data=json.dumps(payload).encode(), method="POST",
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json",
                     "Accept": "application/json", "User-Agent": "pengaduan-lapor-bridge/1"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 (https from config)
                raw = response.read()
        except urllib.error.HTTPError as error:
            raw = error.read()
            if error.code == 409 and accept_conflict:
                body = _json(raw, path)
                body["duplicate"] = True
                return body
            retry = error.code == 429 or error.code >= 500
            raise LaporError(f"LAPOR! answered {error.code} to {path}", retry=retry, status=error.code) from None
        except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise LaporError(f"LAPOR! could not be reached ({reason})", retry=True) from None
        return _json(raw, path)


def _json(raw: bytes, path: str) -> dict:
    try:
        body = json.loads(raw or b"{}")
    except ValueError:
        raise LaporError(f"LAPOR! answered {path} with something that is not JSON", retry=True) from None
    if not isinstance(body, dict):
        raise LaporError(f"LAPOR! answered {path} with JSON that is not an object", retry=False)
    return body
