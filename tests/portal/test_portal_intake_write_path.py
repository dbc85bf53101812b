"""The public intake's short write path: everything read and rendered first, then one transaction of inserts.

On SQLite the write transaction holds the database's one write lock; these tests keep it to one INSERT per
table (bench/profile_intake.py --lock measures its time) and check that nothing the slow path did is lost.
"""

import re
from datetime import date, datetime, timedelta
from importlib import import_module

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pengaduan import inserts
from pengaduan.complaints import search
from pengaduan.complaints.codes import tracking_code_hash
from pengaduan.complaints.engine import complaint_receive, complaint_record, step_complete
from pengaduan.complaints.models import Complaint, Event, Reminder
from pengaduan.notifications.models import MessageTemplate, OutboxMessage
from pengaduan.ops.sqltrace import WriteTrace
from pengaduan.portal import forms as portal_forms
from pengaduan.sop.cache import current_sop_with_first_step
from pengaduan.workcalendar.models import CalendarException
from pengaduan.workcalendar.services import cached_calendar_for_unit, calendar_for_unit
from factories import MADIUN_SOP, intake_data, issued_code, load_sop

# One INSERT per table: complainant, complaint, the day's rollup and the complaint's figure (upserts), step run,
# reminders, event, outbox, and the portal's attempt counter of the address (upsert). The citizen's browser keeps
# the code in a signed cookie, not in a session. The ceiling is 12.
WRITE_TRANSACTION_STATEMENTS = 9
CEILING = 12


@pytest.fixture(autouse=True)
def no_minimum_fill_time(monkeypatch):
    monkeypatch.setattr(portal_forms, "MIN_FILL_SECONDS", 0)


@pytest.fixture
def message_templates(db):
    """The default templates (a data migration), again after an earlier transactional test emptied the tables."""
    if not MessageTemplate.objects.exists():
        import_module("pengaduan.notifications.migrations.0002_default_message_templates").seed(apps, None)


@pytest.fixture
def jfu_with_mail(jfu):
    jfu.email = "jfu@example.org"
    jfu.save()
    return jfu


def form_data(**overrides) -> dict:
    return {
        "complaint_type": "pengaduan", "summary": "Biaya tambahan untuk KTP",
        "description": "Petugas meminta Rp50.000 agar KTP cepat jadi.", "subject": "Kelurahan Manguharjo",
        "event_date": "2026-11-20", "event_place": "Kantor Kelurahan", "complainant_name": "Siti Aminah",
        "complainant_phone": "081234567890", "complainant_email": "siti@example.org", "is_confidential": "on",
        "privacy_ack": "on", "website": "", "token": portal_forms.form_token(), **overrides,
    }


def table(sql: str) -> str | None:
    match = re.match(r'\s*INSERT INTO "?(\w+)"?', sql)
    return match.group(1) if match else None


@pytest.mark.django_db(transaction=True)
def test_it_writes_a_web_complaint_in_one_transaction_of_one_insert_per_table(unit, jfu_with_mail, message_templates,
                                                                               monkeypatch):
    # Not the search index's batch either, which the complaints of earlier tests may have made due after this one.
    monkeypatch.setattr(search._written, "count", 0, raising=False)
    client = Client(REMOTE_ADDR="192.0.2.10")
    client.get(reverse("portal:complain"))  # templates, catalogues and caches warm, as in a running server
    with WriteTrace(connection) as trace:
        response = client.post(reverse("portal:complain"), form_data())
    assert response.status_code == 302
    complaint_transactions = [txn for txn in trace.write_transactions
                              if any(table(sql) == "complaints_complaint" for sql in txn.statements)]
    assert len(complaint_transactions) == 1
    statements = complaint_transactions[0].statements
    # Nothing but inserts (no read, no savepoint) and each table once: the lock is held for writing only.
    assert all(sql.lstrip().upper().startswith("INSERT") for sql in statements), statements
    tables = [table(sql) for sql in statements]
    assert len(tables) == len(set(tables)), tables
    assert len(statements) == WRITE_TRANSACTION_STATEMENTS <= CEILING, tables
    assert "notifications_outboxmessage" in tables  # both messages (receipt and step assigned) in one insert
    # The attempt counter rides in the same transaction: the POST takes the write lock once.
    assert "portal_throttlecounter" in tables and "django_session" not in tables
    # (After the commit the test settings send the mail at once: the outbox's own updates, and the record of the
    # receipt PDF it attaches (documents.issued), not the POST's.)
    delivery = [txn for txn in trace.write_transactions
                if {table(sql) for sql in txn.statements} - {None} == {"documents_issueddocument"}]
    assert len(trace.write_transactions) == 1 + len(delivery)
    assert not [sql for sql, _seconds in trace.autocommit_writes if "notifications_outboxmessage" not in sql]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("not inserts.can_send_together()", reason="PostgreSQL: statements sent together")
