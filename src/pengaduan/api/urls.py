"""The JSON API, included at /api/v1/: ninja's operations, the offline docs' assets, and JSON for anything else."""

from django.urls import path, re_path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from pengaduan.api.api import api
from pengaduan.api.auth import guard
from pengaduan.api.docs import docs_asset
from pengaduan.api.errors import json_error


def _guarded(urls):
    """Every URL of the API passes `guard` (size, per-address rate limit, JSON errors) before ninja sees it."""
    patterns, app_name, namespace = urls
    for pattern in patterns:
        pattern.callback = guard(pattern.callback)
    return patterns, app_name, namespace


@csrf_exempt
@guard
def not_found(request, rest=""):
    return json_error(404, _("There is nothing at this address. The documentation is at /api/v1/docs."))


urlpatterns = [
    path("docs/assets/<str:name>", docs_asset, name="api_docs_asset"),
    path("", _guarded(api.urls)),
    re_path(r"^(?P<rest>.*)$", not_found),
]
