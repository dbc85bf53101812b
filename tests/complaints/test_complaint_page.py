"""One complaint page for the workdesk, the API and (masked) the tracking page; one `current_sop(unit)`;
the step-kind registry that every module asks."""

import pytest
from django.urls import reverse

from factories import MADIUN_SOP, intake_data, make_unit
from madiun_steps import advance
from pengaduan.api.services import token_create
from pengaduan.complaints.engine import complaint_record
from pengaduan.complaints.kinds import StepKind, UnknownKind, get_kind, kinds
from pengaduan.complaints.models import AccessLog
from pengaduan.complaints.page import complaint_page
from pengaduan.sop import kinds as sop_kinds
from pengaduan.sop.selectors import current_sop
from pengaduan.sop.services import sop_load

pytestmark = pytest.mark.django_db

SECRET_NAME = "Ratna Rahasia"


@pytest.fixture
def confidential(unit, staff):
    return complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(
        complainant_name=SECRET_NAME, is_confidential="on"))


def _api_detail(client, user, complaint) -> dict:
    token = token_create(user=user, name="test")[1]
    response = client.get(f"/api/v1/complaints/{complaint.pk}", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    return response.json()


@pytest.mark.parametrize("role, shown", [("sekretaris", True), ("inspektur", False)])
def test_it_shows_a_confidential_identity_alike_on_the_workdesk_and_in_the_api(client, confidential, staff, role,
                                                                                shown):
    user = staff[role]
    client.force_login(user)
    assert (SECRET_NAME in client.get(confidential.get_absolute_url()).text) == shown
    person = _api_detail(client, user, confidential)["complainant"]
    assert (person is not None and person["name"] == SECRET_NAME) == shown
    # Each showing is logged with the page or endpoint it was shown on.
    logged = set(AccessLog.objects.filter(complaint=confidential, user=user).values_list("where", flat=True))
    assert logged == ({confidential.get_absolute_url(), f"/api/v1/complaints/{confidential.pk}"} if shown else set())


def test_it_reads_the_timeline_outputs_and_current_step_once_for_every_viewer(confidential, staff):
    advance(confidential, staff, to_step=3)
    page = complaint_page(staff["inspektur"], confidential, where="test")

    assert [line.state for line in page.steps] == ["done", "done", "current", "pending", "pending"]
    assert page.current.number == 3 and page.current_kind.produces_decision and page.may_act
    assert page.steps[1].output and page.steps[1].output_rows  # the clarification, for the Inspektur
    assert page.complainant is None  # the Inspektur does not need a confidential identity
    assert page.public.current.number == 3


def test_it_masks_the_page_for_the_public(confidential, staff):
    advance(confidential, staff, to_step=3)
    page = complaint_page(None, confidential)

    assert page.complainant is None and page.roles == set() and not page.may_act
    assert all(line.output == {} and line.output_rows == [] for line in page.steps)
    assert page.public.current.number == 3
    assert not AccessLog.objects.filter(complaint=confidential).exists()


def test_it_finds_the_current_sop_of_a_unit_as_the_newest_loaded_version(unit, madiun_sop):
    assert current_sop(unit) == madiun_sop
    newer, created = sop_load(text=MADIUN_SOP.read_text(encoding="utf-8").replace("10 menit", "2 jam"),
                              source_name="madiun-revisi.toml")
    assert created and current_sop(unit) == newer
    assert current_sop(make_unit(code="DINAS", name="Dinas", sop_code="9.9.9")) is None


def test_it_asks_the_registry_by_capability_not_by_name():
    assert kinds.one("records_complaint").order == min(kind.order for kind in kinds.all())
    assert kinds.one("produces_decision").flowchart_shape == "decision"
    assert kinds.one("produces_answer") is not kinds.one("produces_decision")
    assert len(kinds.names_having("identity_fields")) == 3
    assert sop_kinds.known_kinds() == kinds.names()
    assert sop_kinds.first_kind().name == kinds.one("records_complaint").name
    with pytest.raises(UnknownKind):
        get_kind("no_such_kind")


def test_it_refuses_a_capability_that_two_kinds_claim():
    class SecondRecorder(StepKind):
        name = "second_recorder"
        records_complaint = True

    with kinds.registered(SecondRecorder):
        assert "second_recorder" in sop_kinds.known_kinds()
        with pytest.raises(LookupError, match="exactly one step kind"):
            kinds.one("records_complaint")
    assert "second_recorder" not in kinds and "second_recorder" not in sop_kinds.known_kinds()


def test_it_renders_the_workdesk_step_form_from_the_kind(client, unit, staff):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data())
    client.force_login(staff["sekretaris"])
    response = client.get(complaint.get_absolute_url())
    assert response.context["kind"].form_template in [template.name for template in response.templates]
    assert reverse("workdesk:complete_step", args=[complaint.pk, 2]) in response.text


def test_the_decision_form_offers_the_units_as_they_are_now(unit, staff):
    """The list of units to forward to is kept per process behind the units' stamp: a unit added or renamed is
    offered at once, under its new name, and the complaint's own unit never."""
    complaint = advance(complaint_record(unit=unit, actor=staff["jfu"], data=intake_data()), staff, to_step=3)
    decide = get_kind("decide")

    def offered():
        return dict(decide.form_class(complaint=complaint).fields["forward_to_unit"].widget.choices)

    assert unit.code not in offered()
    other = make_unit(code="DINKES", name="Dinas Kesehatan")
    assert offered()["DINKES"] == "Dinas Kesehatan (DINKES)"
    other.name = "Dinas Kesehatan dan KB"
    other.save()
    assert offered()["DINKES"] == "Dinas Kesehatan dan KB (DINKES)"
    other.delete()
    assert "DINKES" not in offered()


def test_the_page_shows_the_steps_of_the_complaints_own_sop_version(unit, staff, tmp_path):
    """The SOP's steps are kept per process for each loaded version: a complaint keeps its version's steps after a
    new version is loaded, and a complaint of the new version gets the new steps."""
    before = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data())
    assert [line.step.number for line in complaint_page(staff["jfu"], before).steps] == [1, 2, 3, 4, 5]
    changed = tmp_path / "sop.toml"
    changed.write_text(MADIUN_SOP.read_text().replace("name = ", "name = \"Versi baru\" # ", 1))
    new_sop, created = sop_load(path=changed)
    assert created and new_sop.pk != before.sop_id
    first = new_sop.steps.get(number=1)
    first.description = "Langkah pertama versi baru"  # in the database only: a loaded version is never edited
    type(first).objects.filter(pk=first.pk).update(description=first.description)
    after = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data())
    assert after.sop_id == new_sop.pk
    assert complaint_page(staff["jfu"], after).steps[0].step.description == "Langkah pertama versi baru"
    assert complaint_page(staff["jfu"], before).steps[0].step.description != "Langkah pertama versi baru"


def test_one_statement_says_which_of_a_complaints_lists_have_rows(unit, staff, django_assert_num_queries):
    from pengaduan.complaints.engine import coordination_request, note_add
    from pengaduan.complaints.selectors import lists_with_rows

    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data())
    other = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data())
    with django_assert_num_queries(1):
        assert lists_with_rows(complaint) == frozenset()
    coordination_request(complaint=complaint, actor=staff["sekretaris"], role="kasubag", question="Riwayat?")
    note_add(complaint=complaint, actor=staff["sekretaris"], text="Catatan.")
    assert lists_with_rows(complaint) == {"coordination_requests", "internal_notes"}
    assert lists_with_rows(other) == frozenset()  # another complaint's rows are not its own
