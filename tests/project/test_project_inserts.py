"""pengaduan.inserts: new rows written with SQL compiled once, exactly as Model.save() writes them."""

from datetime import timedelta

import pytest
from django.forms.models import model_to_dict
from django.utils import timezone

from pengaduan import inserts
from pengaduan.complaints.figure_models import ComplaintFigure
from pengaduan.complaints.models import Complainant, Complaint, Event, Reminder, StepRun
from pengaduan.inserts import insert_new
from pengaduan.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db


def columns(obj) -> dict:
    """Every column as stored, read back from the database."""
    fresh = type(obj).objects.get(pk=obj.pk)
    return {field.attname: getattr(fresh, field.attname) for field in type(obj)._meta.concrete_fields
            if not field.primary_key}


def complaint_like(unit, sop, complainant, **extra) -> Complaint:
    now = timezone.now()
    fields = {"received_at": now, "created_at": now, "channel": "web", "summary": "Biaya KTP",
              "description": "Diminta Rp50.000.", "subject": "Kelurahan", **extra}
    return Complaint(unit=unit, sop=sop, complainant=complainant, **fields)


def test_it_writes_the_same_columns_as_save(unit, madiun_sop):
    by_save = Complainant(name="Siti", phone="+6281234567890", notify_by="whatsapp")
    by_save.save()
    by_insert = Complainant(name="Siti", phone="+6281234567890", notify_by="whatsapp",
                            created_at=by_save.created_at)
    insert_new([by_insert])
    assert by_insert.pk and by_insert.pk != by_save.pk and not by_insert._state.adding
    assert columns(by_insert) == columns(by_save)

    saved = complaint_like(unit, madiun_sop, by_save, tracking_code_hash="a" * 64)
    saved.save()
    inserted = complaint_like(unit, madiun_sop, by_insert, tracking_code_hash="b" * 64,
                              received_at=saved.received_at, created_at=saved.created_at)
    insert_new([inserted])
    expected = {**columns(saved), "tracking_code_hash": "b" * 64, "complainant_id": by_insert.pk}
    assert columns(inserted) == expected


def built(obj) -> tuple[dict, dict, str | None, bool]:
    attributes = {name: value for name, value in vars(obj).items() if name != "_state"}
    return attributes, dict(obj._state.fields_cache), obj._state.db, obj._state.adding


def test_new_builds_the_instance_model_init_builds(unit, madiun_sop):
    """inserts.new: the same attributes, related objects cached, database and state as Model(**values), for
    every model of the public intake (defaults that are functions called for each)."""
    now = timezone.now()
    complainant_values = {"name": "Siti", "phone": "+6281234567890", "notify_by": "whatsapp", "created_at": now}
    assert built(inserts.new(Complainant, **complainant_values)) == built(Complainant(**complainant_values))
    complaint_values = {"unit": unit, "sop": madiun_sop, "received_at": now, "created_at": now, "summary": "KTP"}
    complaint = inserts.new(Complaint, **complaint_values)
    assert built(complaint) == built(Complaint(**complaint_values))
    step = madiun_sop.steps.get(number=1)
    run_values = {"complaint": complaint, "unit_id": unit.pk, "step": step, "number": 1, "role": "jfu",
                  "started_at": now, "due_at": now + timedelta(hours=1)}
    run = inserts.new(StepRun, **run_values)
    assert built(run) == built(StepRun(**run_values))
    others = [
        (Reminder, {"step_run": run, "kind": Reminder.Kind.BREACH, "share": 100, "due_at": now}),
        (Event, {"complaint": complaint, "kind": Event.Kind.RECEIVED, "actor": None, "step_number": 1,
                 "created_at": now, "data": {"channel": "web"}}),
        (ComplaintFigure, {"complaint": complaint, "unit_id": unit.pk, "day": now.date(), "channel": "web"}),
        (OutboxMessage, {"template_key": "receipt", "medium": "email", "address": "a@example.org",
                         "subject": "S", "body": "B", "created_at": now, "next_attempt_at": now}),
    ]
    for model, values in others:
        assert built(inserts.new(model, **values)) == built(model(**values)), model
    first, second = inserts.new(Event, complaint=complaint), inserts.new(Event, complaint=complaint)
    assert first.data == {} and first.data is not second.data  # default=dict: one each


