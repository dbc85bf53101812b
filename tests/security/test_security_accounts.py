"""Accounts and headers: Argon2, login throttling, the Content Security Policy, and deploy checks."""

import os
import re
import subprocess
import sys

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from factories import PASSWORD, intake_data

pytestmark = pytest.mark.django_db


def test_it_hashes_new_passwords_with_argon2(settings):
    from pengaduan import settings as production

    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS  # the real list, not the fast test hasher
    user = get_user_model().objects.create_user("petugas", password="kata-sandi-yang-panjang")
    assert user.password.startswith("argon2")


def test_the_production_settings_put_argon2_first():
    from pengaduan import settings as production

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def _login(client, username, password, *, address="198.51.100.10", url=None):
    return client.post(url or reverse("login"), {"username": username, "password": password},
                       REMOTE_ADDR=address)


def test_it_locks_an_account_after_repeated_failures(client, jfu, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(2):
        assert _login(client, "jfu", "salah").status_code == 200
    third = _login(client, "jfu", "salah")
    assert third.status_code == 429 and third["Retry-After"] == "900"
    locked = _login(client, "jfu", PASSWORD)
    assert locked.status_code == 429 and locked["Retry-After"] == "900"
    assert "Terlalu banyak percobaan" in locked.text and "15 menit" in locked.text
    assert "_auth_user_id" not in client.session


def test_a_locked_account_waits_only_the_cool_off_time(client, jfu, settings):
    import time_machine
    from django.utils import timezone

    settings.LOGIN_FAILURE_LIMIT = 2
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(2):
            _login(client, "jfu", "salah")
        assert _login(client, "jfu", PASSWORD).status_code == 429
    with time_machine.travel(start + timedelta(minutes=16), tick=False):
        assert _login(client, "jfu", PASSWORD).status_code == 302


def test_the_real_officer_logs_in_from_another_address_while_a_guesser_is_locked_out(client, jfu, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(5):
        _login(client, "jfu", "tebakan", address="203.0.113.66")
    assert _login(client, "jfu", PASSWORD, address="203.0.113.66").status_code == 429
    assert _login(Client(), "jfu", PASSWORD, address="198.51.100.10").status_code == 302


def test_one_officers_typos_do_not_lock_out_the_office_behind_the_same_address(client, staff, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(5):
        _login(client, "jfu", "salah")
    assert _login(Client(), "inspektur", PASSWORD).status_code == 302


@pytest.mark.parametrize("look_alike", ["ＪＦＵ", "JFU", "Jfu", "ｊｆｕ"])
def test_look_alike_usernames_count_against_the_same_account(client, jfu, settings, look_alike):
    settings.LOGIN_FAILURE_LIMIT = 3
    for name in ("jfu", look_alike):
        _login(client, name, "salah")
    assert _login(client, look_alike, "salah").status_code == 429
    assert _login(client, "jfu", PASSWORD).status_code == 429


def test_a_username_in_other_letters_logs_in_as_the_same_officer(client, jfu):
    assert _login(client, "ＪＦＵ", PASSWORD).status_code == 302
    assert client.session["_auth_user_id"] == str(jfu.pk)


def test_the_admin_login_is_throttled_by_the_same_counter(client, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    get_user_model().objects.create_superuser("admin", password=PASSWORD)
    admin_login = reverse("admin:login")
    for _ in range(2):
        assert _login(client, "admin", "salah", url=admin_login).status_code == 200
    # The third failure (on the workdesk's form) counts for the same account and address.
    assert _login(client, "admin", "salah").status_code == 429
    locked = _login(client, "admin", PASSWORD, url=admin_login)
    assert locked.status_code == 429 and locked["Retry-After"] == "900"
    assert "_auth_user_id" not in client.session


def test_bad_api_tokens_go_through_the_login_throttle(client, jfu, settings):
    from pengaduan.api.services import token_create

    settings.LOGIN_FAILURE_LIMIT = 3
    _token, secret = token_create(user=jfu, name="skrip")
    url = "/api/v1/me"
    answers = [client.get(url, HTTP_AUTHORIZATION=f"Bearer pgd_tebakan{n}", REMOTE_ADDR="203.0.113.66").status_code
               for n in range(4)]
    assert answers[:2] == [401, 401] and answers[2:] == [429, 429]
    refused = client.get(url, HTTP_AUTHORIZATION="Bearer pgd_lagi", REMOTE_ADDR="203.0.113.66")
    assert refused["Retry-After"] == "900" and refused.json()["code"] == "rate_limited"
    # A valid token is never locked out by strangers' bad ones.
    assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {secret}", REMOTE_ADDR="203.0.113.66").status_code == 200


def test_bad_open311_keys_go_through_the_login_throttle(client, unit, settings):
    from pengaduan.api.services import key_create

    settings.LOGIN_FAILURE_LIMIT = 3
    _key, secret = key_create(name="Aplikasi kota")
    url = "/open311/v2/requests.json"
    answers = [client.post(url, {"api_key": f"o311_tebakan{n}"}, REMOTE_ADDR="203.0.113.66") for n in range(4)]
    assert [answer.status_code for answer in answers] == [403, 403, 429, 429]
    assert answers[-1]["Retry-After"] == "900" and answers[-1].json()[0]["code"] == 429
    # A valid key from the same address is still let through to the checks of the request itself.
    assert client.post(url, {"api_key": secret}, REMOTE_ADDR="203.0.113.66").status_code not in (403, 429)


def test_the_login_error_names_the_username_once(client, jfu):
    text = _login(client, "jfu", "salah").text
    assert "Masukkan nama pengguna dan kata sandi yang benar" in text
    assert "nama pengguna nama pengguna" not in text


def test_the_admin_login_error_names_the_username_once(client, jfu):
    text = _login(client, "jfu", "salah", url=reverse("admin:login")).text
    assert "nama pengguna nama pengguna" not in text and "akun staf" in text


def test_it_lets_an_officer_in_after_a_typo(client, jfu):
    _login(client, "jfu", "salah")
    assert _login(client, "jfu", PASSWORD).status_code == 302


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
INLINE_STYLE = re.compile(r"\sstyle=\"|<style", re.I)


def test_it_sends_a_content_security_policy_and_the_pages_need_no_inline_code(client, unit, staff):
    from pengaduan.complaints.engine import complaint_record

    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data())
    public = [reverse("portal:home"), reverse("portal:complain"), reverse("portal:track"), reverse("portal:privacy"),
              reverse("login")]
    staff_pages = [reverse("workdesk:inbox"), reverse("workdesk:team"), complaint.get_absolute_url(),
                   reverse("workdesk:register")]
    for url in public + staff_pages:
        if url == staff_pages[0]:
            client.force_login(staff["sekretaris"])
        response = client.get(url)
        assert response.status_code == 200, url
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
        assert not INLINE_SCRIPT.search(response.text), url
        assert not INLINE_STYLE.search(response.text), url
        assert response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "same-origin"


def test_the_deploy_check_finds_nothing_with_production_settings(tmp_path):
    env = {
        **os.environ, "DEBUG": "false", "PENGADUAN_HTTPS": "true", "ALLOWED_HOSTS": "pengaduan.madiunkota.example",
        "SECRET_KEY": "k" + os.urandom(40).hex(), "PENGADUAN_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "pengaduan.settings",
    }
    env.pop("DATABASE_URL", None)
    result = subprocess.run([sys.executable, "-m", "pengaduan.cli", "check", "--deploy", "--fail-level", "WARNING"],
                            capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
