"""`pengaduan serve --production`: refuses unsafe settings, builds gunicorn's command, and really serves."""

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from pengaduan.ops import serving
from pengaduan.ops.management.commands import serve as serve_command
from pengaduan.ops.wsgi import ClientAddressFromProxy

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def safe_settings(settings):
    settings.DEBUG = False
    settings.SECRET_KEY = "k7Gx2-pQ9vLw4ZbN8cYt1RmS6hJd3FuE0aKoPi5XnWqV-zT9yBg"
    settings.ALLOWED_HOSTS = ["pengaduan.madiunkota.go.id"]
    settings.SITE_URL = "https://pengaduan.madiunkota.go.id"
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    return settings


@pytest.fixture
def no_exec(monkeypatch):
    """Record what serve would run instead of running it."""
    calls = {}

    def run(argv, env):
        calls["collectstatic"] = (argv, env)
        return subprocess.CompletedProcess(argv, 0)

    def execve(path, argv, env):
        calls["exec"] = (path, argv, env)

    monkeypatch.setattr(serve_command.subprocess, "run", run)
    monkeypatch.setattr(serve_command.os, "execve", execve)
    return calls


@pytest.mark.django_db
def test_it_refuses_to_start_with_debug_on(safe_settings, no_exec, capsys):
    safe_settings.DEBUG = True
    with pytest.raises(CommandError, match="Not starting"):
        call_command("serve", "--production")
    assert "DEBUG is on" in capsys.readouterr().err
    assert no_exec == {}


@pytest.mark.django_db
def test_it_refuses_a_plain_http_site_without_insecure_http(safe_settings, no_exec, capsys):
    safe_settings.SITE_URL = "http://pengaduan.madiunkota.go.id"
    with pytest.raises(CommandError):
        call_command("serve", "--production")
    assert "SITE_URL" in capsys.readouterr().err


@pytest.mark.django_db
def test_it_checks_a_safe_configuration_without_starting(safe_settings, no_exec, capsys):
    call_command("serve", "--production", "--check")
    assert "safe to serve" in capsys.readouterr().out
    assert no_exec == {}


@pytest.mark.django_db
def test_it_collects_static_files_then_becomes_gunicorn(safe_settings, no_exec):
    call_command("serve", "--production", "--workers", "3", "--bind", "127.0.0.1:9000")
    collect, env = no_exec["collectstatic"]
    assert collect[1:4] == ["-m", "django", "collectstatic"]
    path, argv, env = no_exec["exec"]
    assert argv == serving.gunicorn_argv(bind="127.0.0.1:9000", workers=3) and path == argv[0]
    assert env["DJANGO_SETTINGS_MODULE"] == "pengaduan.ops.production_settings"
    assert env["PENGADUAN_INSECURE_HTTP"] == "false"


def test_it_builds_the_gunicorn_command():
    argv = serving.gunicorn_argv(bind="10.0.0.5:8000", workers=7, python="/srv/pengaduan/.venv/bin/python")
    assert argv[:4] == ["/srv/pengaduan/.venv/bin/python", "-m", "gunicorn", "pengaduan.ops.wsgi:application"]
    assert argv[argv.index("--bind") + 1] == "10.0.0.5:8000"
    assert argv[argv.index("--workers") + 1] == "7"


def test_it_sizes_the_workers_to_the_machine():
    assert serving.default_workers(cores=2, environ={}) == 5
    assert serving.default_workers(cores=8, environ={}) == 17
    assert serving.default_workers(cores=8, environ={"WEB_CONCURRENCY": "3"}) == 3


