"""SitePoliciesMiddleware does the work of Django's SecurityMiddleware, XFrameOptionsMiddleware and WhiteNoise in
one layer: the same headers by the same rules, the redirect to HTTPS, static files, and Django's deploy checks of
the settings."""

import pytest
from django.core.checks.security import base as security_checks
from django.http import HttpResponse
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.security import SecurityMiddleware
from django.test import RequestFactory
from django.views.decorators.clickjacking import xframe_options_exempt

from pengaduan.middleware import SitePoliciesMiddleware, check_security_settings

DJANGOS_HEADERS = ("Strict-Transport-Security", "X-Content-Type-Options", "Referrer-Policy",
                   "Cross-Origin-Opener-Policy", "X-Frame-Options", "Location")


def _plain(request):
    return HttpResponse("ok")


def _own(**headers):
    def view(request):
        response = HttpResponse("ok")
        for name, value in headers.items():
            response[name.replace("_", "-")] = value
        return response
    return view


VIEWS = {
    "plain": _plain,
    "exempt from frame options": xframe_options_exempt(_plain),
    "own frame options": _own(X_Frame_Options="SAMEORIGIN"),
    "own referrer policy": _own(Referrer_Policy="no-referrer"),
    "own HSTS": _own(Strict_Transport_Security="max-age=60"),
    "own opener policy": _own(Cross_Origin_Opener_Policy="unsafe-none"),
    "own nosniff": _own(X_Content_Type_Options="nosniff"),
}


@pytest.mark.parametrize("view", VIEWS.values(), ids=VIEWS.keys())
@pytest.mark.parametrize("secure", [True, False], ids=["https", "http"])
@pytest.mark.parametrize("redirect", [True, False], ids=["redirect", "no-redirect"])
@pytest.mark.parametrize("hsts", [(3600, True, True), (3600, False, False), (0, False, False)],
                         ids=["hsts-all", "hsts", "no-hsts"])
@pytest.mark.parametrize("referrer", ["same-origin", "no-referrer, strict-origin-when-cross-origin", None])
def test_it_sets_the_headers_djangos_middlewares_would_by_the_same_rules(settings, view, secure, redirect, hsts,
                                                                        referrer):
    settings.SECURE_SSL_REDIRECT = redirect
    settings.SECURE_HSTS_SECONDS, settings.SECURE_HSTS_INCLUDE_SUBDOMAINS, settings.SECURE_HSTS_PRELOAD = hsts
    settings.SECURE_REFERRER_POLICY = referrer
    request = RequestFactory().get("/pengaduan/baru/?x=1", secure=secure)
    djangos = SecurityMiddleware(XFrameOptionsMiddleware(view))(request)
    ours = SitePoliciesMiddleware(view)(request)
    assert ours.status_code == djangos.status_code
    assert {name: ours.get(name) for name in DJANGOS_HEADERS} == {name: djangos.get(name) for name in DJANGOS_HEADERS}


def test_a_plain_http_request_is_redirected_to_https_except_the_exempt_addresses(settings):
    settings.SECURE_SSL_REDIRECT = True
    middleware = SitePoliciesMiddleware(_plain)
    moved = middleware(RequestFactory().get("/pengaduan/baru/?x=1"))
    assert moved.status_code == 301 and moved["Location"] == "https://testserver/pengaduan/baru/?x=1"
    assert middleware(RequestFactory().get("/healthz")).status_code == 200  # SECURE_REDIRECT_EXEMPT


def test_static_files_get_the_security_headers_but_not_the_page_policies(client, settings, db):
    settings.WHITENOISE_AUTOREFRESH = True  # WhiteNoise finds the files through the finders, without collectstatic
    settings.SECURE_HSTS_SECONDS = 3600
    static = client.get("/static/pengaduan/pengaduan.css", secure=True)
    assert static.status_code == 200 and b"".join(static.streaming_content)
    assert static["X-Content-Type-Options"] == "nosniff" and static["Referrer-Policy"] == "same-origin"
    assert static["Strict-Transport-Security"].startswith("max-age=3600")
    for page_only in ("Content-Security-Policy", "Content-Language", "X-Frame-Options"):
        assert page_only not in static, page_only
    assert "no-store" not in static.get("Cache-Control", "") and "Cookie" not in static.get("Vary", "")
    page = client.get("/masuk/", secure=True)
    assert page["Content-Security-Policy"] and page["Content-Language"] == "id" and page["X-Frame-Options"] == "DENY"
    assert page["Cache-Control"] == "no-store" and page["X-Content-Type-Options"] == "nosniff"


