"""Staff login with throttling: after repeated failures the account and the address must wait."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import views as auth_views

from pengaduan.throttle import services as throttle

WINDOW = timedelta(minutes=15)


def _limit(name: str) -> throttle.Limit:
    return throttle.Limit(name, hits=settings.LOGIN_FAILURE_LIMIT, window=WINDOW)


class ThrottledLoginView(auth_views.LoginView):
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        username = request.POST.get("username", "").strip().lower()
        address = throttle.client_ip(request)
        # Per account (one officer's password guessed from many addresses) and per address (many accounts tried).
        if throttle.used_up(_limit("login-user"), username) or throttle.used_up(_limit("login-ip"), address):
            # Refused before the password is checked: no answer to learn from, and no hashing work to burn.
            form = self.form_class(request=request, initial={"username": request.POST.get("username", "")})
            response = self.render_to_response(self.get_context_data(form=form, locked=True))
            response.status_code = 429
            response["Retry-After"] = str(int(WINDOW.total_seconds()))
            return response
        form = self.get_form()
        if form.is_valid():
            return self.form_valid(form)
        throttle.hit(_limit("login-user"), username)
        throttle.hit(_limit("login-ip"), address)
        return self.form_invalid(form)
