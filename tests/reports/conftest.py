"""A fixed data set for the report tests, built with the engine at fixed times, and its hand-computed figures.

Office hours (default Pemkot week): Mon–Thu 07:30–12:00 and 13:00–16:00 (27 000 s a day), Fri 07:30–11:30 and
13:00–15:00 (21 600 s). Thursday 24 and Friday 25 December 2026 are closed (cuti bersama, Christmas).
SOP 3.1.1.10 limits: step 1 30 min, step 2 10 min, step 3 10 working days, step 4 1 hour, step 5 30 min.

A  walk-in, Siti Aminah, recorded Mon 2 Nov 08:00; all steps on time; answered Wed 4 Nov 10:45.
B  web, anonymous; received Tue 3 Nov 09:00, recorded late at 10:00; step 2 waits for the complainant from
   10:05 (question, clock paused) to Thu 5 Nov 10:00, done 10:08 (3 min after the moved deadline);
   not within our authority; steps 4 and 5 late; answered Fri 6 Nov 13:10.
C  telephone, confidential (Budi Santoso), recorded Mon 21 Dec 08:00; step 3 runs across 24–25 Dec;
   answered Mon 28 Dec 09:50.
D  letter, Rahmat, recorded Mon 23 Nov 09:00; step 2 late (09:20); step 3 open, due Mon 7 Dec 16:00.
E  web, Wati, received Mon 30 Nov 15:00, not recorded; step 1 overdue at 15:30.
F  web, received Wed 11 Nov 10:00, set aside as spam at 10:20 (never counted).
Ratings: A 4 (Thu 5 Nov), B 5 (Mon 9 Nov), C 3 (Tue 29 Dec).
"""

from dataclasses import dataclass

import pytest
from django.db import transaction
from django.test import override_settings

from factories import MADIUN_SOP, intake_data, load_sop, make_unit, make_user, wib
from madiun_steps import STEP_DATA
from pengaduan.complaints.engine import (
    complaint_rate,
    complaint_receive,
    complaint_record,
    complaint_set_aside,
    information_reply,
    information_request,
    step_complete,
)
from pengaduan.complaints.models import Complaint
from pengaduan.reports.stats import rebuild_stats


ROLES = ("jfu", "sekretaris", "kasubag", "inspektur")
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class DataSet:
    a: Complaint
    b: Complaint
    c: Complaint
    d: Complaint
    e: Complaint
    f: Complaint
    staff: dict

    @property
    def unit(self):
        return self.a.unit


def _step(complaint, staff, role, number, data, now):
    step_complete(complaint=complaint, actor=staff[role], step_number=number, data=data, now=now)


