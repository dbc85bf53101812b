"""UU PDP: a data subject gets what is held and who processed it; identities are erased after retention."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from pengaduan.complaints import pdp
from pengaduan.complaints.engine import complaint_record, note_add
from pengaduan.complaints.models import AccessLog, Complainant, Complaint
from factories import intake_data, wib
from madiun_steps import STEP_DATA, advance

pytestmark = pytest.mark.django_db


def test_it_exports_what_a_complainant_gave_and_who_processed_it_but_not_internal_notes(unit, staff):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(complainant_email="siti@example.org"))
    note_add(complaint=complaint, actor=staff["sekretaris"], text="Petugas X pernah dijatuhi hukuman disiplin")
    advance(complaint, staff, to_step=4)
    data = pdp.export(reference="SITI@example.org")
    assert data["data_subject"][0]["name"] == "Siti Aminah"
    exported = data["complaints"][0]
    assert exported["register_number"] == complaint.register_number
    assert {"jfu", "sekretaris", "inspektur"} <= {entry["by"] for entry in exported["processing"]}
    text = json.dumps(data)
    assert "hukuman disiplin" not in text and STEP_DATA[3]["reasoning"] not in text
    assert AccessLog.objects.filter(complaint=complaint, action="export").exists()


def test_it_finds_a_complainant_by_telephone_or_tracking_code(unit, staff):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(complainant_phone="0812-3456-7890"))
    assert list(pdp.complaints_of("081234567890")) == [complaint]
    assert list(pdp.complaints_of(complaint.tracking_code.lower())) == [complaint]


def test_the_export_command_says_when_nothing_is_found(unit):
    with pytest.raises(CommandError, match="No complaint"):
        call_command("pdp", "export", "--complainant", "tidak-ada@example.org")


def test_it_erases_identities_after_retention_and_is_safe_to_rerun(unit, staff):
    old = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(), now=wib(2020, 3, 2, 9, 0))
    advance(old, staff, to_step=6, now=wib(2020, 3, 3, 9, 0))
    recent = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(), now=wib(2026, 3, 2, 9, 0))
    advance(recent, staff, to_step=6, now=wib(2026, 3, 3, 9, 0))
    now = wib(2026, 11, 28, 9, 0)
    assert pdp.erase_expired(now=now, years=5, dry_run=True) == 1
    assert pdp.erase_expired(now=now, years=5) == 1
    assert pdp.erase_expired(now=now, years=5) == 0
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.complainant is None and old.identity_erased_at == now
    assert recent.complainant is not None
    assert Complainant.objects.count() == 1
    assert AccessLog.objects.filter(complaint=old, action="erase").count() == 1
    assert Complaint.objects.get(pk=old.pk).register_number  # the register keeps the entry


# Erasure is complete -------------------------------------------------------------------------------------------

from datetime import timedelta  # noqa: E402

from django.contrib.auth.models import Permission  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.urls import reverse  # noqa: E402

from pengaduan.complaints.engine import (  # noqa: E402
    complaint_rate,
    complaint_receive,
    information_reply,
    information_request,
    step_complete,
)
from pengaduan.complaints.models import Attachment, DataSubjectRequest, Event, Rating, StepRun  # noqa: E402
from pengaduan.notifications.models import OutboxMessage  # noqa: E402
from pengaduan.notifications.services import alert_overdue_requests  # noqa: E402
from factories import make_user, tiny_jpeg  # noqa: E402

# Numbers as they are stored (E.164, pengaduan.phones), so that every place holding them can be searched for them.
PERSON = {"complainant_name": "Ratna Rahasia", "complainant_phone": "+6289911112222",
          "complainant_email": "ratna@example.org", "complainant_address": "Jl. Rahasia 9"}
CALLER, RECIPIENT = "+6281177776666", "Suami Ratna"

# Every field that can hold the complainant's personal data, and what it must be after erasure.
PERSONAL_DATA_FIELDS = [
    ("Complainant", "name / phone / email / address (the row)"),
    ("Complaint", "complainant"),
    ("Complaint", "caller_number"),
    ("Complaint", "source_link"),
    ("StepRun", "output.recipient / caller_number / source_link / complainant_*"),
    ("OutboxMessage", "to / subject / body / reply_to / attachments of the mail to the complainant"),
    ("Attachment", "the complainant's own files: row (name, type, size) and stored file"),
    ("Rating", "comment"),
    ("DataSubjectRequest", "requester / reference / details"),
    ("Event", "data (identity keys)"),
    ("search index", "told through pdp.identity_erased"),
]


@pytest.fixture
def full_case(unit, staff):
    """A confidential telephone complaint with every kind of personal data the system can hold."""
    complaint = complaint_receive(unit=unit, data=intake_data(channel="telephone", caller_number=CALLER,
                                                              is_confidential="on", **PERSON),
                                  files={"evidence": SimpleUploadedFile("ktp-saya.jpg", tiny_jpeg())})
    step_complete(complaint=complaint, actor=staff["jfu"], step_number=1,
                  data=intake_data(channel="telephone", caller_number=CALLER, is_confidential="on", **PERSON))
    question = information_request(complaint=complaint, actor=staff["sekretaris"], question="Kapan kejadiannya?")
    information_reply(request=question, reply="Tanggal 20.",
                      files={"evidence": SimpleUploadedFile("foto-rumah.jpg", tiny_jpeg())})
    for number in range(2, 6):
        data = {**STEP_DATA[number], "recipient": RECIPIENT} if number == 5 else STEP_DATA[number]
        step_complete(complaint=complaint, actor=staff[{2: "sekretaris", 3: "inspektur", 4: "sekretaris",
                                                        5: "jfu"}[number]], step_number=number, data=data)
    complaint_rate(complaint=Complaint.objects.get(pk=complaint.pk), score=4, comment="Terima kasih, Ratna di Jl. Rahasia 9")
    pdp.request_record(kind="access", actor=staff["jfu"], reference=PERSON["complainant_email"],
                       requester=PERSON["complainant_name"], details="Minta salinan data")
    return Complaint.objects.get(pk=complaint.pk)


def _held_anywhere(complaint) -> list[str]:
    """Where a piece of the identity is still found, reading every field listed in PERSONAL_DATA_FIELDS."""
    secrets = (*PERSON.values(), CALLER, RECIPIENT, "ktp-saya.jpg", "foto-rumah.jpg", "Ratna")
    complaint.refresh_from_db()
    places = {
        "Complainant": list(Complainant.objects.values_list("name", "phone", "email", "address")),
        "Complaint": [complaint.complainant_id, complaint.caller_number, complaint.source_link],
        "StepRun": list(StepRun.objects.filter(complaint=complaint).values_list("output", flat=True)),
        "OutboxMessage": list(OutboxMessage.objects.filter(complaint=complaint).values_list(
            "to", "subject", "body", "reply_to", "attachments")),
        "Attachment": list(Attachment.objects.filter(complaint=complaint).values_list(
            "original_name", "file", "content_type", "size")),
        "Rating": list(Rating.objects.filter(complaint=complaint).values_list("comment", flat=True)),
        "DataSubjectRequest": list(DataSubjectRequest.objects.values_list("requester", "reference", "details")),
        "Event": list(Event.objects.filter(complaint=complaint).values_list("data", flat=True)),
    }
    found = [model for model, value in places.items() if any(secret in str(value) for secret in secrets)]
    if complaint.complainant_id is not None:
        found.append("Complaint.complainant")
    return found


def test_erasure_empties_every_field_that_can_hold_personal_data(full_case, staff, settings):
    assert set(_held_anywhere(full_case)) >= {"Complainant", "Complaint", "StepRun", "OutboxMessage", "Attachment",
                                              "Rating", "DataSubjectRequest"}
    own_files = [item.file.name for item in Attachment.objects.filter(complaint=full_case, uploaded_by=None)]
    assert len(own_files) == 2
    storage = Attachment._meta.get_field("file").storage
    told = []
    pdp.identity_erased.connect(lambda sender, complaint, **kw: told.append(complaint.pk), weak=False,
                                dispatch_uid="test-index")
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr("django.db.transaction.on_commit", lambda fn, *a, **k: fn())
            assert pdp.erase_subject(reference=PERSON["complainant_email"], actor=staff["jfu"]) == 1
    finally:
        pdp.identity_erased.disconnect(dispatch_uid="test-index")
    assert _held_anywhere(full_case) == []
    assert not any(storage.exists(name) for name in own_files)
    assert told == [full_case.pk]  # search indexes are told to drop the case's identity
    # What stays: the register entry and the SOP timeline, anonymised.
    full_case.refresh_from_db()
    assert full_case.register_number and full_case.identity_erased_at
    assert full_case.step_runs.filter(done_at__isnull=False).count() == 5 and full_case.events.count() > 10
    assert DataSubjectRequest.objects.get().kind == "access"
    assert AccessLog.objects.filter(complaint=full_case, action="erase_request", user=staff["jfu"]).exists()
    assert len(PERSONAL_DATA_FIELDS) == 11


def test_erasure_at_the_end_of_retention_is_as_complete(full_case):
    assert pdp.erase_expired(now=full_case.closed_at + timedelta(days=365 * 6), years=5) == 1
    assert _held_anywhere(full_case) == []
    assert pdp.erase_expired(now=full_case.closed_at + timedelta(days=365 * 6), years=5) == 0


def test_the_erase_command_takes_a_complainant(full_case):
    call_command("pdp", "erase", "--complainant", PERSON["complainant_phone"])
    assert _held_anywhere(full_case) == []
    with pytest.raises(CommandError, match="No complaint"):
        call_command("pdp", "erase", "--complainant", "tidak-ada@example.org")


# The register of data-subject requests -------------------------------------------------------------------------


def test_a_request_is_due_three_times_24_real_hours_after_receipt(full_case, staff):
    friday_evening = wib(2026, 11, 27, 18, 0)  # a weekend and office hours do not stop this clock
    request = pdp.request_record(kind="erasure", actor=staff["jfu"], reference=PERSON["complainant_email"],
                                 received_at=friday_evening)
    assert request.due_at == wib(2026, 11, 30, 18, 0)
    assert request.complaints == [full_case.pk]
    assert pdp.time_left(request, now=wib(2026, 11, 30, 12, 0)) == timedelta(hours=6)


def test_answering_an_erasure_request_erases_and_anonymises_the_entry(full_case, staff):
    request = pdp.request_record(kind="erasure", actor=staff["jfu"], reference=PERSON["complainant_email"],
                                 requester=PERSON["complainant_name"])
    pdp.request_answer(request=request, actor=staff["jfu"], outcome="erased", answer="Dihapus.")
    request.refresh_from_db()
    assert (request.requester, request.reference, request.outcome) == ("", "", "erased") and request.answered_at
    assert _held_anywhere(full_case) == []
    with pytest.raises(ValueError):
        pdp.request_answer(request=request, actor=staff["jfu"], outcome="other")


def test_an_overdue_request_alerts_the_dpo_once_through_the_outbox(unit, staff, settings):
    settings.DPO_EMAIL = "ppdp@madiunkota.go.id"
    dpo = make_user("ppdp", unit=unit)
    dpo.email = "petugas.ppdp@madiunkota.go.id"
    dpo.save()
    dpo.user_permissions.add(Permission.objects.get(codename="act_as_dpo"))
    received = wib(2026, 11, 2, 9, 0)
    pdp.request_record(kind="access", actor=staff["jfu"], reference="x@example.org", received_at=received)
    assert alert_overdue_requests(now=received + timedelta(hours=71)) == 0
    call_command("remind")  # `pengaduan remind` runs the check with the real clock: long overdue by now
    alerts = OutboxMessage.objects.filter(template_key="pdp_request_overdue")
    assert sorted(alerts.values_list("to", flat=True)) == ["petugas.ppdp@madiunkota.go.id", "ppdp@madiunkota.go.id"]
    call_command("remind")
    assert alerts.count() == 2


# The data-protection officer's pages ---------------------------------------------------------------------------


@pytest.fixture
def dpo(unit):
    user = make_user("ppdp", unit=unit)
    user.user_permissions.add(Permission.objects.get(codename="act_as_dpo"))
    return user


def test_the_dpo_pages_exist_only_for_the_dpo(client, staff, dpo):
    urls = [reverse("workdesk:pdp_access_log"), reverse("workdesk:pdp_requests")]
    for role, user in staff.items():
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404, (role, url)
    client.force_login(dpo)
    for url in urls:
        assert client.get(url).status_code == 200


def test_the_access_log_filters_by_officer_action_complaint_and_period_and_exports_csv(client, unit, staff, dpo):
    first = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(is_confidential="on"))
    # Another person: the same one's other complaint would be listed in the history, and logged as seen, too.
    second = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(
        is_confidential="on", complainant_phone="0813 5555 6666", complainant_email="lain@example.org"))
    client.force_login(staff["sekretaris"])
    client.get(first.get_absolute_url())
    client.force_login(staff["jfu"])
    client.get(second.get_absolute_url())
    client.force_login(dpo)
    url = reverse("workdesk:pdp_access_log")
    page = client.get(url, {"user": "sekretaris"})
    assert [e.complaint_id for e in page.context["entries"]] == [first.pk]
    assert [e.user.username for e in client.get(url, {"complaint": second.register_number}).context["entries"]] == [
        "jfu"]
    assert len(client.get(url, {"action": "view_identity", "date_from": "2000-01-01"}).context["entries"]) == 2
    assert not client.get(url, {"date_to": "2000-01-01"}).context["entries"]
    assert client.get(url, {"date_from": "2026-12-31", "date_to": "2026-01-01"}).context["form"].errors
    csv = client.get(url, {"user": "sekretaris", "format": "csv"})
    assert csv["Content-Type"].startswith("text/csv")
    lines = csv.content.decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 2 and "sekretaris" in lines[1] and first.register_number in lines[1]
    assert f"/kerja/pengaduan/{first.pk}/" in lines[1]


def test_the_dpo_records_a_request_sees_the_time_left_and_answers_with_the_export(client, full_case, dpo):
    client.force_login(dpo)
    response = client.post(reverse("workdesk:pdp_requests"), {
        "kind": "access", "requester": "Ratna", "reference": PERSON["complainant_email"], "details": "",
        "received_at": ""})
    request = DataSubjectRequest.objects.get(kind="access", recorded_by=dpo)
    assert response.status_code == 302
    inbox = client.get(reverse("workdesk:pdp_requests"))
    hours = dict((item.pk, left) for item, left in inbox.context["open_requests"])
    assert 71.5 < hours[request.pk] <= 72
    export = client.post(reverse("workdesk:pdp_request_export", args=[request.pk]))
    assert export["Content-Type"].startswith("application/json") and PERSON["complainant_name"] in export.content.decode()
    assert AccessLog.objects.filter(action="export", user=dpo, complaint=full_case).exists()
    client.post(reverse("workdesk:pdp_request", args=[request.pk]), {"outcome": "exported", "answer": "Dikirim."})
    request.refresh_from_db()
    assert request.outcome == "exported" and request.answered_by == dpo
    # An erasure needs a confirmation.
    erasure = pdp.request_record(kind="erasure", actor=dpo, reference=PERSON["complainant_email"])
    client.post(reverse("workdesk:pdp_request", args=[erasure.pk]), {"outcome": "erased", "answer": "Dihapus."})
    assert DataSubjectRequest.objects.get(pk=erasure.pk).is_open
    client.post(reverse("workdesk:pdp_request", args=[erasure.pk]),
                {"outcome": "erased", "answer": "Dihapus.", "confirm_erasure": "on"})
    assert not DataSubjectRequest.objects.get(pk=erasure.pk).is_open
    assert _held_anywhere(full_case) == []
