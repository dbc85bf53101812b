"""Hygiene findings of the outside probe: tracking sessions, report ranges, CLI errors, caching, file modes,
upload spool files, the keyed IP hash, Retry-After, and error pages in Bahasa Indonesia."""

import os
import stat
import tarfile
import time
from pathlib import Path

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, override_settings
from django.urls import reverse

from pengaduan.complaints.engine import complaint_record, complaint_receive
from pengaduan.complaints.models import Complaint
from pengaduan.throttle import services as throttle
from pengaduan.throttle.models import ThrottleCounter
from factories import intake_data, tiny_jpeg

pytestmark = pytest.mark.django_db


def mode(path) -> int:
    return stat.S_IMODE(Path(path).stat().st_mode)


# Tracking: a new session key, the code only by POST, forgetting only by POST


@pytest.fixture
def complaint(unit):
    return complaint_receive(unit=unit, data=intake_data())


def test_entering_a_tracking_code_gives_the_session_a_new_key(client, complaint):
    session = client.session
    session["seen"] = True
    session.save()
    planted = session.session_key
    client.cookies["sessionid"] = planted
    response = client.post(reverse("portal:track"), {"code": complaint.tracking_code})
    assert response.status_code == 302
    assert client.cookies["sessionid"].value != planted
    # Whoever holds the old key (planted it, or saw it) opens nothing.
    stranger = Client()
    stranger.cookies["sessionid"] = planted
    assert stranger.get(reverse("portal:status")).status_code == 404
    assert client.get(reverse("portal:status")).status_code == 200


def test_a_tracking_code_in_the_address_is_not_accepted(client, complaint):
    response = client.get(reverse("portal:track"), {"code": complaint.tracking_code})
    assert response.status_code == 200  # the empty form, not a redirect to the case
    assert client.get(reverse("portal:status")).status_code == 404


def test_forgetting_the_code_acts_only_on_post(client, complaint):
    client.post(reverse("portal:track"), {"code": complaint.tracking_code})
    assert client.get(reverse("portal:forget")).status_code == 405
    assert client.get(reverse("portal:status")).status_code == 200
    assert client.post(reverse("portal:forget")).status_code == 302
    assert client.get(reverse("portal:status")).status_code == 404


# Reports: extreme ranges are a form error, never a 500


@pytest.mark.parametrize("first, last", [("2026-01-01", "9999-12-31"), ("9999-12-31", "9999-12-31"),
                                         ("0001-01-01", "2026-01-01"), ("2026-12-31", "2026-01-01")])
@pytest.mark.parametrize("page", ["reports:register", "reports:compliance", "reports:periodic"])
def test_an_extreme_or_inverted_report_range_is_a_form_error(client, staff, page, first, last):
    client.force_login(staff["inspektur"])
    for download in ("", "pdf", "xlsx"):
        response = client.get(reverse(page), {"kind": "range", "first_day": first, "last_day": last,
                                              "format": download})
        assert response.status_code == 200, (page, download)
        assert response["Content-Type"].startswith("text/html")
        assert "errorbox" in response.text or "errorlist" in response.text


# The console: one clear line and a non-zero exit, nothing half-written


@pytest.mark.parametrize("args", [
    ["periodic", "--period", "0001-01-01..9999-12-31"],
    ["periodic", "--period", "9999"],
    ["register", "--year", "9999", "--format", "pdf"],
    ["register", "--period", "2000-01-01..9999-12-31", "--format", "xlsx"],
])
def test_a_report_with_an_impossible_range_is_one_clear_line(unit, tmp_path, args):
    target = tmp_path / "laporan.out"
    with pytest.raises(CommandError, match="2000 to 2100"):
        call_command("report", *args, "-o", str(target))
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("action", [["periodic", "--period", "2026"], ["register", "--year", "2026", "--format",
                                                                         "xlsx"]])
def test_a_report_into_a_missing_folder_is_one_clear_line(unit, tmp_path, action):
    with pytest.raises(CommandError, match="does not exist"):
        call_command("report", *action, "-o", str(tmp_path / "tidak-ada" / "laporan"))


def test_a_written_report_is_for_its_owner_only_and_leaves_no_partial_file(unit, tmp_path):
    target = tmp_path / "laporan.pdf"
    call_command("report", "periodic", "--period", "2026", "-o", str(target), stdout=open(os.devnull, "w"))
    assert mode(target) == 0o600 and [p.name for p in tmp_path.iterdir()] == ["laporan.pdf"]


@pytest.mark.django_db(transaction=True)
def test_a_backup_is_for_its_owner_only_and_is_not_overwritten_without_force(unit, tmp_path):
    target = tmp_path / "cadangan.tar.gz"
    call_command("backup", str(target), stdout=open(os.devnull, "w"))
    assert mode(target) == 0o600
    before = target.read_bytes()
    with pytest.raises(CommandError, match="--force"):
        call_command("backup", str(target))
    assert target.read_bytes() == before
    call_command("backup", str(target), "--force", stdout=open(os.devnull, "w"))
    assert mode(target) == 0o600 and sorted(p.name for p in tmp_path.iterdir()) == ["cadangan.tar.gz"]