def test_on_postgresql_the_write_transaction_goes_to_the_server_in_one_message(unit, jfu_with_mail,
                                                                              message_templates):
    client = Client(REMOTE_ADDR="192.0.2.12")
    client.post(reverse("portal:complain"), form_data(summary="Yang pertama"))  # every cache filled
    in_transaction = {}

    def spy(execute, sql, params, many, context):
        in_transaction[sql] = connection.in_atomic_block or not connection.get_autocommit()
        return execute(sql, params, many, context)

    with CaptureQueriesContext(connection) as queries, connection.execute_wrapper(spy):
        response = client.post(reverse("portal:complain"), form_data())
    assert response.status_code == 302
    writing = [query["sql"] for query in queries if 'INSERT INTO "complaints_complaint"' in query["sql"]]
    assert len(writing) == 1
    # No BEGIN and no COMMIT: the server runs the one message as one transaction (inserts.write_together).
    assert [inside for sql, inside in in_transaction.items() if 'INSERT INTO "complaints_complaint"' in sql] == [False]
    tables = [table(sql) for sql in writing[0].split(inserts.STATEMENT_SEPARATOR)]
    assert len(tables) == WRITE_TRANSACTION_STATEMENTS and "portal_throttlecounter" in tables
    # Before it one message: the keys the rows refer to each other by, the caches' stamps, the rate limit and
    # whether the addresses given opted out (portal.views.complain, engine.complaint_expected,
    # routing.read_opt_outs_ahead). Two round trips in all.
    before = [query["sql"] for query in queries[:[q["sql"] for q in queries].index(writing[0])]]
    assert len(before) == 1, before
    assert all(part in before[0] for part in ("nextval", "units_stamp", "portal_throttlecounter",
                                              "notifications_optout"))
    assert Complaint.objects.get(summary=form_data()["summary"]).complainant.name == "Siti Aminah"


@pytest.mark.django_db
def test_it_keeps_every_invariant_of_a_received_complaint(client, unit, jfu_with_mail, staff):
    response = client.post(reverse("portal:complain"), form_data(), REMOTE_ADDR="192.0.2.11")
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    run = complaint.step_runs.get()
    # Not recorded yet: the register number comes with the first step, gapless, as before.
    assert complaint.register_seq is None and not complaint.is_recorded
    # The deadline from the unit's calendar, the reminders at their shares and the breach.
    assert run.due_at == calendar_for_unit(unit).add(run.started_at, run.step.duration)
    assert run.role == "jfu" and run.number == 1 and run.started_at == complaint.received_at
    assert sorted(run.reminders.values_list("share", flat=True)) == [50, 80, 100]
    assert run.reminders.get(kind=Reminder.Kind.BREACH).due_at == run.due_at
    # One event says it was received and that step 1 started, with the deadline.
    event = complaint.events.get()
    assert (event.kind, event.step_number, event.data["role"]) == (Event.Kind.RECEIVED, 1, "jfu")
    assert datetime.fromisoformat(event.data["due_at"]) == run.due_at and event.data["channel"] == "web"
    # The outbox: the receipt to the complainant and the news to the performer, with the real ids.
    receipt = OutboxMessage.objects.get(template_key="complaint_received")
    assert receipt.address == "siti@example.org" and receipt.complaint == complaint
    assert receipt.dedupe_key == f"complaint_received:{complaint.pk}"
    [spec] = receipt.attachments
    assert {key: spec[key] for key in ("kind", "complaint", "base_url")} == {
        "kind": "receipt", "complaint": complaint.pk, "base_url": "http://testserver"}
    assert tracking_code_hash(spec["code"]) == complaint.tracking_code_hash  # the code just issued, for the PDF
    assigned = OutboxMessage.objects.get(template_key="step_assigned")
    assert assigned.address == "jfu@example.org" and assigned.dedupe_key == f"step_assigned:{run.pk}:{jfu_with_mail.pk}"
    assert "\ue000" not in assigned.body + assigned.subject
    if "{{ complaint_url }}" in MessageTemplate.objects.get(key="step_assigned").body:
        assert complaint.get_absolute_url() in assigned.body
    # The register stays gapless: a complaint recorded at once, then this one when its first step is done.
    first = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data())
    step_complete(complaint=complaint, actor=staff["jfu"], step_number=1, data=intake_data(channel="web"))
    complaint.refresh_from_db()
    assert complaint.register_number and complaint.register_seq == first.register_seq + 1


@pytest.mark.django_db
def test_it_renders_the_step_message_the_same_as_before(unit, jfu_with_mail):
    """The pre-rendered message equals what notify_step_assigned renders from the saved rows."""
    from pengaduan.notifications.services import notify_step_assigned

    complaint = complaint_receive(unit=unit, data=intake_data(channel="web"))
    run = complaint.step_runs.get()
    queued = OutboxMessage.objects.get(template_key="step_assigned")
    queued.delete()
    again = notify_step_assigned(step_run=run)[0]
    assert (again.subject, again.body, again.dedupe_key) == (queued.subject, queued.body, queued.dedupe_key)


@pytest.mark.django_db
def test_it_names_a_complaint_not_recorded_yet_by_its_number_in_the_officers_message(unit, jfu_with_mail):
    complaint = complaint_receive(unit=unit, data=intake_data(channel="web"))
    assigned = OutboxMessage.objects.get(template_key="step_assigned")
    assert f"Pengaduan no. {complaint.pk} " in assigned.subject + assigned.body
    assert "Pengaduan pengaduan" not in assigned.subject + assigned.body


