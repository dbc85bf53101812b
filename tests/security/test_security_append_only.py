"""Events and access-log rows cannot be changed or deleted, not even with raw SQL; erasure's one path can."""

import pytest
from django.db import DatabaseError, connection, transaction

from pengaduan.complaints import appendonly
from pengaduan.complaints.engine import complaint_record
from pengaduan.complaints.models import AccessLog, Event
from pengaduan.complaints.privacy import log_access
from factories import intake_data

pytestmark = pytest.mark.django_db

STATEMENTS = [
    "UPDATE complaints_event SET kind = 'closed' WHERE id = %s",
    "DELETE FROM complaints_event WHERE id = %s",
    "UPDATE complaints_accesslog SET action = 'export' WHERE id = %s",
    "DELETE FROM complaints_accesslog WHERE id = %s",
]


@pytest.fixture
def rows(unit, staff):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(is_confidential="on"))
    log_access(user=staff["jfu"], complaint=complaint, action=AccessLog.Action.VIEW_IDENTITY, where="/x/")
    return {"complaints_event": complaint.events.first().pk, "complaints_accesslog": AccessLog.objects.get().pk}


def test_the_triggers_are_installed_on_this_database():
    names = appendonly.installed()
    assert {name for name in names if name.startswith("complaints_event")}
    assert {name for name in names if name.startswith("complaints_accesslog")}


@pytest.mark.parametrize("statement", STATEMENTS)
def test_it_refuses_raw_sql_updates_and_deletes(rows, statement):
    table = statement.split()[1 if statement.startswith("UPDATE") else 2]
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, [rows[table]])
    assert Event.objects.filter(pk=rows["complaints_event"], kind="received").exists()
    assert AccessLog.objects.filter(pk=rows["complaints_accesslog"], action="view_identity").exists()


def test_it_refuses_queryset_updates_that_skip_the_models_save(rows):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        Event.objects.all().update(kind="closed")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AccessLog.objects.all().delete()


def test_the_audited_rewrite_path_may_change_rows_and_only_inside_it(rows):
    with transaction.atomic(), appendonly.audited_rewrite():
        Event.objects.filter(pk=rows["complaints_event"]).update(data={})
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        Event.objects.filter(pk=rows["complaints_event"]).update(data={"again": True})


def test_installing_twice_changes_nothing():
    before = appendonly.installed()
    appendonly.install()
    assert appendonly.installed() == before