def test_a_header_value_that_cannot_be_sent_is_refused_when_the_worker_starts(settings):
    from django.http.response import BadHeaderError

    settings.CONTENT_SECURITY_POLICY = "default-src 'self'\nX-Injected: yes"
    with pytest.raises(BadHeaderError):
        SitePoliciesMiddleware(_plain)


def _deploy_problems(settings, **values):
    for name, value in values.items():
        setattr(settings, name, value)
    return [problem.id for problem in check_security_settings(None)]


GOOD = {"SECURE_HSTS_SECONDS": 31536000, "SECURE_HSTS_INCLUDE_SUBDOMAINS": True, "SECURE_HSTS_PRELOAD": True,
        "SECURE_CONTENT_TYPE_NOSNIFF": True, "SECURE_SSL_REDIRECT": True, "SECURE_REFERRER_POLICY": "same-origin",
        "SECURE_CROSS_ORIGIN_OPENER_POLICY": "same-origin"}


@pytest.mark.parametrize("change, problems", [
    ({}, []),
    ({"SECURE_HSTS_SECONDS": 0}, ["security.W004"]),
    ({"SECURE_HSTS_INCLUDE_SUBDOMAINS": False}, ["security.W005"]),
    ({"SECURE_HSTS_PRELOAD": False}, ["security.W021"]),
    ({"SECURE_CONTENT_TYPE_NOSNIFF": False}, ["security.W006"]),
    ({"SECURE_SSL_REDIRECT": False}, ["security.W008"]),
    ({"SECURE_REFERRER_POLICY": None}, ["security.W022"]),
    ({"SECURE_REFERRER_POLICY": "same-origin, sometimes"}, ["security.E023"]),
    ({"SECURE_CROSS_ORIGIN_OPENER_POLICY": "open-wide"}, ["security.E024"]),
], ids=lambda value: str(value))
def test_djangos_deploy_checks_of_the_security_settings_run_for_the_site_policies(settings, change, problems):
    assert _deploy_problems(settings, **{**GOOD, **change}) == problems


def test_the_checks_match_djangos_own_when_its_security_middleware_is_installed(settings):
    """The same answers as Django's checks, which run only with SecurityMiddleware named in MIDDLEWARE."""
    djangos_checks = (security_checks.check_sts, security_checks.check_sts_include_subdomains,
                      security_checks.check_sts_preload, security_checks.check_content_type_nosniff,
                      security_checks.check_ssl_redirect, security_checks.check_referrer_policy,
                      security_checks.check_cross_origin_opener_policy)
    for change in ({}, {"SECURE_HSTS_SECONDS": 0, "SECURE_REFERRER_POLICY": "nope"},
                   {"SECURE_HSTS_PRELOAD": False, "SECURE_SSL_REDIRECT": False, "SECURE_CONTENT_TYPE_NOSNIFF": False}):
        ours = sorted(_deploy_problems(settings, **{**GOOD, **change}))
        installed = settings.MIDDLEWARE
        settings.MIDDLEWARE = ["django.middleware.security.SecurityMiddleware"]
        djangos = sorted(problem.id for check in djangos_checks for problem in check(None))
        settings.MIDDLEWARE = installed
        assert ours == djangos, change


def test_the_checks_stay_quiet_without_the_site_policies(settings):
    settings.MIDDLEWARE = [name for name in settings.MIDDLEWARE if not name.endswith("SitePoliciesMiddleware")]
    assert _deploy_problems(settings, SECURE_HSTS_SECONDS=0, SECURE_SSL_REDIRECT=False) == []
