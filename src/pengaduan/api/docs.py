"""The API's documentation page, working without the internet.

django-ninja ships Swagger UI in its package (`ninja/static/ninja/`), but finds it only when "ninja" is an
installed app; otherwise its page loads Swagger UI from a CDN, which an office network without internet (or a
strict proxy) never reaches. This page uses the copies shipped with ninja, served by `docs_asset` below, so they
always match the installed ninja and nothing is vendored twice.
"""

import mimetypes
from pathlib import Path

import ninja
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from ninja.openapi.docs import DocsBase

NINJA_STATIC = Path(ninja.__file__).resolve().parent / "static" / "ninja"
ASSETS = frozenset({"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-init.js", "favicon.svg", "favicon.png"})


class OfflineSwagger(DocsBase):
    settings = {"layout": "BaseLayout", "deepLinking": True, "persistAuthorization": True}

    def render_page(self, request, api, **kwargs):
        return render(request, "api/swagger.html", {
            "api": api,
            "swagger_settings": {**self.settings, "url": self.get_openapi_url(api, kwargs)},
            "assets": {name.replace("-", "_").replace(".", "_"): reverse("api_docs_asset", args=[name])
                       for name in ASSETS},
        })


@require_GET
@cache_control(max_age=86400, public=True)
def docs_asset(request, name: str):
    if name not in ASSETS:
        raise Http404
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return FileResponse((NINJA_STATIC / name).open("rb"), content_type=content_type)
