"""Two-factor login: a code after the password once set up, and required for the Inspektur when enforced."""

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from factories import PASSWORD

pytestmark = pytest.mark.django_db


def code_for(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def log_in(client, user):
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_it_asks_no_code_of_an_officer_without_two_factor(client, jfu):
    assert log_in(client, jfu).get(reverse("workdesk:inbox")).status_code == 200


def test_it_sets_up_an_authenticator_and_asks_for_codes_from_then_on(client, jfu, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp slows down retries after a wrong code; not in this test
    page = log_in(client, jfu).get(reverse("workdesk:two_factor_setup")).text
    assert "<svg" in page
    device = TOTPDevice.objects.get(user=jfu)
    wrong = client.post(reverse("workdesk:two_factor_setup"), {"code": "000000" if code_for(device) != "000000" else "111111"})
    assert wrong.status_code == 200 and not TOTPDevice.objects.get(user=jfu).confirmed
    response = client.post(reverse("workdesk:two_factor_setup"), {"code": code_for(device)})
    assert response.status_code == 302 and TOTPDevice.objects.get(user=jfu).confirmed

    client.post(reverse("logout"))
    log_in(client, jfu)
    redirect = client.get(reverse("workdesk:inbox"))
    assert redirect.status_code == 302 and redirect.url.startswith(reverse("workdesk:two_factor_verify"))
    device.refresh_from_db()
    assert client.post(redirect.url, {"code": "12345"}).status_code == 200  # refused, asked again
    assert client.get(reverse("workdesk:inbox")).status_code == 302
    device.last_t = -1  # the same time step may be used once only; allow it again for the test
    device.save()
    assert client.post(redirect.url, {"code": code_for(device)}).status_code == 302
    assert client.get(reverse("workdesk:inbox")).status_code == 200


def test_it_requires_two_factor_of_the_inspektur_when_enforced(client, staff, settings):
    settings.TWO_FACTOR_REQUIRED = True
    response = log_in(client, staff["inspektur"]).get(reverse("workdesk:inbox"))
    assert response.status_code == 302 and response.url == reverse("workdesk:two_factor_setup")
    client.post(reverse("logout"))
    assert log_in(client, staff["jfu"]).get(reverse("workdesk:inbox")).status_code == 200


def test_it_reads_neither_session_nor_user_for_a_public_page(rf):
    """The check belongs to the staff pages: a public request must not pay for loading the officer and the
    devices (the portal, the form and the health checks are most of the traffic)."""
    from django.http import HttpResponse
    from django.utils.functional import SimpleLazyObject

    from pengaduan.workdesk.login import LoginMiddleware

    def untouchable():
        raise AssertionError("the session was read on a public page")

    middleware = LoginMiddleware(lambda request: HttpResponse("ok"))
    for path in ("/", "/pengaduan/baru/", "/lacak/", "/healthz", "/kerja/2fa/kode/"):
        request = rf.get(path)
        request.session = SimpleLazyObject(untouchable)
        assert middleware(request).status_code == 200

    request = rf.get("/kerja/")
    request.session = SimpleLazyObject(untouchable)
    with pytest.raises(AssertionError, match="public page"):  # a staff page still looks at who asks
        middleware(request)


def test_it_still_asks_for_the_code_on_every_protected_prefix(client, jfu, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    TOTPDevice.objects.create(user=jfu, name="authenticator", confirmed=True)
    log_in(client, jfu)
    for path in (reverse("workdesk:inbox"), "/laporan/", "/admin/", "/api/v1/staff/"):
        response = client.get(path)
        assert response.status_code == 302 and response.url.startswith(reverse("workdesk:two_factor_verify")), path
