"""One error format for the whole JSON API, and the mapping of every refusal to its status code.

Every 4xx answer has the body `{"code": "...", "message": "...", "fields": {"name": ["..."]}}`: `code` is stable
for programs, `message` is for people (in the request's language), `fields` names the inputs to correct.

The workflow's refusals map the same way everywhere: NotPermitted → 403, StepInputInvalid → 422 (with fields),
any other WorkflowError (a step not current, a question already answered, ...) → 409.
"""

import logging

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import OperationalError
from django.http import Http404, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from pengaduan.complaints.errors import NotPermitted, StepInputInvalid, WorkflowError

logger = logging.getLogger(__name__)

CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "not_permitted",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "rate_limited",
    500: "server_error",
    503: "busy",
}


class ApiError(Exception):
    """Raised by our views and checks to answer with an error; `wait` sets Retry-After (429)."""

    def __init__(self, status: int, message, fields: dict | None = None, wait: int | None = None):
        super().__init__(str(message))
        self.status, self.message, self.fields, self.wait = status, message, fields or {}, wait


class RateLimited(ApiError):
    def __init__(self, wait: int):
        super().__init__(429, _("Too many requests. Please wait %(seconds)d seconds and try again.")
                         % {"seconds": wait}, wait=wait)


def error_body(status: int, message, fields: dict | None = None) -> dict:
    return {"code": CODES.get(status, "error"), "message": str(message),
            "fields": {name: [str(text) for text in texts] for name, texts in (fields or {}).items()}}


def json_error(status: int, message, fields: dict | None = None, *, wait: int | None = None) -> JsonResponse:
    response = JsonResponse(error_body(status, message, fields), status=status)
    if wait is not None:
        response["Retry-After"] = str(wait)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="pengaduan"'
    return response


def _field_name(loc: tuple) -> str:
    """ninja's error location ("body", "payload", "summary") → the input's name ("summary")."""
    parts = [str(part) for part in loc]
    source, rest = (parts[0], parts[1:]) if parts else ("", [])
    if source == "body" and len(rest) > 1:
        rest = rest[1:]  # the name of the view's body parameter means nothing to the client
    return ".".join(rest) or source or "__all__"


def ninja_validation_fields(errors: list[dict]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for error in errors:
        fields.setdefault(_field_name(tuple(error.get("loc", ()))), []).append(str(error.get("msg", "")))
    return fields


def django_validation_fields(error: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {field: [str(message) for message in messages] for field, messages in error.message_dict.items()}
    return {"__all__": [str(message) for message in error.messages]}


def install(api) -> None:
    """Register the handlers on a NinjaAPI: every exception becomes a JSON error, 5xx only for our own bugs."""

    def respond(request, status, message, fields=None, wait=None):
        return json_error(status, message, fields, wait=wait)

    @api.exception_handler(ApiError)
    def on_api_error(request, exc: ApiError):
        return respond(request, exc.status, exc.message, exc.fields, exc.wait)

    @api.exception_handler(StepInputInvalid)
    def on_invalid_input(request, exc: StepInputInvalid):
        return respond(request, 422, exc.message, exc.errors)

    @api.exception_handler(NotPermitted)
    def on_not_permitted(request, exc: NotPermitted):
        return respond(request, 403, exc.message)

    @api.exception_handler(WorkflowError)
    def on_refused(request, exc: WorkflowError):
        return respond(request, 409, exc.message)

    @api.exception_handler(NinjaValidationError)
    def on_schema_error(request, exc: NinjaValidationError):
        return respond(request, 422, _("Please correct the marked fields."), ninja_validation_fields(exc.errors))

    @api.exception_handler(DjangoValidationError)
    def on_django_validation_error(request, exc: DjangoValidationError):
        return respond(request, 422, _("Please correct the marked fields."), django_validation_fields(exc))

    @api.exception_handler(AuthenticationError)
    def on_unauthenticated(request, exc):
        return respond(request, 401, _("Send a valid API token: the header “Authorization: Bearer <token>”."))

    @api.exception_handler(HttpError)
    def on_http_error(request, exc: HttpError):
        if exc.status_code == 400:
            return respond(request, 400, _("The request body is not valid JSON."))
        return respond(request, exc.status_code, str(exc))

    @api.exception_handler(Http404)
    @api.exception_handler(ObjectDoesNotExist)
    def on_not_found(request, exc):
        return respond(request, 404, _("Not found, or not visible to you."))

    @api.exception_handler(PermissionDenied)
    def on_permission_denied(request, exc):
        return respond(request, 403, str(exc) or _("You may not do this."))

    @api.exception_handler(RequestDataTooBig)
    def on_too_big(request, exc):
        return respond(request, 413, _("The request is too large."))

    @api.exception_handler(SuspiciousOperation)
    def on_suspicious(request, exc):
        return respond(request, 400, _("The request could not be read."))

    @api.exception_handler(MultiPartParserError)
    def on_bad_multipart(request, exc):
        return respond(request, 400, _("The multipart body could not be read."))

    @api.exception_handler(Exception)
    def on_unexpected(request, exc):
        text = str(exc).lower()
        if isinstance(exc, OperationalError) and ("locked" in text or "busy" in text):
            # As on the site's pages: the transaction was rolled back, nothing was half-written.
            return respond(request, 503, _("The database is busy. Please try again in a few seconds."), wait=5)
        logger.exception("Unexpected error in the API", exc_info=exc)
        return respond(request, 500, _("Something went wrong on our side. It has been logged; please try again later."))
