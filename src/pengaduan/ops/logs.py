"""Log lines with a request id, as text or (LOG_FORMAT=json) one JSON object per line for a log collector.

Every request gets an id: the one nginx sent (X-Request-ID, when it looks like one) or a new one. It is
returned in the response's X-Request-ID header and added to every log line written while the request runs,
so a person who reports "the page said error" with the id (or its time) leads to the lines about it.
"""

import contextvars
import json
import logging
import random
import re
from datetime import UTC, datetime

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
_ACCEPTED_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_random_bits = random.getrandbits
HEADER = "X-Request-ID"
META_KEY = "HTTP_X_REQUEST_ID"


def current_request_id() -> str:
    return _request_id.get()


def begin_request(request) -> tuple[str, contextvars.Token]:
    """The request's id (see the module docstring), set for the log lines written until end_request."""
    # From META: request.headers would build a mapping of every header just for this one.
    offered = request.META.get(META_KEY, "")
    request_id = offered if _ACCEPTED_ID.match(offered) else new_request_id()
    request.request_id = request_id
    return request_id, _request_id.set(request_id)


def new_request_id() -> str:
    """32 hex digits, as uuid4().hex, from Python's generator rather than a system call per request: an id must
    be unique, not unguessable, and each forked worker's generator is seeded anew (random reseeds after fork)."""
    return _random_bits(128).to_bytes(16).hex()


def end_request(token: contextvars.Token) -> None:
    _request_id.reset(token)


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record (empty outside a request), for both formats."""

    def filter(self, record):
        if not getattr(record, "request_id", ""):
            record.request_id = current_request_id()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, request id, and the traceback if any."""

    def format(self, record):
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if getattr(record, "request_id", ""):
            line["request_id"] = record.request_id
        status = getattr(record, "status_code", None)
        if status is not None:
            line["status"] = status
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def logging_config(*, json_lines: bool, level: str = "WARNING") -> dict:
    """Django's LOGGING: everything from `level` up to stderr (journald under systemd), server errors of
    django.request, not every 404."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "pengaduan.ops.logs.RequestIdFilter"}},
        "formatters": {
            "json": {"()": "pengaduan.ops.logs.JsonFormatter"},
            "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        },
        "handlers": {"stderr": {"class": "logging.StreamHandler", "filters": ["request_id"],
                                "formatter": "json" if json_lines else "text"}},
        "root": {"handlers": ["stderr"], "level": level},
        "loggers": {"django.request": {"level": "ERROR"}},
    }
