"""The staff pages: inbox, complaint page with the current step's form, recording, the register."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pengaduan.complaints.engine import complaint_receive, complaint_record, coordination_request, step_complete
from pengaduan.complaints.models import Complaint
from factories import PASSWORD, intake_data, tiny_jpeg, wib
from madiun_steps import STEP_DATA, advance

pytestmark = pytest.mark.django_db


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_it_sends_visitors_without_login_to_the_login_page(client):
    response = client.get(reverse("workdesk:inbox"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_it_logs_in_from_the_login_page(client, jfu):
    response = client.post(reverse("login"), {"username": "jfu", "password": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("workdesk:inbox")


def test_it_lists_only_the_steps_waiting_for_my_role(client, unit, staff):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(summary="Aduan untuk sekretaris"))
    assert complaint.register_number in login(client, staff["sekretaris"]).get(reverse("workdesk:inbox")).text
    client.logout()
    assert complaint.register_number not in login(client, staff["jfu"]).get(reverse("workdesk:inbox")).text


def test_it_marks_overdue_steps_in_the_inbox(client, unit, staff):
    complaint_receive(unit=unit, data=intake_data(channel="web"), now=wib(2026, 11, 2, 8, 0))
    page = login(client, staff["jfu"]).get(reverse("workdesk:inbox")).text
    assert "row-overdue" in page and "badge-overdue" in page


def test_it_shows_the_step_form_only_to_the_steps_performer(client, unit, staff):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data())
    url = complaint.get_absolute_url()
    action = reverse("workdesk:complete_step", args=[complaint.pk, 2])
    assert action in login(client, staff["sekretaris"]).get(url).text
    client.logout()
    page = login(client, staff["inspektur"]).get(url)
    assert page.status_code == 200 and action not in page.text


def test_it_completes_the_current_step_from_the_complaint_page(client, unit, staff):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data())
    response = login(client, staff["sekretaris"]).post(
        reverse("workdesk:complete_step", args=[complaint.pk, 2]), STEP_DATA[2], follow=True
    )
    assert response.status_code == 200
    assert not complaint.step_runs.get(number=2).is_open
    assert complaint.step_runs.get(number=3).is_open


def test_it_shows_what_is_missing_and_keeps_the_step_open(client, unit, staff):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data())
    response = login(client, staff["sekretaris"]).post(
        reverse("workdesk:complete_step", args=[complaint.pk, 2]), {**STEP_DATA[2], "notes": ""}
    )
    assert response.status_code == 200
    assert 'class="error"' in response.text
    assert complaint.step_runs.get(number=2).is_open


def test_it_refuses_a_step_posted_by_another_role_with_a_message(client, unit, staff):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data())
    response = login(client, staff["jfu"]).post(
        reverse("workdesk:complete_step", args=[complaint.pk, 2]), STEP_DATA[2], follow=True
    )
    assert "msg-error" in response.text
    assert complaint.step_runs.get(number=2).is_open


def test_it_hides_another_units_complaints(client, unit, staff, outsider):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data())
    login(client, outsider)
    assert client.get(complaint.get_absolute_url()).status_code == 404
    assert client.post(reverse("workdesk:complete_step", args=[complaint.pk, 2]), STEP_DATA[2]).status_code == 404


def test_it_records_a_walk_in_complaint_with_evidence(client, unit, staff):
    evidence = SimpleUploadedFile("kuitansi.pdf", b"%PDF-1.4 bukti", content_type="application/pdf")
    response = login(client, staff["jfu"]).post(
        reverse("workdesk:record"), {**intake_data(), "evidence": evidence}, follow=True
    )
    complaint = Complaint.objects.get()
    assert complaint.register_number in response.text
    attachment = complaint.attachments.get()
    download = client.get(reverse("workdesk:attachment", args=[attachment.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 bukti"


def test_it_keeps_the_recording_form_for_officers_of_the_first_step(client, unit, staff):
    assert login(client, staff["inspektur"]).get(reverse("workdesk:record")).status_code == 404


def test_it_serves_attachments_only_to_the_units_staff(client, unit, staff, outsider):
    evidence = SimpleUploadedFile("foto.jpg", tiny_jpeg(), content_type="image/jpeg")
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(), files={"evidence": evidence})
    attachment = complaint.attachments.get()
    assert login(client, outsider).get(reverse("workdesk:attachment", args=[attachment.pk])).status_code == 404


def test_it_lets_the_kasubag_answer_a_coordination_question(client, unit, staff):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data())
    question = coordination_request(complaint=complaint, actor=staff["sekretaris"], role="kasubag", question="Riwayat?")
    login(client, staff["kasubag"])
    assert "Riwayat?" in client.get(reverse("workdesk:inbox")).text
    client.post(reverse("workdesk:answer_coordination", args=[question.pk]), {"answer": "Tidak ada riwayat."})
    question.refresh_from_db()
    assert question.answer == "Tidak ada riwayat." and question.answered_by == staff["kasubag"]


def test_it_lists_the_register_in_number_order(client, unit, staff):
    for index in range(3):
        complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(summary=f"Aduan ke-{index + 1}"),
                         now=wib(2026, 11, 2, 8, index))
    page = login(client, staff["inspektur"]).get(reverse("workdesk:register"), {"year": 2026}).text
    assert page.index("0001/PGD/INSP/2026") < page.index("0002/PGD/INSP/2026") < page.index("0003/PGD/INSP/2026")


def test_it_masks_confidential_and_anonymous_complainants_in_the_register(client, unit, staff):
    complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(complainant_name="Rahasia Sekali",
                                                                     is_confidential="on"))
    complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(is_anonymous="on"))
    year = Complaint.objects.first().register_year
    page = login(client, staff["sekretaris"]).get(reverse("workdesk:register"), {"year": year}).text
    assert "Rahasia Sekali" not in page


def test_it_walks_the_whole_sop_through_the_pages(client, unit, staff):
    login(client, staff["jfu"]).post(reverse("workdesk:record"), intake_data())
    complaint = Complaint.objects.get()
    for number, role in [(2, "sekretaris"), (3, "inspektur"), (4, "sekretaris"), (5, "jfu")]:
        client.logout()
        login(client, staff[role])
        page = client.get(complaint.get_absolute_url()).text
        assert reverse("workdesk:complete_step", args=[complaint.pk, number]) in page
        client.post(reverse("workdesk:complete_step", args=[complaint.pk, number]), STEP_DATA[number])
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.CLOSED


def test_it_offers_the_answer_letter_once_drafted(client, unit, staff):
    from madiun_steps import advance

    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data())
    url = reverse("workdesk:answer_letter", args=[complaint.pk])
    login(client, staff["sekretaris"])
    assert client.get(url).status_code == 404
    advance(complaint, staff, to_step=5)
    assert url in client.get(complaint.get_absolute_url()).text
    assert client.get(url).content.startswith(b"%PDF")


def test_it_pages_a_long_register(client, unit, staff, monkeypatch):
    from pengaduan.workdesk import views

    monkeypatch.setattr(views, "REGISTER_PAGE", 2)
    for index in range(5):
        complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(), now=wib(2026, 11, 2, 8, index))
    login(client, staff["inspektur"])
    first = client.get(reverse("workdesk:register"), {"year": 2026}).text
    assert "0001/PGD/INSP/2026" in first and "0003/PGD/INSP/2026" not in first
    last = client.get(reverse("workdesk:register"), {"year": 2026, "page": 3}).text
    assert "0005/PGD/INSP/2026" in last and "0001/PGD/INSP/2026" not in last


def test_it_pages_the_register_by_number_range_with_the_counter_as_length(client, unit, staff, monkeypatch):
    from pengaduan.workdesk import views

    monkeypatch.setattr(views, "REGISTER_PAGE", 2)
    for index in range(3):
        complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(), now=wib(2026, 11, 2, 8, index))
    login(client, staff["inspektur"])
    page = client.get(reverse("workdesk:register"), {"year": 2026, "page": 2}).context["page"]
    assert page.paginator.count == 3
    assert [entry.register_seq for entry in page.object_list] == [3]
    beyond = client.get(reverse("workdesk:register"), {"year": 2026, "page": 99}).context["page"]
    assert beyond.number == 2  # out of range: the last page, as Django's get_page does
    empty = client.get(reverse("workdesk:register"), {"year": 2019}).context["page"]
    assert empty.paginator.count == 0 and list(empty.object_list) == []


def test_it_lets_record_only_in_units_where_the_user_does_the_first_step(unit, outsider):
    from pengaduan.units.models import Membership
    from pengaduan.workdesk.views import _intake_units

    other = Membership.objects.get(user=outsider, role="jfu").unit
    Membership.objects.filter(user=outsider, role="jfu").delete()
    Membership.objects.create(user=outsider, unit=unit, role="jfu")
    # jfu (the first step's performer) in `unit`; every other role, but not jfu, in `other`.
    assert _intake_units(outsider) == [unit]
    Membership.objects.create(user=outsider, unit=other, role="jfu")
    assert sorted(u.pk for u in _intake_units(outsider)) == sorted([unit.pk, other.pk])


def _busy_case(unit, staff, rounds: int) -> Complaint:
    """A complaint at the decision step with `rounds` of everything its page lists: evidence files, questions to
    the complainant with replies, coordination questions with answers, internal notes, messages from the
    complainant (each with its events and outbox messages)."""
    from pengaduan.complaints.engine import (
        complainant_message,
        coordination_answer,
        information_reply,
        information_request,
        note_add,
    )

    evidence = [SimpleUploadedFile(f"bukti-{n}.jpg", tiny_jpeg(), "image/jpeg") for n in range(rounds)]
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(summary=f"Aduan {rounds}"),
                                 files={"evidence": evidence})
    for n in range(rounds):
        question = coordination_request(complaint=complaint, actor=staff["sekretaris"], role="kasubag",
                                        question=f"Riwayat {n}?")
        coordination_answer(request=question, actor=staff["kasubag"], answer=f"Jawaban koordinasi {n}.")
    complaint = advance(complaint, staff, to_step=3)
    for n in range(rounds):
        asked = information_request(complaint=complaint, actor=staff["inspektur"], question=f"Kapan kejadian {n}?")
        information_reply(request=asked, reply=f"Balasan pengadu {n}.")
        note_add(complaint=complaint, actor=staff["inspektur"], text=f"Catatan internal {n}.")
        complainant_message(complaint=complaint, text=f"Pesan pengadu {n}.", via="email")
    return complaint


def test_it_reads_the_complaint_page_in_as_many_queries_however_much_it_lists(
        client, unit, staff, django_assert_max_num_queries):
    """No query per event, file, question, note or step: a case with four times as much costs no more queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    quiet, busy = _busy_case(unit, staff, 1), _busy_case(unit, staff, 4)
    login(client, staff["inspektur"])
    client.get(quiet.get_absolute_url())  # per-process caches filled
    with CaptureQueriesContext(connection) as queries:
        assert client.get(quiet.get_absolute_url()).status_code == 200
    assert len(queries) <= 26  # the session and the user included
    with django_assert_max_num_queries(len(queries)):
        page = client.get(busy.get_absolute_url())
    assert page.status_code == 200
    for n in range(4):
        for text in (f"bukti-{n}.jpg", f"Jawaban koordinasi {n}.", f"Balasan pengadu {n}.", f"Catatan internal {n}.",
                     f"Pesan pengadu {n}."):
            assert text in page.text
