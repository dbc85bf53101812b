"""Forwarding in the workdesk: the decision form offers the other units, the origin lists its monitored cases,
the target sees where the case came from and may return it, an outside answer is recorded from the page."""

import pytest
from django.urls import reverse
from django.utils import timezone
from factories import PASSWORD, intake_data
from madiun_steps import STEP_DATA, advance

from pengaduan.complaints.engine import complaint_record
from pengaduan.complaints.models import Complaint, Forward

pytestmark = pytest.mark.django_db


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def at_decision(unit, staff):
    return advance(complaint_record(unit=unit, actor=staff["jfu"], data=intake_data()), staff, to_step=3)


def decide(client, complaint, inspektur, **decision):
    return login(client, inspektur).post(reverse("workdesk:complete_step", args=[complaint.pk, 3]), {
        **STEP_DATA[3], "decision_type": "forward", **decision}, follow=True)


def test_it_offers_the_other_units_of_the_install_in_the_decision_form(client, at_decision, staff, outsider):
    page = login(client, staff["inspektur"]).get(reverse("workdesk:complaint", args=[at_decision.pk])).text
    assert '<option value="DINKES">Dinas Kesehatan (DINKES)</option>' in page
    assert '<option value="INSP">' not in page


def test_it_forwards_from_the_page_and_lists_the_case_under_monitoring(client, at_decision, staff, outsider):
    page = decide(client, at_decision, staff["inspektur"], forward_to_unit="DINKES").text
    assert f"0001/PGD/DINKES/{timezone.localdate().year}" in page  # the target's register, this year
    inbox = client.get(reverse("workdesk:inbox")).text
    assert "pemantauan" in inbox and at_decision.register_number in inbox
    assert at_decision.register_number in client.get(reverse("workdesk:team")).text
    # The target unit's officer sees where it came from and returns it with a reason.
    target = Forward.objects.get().target
    client.logout()
    login(client, outsider)
    assert "Inspektorat Kota Madiun" in client.get(reverse("workdesk:complaint", args=[target.pk])).text
    client.post(reverse("workdesk:forward_return", args=[target.pk]), {"reason": "Bukan kewenangan Dinkes."})
    target.refresh_from_db()
    assert target.status == Complaint.Status.RETURNED
    client.logout()
    page = login(client, staff["inspektur"]).get(reverse("workdesk:complaint", args=[at_decision.pk])).text
    assert "Bukan kewenangan Dinkes." in page


def test_it_keeps_the_decision_open_when_the_unit_is_unknown(client, at_decision, staff):
    page = decide(client, at_decision, staff["inspektur"], forward_to_unit="NOPE").text
    assert "NOPE" in page
    assert not Forward.objects.exists() and at_decision.step_runs.get(number=3).is_open


def test_it_records_the_outside_answer_from_the_page(client, at_decision, staff):
    decide(client, at_decision, staff["inspektur"], forward_to="Ombudsman RI Perwakilan Jawa Timur")
    forward = Forward.objects.get()
    assert client.get(reverse("workdesk:forwarding_letter", args=[at_decision.pk, forward.pk])).status_code == 200
    refused = client.post(reverse("workdesk:forward_answer", args=[at_decision.pk]), {"summary": "Sudah."})
    assert refused.status_code == 200 and Forward.objects.get().state == Forward.State.MONITORING
    client.post(reverse("workdesk:forward_answer", args=[at_decision.pk]), {
        "answered_on": "2026-01-05", "reference": "B/12/2026", "summary": "Laporan telah ditindaklanjuti."})
    at_decision.refresh_from_db()
    assert at_decision.status == Complaint.Status.CLOSED
    assert "Laporan telah ditindaklanjuti." in client.get(reverse("workdesk:complaint", args=[at_decision.pk])).text


def test_it_lists_the_hand_overs_read_only_in_the_admin(client, at_decision, staff, outsider, admin_user):
    decide(client, at_decision, staff["inspektur"], forward_to_unit="DINKES")
    client.force_login(admin_user)
    listing = client.get("/admin/complaints/forward/")
    assert listing.status_code == 200 and at_decision.register_number in listing.text
    assert client.get("/admin/complaints/forward/add/").status_code == 403