@pytest.mark.django_db(transaction=True)
def test_a_backup_to_an_unwritable_place_is_one_clear_line(unit, tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        call_command("backup", str(tmp_path / "tidak-ada" / "cadangan.tar.gz"))
    locked = tmp_path / "terkunci"
    locked.mkdir(mode=0o500)
    try:
        if os.access(locked, os.W_OK):
            pytest.skip("running as a user that may write anywhere")
        with pytest.raises(CommandError, match="not writable"):
            call_command("backup", str(locked / "cadangan.tar.gz"))
    finally:
        locked.chmod(0o700)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("damage", ["truncated", "corrupt"])
def test_restoring_a_truncated_or_corrupt_backup_changes_nothing(unit, staff, tmp_path, settings, damage):
    complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(),
                     files={"evidence": SimpleUploadedFile("bukti.jpg", tiny_jpeg() + os.urandom(300_000))})
    archive = tmp_path / "cadangan.tar.gz"
    call_command("backup", str(archive), stdout=open(os.devnull, "w"))
    content = archive.read_bytes()
    broken = tmp_path / "rusak.tar.gz"
    if damage == "truncated":
        broken.write_bytes(content[: len(content) * 3 // 4])
    else:
        middle = len(content) // 2
        broken.write_bytes(content[:middle] + bytes(b ^ 0xFF for b in content[middle:middle + 64])
                           + content[middle + 64:])
    call_command("flush", interactive=False, verbosity=0)
    for path in Path(settings.MEDIA_ROOT).rglob("*"):
        if path.is_file():
            path.unlink()

    with pytest.raises(CommandError, match="truncated or damaged|not a Pengaduan backup"):
        call_command("restore", str(broken))
    assert not Complaint.objects.exists()
    assert not [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]


# Cache-Control: no-store wherever personal data is shown


def test_pages_and_files_with_personal_data_are_not_stored_by_browsers_or_proxies(client, unit, staff, settings):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(),
                                 files={"evidence": SimpleUploadedFile("bukti.jpg", tiny_jpeg())})
    attachment = complaint.attachments.get()
    client.post(reverse("portal:track"), {"code": complaint.tracking_code})
    public_side = [reverse("portal:status"), reverse("portal:receipt"), reverse("portal:own_file", args=[attachment.pk])]
    for url in public_side:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
    client.force_login(staff["sekretaris"])
    staff_side = [reverse("workdesk:inbox"), complaint.get_absolute_url(), reverse("workdesk:register"),
                  reverse("reports:register"), "/api/v1/me"]
    for url in staff_side:
        response = client.get(url)
        assert "no-store" in response.get("Cache-Control", ""), url
    # Also what a middleware answers on its own before any view, here the two-factor check's redirect.
    staff["sekretaris"].is_superuser = True
    staff["sekretaris"].save()
    settings.TWO_FACTOR_REQUIRED = True
    redirect = client.get(reverse("workdesk:inbox"))
    assert redirect.status_code == 302 and redirect["Cache-Control"] == "no-store"
    assert redirect["X-Frame-Options"] == "DENY" and "frame-ancestors 'none'" in redirect["Content-Security-Policy"]
    # Public pages without personal data stay cacheable.
    assert "no-store" not in client.get(reverse("portal:home")).get("Cache-Control", "")


# Files written for the owner only


def test_uploads_and_their_folders_are_for_the_owner_only(unit, staff, settings):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(),
                                 files={"evidence": SimpleUploadedFile("bukti.jpg", tiny_jpeg())})
    path = Path(complaint.attachments.get().file.path)
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700


def test_mail_files_are_for_the_owner_only(tmp_path):
    with override_settings(EMAIL_BACKEND="pengaduan.ops.mailfiles.EmailBackend", EMAIL_FILE_PATH=tmp_path / "mail"):
        mail.send_mail("Tanda terima", "Nama: Siti Aminah", "a@example.org", ["b@example.org"])
    (written,) = (tmp_path / "mail").iterdir()
    assert mode(written) == 0o600 and mode(tmp_path / "mail") == 0o700
    assert "Siti Aminah" in written.read_text()


def test_the_data_folder_is_for_the_owner_only(tmp_path, monkeypatch):
    from pengaduan.env import data_dir

    folder = tmp_path / "data"
    folder.mkdir(mode=0o755)
    monkeypatch.setenv("PENGADUAN_DATA_DIR", str(folder))
    assert data_dir() == folder and mode(folder) == 0o700
    monkeypatch.setenv("PENGADUAN_DATA_DIR", str(tmp_path / "new"))
    assert mode(data_dir()) == 0o700


