"""How `pengaduan serve --production` runs: the production settings on top of the base ones, and gunicorn's argv.

The same `production_overrides` is applied by `pengaduan.ops.production_settings` (the settings module gunicorn
loads) and by `serve` before it checks the configuration, so what is checked is what runs.
"""

import os
import sys
from collections.abc import Mapping
from typing import Any

from pengaduan.ops.logs import logging_config

PRODUCTION_SETTINGS_MODULE = "pengaduan.ops.production_settings"
WSGI_APP = "pengaduan.ops.wsgi:application"
DEFAULT_BIND = "127.0.0.1:8000"
HSTS_SECONDS = 365 * 24 * 3600


def cpu_count() -> int:
    """Cores this process may run on (a container's or systemd's CPU affinity, not the host's)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def default_workers(cores: int | None = None, environ: Mapping[str, str] = os.environ) -> int:
    """gunicorn's rule of thumb, 2 x cores + 1 sync workers; WEB_CONCURRENCY overrides it."""
    if environ.get("WEB_CONCURRENCY", "").strip():
        return max(1, int(environ["WEB_CONCURRENCY"]))
    return 2 * (cores or cpu_count()) + 1


def production_overrides(base: Mapping[str, Any], *, insecure_http: bool, bench_urls: bool = False,
                         environ: Mapping[str, str] = os.environ) -> dict[str, Any]:
    """The settings that change in production. DEBUG, SECRET_KEY and ALLOWED_HOSTS are left to the
    environment on purpose: the checks refuse unsafe values rather than hiding them."""
    storages = {name: dict(value) for name, value in (base.get("STORAGES") or {}).items()}
    # Hashed, compressed copies made by collectstatic; whitenoise serves them with a one-year cache.
    storages["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
    overrides: dict[str, Any] = {
        "STORAGES": storages,
        "WHITENOISE_USE_FINDERS": False,
        "WHITENOISE_AUTOREFRESH": False,
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "SECURE_REFERRER_POLICY": "same-origin",
        "SESSION_COOKIE_HTTPONLY": True,
        "X_FRAME_OPTIONS": "DENY",
        # Errors to stderr (journald under systemd); without this, DEBUG off would drop them silently.
        # LOG_FORMAT=json: one JSON object per line, for a log collector.
        "LOGGING": logging_config(json_lines=environ.get("LOG_FORMAT", "text") == "json",
                                  level=environ.get("LOG_LEVEL", "WARNING")),
    }
    if not insecure_http:
        overrides.update({
            # nginx terminates TLS and says so in X-Forwarded-Proto (docs/deploy.md); plain-HTTP requests that
            # reach Django anyway are redirected.
            "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
            "SECURE_SSL_REDIRECT": True,
            "SESSION_COOKIE_SECURE": True,
            "CSRF_COOKIE_SECURE": True,
            "SECURE_HSTS_SECONDS": int(environ.get("SECURE_HSTS_SECONDS", HSTS_SECONDS)),
        })
    if "MAIL_SEND_IMMEDIATELY" not in environ:
        # Web workers only queue mail; the `pengaduan remind` timer sends it (docs/deploy.md). Set in the
        # environment, the base settings' value wins.
        overrides["MAIL_SEND_IMMEDIATELY"] = False
    if bench_urls:
        overrides["ROOT_URLCONF"] = "pengaduan.ops.bench_urls"
    return overrides


# Chosen by measurement (bench/peer.py --serving; docs/deploy.md "Worker recycling and the access log"): the
# access log cost about 15 % of the server's CPU per bare request and nginx logs every request anyway; a worker
# replaced every ~100 000 requests keeps the guard against slow leaks at no measurable cost (every 2 000 it
# also cost a cold worker every few seconds under load).
DEFAULT_MAX_REQUESTS = 100_000
DEFAULT_ACCESS_LOG = ""


def recycling(environ: Mapping[str, str] = os.environ) -> tuple[int, int]:
    """(max requests, jitter) from PENGADUAN_MAX_REQUESTS (0: workers are never replaced) and
    PENGADUAN_MAX_REQUESTS_JITTER (default a tenth, so the workers are not all replaced at once)."""
    count = _whole_number(environ, "PENGADUAN_MAX_REQUESTS", DEFAULT_MAX_REQUESTS)
    return count, _whole_number(environ, "PENGADUAN_MAX_REQUESTS_JITTER", count // 10)


def _whole_number(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit():
        raise ValueError(f"{name} must be a whole number of requests (0 for none), not {raw!r}.")
    return int(raw)


def access_log(environ: Mapping[str, str] = os.environ) -> str:
    """Where gunicorn writes one line per request: PENGADUAN_ACCESS_LOG "-" (stdout, journald under systemd),
    a file path, or empty/"off" for none (nginx in front keeps its own access log)."""
    value = environ.get("PENGADUAN_ACCESS_LOG", DEFAULT_ACCESS_LOG).strip()
    return "" if value.lower() in ("", "off", "false", "no", "0") else value


MEMORY_DIRECTORY = "/dev/shm"


def heartbeat_directory(environ: Mapping[str, str] = os.environ) -> str:
    """Where each worker keeps the file it touches to tell the master it is alive, once a request (gunicorn's
    --worker-tmp-dir): PENGADUAN_WORKER_TMP_DIR, else /dev/shm where the machine has it and the service may
    write there, else "" (gunicorn's default, the temporary directory). On a disk-backed /tmp that touch goes
    through the file system's journal, and gunicorn's documentation warns that it may block a worker."""
    chosen = environ.get("PENGADUAN_WORKER_TMP_DIR", "").strip()
    if chosen:
        return chosen
    return MEMORY_DIRECTORY if os.path.isdir(MEMORY_DIRECTORY) and os.access(MEMORY_DIRECTORY, os.W_OK) else ""


def describe(environ: Mapping[str, str] = os.environ) -> str:
    count, jitter = recycling(environ)
    log = access_log(environ)
    heartbeat = heartbeat_directory(environ)
    return ", ".join([
        f"workers replaced after {count} (+-{jitter}) requests" if count else "no worker recycling",
        {"": "no access log", "-": "access log to stdout"}.get(log, f"access log to {log}"),
        f"heartbeat files in {heartbeat}" if heartbeat else "heartbeat files in the temporary directory",
    ])


def gunicorn_argv(*, bind: str = DEFAULT_BIND, workers: int, timeout: int = 30,
                  python: str = sys.executable, environ: Mapping[str, str] = os.environ) -> list[str]:
    """The command that runs the production server (serve replaces itself with it, so systemd's signals reach it)."""
    argv = [
        python, "-m", "gunicorn", WSGI_APP,
        "--bind", bind,
        "--workers", str(workers),
        "--worker-class", "sync",  # nginx buffers slow clients, so plain sync workers are enough
        "--timeout", str(timeout),
        "--graceful-timeout", str(timeout),
        "--preload",  # load (and warm, see ops.wsgi) the app once in the master; workers fork warm
        "--error-logfile", "-",
        "--no-control-socket",  # systemd sends the signals; the service user needs no writable home
    ]
    count, jitter = recycling(environ)
    if count:
        # A worker is replaced after about this many requests: a slow leak never grows without bound.
        argv += ["--max-requests", str(count), "--max-requests-jitter", str(jitter)]
    log = access_log(environ)
    if log:
        argv += ["--access-logfile", log]
    heartbeat = heartbeat_directory(environ)
    if heartbeat:
        argv += ["--worker-tmp-dir", heartbeat]
    return argv


def gunicorn_environ(*, insecure_http: bool, environ: Mapping[str, str] = os.environ) -> dict[str, str]:
    env = dict(environ)
    env["DJANGO_SETTINGS_MODULE"] = PRODUCTION_SETTINGS_MODULE
    env["PENGADUAN_INSECURE_HTTP"] = "true" if insecure_http else "false"
    return env
