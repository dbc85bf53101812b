"""The LAPOR! tracking ID is unique per install: the database says so, the forms and the API say it plainly,
and the migration that made it so keeps every duplicate it found, moved aside and reported."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone
from factories import PASSWORD, intake_data, make_unit

from pengaduan.complaints import appendonly
from pengaduan.complaints.engine import complaint_receive, complaint_record, step_complete
from pengaduan.complaints.errors import StepInputInvalid
from pengaduan.complaints.models import Complaint, Event
from pengaduan.sop.models import Sop

pytestmark = pytest.mark.django_db


def test_the_database_refuses_a_second_complaint_with_the_same_lapor_id(unit, jfu):
    first = complaint_record(unit=unit, actor=jfu, data=intake_data(channel="lapor", lapor_id="1916449"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Complaint.objects.filter(pk=complaint_record(unit=unit, actor=jfu, data=intake_data()).pk).update(
            lapor_id=first.lapor_id)


def test_it_allows_any_number_of_complaints_without_a_lapor_id(unit, jfu):
    for _ in range(3):
        complaint_record(unit=unit, actor=jfu, data=intake_data())
    assert Complaint.objects.filter(lapor_id="").count() == 3


def test_it_refuses_a_taken_lapor_id_naming_the_complaint_that_has_it(unit, jfu):
    first = complaint_record(unit=unit, actor=jfu, data=intake_data(channel="lapor", lapor_id="1916449"))
    with pytest.raises(StepInputInvalid) as refused:
        complaint_record(unit=unit, actor=jfu, data=intake_data(channel="lapor", lapor_id="#1916449"))
    assert refused.value.errors["lapor_id"] == [
        f"Laporan SP4N-LAPOR! 1916449 sudah tercatat sebagai pengaduan {first.register_number} pada {unit.name}."]
    assert Complaint.objects.count() == 1


def test_it_refuses_a_taken_lapor_id_in_another_unit_of_the_install(unit, jfu, madiun_sop):
    other = make_unit(code="DINKES", name="Dinas Kesehatan")
    complaint_receive(unit=other, data=intake_data(channel="lapor", lapor_id="1916449"))
    with pytest.raises(StepInputInvalid) as refused:
        complaint_record(unit=unit, actor=jfu, data=intake_data(channel="lapor", lapor_id="1916449"))
    assert "Dinas Kesehatan" in refused.value.errors["lapor_id"][0]


def test_the_jfu_recording_a_received_complaint_may_keep_its_own_lapor_id(unit, jfu):
    received = complaint_receive(unit=unit, data=intake_data(channel="lapor", lapor_id="1916449"))
    step_complete(complaint=received, actor=jfu, step_number=1,
                  data=intake_data(channel="lapor", lapor_id="1916449"))
    received.refresh_from_db()
    assert received.is_recorded and received.lapor_id == "1916449"


def test_the_intake_form_shows_the_duplicate_as_an_error_on_the_field(client, unit, jfu):
    first = complaint_record(unit=unit, actor=jfu, data=intake_data(channel="lapor", lapor_id="1916449"))
    assert client.login(username=jfu.username, password=PASSWORD)

    response = client.post(reverse("workdesk:record") + f"?unit={unit.code}",
                           intake_data(channel="lapor", lapor_id="1916449", unit=unit.pk))

    assert response.status_code == 200
    assert first.register_number in response.content.decode()
    assert "1916449" in response.content.decode()
    assert Complaint.objects.count() == 1


def test_the_api_answers_422_naming_the_field(client, unit, jfu):
    from pengaduan.api.services import token_create

    complaint_record(unit=unit, actor=jfu, data=intake_data(channel="lapor", lapor_id="1916449"))
    _token, plain = token_create(user=jfu, name="uji")
    response = client.post("/api/v1/complaints", intake_data(channel="lapor", lapor_id="1916449"),
                           HTTP_AUTHORIZATION=f"Bearer {plain}")

    assert response.status_code == 422
    assert "1916449" in response.json()["fields"]["lapor_id"][0]


def test_a_forwarded_case_leaves_the_lapor_id_with_its_origin(unit, staff):
    from madiun_steps import STEP_DATA, advance

    from factories import EXAMPLE_SOP, load_sop

    load_sop(EXAMPLE_SOP)
    dinkes = make_unit(code="DINKES", name="Dinas Kesehatan", sop_code="400.1/EX/1")
    origin = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(channel="lapor", lapor_id="1916449"))
    advance(origin, staff, to_step=3)
    step_complete(complaint=origin, actor=staff["inspektur"], step_number=3,
                  data={**STEP_DATA[3], "decision_type": "forward", "forward_to_unit": dinkes.code})
    target = Complaint.objects.get(unit=dinkes)
    assert target.lapor_id == "" and Complaint.objects.get(pk=origin.pk).lapor_id == "1916449"


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_duplicates_aside_and_reports_them(unit, capsys):
    executor = MigrationExecutor(connection)
    before = [("complaints", "0017_complainant_and_inbound_messages")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("complaints", "Complaint")
    sop_id = Sop.objects.get().pk
    now = timezone.now()

    def make(lapor_id, minutes, code):
        return old.objects.create(unit_id=unit.pk, sop_id=sop_id, tracking_code_hash=code, channel="lapor",
                                  received_at=now - timezone.timedelta(minutes=minutes), summary="s",
                                  description="d", subject="x", lapor_id=lapor_id).pk

    kept = make("1916449", 30, "a" * 64)
    moved = make(" #1916449", 10, "b" * 64)
    alone = make("LAP-7", 5, "c" * 64)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    appendonly.install()

    ids = dict(Complaint.objects.values_list("pk", "lapor_id"))
    assert ids == {kept: "1916449", moved: "", alone: "LAP-7"}
    event = Event.objects.get(complaint_id=moved, kind=Event.Kind.LAPOR_ID_CLEARED)
    assert event.data == {"lapor_id": " #1916449", "kept_on": kept, "register_number": ""}
    assert f"complaint {moved}" in capsys.readouterr().out
