"""Two-factor login with time-based codes (TOTP) from any authenticator app, offline.

After the password, an officer with a confirmed device must enter a code before any staff page opens.
Where two-factor is required (administrators and the roles in TWO_FACTOR_ROLES, once TWO_FACTOR_REQUIRED
is on), an officer without a device is sent to set one up first.
"""

from base64 import b32encode
from io import BytesIO

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from pengaduan.throttle import services as throttle
from pengaduan.units.models import Membership

PROTECTED_PREFIXES = ("/kerja/", "/laporan/", "/admin/", "/api/v1/staff")


def two_factor_required(user) -> bool:
    if not settings.TWO_FACTOR_REQUIRED:
        return False
    return user.is_superuser or Membership.objects.filter(user=user, role__in=settings.TWO_FACTOR_ROLES).exists()


def code_required(request):
    """The redirect to the code (or its set-up) when a staff page is asked for without it, else None.

    The address is looked at first: on a public page (the portal, the form, tracking, health checks) there is
    nothing to enforce, and `request.user` stays unevaluated - no session read, no user or device look-up for a
    request that does not need them. (Called by pengaduan.workdesk.login.LoginMiddleware.)
    """
    path = request.path
    if not path.startswith(PROTECTED_PREFIXES) or path.startswith("/kerja/2fa/"):
        return None
    user = request.user
    if user.is_authenticated and not user.is_verified():
        if user_has_device(user):
            return redirect(f"{reverse('workdesk:two_factor_verify')}?next={path}")
        if two_factor_required(user):
            return redirect("workdesk:two_factor_setup")
    return None


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Code from your authenticator app"), max_length=8,
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                                         "autofocus": True}))


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    return svg[svg.index("<svg"):]  # without the XML declaration, to sit inside the page


LIMIT = throttle.Limit("otp", hits=5, window=throttle.LOOKUP.window)


@login_required
def setup(request):
    """Set up an authenticator app: scan the code, then confirm with the first code it shows."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first() or TOTPDevice.objects.create(
        user=request.user, name="authenticator", confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not throttle.hit(LIMIT, f"{request.user.pk}"):
            form.add_error("code", _("Too many attempts; please wait a few minutes."))
        elif device.verify_token(form.cleaned_data["code"].strip()):
            device.confirmed = True
            device.save()
            TOTPDevice.objects.filter(user=request.user).exclude(pk=device.pk).delete()
            otp_login(request, device)
            return redirect("workdesk:inbox")
        else:
            form.add_error("code", _("That code is not right. Check the time on your phone and try again."))
    secret = b32encode(device.bin_key).decode()
    return render(request, "workdesk/two_factor_setup.html", {
        "form": form, "secret": " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)),
        "qr": mark_safe(_qr_svg(device.config_url)),  # generated here from our own data, not user input
    })


@login_required
def verify(request):
    form = CodeForm(request.POST or None)
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("workdesk:inbox")
    if request.method == "POST" and form.is_valid():
        if not throttle.hit(LIMIT, f"{request.user.pk}"):
            form.add_error("code", _("Too many attempts; please wait a few minutes."))
        else:
            for device in TOTPDevice.objects.filter(user=request.user, confirmed=True):
                if device.verify_token(form.cleaned_data["code"].strip()):
                    otp_login(request, device)
                    return redirect(target)
            form.add_error("code", _("That code is not right. Check the time on your phone and try again."))
    return render(request, "workdesk/two_factor_verify.html", {"form": form})
