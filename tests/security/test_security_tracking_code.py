"""The tracking code is a credential: stored only as a keyed hash, shown once (to the complainant after
submitting, on the receipt the recording officer prints), never in staff pages, lists or the API."""

import time

import pytest
from django.contrib.sessions.models import Session
from django.core import signing
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pengaduan.complaints import appendonly
from pengaduan.complaints.codes import tracking_code_filter, tracking_code_hash
from pengaduan.complaints.engine import complaint_record, tracking_code_reissue
from pengaduan.complaints.errors import NotPermitted
from pengaduan.complaints.models import Complaint, Event
from pengaduan.portal import forms as portal_forms
from pengaduan.sop.models import Sop
from factories import intake_data, issued_code

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_minimum_fill_time(monkeypatch):
    monkeypatch.setattr(portal_forms, "MIN_FILL_SECONDS", 0)


def submit(client):
    return client.post(reverse("portal:complain"), {
        "complaint_type": "pengaduan", "summary": "Biaya tambahan untuk KTP", "description": "Diminta Rp50.000.",
        "subject": "Kelurahan Manguharjo", "complainant_name": "Siti Aminah", "complainant_email": "s@example.org",
        "privacy_ack": "on", "website": "", "token": portal_forms.form_token(),
    })


def rows_as_text() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM complaints_complaint")
        return repr(cursor.fetchall())


def test_the_database_keeps_only_a_keyed_hash_of_the_code(client, unit, settings):
    submit(client)
    code = issued_code(client)
    complaint = Complaint.objects.get()
    assert code not in rows_as_text() and code.replace("-", "") not in rows_as_text()
    assert complaint.tracking_code_hash == tracking_code_hash(code) and len(complaint.tracking_code_hash) == 64
    # Keyed: without the secret the hash cannot be recomputed from a guessed code.
    settings.TRACKING_CODE_SECRET = "another secret"
    assert tracking_code_hash(code) != complaint.tracking_code_hash
    assert not Complaint.objects.filter(tracking_code_filter(code)).exists()
    # A rotated secret kept as a fallback still finds the codes handed out before.
    settings.TRACKING_CODE_SECRET_FALLBACKS = [settings.SECRET_KEY]
    assert Complaint.objects.filter(tracking_code_filter(code.lower())).get() == complaint


def test_the_code_is_shown_once_after_submitting_and_not_on_the_tracking_page(client, unit):
    submit(client)
    code = issued_code(client)
    assert code in client.get(reverse("portal:received")).text
    client.post(reverse("portal:forget"))
    assert client.get(reverse("portal:received")).status_code == 404  # the one showing is over
    assert client.get(reverse("portal:receipt")).status_code == 404
    client.post(reverse("portal:track"), {"code": code})
    assert code not in client.get(reverse("portal:status")).text
    assert client.get(reverse("portal:received")).status_code == 404
    copy = client.get(reverse("portal:receipt"))  # a later copy of the receipt, without the code
    assert copy.status_code == 200 and code.encode() not in copy.content


def test_the_code_just_issued_stays_in_the_browser_not_in_a_session_row(client, unit):
    submit(client)
    code = issued_code(client)
    assert not Session.objects.exists() and "sessionid" not in client.cookies
    assert code not in rows_as_text()


def test_a_made_up_or_altered_issued_cookie_opens_nothing(client, unit):
    submit(client)
    code, signed = issued_code(client), client.cookies["issued_code"].value
    for value in (code, signed.replace(code[:5], "ABCDE" if code[:5] != "ABCDE" else "FGHJK"), signed[:-2] + "xx"):
        stranger = Client()
        stranger.cookies["issued_code"] = value
        for page in ("portal:received", "portal:receipt", "portal:status"):
            assert stranger.get(reverse(page)).status_code == 404, (value, page)


def test_the_issued_cookie_opens_the_complaint_for_an_office_day_only(client, unit, settings, monkeypatch):
    submit(client)
    assert client.cookies["issued_code"]["max-age"] == settings.SESSION_COOKIE_AGE
    assert client.get(reverse("portal:received")).status_code == 200
    later = time.time() + settings.SESSION_COOKIE_AGE + 1
    monkeypatch.setattr(signing.time, "time", lambda: later)
    assert client.get(reverse("portal:received")).status_code == 404


