"""Endpoints for machines: /healthz, /readyz (load balancers, uptime monitors) and /metrics (Prometheus)."""

import hmac
import ipaddress

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from pengaduan.ops.health import readiness


@require_GET
@never_cache
def healthz(request):
    """The process answers; nothing else is asked (no database), so a restart is never caused by a peer."""
    return JsonResponse({"status": "ok"})


@require_GET
@never_cache
def readyz(request):
    """Database, migrations, data folder and background jobs; 503 when any fails.

    `?jobs=0` leaves the jobs out of the status code (still listed): for a load balancer, which should not
    take a server out of service because the remind timer stopped."""
    result = readiness()
    with_jobs = request.GET.get("jobs", "1") != "0"
    document = result.as_json(include_jobs_in_status=with_jobs)
    response = JsonResponse(document, status=200 if document["status"] == "ok" else 503)
    # An answer, not a server error: Django would log every 503 at ERROR (and the error reporter send it)
    # on each probe of a monitor for as long as a job is stale.
    response._has_been_logged = True
    return response


def _metrics_allowed(request) -> bool:
    token = getattr(settings, "METRICS_TOKEN", "")
    offered = request.headers.get("Authorization", "")
    if token and offered.startswith("Bearer ") and hmac.compare_digest(offered[7:].strip().encode(), token.encode()):
        return True
    try:
        return ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False


@require_GET
@never_cache
def metrics(request):
    """Prometheus's text format, for loopback or a bearer token (METRICS_TOKEN)."""
    if not _metrics_allowed(request):
        return JsonResponse({"error": "metrics are served to loopback or with the METRICS_TOKEN bearer token"},
                            status=403)
    from pengaduan.ops.metrics import render

    body, content_type = render()
    return HttpResponse(body, content_type=content_type)
