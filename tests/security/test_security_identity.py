"""Confidential identities: shown only to the roles that need them, every showing logged; anonymous keeps none."""

import pytest
from django.urls import reverse

from pengaduan.complaints.engine import complaint_record
from pengaduan.complaints.models import AccessLog
from pengaduan.complaints.privacy import identity_roles
from pengaduan.sop.services import sop_load
from factories import MADIUN_SOP, intake_data
from madiun_steps import advance

pytestmark = pytest.mark.django_db

SECRET_NAME = "Ratna Rahasia"


@pytest.fixture
def confidential(unit, staff):
    return complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(
        complainant_name=SECRET_NAME, complainant_phone="0899 1111 2222", is_confidential="on"))


def test_it_derives_who_needs_the_identity_from_the_sop(confidential):
    # The performers of intake, clarification and delivery deal with the complainant; the Inspektur does not.
    assert identity_roles(confidential) == {"jfu", "sekretaris"}


@pytest.mark.parametrize("role, shown", [("jfu", True), ("sekretaris", True), ("kasubag", False),
                                         ("inspektur", False)])
def test_it_masks_a_confidential_identity_for_roles_that_do_not_need_it(client, confidential, staff, role, shown):
    client.force_login(staff[role])
    page = client.get(confidential.get_absolute_url()).text
    assert (SECRET_NAME in page) == shown
    assert ("0899 1111 2222" in page) == shown
    logged = AccessLog.objects.filter(complaint=confidential, user=staff[role], action="view_identity").exists()
    assert logged == shown


def test_it_refuses_the_documents_addressed_to_a_hidden_complainant(client, confidential, staff):
    advance(confidential, staff, to_step=5)
    client.force_login(staff["inspektur"])
    assert client.get(reverse("workdesk:receipt", args=[confidential.pk])).status_code == 403
    assert client.get(reverse("workdesk:answer_letter", args=[confidential.pk])).status_code == 403
    client.force_login(staff["jfu"])
    assert client.get(reverse("workdesk:receipt", args=[confidential.pk])).status_code == 200


def test_it_follows_the_roles_an_sop_names(unit, staff):
    text = MADIUN_SOP.read_text(encoding="utf-8").replace(
        'ratified_by = "Inspektur"', 'ratified_by = "Inspektur"\nconfidential_identity_roles = ["jfu"]')
    assert "confidential_identity_roles" in text
    sop_load(text=text, source_name="madiun-rahasia.toml")
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(is_confidential="on"))
    assert identity_roles(complaint) == {"jfu"}


def test_it_never_logs_an_ordinary_identity_view(client, unit, staff):
    ordinary = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data())
    client.force_login(staff["inspektur"])
    assert "Siti Aminah" in client.get(ordinary.get_absolute_url()).text
    assert not AccessLog.objects.exists()
