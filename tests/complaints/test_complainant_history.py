"""A complainant recognised across channels by the same number or e-mail address, and the identity rule kept:
the history of one complaint never reveals the complainant of a confidential one."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from pengaduan.complaints.engine import complaint_receive, complaint_record
from pengaduan.complaints.errors import StepInputInvalid
from pengaduan.complaints.history import complainant_history
from pengaduan.complaints.models import AccessLog, Complainant, Complaint
from pengaduan.complaints.privacy import identity_for
from pengaduan.portal.forms import PublicComplaintForm
from factories import PASSWORD, intake_data, make_unit, make_user, wib

pytestmark = pytest.mark.django_db


def test_it_stores_numbers_in_e164_and_addresses_in_lower_case_from_the_desk(unit, jfu):
    complaint = complaint_record(unit=unit, actor=jfu, data=intake_data(
        complainant_phone="0812-3456-7890", complainant_email=" Siti@Example.ORG "))
    assert (complaint.complainant.phone, complaint.complainant.email) == ("+6281234567890", "siti@example.org")


def test_it_stores_a_web_complainants_number_in_e164(unit, jfu):
    complaint = complaint_receive(unit=unit, data=intake_data(channel="web", complainant_phone="62 812 3456 7890"))
    assert complaint.complainant.phone == "+6281234567890"


def test_it_refuses_a_number_that_cannot_exist_with_a_clear_message(unit, jfu):
    with pytest.raises(StepInputInvalid) as refused:
        complaint_record(unit=unit, actor=jfu, data=intake_data(complainant_phone="0812"))
    assert list(refused.value.errors) == ["complainant_phone"]
    form = PublicComplaintForm(data={"complainant_phone": "12"})
    form.is_valid()
    assert "complainant_phone" in form.errors


def test_the_data_migration_normalises_stored_numbers_and_leaves_unreadable_ones(unit):
    readable = Complainant.objects.create(name="A", phone="0812 3456 7890", email="A@Example.org")
    unreadable = Complainant.objects.create(name="B", phone="telepon kantor", email="")
    migration = importlib.import_module("pengaduan.complaints.migrations.0023_normalise_phone_numbers")
    migration.normalise(apps, None)
    readable.refresh_from_db()
    unreadable.refresh_from_db()
    assert (readable.phone, readable.email) == ("+6281234567890", "a@example.org")
    assert unreadable.phone == "telepon kantor"


# -- the history and the identity rule ---------------------------------------------------------------------------

PHONE, EMAIL = "0811 2222 3333", "budi@example.org"


@pytest.fixture
def cases(unit, jfu):
    """Four complaints of the same person (by number or address, on different channels) and an anonymous one."""
    def record(**data):
        return complaint_record(unit=unit, actor=jfu, data=intake_data(complainant_name="Budi", **data),
                                now=wib(2026, 11, 2, 9, 0))

    return {
        "open": record(complainant_phone=PHONE, complainant_email=""),
        "confidential": record(channel="telephone", caller_number=PHONE, complainant_phone=PHONE,
                               complainant_email="", is_confidential="on"),
        "by_email": record(channel="email", complainant_phone="", complainant_email=EMAIL.upper()),
        "both": record(complainant_phone=PHONE, complainant_email=EMAIL),
        "anonymous": record(channel="telephone", caller_number=PHONE, is_anonymous="on"),
    }


def shown(viewer, complaint) -> set[int]:
    identity = identity_for(viewer, complaint, where="test")
    return {past.complaint.pk for past in complainant_history(viewer, complaint, identity=identity)}


# (viewer, complaint looked at) -> the other complaints listed. The JFU may see confidential identities (it records
# them); the Kasubag may not; the outsider sees nothing; the anonymous complaint is never found.
MATRIX = [
    ("jfu", "both", {"open", "confidential", "by_email"}),
    ("jfu", "confidential", {"open", "both"}),
    ("jfu", "anonymous", set()),
    ("kasubag", "both", {"open", "by_email"}),
    ("kasubag", "open", {"both"}),
    ("kasubag", "confidential", set()),
    ("inspektur", "by_email", {"both"}),
    ("outsider", "both", set()),
]


@pytest.mark.parametrize("viewer,looked_at,expected", MATRIX)
def test_the_history_keeps_the_identity_rule(cases, staff, outsider, viewer, looked_at, expected):
    user = outsider if viewer == "outsider" else staff[viewer]
    assert shown(user, cases[looked_at]) == {cases[name].pk for name in expected}


def test_a_confidential_complaint_in_the_history_is_logged_as_seen(cases, staff):
    AccessLog.objects.all().delete()
    shown(staff["jfu"], cases["both"])
    assert list(AccessLog.objects.values_list("complaint_id", "where")) == [
        (cases["confidential"].pk, f"history of complaint {cases['both'].pk}")]


def test_it_lists_only_the_units_the_officer_works_in(cases, unit, staff, madiun_sop):
    other = make_unit(code="DINKES", name="Dinas Kesehatan", sop_code=unit.sop_code, register_code="DINKES")
    make_user("jfu_dinkes", unit=other, roles=("jfu",))
    theirs = complaint_record(unit=other, actor=make_user("jfu2", unit=other, roles=("jfu",)),
                              data=intake_data(complainant_name="Budi", complainant_phone=PHONE))
    assert theirs.pk not in shown(staff["jfu"], cases["both"])


def test_the_complaint_page_shows_the_history_to_the_officer(client, cases, staff):
    client.login(username="kasubag", password=PASSWORD)
    page = client.get(reverse("workdesk:complaint", args=[cases["both"].pk])).text
    assert "Pengaduan lain dari pengadu ini" in page
    assert cases["open"].reference in page and cases["by_email"].reference in page
    assert cases["confidential"].reference not in page
    page = client.get(reverse("workdesk:complaint", args=[cases["confidential"].pk])).text
    assert "Pengaduan lain dari pengadu ini" not in page and Complaint.objects.count() == 5


def test_it_reads_the_persons_complaints_along_their_indexes_not_every_complaint_of_the_unit(cases, staff):
    """The number and address find the complainants by their (partial) indexes, and their complaints by the
    complainant's: however many complaints the unit has, the history reads only the person's."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "sqlite":
        pytest.skip("the plan of SQLite's planner, which has no statistics to go by")
    with CaptureQueriesContext(connection) as queries:
        assert shown(staff["jfu"], cases["both"])
    [history] = [query["sql"] for query in queries if "complainant_id" in query["sql"] and "IN (SELECT" in query["sql"]]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + history)
        plan = " | ".join(str(row[-1]) for row in cursor.fetchall())
    assert "complaints_complainant_phone" in plan and "complaints_complainant_email" in plan, plan
    assert "complainant_id" in plan and "complaints_unit_recent" not in plan and "SCAN" not in plan, plan
