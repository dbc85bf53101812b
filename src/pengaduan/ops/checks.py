"""What `pengaduan serve --production` refuses to start with, and what it only warns about.

Pure functions over a mapping of settings (name → value), so that each unsafe configuration is tested
without starting anything. `deployment_problems` runs them all; a problem that is `fatal` stops the
server, the others are printed as warnings. Every message says what to change.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

MIN_SECRET_KEY_LENGTH = 50
MIN_SECRET_KEY_CHARS = 5
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
MANIFEST_STORAGES = {
    "whitenoise.storage.CompressedManifestStaticFilesStorage",
    "django.contrib.staticfiles.storage.ManifestStaticFilesStorage",
}


@dataclass(frozen=True)
class Problem:
    message: str
    fatal: bool = True

    def __str__(self):
        return f"{'ERROR' if self.fatal else 'warning'}: {self.message}"


def check_debug(config: Mapping[str, Any]) -> list[Problem]:
    if config.get("DEBUG"):
        return [Problem("DEBUG is on: error pages would show code and settings to anyone. "
                        "Remove DEBUG from the environment or set DEBUG=false.")]
    return []


def check_secret_key(config: Mapping[str, Any]) -> list[Problem]:
    """Django's own rule (check --deploy): at least 50 characters, 5 different ones, not a generated dev key.

    The key generated into the data directory (`secrets.token_urlsafe(50)`) passes.
    """
    key = config.get("SECRET_KEY") or ""
    if not key:
        return [Problem("SECRET_KEY is empty. Unset it to use the key generated in the data directory, or set "
                        "SECRET_KEY to a long random value (python3 -c 'import secrets; print(secrets.token_urlsafe(50))').")]
    if (len(key) < MIN_SECRET_KEY_LENGTH or len(set(key)) < MIN_SECRET_KEY_CHARS
            or key.startswith("django-insecure-")):
        return [Problem(f"SECRET_KEY is too short or too simple ({len(key)} characters; at least "
                        f"{MIN_SECRET_KEY_LENGTH} random ones are needed). Set SECRET_KEY to a long random value "
                        "(python3 -c 'import secrets; print(secrets.token_urlsafe(50))'), the same on every server.")]
    return []


def check_allowed_hosts(config: Mapping[str, Any], *, insecure_http: bool = False) -> list[Problem]:
    hosts = list(config.get("ALLOWED_HOSTS") or [])
    if not hosts:
        return [Problem("ALLOWED_HOSTS is empty: every request would be refused. "
                        "Set ALLOWED_HOSTS to the site's host name, e.g. ALLOWED_HOSTS=pengaduan.madiunkota.go.id.")]
    if "*" in hosts:
        return [Problem("ALLOWED_HOSTS contains \"*\": any Host header would be accepted (poisoned password-reset "
                        "and e-mail links). Set ALLOWED_HOSTS to the site's host name(s), comma-separated.")]
    problems = []
    site_host = urlsplit(config.get("SITE_URL") or "").hostname or ""
    if site_host and not _host_allowed(site_host, hosts):
        problems.append(Problem(f"SITE_URL's host {site_host!r} is not in ALLOWED_HOSTS {hosts}: links in e-mails "
                                "would point to a host this server refuses. Add it to ALLOWED_HOSTS.", fatal=False))
    if not insecure_http and set(hosts) <= LOOPBACK_HOSTS:
        problems.append(Problem("ALLOWED_HOSTS has only loopback names: requests forwarded by nginx for the public "
                                "host name will be refused. Add it, e.g. ALLOWED_HOSTS=pengaduan.madiunkota.go.id.",
                                fatal=False))
    return problems


def _host_allowed(host: str, allowed: list[str]) -> bool:
    return any(host == pattern or (pattern.startswith(".") and (host.endswith(pattern) or host == pattern[1:]))
               for pattern in allowed)


def check_https(config: Mapping[str, Any], *, insecure_http: bool) -> list[Problem]:
    """Behind nginx with TLS: secure cookies, the proxy's scheme header trusted, https links, HSTS."""
    if insecure_http:
        return [Problem("--insecure-http: passwords and session cookies travel unencrypted. Use it only on a "
                        "closed office network; on the internet put nginx with TLS in front (docs/deploy.md).",
                        fatal=False)]
    problems = []
    missing = [name for name in ("SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE") if not config.get(name)]
    if missing:
        problems.append(Problem(f"{' and '.join(missing)} off: login cookies would also be sent over plain HTTP. "
                                "Set them to True, or start with --insecure-http on a closed LAN."))
    if not config.get("SECURE_PROXY_SSL_HEADER") and not config.get("SECURE_SSL_REDIRECT"):
        problems.append(Problem("Neither SECURE_PROXY_SSL_HEADER nor SECURE_SSL_REDIRECT is set: Django cannot tell "
                                "HTTPS requests from plain ones. Set SECURE_PROXY_SSL_HEADER = "
                                "(\"HTTP_X_FORWARDED_PROTO\", \"https\") with nginx setting X-Forwarded-Proto, or start "
                                "with --insecure-http on a closed LAN."))
    if not str(config.get("SITE_URL") or "").startswith("https://"):
        problems.append(Problem(f"SITE_URL is {config.get('SITE_URL')!r}: links in e-mails and on receipts would use "
                                "plain HTTP. Set SITE_URL=https://your.host.name, or start with --insecure-http "
                                "on a closed LAN."))
    if not config.get("SECURE_HSTS_SECONDS"):
        problems.append(Problem("SECURE_HSTS_SECONDS is 0: browsers are not told to stay on HTTPS. "
                                "Set SECURE_HSTS_SECONDS=31536000 once HTTPS works.", fatal=False))
    return problems


