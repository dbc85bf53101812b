"""Who is calling the JSON API, and the checks every request passes before any view runs."""

from functools import wraps

from django.http import JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from pengaduan.api.errors import RateLimited, json_error
from pengaduan.api.limits import body_too_large, client_ip, max_body_bytes, over_limit
from pengaduan.api.models import ApiToken
from pengaduan.api.services import credential_for_secret
from pengaduan.logins import COOL_OFF_SECONDS, api_credential_refused


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`: a personal API token; the request then acts as the token's user."""

    def authenticate(self, request, token: str) -> ApiToken | None:
        credential = credential_for_secret(ApiToken, token)
        if credential is None:
            if api_credential_refused(request):  # the one login throttle (pengaduan.logins)
                raise RateLimited(COOL_OFF_SECONDS)
            return None
        if wait := over_limit("api_token", f"token:{credential.pk}"):
            raise RateLimited(wait)
        # Selectors and the engine take the user; the workdesk's views would find them in request.user too.
        request.user = credential.user
        return credential


def activate_requested_language(request) -> None:
    """For the API an Accept-Language header is the client's explicit choice (the site ignores browsers')."""
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    for code, _quality in translation.trans_real.parse_accept_lang_header(header):
        try:
            translation.activate(translation.get_supported_language_variant(code))
            request.LANGUAGE_CODE = translation.get_language()
            return
        except LookupError:
            continue


def guard(view):
    """Wrap every URL of the API: language, body size (413), per-address rate (429), JSON for 405."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        activate_requested_language(request)
        if body_too_large(request):
            megabytes = max_body_bytes(request.META.get("CONTENT_TYPE", "").lower()) / (1024 * 1024)
            return json_error(413, _("The request is too large (at most %(mb).0f MB).") % {"mb": megabytes})
        if wait := over_limit("api_ip", f"ip:{client_ip(request)}"):
            return json_error(429, RateLimited(wait).message, wait=wait)
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and not isinstance(response, JsonResponse):
            allowed = response.get("Allow", "")
            response = json_error(405, _("This address does not accept %(method)s; it accepts %(allowed)s.")
                                  % {"method": request.method, "allowed": allowed or "-"})
            response["Allow"] = allowed
        return response

    return guarded
