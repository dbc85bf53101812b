"""Staff login pages: the workdesk's and the admin's, with whole-sentence error texts.

The throttle (django-axes) and the username rules are in pengaduan.logins; every login goes through them.
"""

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


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
    """Django's login view; the throttle is django-axes' backend and middleware (see the module docstring)."""

    form_class = LoginForm
    redirect_authenticated_user = True