def test_new_leaves_what_it_does_not_take_to_model_init(unit):
    with pytest.raises(TypeError, match="unexpected keyword"):
        inserts.new(Complainant, name="Siti", not_a_field=1)
    with pytest.raises(ValueError, match="must be a"):
        inserts.new(Complaint, unit=Complainant(name="Siti"))
    assert inserts.new(Complaint, unit_id=unit.pk).unit == unit


def test_it_takes_the_foreign_keys_of_rows_inserted_just_before(unit, madiun_sop):
    """As save(): the objects are linked before any has an id; each insert gives the next its foreign key."""
    complainant = Complainant(name="Budi", email="budi@example.org")
    complaint = complaint_like(unit, madiun_sop, complainant, tracking_code_hash="c" * 64)
    step = madiun_sop.steps.get(number=1)
    run = StepRun(complaint=complaint, unit_id=unit.pk, step=step, number=1, role="jfu",
                  started_at=complaint.received_at, due_at=complaint.received_at + timedelta(hours=1))
    reminders = [Reminder(step_run=run, kind=Reminder.Kind.REMINDER, share=share,
                          due_at=run.started_at + timedelta(minutes=share)) for share in (50, 80)]
    event = Event(complaint=complaint, kind=Event.Kind.RECEIVED, step_number=1, data={"channel": "web", "n": 1},
                  created_at=complaint.received_at)
    message = OutboxMessage(template_key="step_assigned", address="jfu@example.org", subject="S", body="B",
                            complaint=complaint, attachments=[{"kind": "receipt"}])
    for batch in ([complainant], [complaint], [run], reminders, [event], [message]):
        insert_new(batch)
    assert Complaint.objects.get(pk=complaint.pk).complainant_id == complainant.pk
    assert list(run.reminders.order_by("share").values_list("share", "pk")) == [(50, reminders[0].pk),
                                                                                 (80, reminders[1].pk)]
    assert Event.objects.get(pk=event.pk).data == {"channel": "web", "n": 1}
    assert OutboxMessage.objects.get(pk=message.pk).attachments == [{"kind": "receipt"}]
    assert OutboxMessage.objects.get(pk=message.pk).complaint_id == complaint.pk


def test_it_refuses_a_row_whose_related_row_is_not_saved(unit, madiun_sop):
    complaint = complaint_like(unit, madiun_sop, Complainant(name="Ani"), tracking_code_hash="d" * 64)
    with pytest.raises(ValueError):
        insert_new([complaint])
    assert not Complaint.objects.exists()


def test_it_inserts_a_large_batch_through_bulk_create(unit, madiun_sop):
    complainants = [Complainant(name=f"Warga {n}") for n in range(inserts.MAX_ROWS + 1)]
    insert_new(complainants)
    assert Complainant.objects.count() == inserts.MAX_ROWS + 1
    assert all(c.pk for c in complainants) and not any(c._state.adding for c in complainants)


def test_it_compiles_each_statement_once(unit, madiun_sop):
    inserts._statements.clear()
    for n in range(3):
        insert_new([Complainant(name=f"Warga {n}")])
    assert len([key for key in inserts._statements if key[0] is Complainant]) == 1
    assert model_to_dict(Complainant.objects.order_by("pk").last())["name"] == "Warga 2"


