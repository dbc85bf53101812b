"""Log lines with a request id (text or JSON), the id returned in X-Request-ID."""

import json
import logging
import os

import pytest

from pengaduan.ops.logs import JsonFormatter, RequestIdFilter, logging_config, new_request_id


def test_it_returns_a_request_id_on_every_response(client, db):
    first, second = client.get("/healthz"), client.get("/healthz")
    assert len(first["X-Request-ID"]) == 32 and first["X-Request-ID"] != second["X-Request-ID"]


def test_it_keeps_the_id_the_proxy_sent_and_refuses_a_malformed_one(client, db):
    assert client.get("/healthz", HTTP_X_REQUEST_ID="nginx-4f2a9c1b77")["X-Request-ID"] == "nginx-4f2a9c1b77"
    refused = client.get("/healthz", HTTP_X_REQUEST_ID="<script>alert(1)</script>")["X-Request-ID"]
    assert "<" not in refused and len(refused) == 32


def test_it_writes_json_lines_with_the_request_id_of_the_request(rf):
    from django.http import HttpResponse

    from pengaduan.ops.observe import ObservedRequestMiddleware

    lines = []

    class Capture(logging.Handler):
        def emit(self, record):
            lines.append(self.format(record))

    handler = Capture()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("pengaduan.test")
    logger.addHandler(handler)

    def view_that_logs(request):
        logger.warning("mail server slow: %s s", 12)
        return HttpResponse("ok")

    try:
        response = ObservedRequestMiddleware(view_that_logs)(rf.get("/kerja/"))
        logger.warning("after the request")
    finally:
        logger.removeHandler(handler)
    during, after = (json.loads(line) for line in lines)
    assert during["message"] == "mail server slow: 12 s" and during["level"] == "WARNING"
    assert during["request_id"] == response["X-Request-ID"]
    assert during["logger"] == "pengaduan.test" and during["time"].endswith("+00:00")
    assert "request_id" not in after


def test_it_puts_the_traceback_into_the_json_line():
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", None, sys.exc_info())
    RequestIdFilter().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert "ValueError: boom" in line["exception"] and "request_id" not in line


@pytest.mark.parametrize("json_lines, formatter", [(True, "json"), (False, "text")])
def test_the_production_logging_uses_the_chosen_format(json_lines, formatter):
    config = logging_config(json_lines=json_lines)
    assert config["handlers"]["stderr"]["formatter"] == formatter
    logging.config.dictConfig(config)  # valid as written
    logging.config.dictConfig({"version": 1, "disable_existing_loggers": False})


def test_serve_production_takes_the_format_from_the_environment():
    from pengaduan.ops.serving import production_overrides

    overrides = production_overrides({}, insecure_http=True, environ={"LOG_FORMAT": "json"})
    assert overrides["LOGGING"]["handlers"]["stderr"]["formatter"] == "json"
    assert production_overrides({}, insecure_http=True, environ={})["LOGGING"]["handlers"]["stderr"]["formatter"] == "text"


import logging.config  # noqa: E402


def test_each_forked_worker_makes_its_own_request_ids():
    """gunicorn forks the workers from one process: their ids must not repeat each other's."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: one id, then gone without running anything of the parent's
        os.write(write, new_request_id().encode())
        os._exit(0)
    os.waitpid(pid, 0)
    os.close(write)
    child = os.read(read, 64).decode()
    os.close(read)
    assert len(child) == 32 and child != new_request_id()
