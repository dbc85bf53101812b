"""The WSGI application served in production: Django's, told the client's address by the reverse proxy.

Behind nginx every request comes from nginx's address, so the per-address rate limits of the public forms
(pengaduan.throttle) would lump all citizens together. nginx sends the client's address in X-Real-IP
(docs/deploy.md); it is believed only when the request comes from a trusted proxy
(PENGADUAN_TRUSTED_PROXIES, default loopback), so a client cannot pick its own address.
"""

import gc
import ipaddress
import os
import socket
from datetime import date

from pengaduan.ops import walcheckpoint
from pengaduan.wsgi import application as django_application


def trusted_proxies(environ=os.environ) -> frozenset[str]:
    raw = environ.get("PENGADUAN_TRUSTED_PROXIES", "127.0.0.1,::1")
    return frozenset(item.strip() for item in raw.split(",") if item.strip())


class ClientAddressFromProxy:
    def __init__(self, app, trusted: frozenset[str]):
        self.app = app
        self.trusted = trusted

    def __call__(self, environ, start_response):
        if environ.get("REMOTE_ADDR") in self.trusted:
            address = client_address(environ.get("HTTP_X_REAL_IP", ""))
            if address:  # no or a malformed header: keep the proxy's address
                environ["REMOTE_ADDR"] = address
        return self.app(environ, start_response)


def client_address(header: str) -> str:
    """The address in X-Real-IP written as ipaddress writes it, or "" when it is not one."""
    real = header.strip()
    if not real:  # no header, or an empty one (a direct request, a health check): no exception to raise and catch
        return ""
    try:
        # The usual case, a dotted IPv4 address, in C: inet_pton takes exactly four decimal parts (no leading
        # zeros, none above 255) and inet_ntop writes them back as ipaddress would.
        return socket.inet_ntop(socket.AF_INET, socket.inet_pton(socket.AF_INET, real))
    except (OSError, ValueError):
        pass
    try:
        return str(ipaddress.ip_address(real))
    except ValueError:
        return ""


def warm_up() -> None:
    """Import every view and compute the holidays of the years around now, once.

    gunicorn loads this module in its master (--preload) and forks the workers from it, so every worker,
    also one that replaces another after --max-requests, starts warm instead of spending its first
    requests (a second or two on a small machine) on imports.
    """
    from django.db import connections
    from django.urls import get_resolver

    from pengaduan.workcalendar.calendar import indonesian_holidays

    get_resolver().url_patterns  # noqa: B018 - imports the URLconf and with it every view module
    for year in range(date.today().year - 1, date.today().year + 2):
        indonesian_holidays(year)
    connections.close_all()  # no connection may be shared by the forked workers
    # Everything loaded so far lives as long as the process: the garbage collector need not look at it again.
    # Without this every full collection walks the whole loaded application (Django, every app, the
    # catalogues) - a cost per request that grows with the size of the code, not with the work; and the
    # workers forked from the master share these pages instead of copying them when the collector touches them.
    gc.collect()
    gc.freeze()


application = ClientAddressFromProxy(django_application, trusted_proxies())
walcheckpoint.enable()
warm_up()