def test_it_inserts_a_row_whose_key_is_given_without_falling_back(unit, madiun_sop):
    """ComplaintFigure's key is its complaint's: nothing to read back, and still the compiled statement."""
    from pengaduan.complaints.figures import _figure

    complaint = complaint_like(unit, madiun_sop, None, tracking_code_hash="e" * 64)
    insert_new([complaint])
    inserts._statements.clear()
    figure = _figure(complaint)
    insert_new([figure])
    assert inserts._statements[(type(figure), "default", 1, True)] is not None
    assert columns(figure)["channel"] == "web"


def test_a_prepared_insert_reads_nothing_and_runs_only_its_statement(unit, madiun_sop):
    """Everything is computed before the transaction; run() fills in the ids the inserts before it gave."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from pengaduan.complaints.figures import _figure

    complainant = Complainant(name="Rina", phone="+6281234567891")
    complaint = complaint_like(unit, madiun_sop, complainant, tracking_code_hash="f" * 64)
    with CaptureQueriesContext(connection) as preparing:
        prepared = [inserts.prepare_insert([complainant]), inserts.prepare_insert([complaint]),
                    inserts.prepare_insert([_figure(complaint)])]
    assert len(preparing) == 0
    with CaptureQueriesContext(connection) as running, transaction.atomic():
        for insert in prepared:
            insert.run()
    assert [q["sql"].split()[0] for q in running if not q["sql"].startswith(("BEGIN", "SAVEPOINT", "RELEASE"))] \
        == ["INSERT"] * 3
    assert columns(complaint)["complainant_id"] == complainant.pk
    assert ComplaintFigure.objects.get(pk=complaint.pk).unit_id == unit.pk


def test_a_prepared_insert_fills_in_placeholders_in_text_and_json(unit, madiun_sop):
    complaint = complaint_like(unit, madiun_sop, None, tracking_code_hash="g" * 64)
    insert_new([complaint])
    number, link = "\ue000n\ue000", "\ue000link\ue000"
    message = OutboxMessage(template_key="step_assigned", address="jfu@example.org", complaint=complaint,
                            subject="x" * 298 + number, body=f"Lihat {link} (no. {number})",
                            dedupe_key=f"step_assigned:{number}", attachments=[{"complaint": number, "note": link}])
    inserts.prepare_insert([message], with_texts=True).run(texts={number: 1234, link: "https://e.example/k/7/"})
    stored = OutboxMessage.objects.get(pk=message.pk)
    assert stored.subject == "x" * 298 + "12"  # cut at the column's length
    assert stored.body == "Lihat https://e.example/k/7/ (no. 1234)" and stored.dedupe_key == "step_assigned:1234"
    assert stored.attachments == [{"complaint": 1234, "note": "https://e.example/k/7/"}]  # a whole value: a number
    assert (message.subject, message.attachments) == (stored.subject, stored.attachments)


def test_a_prepared_insert_refuses_a_related_row_still_unsaved_when_it_runs(unit, madiun_sop):
    complaint = complaint_like(unit, madiun_sop, Complainant(name="Ani"), tracking_code_hash="h" * 64)
    prepared = inserts.prepare_insert([complaint])
    with pytest.raises(ValueError):
        prepared.run()
    assert not Complaint.objects.exists()


def test_placeholders_are_filled_in_only_where_they_were_looked_for(unit, madiun_sop):
    complaint = complaint_like(unit, madiun_sop, None, tracking_code_hash="i" * 64)
    insert_new([complaint])
    message = OutboxMessage(template_key="step_assigned", address="jfu@example.org", complaint=complaint,
                            subject="S", body="no. \ue000n\ue000")
    with pytest.raises(ValueError):
        inserts.prepare_insert([message]).run(texts={"\ue000n\ue000": 1})
    assert not OutboxMessage.objects.exists()


# -- statements sent together (PostgreSQL) ---------------------------------------------------------------------

postgres_only = pytest.mark.skipif("not inserts.can_send_together()",
                                   reason="statements go together on PostgreSQL; SQLite runs each as it comes")


def linked_rows(unit, sop, code: str):
    complainant = Complainant(name="Dewi", phone="+6281234567892")
    complaint = complaint_like(unit, sop, complainant, tracking_code_hash=code * 64)
    step = sop.steps.get(number=1)
    run = StepRun(complaint=complaint, unit_id=unit.pk, step=step, number=1, role="jfu",
                  started_at=complaint.received_at, due_at=complaint.received_at + timedelta(hours=1))
    reminders = [Reminder(step_run=run, kind=Reminder.Kind.REMINDER, share=share,
                          due_at=run.started_at + timedelta(minutes=share)) for share in (50, 80)]
    return complainant, complaint, run, reminders


def messages_sent(capture) -> list[str]:
    return [query["sql"] for query in capture if not query["sql"].startswith(("BEGIN", "SAVEPOINT", "RELEASE"))]


@postgres_only
def test_linked_rows_with_keys_reserved_go_to_the_database_in_one_message(unit, madiun_sop):
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    complainant, complaint, run, reminders = linked_rows(unit, madiun_sop, "j")
    prepared = [inserts.prepare_insert(rows) for rows in ([complainant], [complaint], [run], reminders)]
    inserts.reserve_keys([complainant, complaint, run])
    assert complainant.pk and complaint.pk and run.pk
    with CaptureQueriesContext(connection) as sending, transaction.atomic(), inserts.sent_together():
        for insert in prepared:
            insert.run()
        assert messages_sent(sending) == []  # nothing sent yet
    sent = messages_sent(sending)
    assert len(sent) == 1 and sent[0].count(inserts.STATEMENT_SEPARATOR) == 3, sent
    assert Complaint.objects.get(pk=complaint.pk).complainant_id == complainant.pk
    # The reminders' keys, not reserved, came back with the message.
    assert sorted(run.reminders.values_list("pk", flat=True)) == sorted(r.pk for r in reminders)


@postgres_only
def test_values_sent_together_are_written_as_given(unit, madiun_sop):
    """Each statement's values are written into the message's text before it is sent: a value that looks like a
    placeholder, a percent sign or a quote is a value, whatever the statements around it hold."""
    from django.db import transaction

    names = ["100% Joko", "%s", "%(name)s", "%%", "O'Brien'); DELETE FROM complaints_complainant; --", "C:\\x"]
    rows = [Complainant(name=name, phone=f"+62812345678{index:02}") for index, name in enumerate(names)]
    with transaction.atomic(), inserts.sent_together():
        inserts.prepare_insert(rows[:3]).run()
        inserts.execute('INSERT INTO complaints_complainant (name, phone, email, address, notify_by, created_at) '
                        "VALUES (%s, %s, '', '', '', now())", [names[3], "+6281234567803"])
        inserts.prepare_insert(rows[4:]).run()
    assert sorted(Complainant.objects.values_list("name", flat=True)) == sorted(names)


def test_reads_asked_together_give_each_its_rows_in_one_message_where_the_database_takes_it():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as sending:
        rows = inserts.query_together([("SELECT %s, 'a%%'", [1]), ("SELECT 'b' UNION ALL SELECT %s", ["%s"]),
                                       ("SELECT 3 WHERE 1 = %s", [0])])
    assert rows == [[(1, "a%")], [("b",), ("%s",)], []]
    assert len(sending) == (1 if inserts.can_send_together() else 3)


def test_a_read_sent_along_goes_with_the_next_read_where_the_database_takes_both_in_one_message():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    taken = []
    try:
        with CaptureQueriesContext(connection) as sending:
            along = inserts.send_along("SELECT %s || 'b'", ["a"], taken.append)
            assert inserts.query("SELECT %s", [1]) == [(1,)]
            assert inserts.query("SELECT %s", [2]) == [(2,)]  # it went once
    finally:
        inserts.forget_along()
    # PostgreSQL: the two first reads in one message; SQLite has no round trip to save, and nothing waits.
    assert along == inserts.can_send_together()
    assert taken == ([[("ab",)]] if along else [])
    assert len(sending) == 2


@postgres_only
def test_what_waits_to_go_along_is_dropped_when_the_request_ends():
    from django.core.signals import request_finished
    from django.db import close_old_connections

    taken = []
    assert inserts.send_along("SELECT 1", [], taken.append)
    request_finished.disconnect(close_old_connections)  # as the test client does: the test's transaction stays
    try:
        request_finished.send(sender=None)  # inserts.connect(): what goes along lives for one request
    finally:
        request_finished.connect(close_old_connections)
    assert inserts.query("SELECT 2", []) == [(2,)] and taken == []


@postgres_only
def test_keys_reserved_ahead_come_with_the_next_read_and_go_to_the_rows_that_need_them(unit, madiun_sop):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    complainant, complaint, run, _reminders = linked_rows(unit, madiun_sop, "m")
    second = Complainant(name="Eka", phone="+6281234567893")
    try:
        with CaptureQueriesContext(connection) as sending:
            inserts.reserve_keys_ahead([Complainant, Complaint, StepRun])
            assert inserts.query("SELECT 1", []) == [(1,)]
            inserts.reserve_keys([complainant, complaint, run])  # from those reserved: no query
        assert len(sending) == 1 and "nextval" in sending[0]["sql"]
        assert complainant.pk and complaint.pk and run.pk
        with CaptureQueriesContext(connection) as sending:
            inserts.reserve_keys([second])  # one more than was reserved ahead: its own query
        assert len(sending) == 1 and second.pk > complainant.pk
    finally:
        inserts.forget_along()
    inserts.write_together([inserts.prepare_insert([complainant]).run, inserts.prepare_insert([complaint]).run,
                            inserts.prepare_insert([run]).run])
    assert StepRun.objects.get(pk=run.pk).complaint.complainant_id == complainant.pk


@postgres_only
def test_keys_reserved_ahead_and_not_used_are_not_given_in_a_later_request(unit, madiun_sop):
    """A request that reserved keys and inserted nothing (a refused form) leaves nothing behind: a later one's rows
    get keys taken then, so that ids keep growing with time."""
    inserts.reserve_keys_ahead([Complainant])
    inserts.query("SELECT 1", [])
    unused = inserts._along.keys[(Complainant, "default")][0]
    inserts.forget_along()
    later = Complainant(name="Fajar", phone="+6281234567894")
    inserts.reserve_keys([later])
    assert later.pk > unused


@postgres_only
def test_an_orm_statement_in_between_first_sends_what_waits(unit, madiun_sop):
    from django.db import transaction

    complainant, complaint, _run, _reminders = linked_rows(unit, madiun_sop, "k")
    inserts.reserve_keys([complainant, complaint])
    with transaction.atomic(), inserts.sent_together():
        inserts.prepare_insert([complainant]).run()
        inserts.prepare_insert([complaint]).run()
        # The ORM's statement runs at once, after those queued: it finds them.
        assert Complaint.objects.filter(pk=complaint.pk, complainant_id=complainant.pk).exists()


@postgres_only
def test_a_result_that_refuses_rolls_back_every_statement_sent_with_it(unit, madiun_sop):
    from django.db import transaction

    complainant, complaint, _run, _reminders = linked_rows(unit, madiun_sop, "l")
    inserts.reserve_keys([complainant, complaint])

    def refuse(cursor):
        raise RuntimeError("one too many")

    with pytest.raises(RuntimeError), transaction.atomic(), inserts.sent_together():
        inserts.prepare_insert([complainant]).run()
        inserts.prepare_insert([complaint]).run()
        inserts.execute("SELECT 1", [], result=refuse)
    assert not Complainant.objects.exists() and not Complaint.objects.exists()


@postgres_only
def test_a_row_refused_by_the_database_rolls_back_the_others_sent_with_it(unit, madiun_sop):
    from django.db import IntegrityError, transaction

    complainant, complaint, _run, _reminders = linked_rows(unit, madiun_sop, "m")
    twin = complaint_like(unit, madiun_sop, complainant, tracking_code_hash="m" * 64)  # the same unique hash
    inserts.reserve_keys([complainant, complaint, twin])
    with pytest.raises(IntegrityError), transaction.atomic(), inserts.sent_together():
        for rows in ([complainant], [complaint], [twin]):
            inserts.prepare_insert(rows).run()
    assert not Complainant.objects.exists() and not Complaint.objects.exists()


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_statements_are_sent_together_only_inside_a_transaction():
    from django.db.transaction import TransactionManagementError

    with pytest.raises(TransactionManagementError), inserts.sent_together():
        pass


def test_outside_a_batch_each_statement_runs_as_it_comes(unit, madiun_sop):
    seen = []
    inserts.execute("SELECT 41 + 1", [], result=lambda cursor: seen.append(cursor.fetchone()[0]))
    assert seen == [42]


@pytest.mark.skipif("inserts.can_send_together()", reason="SQLite: nothing to send together")
def test_on_sqlite_a_batch_runs_each_statement_as_it_comes(unit, madiun_sop):
    from django.db import transaction

    seen, complainant = [], Complainant(name="Joko")
    with transaction.atomic(), inserts.sent_together():
        inserts.execute("SELECT 41 + 1", [], result=lambda cursor: seen.append(cursor.fetchone()[0]))
        inserts.prepare_insert([complainant]).run()
        assert seen == [42] and complainant.pk is not None


def test_a_read_gives_its_rows_at_once_even_inside_a_batch(unit, madiun_sop):
    from django.db import transaction

    complainant = Complainant(name="Rina")
    with transaction.atomic(), inserts.sent_together():
        inserts.prepare_insert([complainant]).run()
        rows = inserts.query("SELECT name FROM complaints_complainant WHERE name = %s", ["Rina"])
    assert rows == [("Rina",)]


def test_a_statement_the_database_refuses_raises_djangos_error_traced_or_not(unit, madiun_sop):
    """On SQLite statements go straight to the sqlite3 connection unless something traces them: both ways a
    refusal is Django's IntegrityError, and the placeholders are rewritten (a literal % kept)."""
    from django.db import IntegrityError, connection, transaction
    from django.test.utils import CaptureQueriesContext

    sql = "INSERT INTO complaints_complainant (name, phone, email, address, notify_by, created_at) " \
          "VALUES (%s, '', '', '', '', %s) RETURNING id"
    inserts.execute(sql, ["100% Joko", timezone.now()])
    for traced in (False, True):
        with pytest.raises(IntegrityError), transaction.atomic():
            if traced:
                with CaptureQueriesContext(connection):
                    inserts.execute(sql, [None, timezone.now()])
            else:
                inserts.execute(sql, [None, timezone.now()])
    assert inserts.query("SELECT name FROM complaints_complainant WHERE name LIKE '100%%'", []) == [("100% Joko",)]


