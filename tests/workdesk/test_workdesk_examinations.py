"""Examinations on the workdesk: the Irban's inbox, the LHP form on the complaint page, the team view."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pengaduan.complaints.engine import complaint_record, step_complete
from pengaduan.complaints.models import Examination
from factories import PASSWORD, intake_data, make_user
from madiun_steps import STEP_DATA, advance

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def login(client, user):
    client.logout()
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def irban(unit):
    return make_user("irban", unit=unit, roles=("irban",))


@pytest.fixture
def examined(unit, staff, irban):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data())
    advance(complaint, staff, to_step=3)
    step_complete(complaint=complaint, actor=staff["inspektur"], step_number=3, data={
        **STEP_DATA[3], "decision_type": "examination", "order": "",
        "examination_brief": "Periksa petugas loket KTP."})
    return complaint


def test_the_inspektur_orders_an_examination_from_the_decision_form(client, unit, staff, irban):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data())
    advance(complaint, staff, to_step=3)
    page = login(client, staff["inspektur"]).get(reverse("workdesk:complaint", args=[complaint.pk])).text
    assert 'name="examination_brief"' in page and f'value="{irban.pk}"' in page  # the unit's Irbans to choose
    response = client.post(reverse("workdesk:complete_step", args=[complaint.pk, 3]), {
        **STEP_DATA[3], "decision_type": "examination", "order": "", "examination_brief": "Periksa loket.",
        "examiner": irban.pk})
    assert response.status_code == 302
    assert Examination.objects.get(complaint=complaint).assignee == irban
    page = client.get(reverse("workdesk:complaint", args=[complaint.pk])).text
    assert 'id="pemeriksaan"' in page and "Periksa loket." in page
    assert 'name="analysis"' not in page  # the decision form waits for the report


def test_the_irban_finds_the_examination_in_the_inbox_and_submits_the_lhp(client, examined, irban, staff):
    inbox = login(client, irban).get(reverse("workdesk:inbox")).text
    assert examined.register_number in inbox and "#pemeriksaan" in inbox
    page = client.get(reverse("workdesk:complaint", args=[examined.pk])).text
    assert 'name="findings"' in page and 'name="report"' in page
    examination = Examination.objects.get(complaint=examined)
    response = client.post(reverse("workdesk:submit_examination", args=[examined.pk, examination.pk]), {
        "outcome": "partly_proven", "findings": "Sebagian terbukti.", "recommendations": "Pembinaan.",
        "report": SimpleUploadedFile("LHP-01.pdf", PDF, content_type="application/pdf")})
    assert response.status_code == 302
    examination.refresh_from_db()
    assert examination.outcome == "partly_proven" and examination.report.original_name == "LHP-01.pdf"
    # Back with the Inspektur: the decision form again, the report beside it.
    page = login(client, staff["inspektur"]).get(reverse("workdesk:complaint", args=[examined.pk])).text
    assert 'name="analysis"' in page and "Sebagian terbukti." in page and "LHP-01.pdf" in page
    assert examined.register_number in client.get(reverse("workdesk:inbox")).text


def test_a_bad_lhp_file_is_refused_with_the_form(client, examined, irban):
    examination = Examination.objects.get(complaint=examined)
    response = login(client, irban).post(
        reverse("workdesk:submit_examination", args=[examined.pk, examination.pk]),
        {"outcome": "proven", "findings": "x", "report": SimpleUploadedFile("lhp.pdf", b"MZ\x90\x00binary")})
    assert response.status_code == 200 and 'id="id_report_error"' in response.text
    examination.refresh_from_db()
    assert examination.is_open


def test_others_see_no_lhp_form_and_cannot_submit(client, examined, staff):
    examination = Examination.objects.get(complaint=examined)
    page = login(client, staff["inspektur"]).get(reverse("workdesk:complaint", args=[examined.pk])).text
    assert 'name="findings"' not in page
    client.post(reverse("workdesk:submit_examination", args=[examined.pk, examination.pk]), {
        "outcome": "proven", "findings": "x", "report": SimpleUploadedFile("l.pdf", PDF)})
    examination.refresh_from_db()
    assert examination.is_open


def test_the_team_view_shows_open_examinations(client, examined, staff):
    page = login(client, staff["sekretaris"]).get(reverse("workdesk:team")).text
    assert "Pemeriksaan" in page and examined.register_number in page
