"""Fixtures: the Madiun SOP and unit, and the named users of the SOP (jfu, sekretaris, kasubag, inspektur, outsider)."""

import os
from datetime import datetime, timedelta, timezone

import pytest

from factories import MADIUN_SOP, load_sop, make_unit, make_user


def pytest_configure(config):
    # PENGADUAN_TEST_CLOCK=2027-06-01 (or +400, days from today): the whole run as if it were that day, the clock
    # ticking from it, to find the tests that hold today's date somewhere (a fixed "later" that one day is no
    # longer later). `make test` runs the suite a year on, so such a test fails a year before its day comes.
    start = os.environ.get("PENGADUAN_TEST_CLOCK", "").strip()
    if start:
        import time_machine

        if start.startswith("+"):
            if not start[1:].isdigit():
                raise pytest.UsageError(f"PENGADUAN_TEST_CLOCK={start!r}: a date (2027-06-01) or +N days from today")
            start = datetime.now(timezone.utc) + timedelta(days=int(start[1:]))
        config._pengaduan_clock = time_machine.travel(start, tick=True)
        config._pengaduan_clock.start()


def pytest_unconfigure(config):
    clock = getattr(config, "_pengaduan_clock", None)
    if clock is not None:
        clock.stop()


def pytest_collection_modifyitems(config, items):
    if getattr(config, "_pengaduan_clock", None) is None:
        return
    skip = pytest.mark.skip(reason="compares with a clock outside Python, which PENGADUAN_TEST_CLOCK does not move")
    for item in items:
        if item.get_closest_marker("real_clock"):
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The production hasher is slow on purpose; tests create and log in many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    # Uploads from tests never land in the data directory.
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def fresh_stamped_caches():
    # A test's rows are rolled back with its stamps, so a stamp value comes back with other rows behind it (in
    # production a stamp value is never reused): each test starts with empty per-process caches.
    from pengaduan.units import stamps

    stamps.clear_caches()
    yield
    stamps.clear_caches()


@pytest.fixture
def madiun_sop(db):
    return load_sop(MADIUN_SOP)


@pytest.fixture
def unit(madiun_sop):
    return make_unit()


@pytest.fixture
def jfu(unit):
    return make_user("jfu", unit=unit, roles=("jfu",))


@pytest.fixture
def sekretaris(unit):
    return make_user("sekretaris", unit=unit, roles=("sekretaris",))


@pytest.fixture
def kasubag(unit):
    return make_user("kasubag", unit=unit, roles=("kasubag",))


@pytest.fixture
def inspektur(unit):
    return make_user("inspektur", unit=unit, roles=("inspektur",))


@pytest.fixture
def outsider(db):
    """Holds every role, but in another unit."""
    other = make_unit(code="DINKES", name="Dinas Kesehatan")
    return make_user("outsider", unit=other, roles=("jfu", "sekretaris", "kasubag", "inspektur"))


@pytest.fixture
def staff(jfu, sekretaris, kasubag, inspektur):
    return {"jfu": jfu, "sekretaris": sekretaris, "kasubag": kasubag, "inspektur": inspektur}


@pytest.fixture(scope="session", autouse=True)
def flush_through_the_append_only_triggers():
    """Transactional tests end with `flush`, which on SQLite deletes every row: let it past the append-only
    triggers (tests/security/test_security_append_only.py checks that nothing else gets past them)."""
    from django.core.management.commands import flush

    from pengaduan.complaints import appendonly

    original = flush.Command.handle

    def handle(self, *args, **options):
        appendonly._state.depth = getattr(appendonly._state, "depth", 0) + 1
        try:
            return original(self, *args, **options)
        finally:
            appendonly._state.depth -= 1

    flush.Command.handle = handle
    yield
    flush.Command.handle = original
