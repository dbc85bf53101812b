"""Accounts and headers: Argon2, login throttling, the Content Security Policy, and deploy checks."""

import os
import re
import subprocess
import sys

import pytest
from django.contrib.auth import get_user_model
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


def test_it_locks_an_account_after_repeated_failures(client, jfu, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(3):
        assert client.post(reverse("login"), {"username": "jfu", "password": "salah"}).status_code == 200
    locked = client.post(reverse("login"), {"username": "jfu", "password": PASSWORD})
    assert locked.status_code == 429 and locked["Retry-After"] == "900"
    assert "_auth_user_id" not in client.session


def test_it_counts_failures_per_address_across_accounts(client, staff, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    for name in ("jfu", "sekretaris", "kasubag"):
        client.post(reverse("login"), {"username": name, "password": "salah"})
    assert client.post(reverse("login"), {"username": "inspektur", "password": PASSWORD}).status_code == 429


def test_it_lets_an_officer_in_after_a_typo(client, jfu):
    client.post(reverse("login"), {"username": "jfu", "password": "salah"})
    assert client.post(reverse("login"), {"username": "jfu", "password": PASSWORD}).status_code == 302


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
