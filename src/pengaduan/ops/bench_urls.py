"""The site's URLs plus a bare view, the ceiling `make bench` compares intake with.

Used only when PENGADUAN_BENCH_URLS is on (see serving.production_overrides); `serve` warns when it is.
"""

from django.http import HttpResponse
from django.urls import include, path


def bare(request):
    """Through every middleware, no database, no template: what one request costs at the least."""
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("_bench/bare/", bare, name="bench_bare"),
    path("", include("pengaduan.urls")),
]
