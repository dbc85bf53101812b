"""The public portal: complain without an account, get a receipt, follow the case, answer, rate."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from pengaduan.complaints.codes import tracking_code_hash
from pengaduan.complaints.engine import complaint_record, information_request, step_complete
from pengaduan.complaints.models import Complaint, Rating
from pengaduan.portal import forms as portal_forms
from pengaduan.throttle import services as throttle
from factories import intake_data, issued_code, tiny_jpeg
from madiun_steps import STEP_DATA, advance

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_minimum_fill_time(monkeypatch):
    monkeypatch.setattr(portal_forms, "MIN_FILL_SECONDS", 0)


def form_data(**overrides) -> dict:
    data = {
        "complaint_type": "pengaduan",
        "summary": "Biaya tambahan untuk KTP",
        "description": "Petugas meminta Rp50.000 agar KTP cepat jadi.",
        "subject": "Kelurahan Manguharjo",
        "event_date": "2026-11-20",
        "event_place": "Kantor Kelurahan",
        "complainant_name": "Siti Aminah",
        "complainant_phone": "081234567890",
        "complainant_email": "siti@example.org",
        "is_confidential": "on",
        "privacy_ack": "on",
        "website": "",
        "token": portal_forms.form_token(),
    }
    data.update(overrides)
    return data


def submit(client, **overrides):
    return client.post(reverse("portal:complain"), form_data(**overrides))


def test_it_says_how_to_complain_and_what_the_unit_promises(client, unit):
    page = client.get(reverse("portal:home")).text
    for promise in ("30 menit", "10 menit", "maks 10 hari", "1 jam"):
        assert promise in page
    assert "Ombudsman" in page and reverse("portal:complain") in page


def test_it_receives_a_complaint_and_shows_the_receipt(client, unit, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(client, evidence=SimpleUploadedFile("foto.jpg", tiny_jpeg(), content_type="image/jpeg"))
    assert response.status_code == 302 and response.url == reverse("portal:received")
    complaint = Complaint.objects.get()
    assert (complaint.channel, complaint.is_confidential, complaint.is_recorded) == ("web", True, False)
    assert complaint.attachments.count() == 1
    assert complaint.step_runs.get().role == "jfu"
    page = client.get(response.url).text
    code = issued_code(client)
    assert code in page and complaint.tracking_code_hash == tracking_code_hash(code)
    pdf = client.get(reverse("portal:receipt"))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["siti@example.org"]


def test_it_keeps_no_identity_for_an_anonymous_complaint(client, unit, mailoutbox):
    submit(client, is_anonymous="on", complainant_name="Siti", complainant_email="siti@example.org")
    complaint = Complaint.objects.get()
    assert complaint.is_anonymous and complaint.complainant is None
    assert mailoutbox == []


@pytest.mark.parametrize("overrides, field", [
    ({"summary": ""}, "summary"),
    ({"description": ""}, "description"),
    ({"subject": "x" * 301}, "subject"),
    ({"complainant_name": ""}, "complainant_name"),
    ({"complainant_phone": "", "complainant_email": ""}, "complainant_phone"),
    ({"complainant_email": "bukan-email"}, "complainant_email"),
    ({"privacy_ack": ""}, "privacy_ack"),
    ({"event_date": "besok"}, "event_date"),
    ({"complaint_type": "gosip"}, "complaint_type"),
])
def test_it_explains_each_invalid_field_and_stores_nothing(client, unit, overrides, field):
    response = submit(client, **overrides)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert 'class="error"' in response.text
    assert not Complaint.objects.exists()


def test_it_refuses_a_hostile_file_with_a_message_and_stores_nothing(client, unit):
    program = SimpleUploadedFile("foto.jpg", b"MZ\x90\x00" + b"\x00" * 200, content_type="image/jpeg")
    response = submit(client, evidence=program)
    assert response.status_code == 200 and "evidence" in response.context["form"].errors
    assert not Complaint.objects.exists()


def test_it_holds_back_a_bot_that_fills_the_hidden_field(client, unit):
    response = submit(client, website="http://spam.example")
    assert response.status_code == 200 and not Complaint.objects.exists()


def test_it_holds_back_a_form_sent_faster_than_a_person_can(client, unit, monkeypatch):
    monkeypatch.setattr(portal_forms, "MIN_FILL_SECONDS", 60)
    response = submit(client)
    assert response.status_code == 200 and "token" in response.context["form"].errors
    assert not Complaint.objects.exists()


def test_it_refuses_a_forged_form_token(client, unit):
    response = submit(client, token="123:forged")
    assert "token" in response.context["form"].errors and not Complaint.objects.exists()


def test_it_limits_submissions_per_address(client, unit):
    for _ in range(throttle.SUBMIT.hits):
        assert submit(client).status_code == 302
    response = submit(client)
    assert response.status_code == 429 and response["Retry-After"]
    assert Complaint.objects.count() == throttle.SUBMIT.hits


def test_it_counts_refused_forms_against_the_limit_too(client, unit):
    for _ in range(throttle.SUBMIT.hits):
        assert submit(client, website="http://spam.example").status_code == 200
    assert submit(client).status_code == 429 and not Complaint.objects.exists()


def test_it_rolls_back_a_complaint_that_is_one_too_many(client, unit, monkeypatch):
    """Two POSTs of one address racing past the cheap check: the count in the complaint's transaction decides."""
    for _ in range(throttle.SUBMIT.hits):
        assert submit(client).status_code == 302
    monkeypatch.setattr(throttle, "used_up", lambda *args, **kwargs: False)
    response = submit(client)
    assert response.status_code == 429 and response["Retry-After"]
    assert Complaint.objects.count() == throttle.SUBMIT.hits


