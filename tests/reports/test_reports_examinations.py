"""Reports count examinations: ordered and reported in a period, their office time, outcome, and those open.

Office hours Mon–Thu 07:30–12:00 and 13:00–16:00. Ordered Mon 2 Nov 2026 09:00 and reported Tue 3 Nov 10:00:
3 h + 3 h on Monday and 2 h 30 min on Tuesday, 8 h 30 min (30 600 s) of office time.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pengaduan.complaints.engine import complaint_record, examination_submit, step_complete
from pengaduan.complaints.models import Examination
from pengaduan.reports.periods import Period
from pengaduan.reports.selectors import examination_figures
from factories import intake_data, make_user, wib
from madiun_steps import STEP_DATA, advance

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def order(unit, staff, at):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(), now=at.replace(hour=8))
    advance(complaint, staff, to_step=3, now=at.replace(hour=8, minute=10))
    step_complete(complaint=complaint, actor=staff["inspektur"], step_number=3, now=at, data={
        **STEP_DATA[3], "decision_type": "examination", "order": "", "examination_brief": "Periksa."})
    return Examination.objects.get(complaint=complaint)


def test_it_counts_examinations_their_office_time_and_outcome(unit, staff):
    irban = make_user("irban", unit=unit, roles=("irban",))
    done = order(unit, staff, wib(2026, 11, 2, 9, 0))
    examination_submit(examination=done, actor=irban, now=wib(2026, 11, 3, 10, 0), data={
        "outcome": "not_proven", "findings": "Tidak ditemukan bukti."},
        files={"report": SimpleUploadedFile("lhp.pdf", PDF, content_type="application/pdf")})
    order(unit, staff, wib(2026, 11, 4, 9, 0))  # still running, overdue by December

    figures = examination_figures(unit=unit, period=Period.month(2026, 11), now=wib(2026, 12, 1, 9, 0))
    assert (figures.ordered, figures.reported, figures.on_time, figures.open, figures.overdue) == (2, 1, 1, 1, 1)
    assert figures.median == 30600 and figures.on_time_share == 100.0
    assert dict(figures.outcomes) == {"Terbukti": 0, "Terbukti sebagian": 0, "Tidak terbukti": 1}
    empty = examination_figures(unit=unit, period=Period.month(2026, 10), now=wib(2026, 12, 1, 9, 0))
    assert (empty.ordered, empty.reported, empty.median) == (0, 0, None)


def test_the_compliance_report_shows_the_examinations(client, unit, staff):
    order(unit, staff, wib(2026, 11, 2, 9, 0))
    client.force_login(staff["inspektur"])
    page = client.get(reverse("reports:compliance"), {"kind": "year", "year": 2026, "unit": unit.pk}).text
    assert 'id="pemeriksaan"' in page and "Pemeriksaan oleh Irban" in page