def build_data_set(unit, staff) -> DataSet:
    unit.parent_name, unit.address = "Pemerintah Kota Madiun", "Jl. Perintis Kemerdekaan 32"
    unit.phone, unit.head_title = "(0351) 462 123", "Inspektur Kota Madiun"
    unit.head_name, unit.head_rank, unit.head_nip = "Drs. GAGUK HARIYONO", "Pembina Utama Muda", "19670720 198809 1 001"
    unit.save()

    # A: everything on time.
    a = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(), now=wib(2026, 11, 2, 8, 0))
    _step(a, staff, "sekretaris", 2, STEP_DATA[2], wib(2026, 11, 2, 8, 6))
    _step(a, staff, "inspektur", 3, STEP_DATA[3], wib(2026, 11, 4, 10, 0))
    _step(a, staff, "sekretaris", 4, STEP_DATA[4], wib(2026, 11, 4, 10, 30))
    _step(a, staff, "jfu", 5, STEP_DATA[5], wib(2026, 11, 4, 10, 45))
    a.refresh_from_db()
    complaint_rate(complaint=a, score=4, now=wib(2026, 11, 5, 9, 0))

    # B: anonymous web complaint, a paused clock, forwarded.
    web_b = intake_data(channel="web", is_anonymous="on", complainant_name="", complainant_phone="",
                        complainant_email="", complainant_address="", summary="Antrean KTP elektronik berbelit",
                        subject="Dinas Kependudukan dan Pencatatan Sipil")
    b = complaint_receive(unit=unit, data=web_b, now=wib(2026, 11, 3, 9, 0))
    _step(b, staff, "jfu", 1, web_b, wib(2026, 11, 3, 10, 0))
    question = information_request(complaint=b, actor=staff["sekretaris"], question="Kapan Anda datang?",
                                   pause_clock=True, now=wib(2026, 11, 3, 10, 5))
    information_reply(request=question, reply="Selasa pagi.", now=wib(2026, 11, 5, 10, 0))
    _step(b, staff, "sekretaris", 2, {**STEP_DATA[2], "category": "Administrasi kependudukan"},
          wib(2026, 11, 5, 10, 8))
    # Not within our authority, naming nobody: the answer explains where it belongs (a named unit or body
    # would hand the case over and wait for its answer instead; see tests/complaints/test_forwarding.py).
    _step(b, staff, "inspektur", 3, {**STEP_DATA[3], "decision_type": "not_within_authority"},
          wib(2026, 11, 6, 9, 0))
    _step(b, staff, "sekretaris", 4, STEP_DATA[4], wib(2026, 11, 6, 11, 0))
    _step(b, staff, "jfu", 5, {**STEP_DATA[5], "method": "portal", "recipient": "Pengadu"}, wib(2026, 11, 6, 13, 10))
    b.refresh_from_db()
    complaint_rate(complaint=b, score=5, now=wib(2026, 11, 9, 8, 0))

    # F: spam, set aside.
    f = complaint_receive(unit=unit, now=wib(2026, 11, 11, 10, 0), data=intake_data(
        channel="web", complainant_name="X", summary="Promo pinjaman online", subject="-"))
    complaint_set_aside(complaint=f, actor=staff["jfu"], reason="spam", note="Iklan.", now=wib(2026, 11, 11, 10, 20))

    # D: a letter, still at step 3.
    d = complaint_record(unit=unit, actor=staff["jfu"], now=wib(2026, 11, 23, 9, 0), data=intake_data(
        channel="letter", letter_number="045/RT03/XI/2026", letter_date="2026-11-20", complainant_name="Rahmat",
        summary="Pungutan pada surat keterangan", subject="Kelurahan Taman"))
    _step(d, staff, "sekretaris", 2, STEP_DATA[2], wib(2026, 11, 23, 9, 20))

    # E: a web complaint nobody has recorded yet.
    e = complaint_receive(unit=unit, now=wib(2026, 11, 30, 15, 0), data=intake_data(
        channel="web", complainant_name="Wati", summary="Lampu jalan mati", subject="Dinas Perhubungan"))

    # C: confidential, step 3 across Christmas.
    c = complaint_record(unit=unit, actor=staff["jfu"], now=wib(2026, 12, 21, 8, 0), data=intake_data(
        channel="telephone", caller_number="081299990000", is_confidential="on", complainant_name="Budi Santoso",
        summary="Perizinan usaha tidak kunjung selesai", subject="DPMPTSP"))
    _step(c, staff, "sekretaris", 2, {**STEP_DATA[2], "category": "Perizinan"}, wib(2026, 12, 21, 8, 10))
    _step(c, staff, "inspektur", 3, {**STEP_DATA[3], "decision_type": "answer"}, wib(2026, 12, 28, 9, 0))
    _step(c, staff, "sekretaris", 4, STEP_DATA[4], wib(2026, 12, 28, 9, 30))
    _step(c, staff, "jfu", 5, STEP_DATA[5], wib(2026, 12, 28, 9, 50))
    c.refresh_from_db()
    complaint_rate(complaint=c, score=3, now=wib(2026, 12, 29, 9, 0))

    # The engine does not record the figures yet where this runs without the one-line hook; rebuilding is
    # idempotent, so the figures are the same either way.
    rebuild_stats()
    for complaint in (a, b, c, d, e, f):
        complaint.refresh_from_db()
    return DataSet(a, b, c, d, e, f, staff)


@pytest.fixture(scope="module")
def data_set(django_db_setup, django_db_blocker) -> DataSet:
    """Built once per test module inside a transaction rolled back at the module's end; each test runs in a
    savepoint within it (the `db` fixture), so tests may add rows without disturbing the next one."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            load_sop(MADIUN_SOP)
            unit = make_unit()
            staff = {role: make_user(role, unit=unit, roles=(role,)) for role in ROLES}
            yield build_data_set(unit, staff)
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
