"""A local stand-in for the SP4N-LAPOR! integration API, playing docs/lapor.md (stdlib http.server on 127.0.0.1).

It keeps the reports disposed to each institution in disposition order, answers pages after an opaque cursor,
records follow-up entries once per external_id (a repeat answers 409 with the first entry's id) and can be told
to fail the next requests (a 500, a dropped connection) to test retries.
"""

import base64
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class LaporState:
    token: str = "token-uji"
    reports: dict[str, list[dict]] = field(default_factory=dict)  # institution_id → reports, disposition order
    followups: dict[str, dict] = field(default_factory=dict)  # external_id → the entry
    failures: list[tuple[str, int]] = field(default_factory=list)  # (path prefix, status) to answer next
    requests: list[tuple[str, dict]] = field(default_factory=list)

    def dispose(self, institution_id: str, *reports: dict) -> None:
        self.reports.setdefault(institution_id, []).extend(reports)

    def fail_next(self, path_prefix: str, status: int = 500, times: int = 1) -> None:
        self.failures.extend([(path_prefix, status)] * times)

    def entries_for(self, tracking_id: str) -> list[dict]:
        return [entry for entry in self.followups.values() if entry["tracking_id"] == tracking_id]


def _cursor(position: int) -> str:
    return base64.urlsafe_b64encode(f"pos:{position}".encode()).decode()


def _position(cursor: str) -> int | None:
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
        return int(text.removeprefix("pos:"))
    except (ValueError, UnicodeDecodeError):
        return None


def make_handler(state: LaporState):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # quiet in test output
            pass

        def _answer(self, status: int, body: dict) -> None:
            raw = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def do_POST(self):  # noqa: N802 (http.server's name)
            length = int(self.headers.get("Content-Length") or 0)
            try:
                payload = json.loads(self.rfile.read(length) or b"{}")
            except ValueError:
                return self._answer(400, {"error": "body is not JSON"})
            state.requests.append((self.path, payload))
            for number, (prefix, status) in enumerate(state.failures):
                if self.path.startswith(prefix):
                    del state.failures[number]
                    return self._answer(status, {"error": "injected failure"})
            if self.headers.get("Authorization") != f"Bearer {state.token}":
                return self._answer(401, {"error": "invalid token"})
            institution = payload.get("institution_id")
            if self.path == "/reports":
                return self._reports(institution, payload)
            parts = self.path.strip("/").split("/")
            if len(parts) == 3 and parts[0] == "reports" and parts[2] == "followups":
                return self._followup(institution, parts[1], payload)
            return self._answer(404, {"error": "no such endpoint"})

        def _reports(self, institution, payload):
            reports = state.reports.get(institution, [])
            start = _position(payload.get("cursor") or "")
            limit = payload.get("limit") or 50
            if start is None or not isinstance(limit, int) or not 1 <= limit <= 100:
                return self._answer(400, {"error": "bad cursor or limit"})
            page = reports[start:start + limit]
            end = start + len(page)
            return self._answer(200, {"data": page, "next_cursor": _cursor(end), "has_more": end < len(reports)})

        def _followup(self, institution, tracking_id, payload):
            ids = {report["tracking_id"] for report in state.reports.get(institution, [])}
            if tracking_id not in ids:
                return self._answer(404, {"error": "report not disposed to this institution"})
            external_id = payload.get("external_id")
            if not external_id or not isinstance(payload.get("content"), str) or not payload["content"].strip():
                return self._answer(400, {"error": "external_id and content are required"})
            if external_id in state.followups:
                return self._answer(409, {"followup_id": state.followups[external_id]["followup_id"]})
            entry = {"followup_id": f"TL-{len(state.followups) + 1}", "tracking_id": tracking_id,
                     "content": payload["content"], "is_final": bool(payload.get("is_final")),
                     "external_id": external_id, "created_at": payload.get("created_at")}
            state.followups[external_id] = entry
            return self._answer(201, {"followup_id": entry["followup_id"]})

    return Handler


class LaporServer:
    def __init__(self):
        self.state = LaporState()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(self.state))
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "LaporServer":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def report(tracking_id: str, **extra) -> dict:
    """A report as the integration API sends it (docs/lapor.md), with realistic defaults."""
    body = {
        "tracking_id": tracking_id,
        "title": "Jalan berlubang di depan pasar",
        "content": "Jalan di depan Pasar Besar berlubang besar dan membahayakan pengendara sejak dua minggu.",
        "category": "Infrastruktur",
        "type": "pengaduan",
        "is_anonymous": False,
        "is_secret": False,
        "reporter": {"name": "Budi Santoso", "phone": "081298765432", "email": "budi@example.org"},
        "location": "Jl. Pahlawan, Madiun",
        "event_date": "2026-11-20",
        "created_at": "2026-11-30T08:15:00+07:00",
        "disposed_at": "2026-12-01T09:00:00+07:00",
        "status": "disposed",
        "disposition": {"institution_id": "INST-1", "institution_name": "Inspektorat Kota Madiun"},
    }
    body.update(extra)
    return body