def test_no_statement_runs_in_a_transaction_an_error_has_broken(unit, madiun_sop):
    from django.db import IntegrityError, transaction
    from django.db.transaction import TransactionManagementError

    sql = "INSERT INTO complaints_complainant (name, phone, email, address, notify_by, created_at) " \
          "VALUES (%s, '', '', '', '', %s)"
    with transaction.atomic():
        with pytest.raises(IntegrityError), transaction.atomic(savepoint=False):
            inserts.execute(sql, [None, timezone.now()])
        with pytest.raises(TransactionManagementError):
            inserts.query("SELECT 1", [])


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_writes_of_nothing_but_statements_go_in_one_message_with_no_transaction_around_it(unit, madiun_sop):
    """PostgreSQL runs the statements of one message as one transaction: BEGIN and COMMIT would be two more
    round trips."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    complainant, complaint, run, reminders = linked_rows(unit, madiun_sop, "n")
    prepared = [inserts.prepare_insert(rows) for rows in ([complainant], [complaint], [run], reminders)]
    inserts.reserve_keys([complainant, complaint, run])
    seen = []

    @inserts.statements_only
    def looks_around():
        seen.append((connection.get_autocommit(), connection.in_atomic_block))

    with CaptureQueriesContext(connection) as sending:
        inserts.write_together([looks_around, *(insert.run for insert in prepared)])
    assert seen == [(True, False)]  # no transaction opened: psycopg sends no BEGIN, Django no COMMIT
    assert len(sending) == 1 and sending[0]["sql"].count(inserts.STATEMENT_SEPARATOR) == 3
    assert Complaint.objects.get(pk=complaint.pk).complainant_id == complainant.pk
    assert run.reminders.count() == len(reminders)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_row_refused_in_a_message_without_a_transaction_leaves_none_of_the_others(unit, madiun_sop):
    from django.db import IntegrityError

    complainant, complaint, _run, _reminders = linked_rows(unit, madiun_sop, "o")
    twin = complaint_like(unit, madiun_sop, complainant, tracking_code_hash="o" * 64)  # the same unique hash
    inserts.reserve_keys([complainant, complaint, twin])
    writes = [inserts.prepare_insert(rows).run for rows in ([complainant], [complaint], [twin])]
    with pytest.raises(IntegrityError):
        inserts.write_together(writes)
    assert not Complainant.objects.exists() and not Complaint.objects.exists()


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_marked_write_that_runs_an_orm_statement_is_refused_before_anything_is_sent(unit, madiun_sop):
    from django.db.transaction import TransactionManagementError

    complainant = Complainant(name="Wati")

    @inserts.statements_only
    def not_what_it_says():
        Complainant.objects.create(name="Yanti")

    with pytest.raises(TransactionManagementError):
        inserts.write_together([inserts.prepare_insert([complainant]).run, not_what_it_says])
    assert not Complainant.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_write_not_marked_runs_in_a_transaction_of_its_own(unit, madiun_sop):
    from django.db import connection

    seen = []

    def with_the_orm():
        seen.append(connection.in_atomic_block)
        Complainant.objects.create(name="Yanti")
        raise RuntimeError("refused")

    with pytest.raises(RuntimeError):
        inserts.write_together([inserts.prepare_insert([Complainant(name="Wati")]).run, with_the_orm])
    assert seen == [True] and not Complainant.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_functions_wait_for_the_commit_and_are_dropped_with_a_refusal(unit, madiun_sop):
    from django.db import IntegrityError

    called = []

    def queue_follower(name):
        @inserts.statements_only
        def write():
            inserts.prepare_insert([Complainant(name=name)]).run()
            inserts.on_commit(lambda: called.append(Complainant.objects.filter(name=name).exists()))
        return write

    inserts.write_together([queue_follower("Wati")])
    assert called == [True]  # after the commit: the row is there
    refused = "INSERT INTO complaints_complainant (name) VALUES (NULL)"
    with pytest.raises(IntegrityError):
        inserts.write_together([queue_follower("Yanti"), inserts.statements_only(lambda: inserts.execute(refused, []))])
    assert called == [True] and not Complainant.objects.filter(name="Yanti").exists()


def test_a_refusal_the_caller_knows_becomes_its_own_exception(unit, madiun_sop):
    from django.db import IntegrityError, transaction

    class Taken(Exception):
        pass

    sql = "INSERT INTO complaints_complainant (name, phone, email, address, notify_by, created_at) " \
          "VALUES (%s, '', '', '', '', %s)"
    for refusal, expected in ((lambda error: Taken() if "null" in str(error).lower() else None, Taken),
                              (lambda error: None, IntegrityError)):
        with pytest.raises(expected), transaction.atomic(), inserts.sent_together():
            inserts.execute(sql, ["Wati", timezone.now()])
            inserts.execute(sql, [None, timezone.now()], refused=refusal)
    assert not Complainant.objects.exists()