def test_the_default_mail_backend_writes_owner_only_files():
    from pengaduan import settings as production

    assert production.EMAIL_BACKEND == "pengaduan.ops.mailfiles.EmailBackend"
    assert production.FILE_UPLOAD_PERMISSIONS == 0o600 and production.FILE_UPLOAD_DIRECTORY_PERMISSIONS == 0o700
    assert Path(production.FILE_UPLOAD_TEMP_DIR).is_relative_to(production.DATA_DIR)


# Upload spool files a killed request left behind


def test_remind_removes_upload_spool_files_left_by_killed_requests(settings, tmp_path, db):
    settings.FILE_UPLOAD_TEMP_DIR = tmp_path
    stale, fresh = tmp_path / "tmpabc.upload.jpg", tmp_path / "tmpdef.upload.jpg"
    stale.write_bytes(b"half a photo")
    fresh.write_bytes(b"an upload in progress")
    now = time.time()
    os.utime(stale, (now - 2 * 3600, now - 2 * 3600))
    os.utime(fresh, (now, now))  # "now" by the clock remind reads, which a test run may have moved
    call_command("remind", stdout=open(os.devnull, "w"))
    assert not stale.exists() and fresh.exists()


# The throttle keeps a keyed hash of the address


def test_the_throttle_key_is_a_keyed_hash_not_reversible_by_hashing_every_address(settings):
    import hashlib

    throttle.hit(throttle.LOOKUP, "203.0.113.7")
    key = ThrottleCounter.objects.get().key
    assert hashlib.sha256(b"203.0.113.7").hexdigest()[:32] not in key
    ThrottleCounter.objects.all().delete()
    settings.SECRET_KEY = "another-secret-" + "x" * 40
    throttle.hit(throttle.LOOKUP, "203.0.113.7")
    assert ThrottleCounter.objects.get().key != key


# Retry-After with every 429


def test_every_429_says_when_to_try_again(client, unit, settings):
    for _ in range(throttle.LOOKUP.hits):
        client.post(reverse("portal:track"), {"code": "ZZZZZ-ZZZZZ-ZZZZZ"})
    response = client.post(reverse("portal:track"), {"code": "ZZZZZ-ZZZZZ-ZZZZZ"})
    assert response.status_code == 429 and int(response["Retry-After"]) > 0


def test_a_response_exempt_from_x_frame_options_or_with_its_own_keeps_it():
    from django.http import HttpResponse
    from django.test import RequestFactory
    from django.views.decorators.clickjacking import xframe_options_exempt, xframe_options_sameorigin

    from pengaduan.middleware import SitePoliciesMiddleware

    def answer(view):
        return SitePoliciesMiddleware(view)(RequestFactory().get("/"))

    assert answer(lambda request: HttpResponse())["X-Frame-Options"] == "DENY"
    assert "X-Frame-Options" not in answer(xframe_options_exempt(lambda request: HttpResponse()))
    assert answer(xframe_options_sameorigin(lambda request: HttpResponse()))["X-Frame-Options"] == "SAMEORIGIN"


def test_a_429_without_its_own_retry_after_gets_one():
    from django.http import HttpResponse

    from django.test import RequestFactory

    from pengaduan.middleware import SitePoliciesMiddleware

    response = SitePoliciesMiddleware(lambda request: HttpResponse(status=429))(RequestFactory().get("/"))
    assert int(response["Retry-After"]) > 0


# Error pages in Bahasa Indonesia, in the site's layout


@pytest.mark.parametrize("status, words", [(400, "Permintaan tidak dapat dipahami"), (403, "Akses ditolak"),
                                           (404, "Halaman tidak ditemukan"), (500, "Terjadi kesalahan")])
def test_error_pages_are_in_indonesian_in_the_sites_layout(status, words, settings):
    from django.template import loader

    # Rendered as Django's handlers do; the 500 page without any request or context at all.
    html = loader.get_template(f"{status}.html").render()
    assert words in html and 'lang="id"' in html and "pengaduan.css" in html and "Pengaduan" in html


def test_a_missing_page_answers_with_the_indonesian_404(client, settings):
    settings.DEBUG = False
    response = client.get("/tidak-ada-halaman-ini/")
    assert response.status_code == 404 and "Halaman tidak ditemukan" in response.text


def test_a_server_error_answers_with_the_indonesian_500_without_the_database(settings):
    from django.db import connection
    from django.test import RequestFactory
    from django.views import defaults

    with connection.execute_wrapper(lambda *args: (_ for _ in ()).throw(RuntimeError("database down"))):
        response = defaults.server_error(RequestFactory().get("/"))
    assert response.status_code == 500 and "Terjadi kesalahan" in response.content.decode()


def test_a_form_sent_without_its_csrf_token_gets_the_indonesian_page(unit):
    response = Client(enforce_csrf_checks=True).post(reverse("portal:track"), {"code": "ZZZZZ-ZZZZZ-ZZZZZ"})
    assert response.status_code == 403 and "Formulir sudah kedaluwarsa" in response.content.decode()