def check_database(config: Mapping[str, Any], *, workers: int) -> list[Problem]:
    engine = (config.get("DATABASES") or {}).get("default", {}).get("ENGINE", "")
    if "sqlite" in engine and workers > 1:
        return [Problem(f"SQLite with {workers} workers: writes queue up one at a time (readers are not blocked). "
                        "Fine for one office; for many users or several servers set DATABASE_URL to PostgreSQL.",
                        fatal=False)]
    return []


def check_static(config: Mapping[str, Any]) -> list[Problem]:
    backend = (config.get("STORAGES") or {}).get("staticfiles", {}).get("BACKEND", "")
    if backend not in MANIFEST_STORAGES:
        return [Problem(f"Static files use {backend or 'no storage'}: without a manifest storage file names carry "
                        "no hash, so browsers cannot cache them for long. Use "
                        "whitenoise.storage.CompressedManifestStaticFilesStorage.")]
    if config.get("WHITENOISE_USE_FINDERS"):
        return [Problem("WHITENOISE_USE_FINDERS is on: static files are looked up in the app folders on each start "
                        "instead of the collected, compressed copies. Set it to False.", fatal=False)]
    return []


def check_email(config: Mapping[str, Any]) -> list[Problem]:
    if str(config.get("EMAIL_BACKEND", "")).endswith(("filebased.EmailBackend", "mailfiles.EmailBackend")):
        return [Problem("EMAIL_BACKEND writes mail to files in the data directory: complainants and officers get "
                        "nothing. Set EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and EMAIL_HOST "
                        "(README, Configuration).", fatal=False)]
    return []


def check_bind(bind: str, *, insecure_http: bool) -> list[Problem]:
    host = bind.rsplit(":", 1)[0].strip("[]") if ":" in bind else bind
    if bind.startswith("unix:") or host in LOOPBACK_HOSTS:
        return []
    if host in {"0.0.0.0", "::", ""} and not insecure_http:
        return [Problem(f"Binding to {bind}: gunicorn speaks plain HTTP and trusts the X-Forwarded-Proto header. "
                        "Bind to 127.0.0.1 (nginx on this server) or to the private address nginx reaches, and "
                        "firewall the port.", fatal=False)]
    return []


def check_migrations(pending: list[str]) -> list[Problem]:
    if pending:
        shown = ", ".join(pending[:5]) + (" ..." if len(pending) > 5 else "")
        return [Problem(f"{len(pending)} database migration(s) not applied ({shown}). Run `pengaduan migrate` first.")]
    return []


def check_bench_urls(config: Mapping[str, Any]) -> list[Problem]:
    if config.get("ROOT_URLCONF") == "pengaduan.ops.bench_urls":
        return [Problem("Benchmark URLs are on (PENGADUAN_BENCH_URLS): unset it outside `make bench`.", fatal=False)]
    return []


def deployment_problems(config: Mapping[str, Any], *, workers: int, bind: str = "127.0.0.1:8000",
                        insecure_http: bool = False, pending_migrations: list[str] | None = None) -> list[Problem]:
    """Every problem of a production configuration, fatal ones first."""
    problems = [
        *check_debug(config),
        *check_secret_key(config),
        *check_allowed_hosts(config, insecure_http=insecure_http),
        *check_https(config, insecure_http=insecure_http),
        *check_static(config),
        *check_database(config, workers=workers),
        *check_email(config),
        *check_bind(bind, insecure_http=insecure_http),
        *check_migrations(pending_migrations or []),
        *check_bench_urls(config),
    ]
    return sorted(problems, key=lambda problem: not problem.fatal)