@pytest.mark.django_db
def test_it_stores_the_complaint_when_a_message_template_is_broken(unit, jfu_with_mail):
    MessageTemplate.objects.filter(key="step_assigned").update(body="{% if %}")
    complaint = complaint_receive(unit=unit, data=intake_data(channel="web"), receipt_base_url="http://x/")
    assert Complaint.objects.filter(pk=complaint.pk).exists()
    assert list(OutboxMessage.objects.values_list("template_key", flat=True)) == ["complaint_received"]


@pytest.mark.django_db
def test_it_sends_nothing_to_an_anonymous_complainant(unit, jfu_with_mail):
    complaint_receive(unit=unit, data=intake_data(channel="web", is_anonymous="on"), receipt_base_url="http://x/")
    assert list(OutboxMessage.objects.values_list("template_key", flat=True)) == ["step_assigned"]


@pytest.mark.django_db
def test_it_builds_the_calendar_again_after_any_calendar_change(unit):
    before = cached_calendar_for_unit(unit)
    assert cached_calendar_for_unit(unit) is before  # no change, no rebuild
    monday = date(2031, 3, 3)
    exception = CalendarException.objects.create(unit=None, date=monday, kind=CalendarException.Kind.DAY_OFF,
                                                 name="Cuti bersama")
    after = cached_calendar_for_unit(unit)
    assert after is not before and monday in after.days_off
    exception.delete()
    assert monday not in cached_calendar_for_unit(unit).days_off


@pytest.mark.django_db
def test_it_follows_the_calendar_in_the_deadline_of_a_new_complaint(unit):
    complaint_receive(unit=unit, data=intake_data(channel="web"))  # the calendar is cached now
    tomorrow = (Complaint.objects.get().received_at + timedelta(days=1)).date()
    for offset in range(10):  # every day of the next weeks off: the deadline must move past them
        CalendarException.objects.create(unit=unit, date=tomorrow + timedelta(days=offset),
                                         kind=CalendarException.Kind.DAY_OFF, name="Libur")
    second = complaint_receive(unit=unit, data=intake_data(channel="web"))
    run = second.step_runs.get()
    assert run.due_at == calendar_for_unit(unit).add(run.started_at, run.step.duration)


@pytest.mark.django_db
def test_it_starts_new_complaints_under_a_newly_loaded_sop_version(unit, tmp_path):
    sop, first_step = current_sop_with_first_step(unit.sop_code)
    assert first_step.number == 1 and first_step.sop_id == sop.pk
    text = MADIUN_SOP.read_text().replace('name = "', 'name = "Revisi: ', 1)
    newer = tmp_path / MADIUN_SOP.name
    newer.write_text(text)
    loaded = load_sop(newer)
    assert loaded.version == sop.version + 1
    complaint = complaint_receive(unit=unit, data=intake_data(channel="web"))
    assert complaint.sop_id == loaded.pk and complaint.step_runs.get().step.sop_id == loaded.pk


@pytest.mark.django_db(transaction=True)
def test_a_first_visitor_gets_the_code_in_a_signed_cookie_and_no_session_row(unit, message_templates, settings):
    settings.SESSION_COOKIE_SECURE = True  # as under HTTPS
    client = Client(REMOTE_ADDR="192.0.2.12")
    with WriteTrace(connection) as trace:
        response = client.post(reverse("portal:complain"), form_data())
    assert response.status_code == 302 and "sessionid" not in client.cookies
    assert not [sql for txn in trace.write_transactions for sql in txn.statements if "django_session" in sql]
    cookie = client.cookies["issued_code"]
    assert cookie["httponly"] and cookie["secure"] and cookie["samesite"] == "Lax" and cookie["max-age"]
    code = issued_code(client)
    assert Complaint.objects.get().tracking_code_hash == tracking_code_hash(code)
    assert code in client.get(reverse("portal:received")).text  # the receipt page knows the complaint


@pytest.mark.django_db(transaction=True)
def test_a_complaint_that_is_one_too_many_leaves_nothing_written_when_no_transaction_is_open(unit, jfu_with_mail,
                                                                                           message_templates,
                                                                                           monkeypatch):
    """As in a running server (on PostgreSQL the write goes in one message without BEGIN): two POSTs of one address
    racing past the cheap check, the database's count decides, and none of the refused complaint's rows stays."""
    from pengaduan.throttle import services as throttle

    client = Client(REMOTE_ADDR="192.0.2.13")
    for _ in range(throttle.SUBMIT.hits):
        assert client.post(reverse("portal:complain"), form_data()).status_code == 302
    rows = {model: model.objects.count() for model in (Complaint, Event, Reminder, OutboxMessage)}
    monkeypatch.setattr(throttle, "used_up", lambda *args, **kwargs: False)
    response = client.post(reverse("portal:complain"), form_data())
    assert response.status_code == 429 and response["Retry-After"]
    assert {model: model.objects.count() for model in rows} == rows
    assert Complaint.objects.count() == throttle.SUBMIT.hits
