"""Factories for tests: units, users with roles, intake data, SOP files."""

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import connection

import pengaduan
from pengaduan.units.models import Membership, Unit

WIB = ZoneInfo("Asia/Jakarta")
SOP_FILES = Path(pengaduan.__file__).parent / "sop" / "files"
MADIUN_SOP = SOP_FILES / "madiun-3.1.1.10.toml"
EXAMPLE_SOP = SOP_FILES / "example-dinas-3-steps.toml"
PASSWORD = "sandi-uji-yang-panjang"


def wib(*args) -> datetime:
    return datetime(*args, tzinfo=WIB)


def send_everything_queued() -> dict[str, int]:
    """The outbox's send_due at a moment after every message queued so far, whichever clock queued it: today's
    (the rows' defaults) or a test's own (a date up to ten years on). A fixed date instead is later than today
    only until that date comes."""
    from django.utils import timezone

    from pengaduan.notifications.services import send_due

    return send_due(now=timezone.now() + timedelta(days=3650))


def make_unit(code="INSP", name="Inspektorat Kota Madiun", sop_code="3.1.1.10", **extra) -> Unit:
    return Unit.objects.create(code=code, name=name, sop_code=sop_code, register_code=extra.pop("register_code", code),
                               **extra)


def make_user(username: str, *, unit: Unit | None = None, roles: tuple[str, ...] = ()):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD, first_name=username.title())
    for role in roles:
        Membership.objects.create(user=user, unit=unit, role=role)
    return user


def intake_data(**overrides) -> dict:
    data = {
        "channel": "walk_in",
        "complainant_name": "Siti Aminah",
        "complainant_phone": "081234567890",
        "complainant_email": "siti@example.org",
        "complainant_address": "Jl. Pahlawan 1, Madiun",
        "summary": "Pungutan liar pada pengurusan KTP",
        "description": "Petugas kelurahan meminta uang Rp50.000 untuk mempercepat KTP.",
        "subject": "Kelurahan Manguharjo",
        "event_place": "Kantor Kelurahan Manguharjo",
        "event_date": "2026-11-20",
    }
    data.update(overrides)
    return data


def issued_code(client) -> str:
    """The tracking code the portal has just given this test client, from its signed cookie."""
    from django.test import RequestFactory

    from pengaduan.portal.views import ISSUED_COOKIE, ISSUED_SALT

    request = RequestFactory().get("/")
    request.COOKIES[ISSUED_COOKIE] = client.cookies[ISSUED_COOKIE].value
    return request.get_signed_cookie(ISSUED_COOKIE, salt=ISSUED_SALT)


def load_sop(path: Path):
    from pengaduan.sop.services import sop_load

    sop, _created = sop_load(path=path)
    return sop


def tiny_jpeg() -> bytes:
    """A real (decodable) JPEG: uploads are checked by content, so magic bytes alone are refused."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), (255, 255, 255)).save(buffer, "JPEG")
    return buffer.getvalue()


def in_thread(function):
    """For a function run in a thread of its own: it closes that thread's database connection when it ends."""
    def run(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        finally:
            connection.close()

    return run
