"""Personal API tokens: stored hashed, shown once, made and revoked in the admin and from the command line."""

import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from pengaduan.api.models import ApiToken
from pengaduan.api.services import token_create


def test_it_stores_only_a_digest_of_the_token(jfu):
    token, secret = token_create(user=jfu, name="bridge")
    assert secret.startswith("pgd_") and len(secret) > 40
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret.startswith(token.prefix) and len(token.prefix) < len(secret) // 2
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert secret not in [str(value) for value in stored.values()]


def test_it_notes_when_a_token_was_last_used(as_user, tokens):
    assert ApiToken.objects.get(user__username="jfu").last_used_at is None
    as_user("jfu").get("/me")
    assert ApiToken.objects.get(user__username="jfu").last_used_at is not None


def test_it_acts_with_the_roles_of_the_tokens_user(as_user, unit, jfu):
    _token, second = token_create(user=jfu, name="second")
    api = as_user(None)
    api.token = second
    assert api.get("/me").json()["units"][0]["roles"] == ["jfu"]


def test_it_makes_lists_and_revokes_tokens_from_the_command_line(jfu, client):
    out = StringIO()
    call_command("apitoken", "create", "--user", "jfu", "--name", "LAPOR bridge", stdout=out)
    secret = out.getvalue().strip().splitlines()[-1]
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200

    listing = StringIO()
    call_command("apitoken", "list", stdout=listing)
    token = ApiToken.objects.get()
    assert token.prefix in listing.getvalue() and "LAPOR bridge" in listing.getvalue()
    assert secret not in listing.getvalue()

    call_command("apitoken", "revoke", str(token.pk), stdout=StringIO())
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401
    with pytest.raises(CommandError):
        call_command("apitoken", "create", "--user", "nobody", "--name", "x", stdout=StringIO())


def test_it_shows_a_new_token_once_in_the_admin(admin_client, jfu, client):
    response = admin_client.post("/admin/api/apitoken/add/", {"user": jfu.pk, "name": "script"}, follow=True)
    assert response.status_code == 200
    message = next(str(m) for m in response.context["messages"] if "pgd_" in str(m))
    secret = message[message.index("pgd_"):].split()[0]
    token = ApiToken.objects.get()
    assert token.user == jfu and token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    change_page = admin_client.get(f"/admin/api/apitoken/{token.pk}/change/").content.decode()
    assert secret not in change_page

    admin_client.post("/admin/api/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401
