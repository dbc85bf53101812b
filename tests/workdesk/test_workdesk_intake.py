"""Step 1 at the desk: web complaints waiting for the JFU, set aside or linked; questions to the complainant."""

import pytest
from django.urls import reverse

from pengaduan.complaints.engine import complaint_receive, complaint_record, complaint_set_aside
from pengaduan.complaints.errors import NotPermitted, StepInputInvalid, StepNotCurrent
from pengaduan.complaints.models import Complaint, Event
from factories import PASSWORD, intake_data

pytestmark = pytest.mark.django_db


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_it_sets_spam_aside_without_a_register_number(client, unit, staff):
    complaint = complaint_receive(unit=unit, data=intake_data(channel="web", summary="Beli obat murah di sini"))
    login(client, staff["jfu"]).post(reverse("workdesk:set_aside", args=[complaint.pk]),
                                      {"reason": "spam", "note": "Iklan, bukan pengaduan."})
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.SET_ASIDE and not complaint.is_recorded
    assert complaint.events.filter(kind=Event.Kind.SET_ASIDE, data__reason="spam").exists()
    assert not complaint.step_runs.filter(done_at__isnull=True).exists()
    next_one = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data())
    assert next_one.register_seq == 1  # the register stays gapless


def test_it_sets_a_duplicate_aside_pointing_at_the_case(unit, staff):
    case = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data())
    repeat = complaint_receive(unit=unit, data=intake_data(channel="web"))
    with pytest.raises(StepInputInvalid):
        complaint_set_aside(complaint=repeat, actor=staff["jfu"], reason="duplicate", note="Sama.")
    complaint_set_aside(complaint=repeat, actor=staff["jfu"], reason="duplicate", note="Sama.", duplicate_of=case)
    repeat.refresh_from_db()
    assert repeat.linked_to == case


def test_it_refuses_to_set_aside_a_recorded_complaint_or_by_another_role(unit, staff):
    recorded = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data())
    with pytest.raises(StepNotCurrent):
        complaint_set_aside(complaint=recorded, actor=staff["jfu"], reason="spam", note="?")
    waiting = complaint_receive(unit=unit, data=intake_data(channel="web"))
    with pytest.raises(NotPermitted):
        complaint_set_aside(complaint=waiting, actor=staff["sekretaris"], reason="spam", note="?")


def test_it_suggests_similar_complaints_on_the_first_step(client, unit, staff):
    case = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(summary="Pungutan liar pengurusan KTP"))
    repeat = complaint_receive(unit=unit, data=intake_data(channel="web", summary="Pungli saat mengurus KTP"))
    page = login(client, staff["jfu"]).get(repeat.get_absolute_url()).text
    assert case.register_number in page
    client.post(reverse("workdesk:link", args=[repeat.pk]), {"linked_to": case.pk})
    repeat.refresh_from_db()
    assert repeat.linked_to == case
    assert repeat.events.filter(kind=Event.Kind.LINKED).exists()


def test_it_links_by_register_number_and_refuses_an_unknown_one(client, unit, staff):
    case = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data())
    repeat = complaint_receive(unit=unit, data=intake_data(channel="web"))
    login(client, staff["jfu"])
    response = client.post(reverse("workdesk:link", args=[repeat.pk]), {"linked_to": "9999/PGD/INSP/2026"}, follow=True)
    assert "msg-error" in response.text
    client.post(reverse("workdesk:link", args=[repeat.pk]), {"linked_to": case.register_number.lower()})
    repeat.refresh_from_db()
    assert repeat.linked_to == case


def test_it_records_a_telephone_complaint_with_the_callers_number(client, unit, staff):
    login(client, staff["jfu"]).post(reverse("workdesk:record"), intake_data(
        channel="telephone", caller_number="0351 123456", received_at="2026-11-27T09:15"))
    complaint = Complaint.objects.get()
    assert complaint.caller_number == "+62351123456" and complaint.is_recorded


def test_it_shows_the_courtesy_warning_on_the_intake_screen(client, unit, staff):
    page = login(client, staff["jfu"]).get(reverse("workdesk:record")).text
    assert "harus bersikap sopan dan ramah kepada pengadu" in page  # the SOP's own words


def test_it_asks_the_complainant_from_the_complaint_page(client, unit, staff):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data())
    login(client, staff["sekretaris"]).post(reverse("workdesk:ask_complainant", args=[complaint.pk]),
                                             {"question": "Siapa nama petugasnya?"})
    assert complaint.information_requests.get().question == "Siapa nama petugasnya?"
    client.logout()
    login(client, staff["inspektur"]).post(reverse("workdesk:ask_complainant", args=[complaint.pk]),
                                            {"question": "Bukan giliran saya"})
    assert complaint.information_requests.count() == 1


def test_it_prints_the_receipt_for_a_walk_in_complainant(client, unit, staff):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data())
    response = login(client, staff["jfu"]).post(reverse("workdesk:receipt", args=[complaint.pk]))
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")


def test_it_suggests_similar_cases_while_the_jfu_types_and_links_the_new_one(client, unit, staff):
    case = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(summary="Pungutan liar pengurusan KTP"))
    login(client, staff["jfu"])
    partial = client.get(reverse("workdesk:similar"), {"summary": "pungli KTP di kelurahan"}).text
    assert case.register_number in partial and 'name="linked_to"' in partial
    assert client.get(reverse("workdesk:similar"), {"summary": ""}).text.strip() == ""
    client.post(reverse("workdesk:record"), {**intake_data(summary="Pungli KTP lagi"), "linked_to": case.pk})
    assert Complaint.objects.get(summary="Pungli KTP lagi").linked_to == case


def test_it_offers_suggestions_only_to_officers_who_record(client, unit, staff):
    assert login(client, staff["inspektur"]).get(reverse("workdesk:similar"), {"summary": "KTP"}).status_code == 404
