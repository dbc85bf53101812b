"""Staff login pages: the workdesk's and the admin's, with whole-sentence error texts; the login middleware.

The throttle (django-axes) and the username rules are in pengaduan.logins; every login goes through them.
"""

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.utils.translation import gettext_lazy as _
from django_otp.middleware import OTPMiddleware

from pengaduan import logins
from pengaduan.workdesk import twofactor


# Django's own texts put the field's name into the sentence ("%(username)s"), which in Indonesian read
# "nama pengguna nama pengguna"; ours are whole sentences. Usernames are no longer case-sensitive, passwords are.
class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Please enter a correct username and password. Note that the password is case-sensitive."),
    }


class AdminLoginForm(AdminAuthenticationForm):
    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "invalid_login": _("Please enter the correct username and password for a staff account. Note that the "
                           "password is case-sensitive."),
    }


class ThrottledLoginView(auth_views.LoginView):
    """Django's login view; the throttle is django-axes' backend and LoginMiddleware below (module docstring)."""

    form_class = LoginForm
    redirect_authenticated_user = True


class LoginMiddleware(AuthenticationMiddleware):
    """Who is asking, in one layer of the chain where there were four (every layer of Django's chain costs every
    request, the bare ones too: bench/peer.py --ceiling):

    * Django's AuthenticationMiddleware: request.user (this is a subclass of it, so the admin's check finds it);
    * django-otp's OTPMiddleware, called inside: request.user.otp_device and `user.is_verified()`;
    * the second factor asked for before a staff page opens (twofactor.code_required);
    * a login the throttle refused turned into the lock-out page (logins.lockout_page_if_refused, as django-axes'
      AxesMiddleware does; that one asks on every request whether it runs under ASGI, ~4 us of a bare request).

    All of it lazy: a public page reads neither the session nor the user.
    """

    async_capable = False  # a plain callable: Django adapts it under ASGI

    def __init__(self, get_response):
        super().__init__(get_response)
        self.verified = OTPMiddleware(self._second_factor_first)

    def __call__(self, request):
        self.process_request(request)  # Django's: request.user and request.auser, both evaluated on first use
        return logins.lockout_page_if_refused(request, self.verified(request))

    def _second_factor_first(self, request):
        return twofactor.code_required(request) or self.get_response(request)