def test_it_switches_on_secure_settings_unless_on_a_lan():
    secure = serving.production_overrides({}, insecure_http=False, environ={})
    assert secure["SESSION_COOKIE_SECURE"] and secure["CSRF_COOKIE_SECURE"]
    assert secure["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    assert secure["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600
    assert secure["STORAGES"]["staticfiles"]["BACKEND"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    lan = serving.production_overrides({}, insecure_http=True, environ={})
    assert "SESSION_COOKIE_SECURE" not in lan and "ROOT_URLCONF" not in lan


def test_it_believes_the_client_address_only_from_a_trusted_proxy():
    seen = []
    app = ClientAddressFromProxy(lambda environ, start_response: seen.append(environ["REMOTE_ADDR"]),
                                 frozenset({"127.0.0.1"}))
    app({"REMOTE_ADDR": "127.0.0.1", "HTTP_X_REAL_IP": "203.0.113.7"}, None)
    app({"REMOTE_ADDR": "198.51.100.2", "HTTP_X_REAL_IP": "203.0.113.7"}, None)
    app({"REMOTE_ADDR": "127.0.0.1", "HTTP_X_REAL_IP": "not an address"}, None)
    assert seen == ["203.0.113.7", "198.51.100.2", "127.0.0.1"]


@pytest.mark.parametrize("header", ["203.0.113.7", " 203.0.113.7 ", "0.0.0.0", "01.2.3.4", "1.2.3", "256.1.1.1",
                                    "1.2.3.4.5", "0x1.2.3.4", "1.2.3.4\x00", "\u0663.2.3.4", "2001:DB8::1", "::1",
                                    "::ffff:1.2.3.4", "fe80::1%eth0", "", "not an address"])
def test_it_writes_the_client_address_as_ipaddress_does(header):
    import ipaddress

    from pengaduan.ops.wsgi import client_address

    try:
        expected = str(ipaddress.ip_address(header.strip()))
    except ValueError:
        expected = ""
    assert client_address(header) == expected


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_url() -> str:
    """The test database, for the server in another process (it sees the schema, not this test's rows)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def _get(port, path, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.request("GET", path, headers=headers or {})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response, body


@pytest.mark.django_db
def test_it_really_serves_over_loopback(tmp_path):
    port = _free_port()
    env = {**os.environ, "PENGADUAN_DATA_DIR": str(tmp_path), "DATABASE_URL": _database_url(),
           "PENGADUAN_BENCH_URLS": "true", "DEBUG": "false"}
    env.pop("SECRET_KEY", None)  # the key generated in the data directory
    server = subprocess.Popen(
        [sys.executable, "-m", "pengaduan.cli", "serve", "--production", "--insecure-http", "--workers", "1",
         "--bind", f"127.0.0.1:{port}"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                response, body = _get(port, "/_bench/bare/")
                break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode()
                assert time.monotonic() < deadline, "the server did not answer within 30 s"
                time.sleep(0.2)
        assert response.status == 200 and body == b"ok"
        hashed = json.loads((tmp_path / "static" / "staticfiles.json").read_text())["paths"]["pengaduan/pengaduan.css"]
        response, body = _get(port, f"/static/{hashed}", {"Accept-Encoding": "gzip"})
        assert response.status == 200
        assert response.getheader("Content-Encoding") == "gzip"
        assert "immutable" in response.getheader("Cache-Control")
    finally:
        server.terminate()
        server.wait(timeout=10)
        server.stderr.close()


def test_it_recycles_workers_and_logs_access_only_when_the_environment_says_so():
    default = serving.gunicorn_argv(workers=3, environ={})
    assert default[default.index("--max-requests") + 1] == "100000" and "--access-logfile" not in default
    assert default[default.index("--max-requests-jitter") + 1] == "10000"
    assert "--max-requests" not in serving.gunicorn_argv(workers=3, environ={"PENGADUAN_MAX_REQUESTS": "0"})
    argv = serving.gunicorn_argv(workers=3, environ={"PENGADUAN_MAX_REQUESTS": "50000", "PENGADUAN_ACCESS_LOG": "-"})
    assert argv[argv.index("--max-requests") + 1] == "50000"
    assert argv[argv.index("--max-requests-jitter") + 1] == "5000"  # a tenth: workers are not replaced together
    assert argv[argv.index("--access-logfile") + 1] == "-"
    argv = serving.gunicorn_argv(workers=3, environ={"PENGADUAN_MAX_REQUESTS": "100",
                                                     "PENGADUAN_MAX_REQUESTS_JITTER": "7",
                                                     "PENGADUAN_ACCESS_LOG": "off"})
    assert argv[argv.index("--max-requests-jitter") + 1] == "7" and "--access-logfile" not in argv


def test_workers_keep_their_heartbeat_files_in_memory_where_the_machine_has_it(monkeypatch):
    """gunicorn touches each worker's heartbeat file once a request: in /dev/shm, not on a disk's journal."""
    monkeypatch.setattr(serving.os.path, "isdir", lambda path: path == "/dev/shm")
    monkeypatch.setattr(serving.os, "access", lambda path, mode: path == "/dev/shm")
    argv = serving.gunicorn_argv(workers=3, environ={})
    assert argv[argv.index("--worker-tmp-dir") + 1] == "/dev/shm"
    assert "heartbeat files in /dev/shm" in serving.describe({})
    argv = serving.gunicorn_argv(workers=3, environ={"PENGADUAN_WORKER_TMP_DIR": "/run/pengaduan"})
    assert argv[argv.index("--worker-tmp-dir") + 1] == "/run/pengaduan"
    monkeypatch.setattr(serving.os, "access", lambda path, mode: False)  # not writable for the service user
    assert "--worker-tmp-dir" not in serving.gunicorn_argv(workers=3, environ={})
    assert "heartbeat files in the temporary directory" in serving.describe({})


@pytest.mark.django_db
def test_it_refuses_a_recycling_count_that_is_not_a_number(safe_settings, no_exec, monkeypatch):
    monkeypatch.setenv("PENGADUAN_MAX_REQUESTS", "lots")
    with pytest.raises(CommandError, match="PENGADUAN_MAX_REQUESTS must be a whole number"):
        call_command("serve", "--production")
    assert no_exec == {}