def test_it_tracks_a_code_typed_in_any_case_with_spaces(client, unit):
    submit(client)
    code = issued_code(client)
    client.post(reverse("portal:forget"))
    response = client.post(reverse("portal:track"), {"code": code.lower().replace("-", " ")})
    assert response.status_code == 302 and response.url == reverse("portal:status")
    assert Complaint.objects.get().summary in client.get(response.url).text


def test_it_answers_a_wrong_code_the_same_whatever_is_wrong(client, unit):
    answers = set()
    for code in ("ZZZZZ-ZZZZZ-ZZZZZ", "abc", "0000", "'; DROP TABLE x; --"):
        response = client.post(reverse("portal:track"), {"code": code}, follow=True)
        assert response.status_code == 200
        answers.add(" ".join(str(message) for message in response.context["messages"]))
    assert len(answers) == 1
    assert client.get(reverse("portal:status")).status_code == 404


def test_it_limits_lookups_per_address(client, unit):
    for _ in range(throttle.LOOKUP.hits):
        client.post(reverse("portal:track"), {"code": "ZZZZZ-ZZZZZ-ZZZZZ"})
    assert client.post(reverse("portal:track"), {"code": "ZZZZZ-ZZZZZ-ZZZZZ"}).status_code == 429


def test_it_shows_no_staff_names_or_internal_notes_to_the_complainant(client, unit, staff):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data())
    advance(complaint, staff, to_step=6)
    client.post(reverse("portal:track"), {"code": complaint.tracking_code})
    page = client.get(reverse("portal:status")).text
    assert STEP_DATA[4]["answer"] in page
    for secret in (STEP_DATA[2]["notes"], STEP_DATA[3]["analysis"], STEP_DATA[3]["reasoning"],
                   "Rina", "sekretaris", staff["inspektur"].first_name):
        assert secret not in page


def test_it_lets_the_complainant_answer_the_officers_question(client, unit, staff):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data())
    question = information_request(complaint=complaint, actor=staff["sekretaris"], question="Kapan tepatnya?")
    client.post(reverse("portal:track"), {"code": complaint.tracking_code})
    assert "Kapan tepatnya?" in client.get(reverse("portal:status")).text
    client.post(reverse("portal:reply", args=[question.pk]), {
        "reply": "Tanggal 20 November pukul 10.", "evidence": SimpleUploadedFile("bukti.jpg", tiny_jpeg())})
    question.refresh_from_db()
    assert question.reply == "Tanggal 20 November pukul 10." and question.replied_at
    assert complaint.attachments.filter(original_name="bukti.jpg").exists()
    response = client.post(reverse("portal:reply", args=[question.pk]), {"reply": "Lagi"}, follow=True)
    assert "msg-error" in response.text


def test_it_rates_the_answer_once_after_delivery(client, unit, staff):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data())
    client.post(reverse("portal:track"), {"code": complaint.tracking_code})
    client.post(reverse("portal:rate"), {"score": "5"})
    assert not Rating.objects.exists()  # not delivered yet
    advance(complaint, staff, to_step=6)
    client.post(reverse("portal:rate"), {"score": "9"})
    assert not Rating.objects.exists()
    client.post(reverse("portal:rate"), {"score": "4", "comment": "Cepat dan sopan."})
    client.post(reverse("portal:rate"), {"score": "1"})
    rating = Rating.objects.get()
    assert (rating.score, rating.comment) == (4, "Cepat dan sopan.")


def test_it_serves_only_the_complainants_own_files(client, unit, staff):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(),
                                 files={"evidence": SimpleUploadedFile("bukti.jpg", tiny_jpeg())})
    other = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(),
                             files={"evidence": SimpleUploadedFile("lain.jpg", tiny_jpeg())})
    client.post(reverse("portal:track"), {"code": complaint.tracking_code})
    own = complaint.attachments.get()
    assert client.get(reverse("portal:own_file", args=[own.pk])).status_code == 200
    assert client.get(reverse("portal:own_file", args=[other.attachments.get().pk])).status_code == 404


def test_it_tells_the_complainant_where_a_forwarded_complaint_went(client, unit, staff):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data())
    advance(complaint, staff, to_step=3)
    step_complete(complaint=complaint, actor=staff["inspektur"], step_number=3, data={
        **STEP_DATA[3], "decision_type": "forward", "forward_to": "Dinas Kependudukan"})
    client.post(reverse("portal:track"), {"code": complaint.tracking_code})
    assert "Dinas Kependudukan" in client.get(reverse("portal:status")).text


def test_it_gives_the_answer_letter_after_delivery_only(client, unit, staff):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data())
    client.post(reverse("portal:track"), {"code": complaint.tracking_code})
    assert client.get(reverse("portal:answer_letter")).status_code == 404
    advance(complaint, staff, to_step=6)
    letter = client.get(reverse("portal:answer_letter"))
    assert letter.status_code == 200 and letter.content.startswith(b"%PDF")


def test_it_keeps_no_session_for_a_new_visitors_complaint_that_was_one_too_many(client, unit, monkeypatch):
    for _ in range(throttle.SUBMIT.hits):
        assert submit(client).status_code == 302
    monkeypatch.setattr(throttle, "used_up", lambda *args, **kwargs: False)
    newcomer = Client(REMOTE_ADDR=client.defaults.get("REMOTE_ADDR", "127.0.0.1"))
    response = submit(newcomer)
    assert response.status_code == 429
    assert "sessionid" not in newcomer.cookies and Complaint.objects.count() == throttle.SUBMIT.hits
