"""The one throttle every login goes through (django-axes), and how usernames are compared.

The workdesk's login page, the admin's login page and the JSON API's tokens all count their failures in
django-axes (settings: AXES_*). A failure counts against the account *and* the address together:

* guessing one officer's password from one address locks that pair out for the cool-off time;
* nobody can lock an officer out from elsewhere (the officer's own address is a different pair), so five wrong
  guesses are no denial of service;
* one officer's typos do not lock out the colleagues behind the same office NAT.

Usernames are normalised (Unicode NFKC and case) before they are counted and before they are looked up, so
`ＪＦＵ` or `Jfu` are the same account as `jfu`, in the count and at the password check alike.
"""

import unicodedata
from datetime import timedelta

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_lockout_response
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_login_failed
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from pengaduan.units import stamps

COOL_OFF = timedelta(minutes=15)
# Failed API token uses are counted under this name (with the address); no username can contain a space.
API_TOKEN_USERNAME = "api token"
OPEN311_KEY_USERNAME = "open311 key"
COOL_OFF_SECONDS = int(COOL_OFF.total_seconds())
LOCKED_API = _("Too many requests with an unknown API token from this address. Please wait 15 minutes.")


def normalise_username(username) -> str:
    """The form a username is compared and counted in: NFKC (look-alike letters folded) and case-folded."""
    return unicodedata.normalize("NFKC", str(username or "")).strip().casefold()


def axes_username(request, credentials) -> str:
    """AXES_USERNAME_CALLABLE: the normalised username the attempt was for."""
    field = get_user_model().USERNAME_FIELD
    raw = (credentials or {}).get(field)
    if raw is None and request is not None:
        raw = getattr(request, "POST", {}).get(field)
    return normalise_username(raw)


def axes_client_ip(request) -> str:
    """AXES_CLIENT_IP_CALLABLE: the address the rest of the site throttles by (REMOTE_ADDR; see docs/deploy.md)."""
    return request.META.get("REMOTE_ADDR", "") or "0.0.0.0"


def failure_limit(request, credentials) -> int:
    """AXES_FAILURE_LIMIT: read per attempt, so LOGIN_FAILURE_LIMIT can be changed without a restart in tests."""
    return settings.LOGIN_FAILURE_LIMIT


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the login page with a clear message, 429 and when to try again (JSON for the API)."""
    if original_response is not None and original_response.status_code == 429 and "Retry-After" in original_response:
        return original_response  # the API or Open311 already answered in its own format
    if request.path.startswith("/api/"):
        # The API's error format (pengaduan.api.errors), written out here so that the login does not import the API.
        response = JsonResponse({"code": "rate_limited", "message": str(LOCKED_API), "fields": {}}, status=429)
        response["Retry-After"] = str(int(COOL_OFF.total_seconds()))
        return response
    response = render(request, "registration/locked.html", {
        "minutes": int(COOL_OFF.total_seconds() // 60),
        "admin_login": request.path.startswith("/admin/"),
    }, status=429)
    response["Retry-After"] = str(int(COOL_OFF.total_seconds()))
    return response


def lockout_page_if_refused(request, response):
    """The lock-out page (lockout_response) in place of the response to a login the throttle refused; as
    django-axes' AxesMiddleware does, here called by the login middleware (pengaduan.workdesk.login)."""
    if getattr(request, "axes_locked_out", None) and settings.AXES_ENABLED:
        return get_lockout_response(request, response, getattr(request, "axes_credentials", None))
    return response


def api_credential_refused(request, username: str = API_TOKEN_USERNAME) -> bool:
    """Count a request with an unknown, revoked or expired API token (or Open311 key) as a failed login from its
    address; True once that source is locked out (the caller then answers 429 in its own format).

    A valid credential is never refused by this count (its 256 random bits cannot be guessed, so locking it out
    would protect nothing and would let a stranger behind the same NAT lock out a colleague's script).
    """
    user_login_failed.send(sender=__name__, credentials={get_user_model().USERNAME_FIELD: username}, request=request)
    return bool(getattr(request, "axes_locked_out", False))


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' check, first in AUTHENTICATION_BACKENDS: a locked-out pair is refused before any hashing.

    Every web login has a request; a check without one (a script, the test client's login()) has no address to
    count by and is left to the password check alone, instead of failing.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


_permissions = stamps.StampedCache(stamps.PERMISSIONS, max_entries=1024)


class NormalisedUsernameBackend(ModelBackend):
    """Django's password check, with the username normalised as the throttle counts it; and Django's permission
    check, the permissions of a user kept per process (every staff page's menu asks, which cost two queries a
    request) under the stamp that every change of permissions, groups and their members bumps."""

    def get_all_permissions(self, user_obj, obj=None):
        if obj is not None or not user_obj.is_active or user_obj.is_anonymous:
            return super().get_all_permissions(user_obj, obj)
        if not hasattr(user_obj, "_perm_cache"):
            user_obj._perm_cache = _permissions.get(
                (user_obj.pk, user_obj.is_superuser),
                lambda: frozenset(super(NormalisedUsernameBackend, self).get_all_permissions(user_obj)))
        return user_obj._perm_cache

    def authenticate(self, request, username=None, password=None, **kwargs):
        model = get_user_model()
        if username is None:
            username = kwargs.get(model.USERNAME_FIELD)
        if username is None or password is None:
            return None
        wanted = normalise_username(username)
        matches = [user for user in model._default_manager.filter(**{f"{model.USERNAME_FIELD}__iexact": wanted})
                   if normalise_username(user.get_username()) == wanted]
        if len(matches) != 1:
            # None, or an ambiguous name: hash anyway, so the answer takes as long as for a real account.
            model().set_password(password)
            return None
        user = matches[0]
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
