"""The JSON API at /api/v1/: the whole workflow for programs, through the same engine as the workdesk."""

from ninja import NinjaAPI

from pengaduan.api import errors
from pengaduan.api.auth import TokenAuth
from pengaduan.api.docs import OfflineSwagger
from pengaduan.api.public import router as public_router
from pengaduan.api.staff import router as staff_router

DESCRIPTION = """
Complaint handling along the unit's SOP, for programs.

* **Staff** endpoints take a personal API token: `Authorization: Bearer pgd_…` (made in the admin, or with
  `pengaduan apitoken create --user NAME --name WHAT`). A token acts as its user, with the user's roles.
* **Public** endpoints (`/public/…`) need no token: submit a complaint, follow it with its tracking code, reply
  to the officers' questions, rate the answer.
* Every error is JSON: `{"code": "...", "message": "...", "fields": {"name": ["..."]}}`.
  403: your role may not do this; 404: not found or not visible to you; 409: not possible in the complaint's
  present state (e.g. the step is not the current one); 422: inputs to correct; 429: wait `Retry-After` seconds.
"""

api = NinjaAPI(
    title="Pengaduan API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api_v1",
    docs=OfflineSwagger(),
    docs_url="/docs",
    openapi_url="/openapi.json",
    auth=TokenAuth(),
)
errors.install(api)
api.add_router("/", staff_router)
api.add_router("/public", public_router, auth=None, tags=["public"])