def test_the_browser_follows_the_complaint_it_sent_or_looked_up_last(client, unit):
    submit(client)
    first = issued_code(client)
    submit(client)
    second = issued_code(client)
    assert second != first and second in client.get(reverse("portal:received")).text
    assert client.get(reverse("portal:status")).status_code == 200  # followed by the cookie alone
    client.post(reverse("portal:track"), {"code": first})  # the look-up takes over, the cookie goes
    assert not client.cookies["issued_code"].value and client.get(reverse("portal:received")).status_code == 404
    assert client.get(reverse("portal:status")).status_code == 200
    submit(client)
    third = issued_code(client)
    assert third in client.get(reverse("portal:received")).text  # the complaint sent after the look-up
    client.post(reverse("portal:forget"))
    assert client.get(reverse("portal:status")).status_code == 404


@pytest.mark.parametrize("role", ["jfu", "sekretaris", "kasubag", "inspektur"])
def test_no_staff_page_or_api_shows_the_code(client, unit, staff, role):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data())
    code = complaint.tracking_code
    assert code
    client.force_login(staff[role])
    for url in (complaint.get_absolute_url(), reverse("workdesk:register"), reverse("workdesk:inbox"),
                reverse("workdesk:team")):
        assert code not in client.get(url).content.decode()
    # The code typed into the staff search finds the case, by its hash.
    client.force_login(staff["sekretaris"])
    assert complaint.register_number in client.get(reverse("workdesk:inbox"), {"q": code.lower()}).text


def test_reprinting_the_receipt_issues_a_new_code_and_voids_the_old_one(client, unit, staff):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data())
    old = complaint.tracking_code
    new = tracking_code_reissue(complaint=complaint, actor=staff["jfu"])
    assert new != old
    assert not Complaint.objects.filter(tracking_code_filter(old)).exists()
    assert Complaint.objects.get(tracking_code_filter(new)) == complaint
    event = complaint.events.get(kind=Event.Kind.CODE_ISSUED)
    assert event.actor == staff["jfu"] and old not in str(event.data) and new not in str(event.data)
    # The old code no longer opens the tracking page; the new one does.
    assert client.post(reverse("portal:track"), {"code": old}).status_code == 200
    assert client.post(reverse("portal:track"), {"code": new}).status_code == 302


def test_only_the_recording_role_may_issue_a_new_code(unit, staff):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data())
    for role in ("sekretaris", "kasubag", "inspektur"):
        with pytest.raises(NotPermitted):
            tracking_code_reissue(complaint=complaint, actor=staff[role])
    assert Complaint.objects.get(tracking_code_filter(complaint.tracking_code)) == complaint


def test_the_receipt_printed_in_the_workdesk_carries_the_new_code(client, unit, staff, monkeypatch):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data())
    printed = {}

    def fake_pdf(case, **kwargs):
        printed["code"] = case.tracking_code
        return b"%PDF-1.4 fake"

    monkeypatch.setattr("pengaduan.documents.issued.receipt_pdf", fake_pdf)  # every receipt is issued there
    client.force_login(staff["jfu"])
    assert client.post(reverse("workdesk:receipt", args=[complaint.pk])).status_code == 200
    assert printed["code"] and printed["code"] != complaint.tracking_code
    assert Complaint.objects.get(tracking_code_filter(printed["code"])) == complaint


@pytest.mark.django_db(transaction=True)
def test_the_migration_hashes_the_codes_already_handed_out(unit):
    executor = MigrationExecutor(connection)
    before = [("complaints", "0010_search")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("complaints", "Complaint")
    sop_id = Sop.objects.get().pk
    old.objects.create(unit_id=unit.pk, sop_id=sop_id, tracking_code="ABCDE-FGHJK-MNPQR", channel="web",
                       received_at=timezone.now(), summary="s", description="d", subject="x")
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    appendonly.install()
    assert Complaint.objects.get(tracking_code_filter("abcde fghjk mnpqr")).summary == "s"
    assert "ABCDE-FGHJK-MNPQR" not in rows_as_text()


def test_the_receipt_mail_carries_the_code_and_the_outbox_forgets_it_once_sent(client, unit, mailoutbox):
    from pengaduan.notifications.models import OutboxMessage
    from pengaduan.notifications.services import send_due

    submit(client)
    code = issued_code(client)
    assert send_due()["sent"] >= 1
    [mail] = [mail for mail in mailoutbox if mail.to == ["s@example.org"]]
    assert code in mail.subject and code in mail.body
    (name, content, _type), = mail.attachments
    assert code in name and content.startswith(b"%PDF")
    message = OutboxMessage.objects.get(template_key="complaint_received")
    assert message.status == OutboxMessage.Status.SENT
    assert code not in f"{message.subject} {message.body} {message.attachments}"
