"""Confidential identities: shown only to the roles that need them, every showing logged; anonymous keeps none."""

import pytest
from django.urls import reverse

from pengaduan.complaints.engine import complaint_record, step_complete
from pengaduan.complaints.models import AccessLog, Complaint
from pengaduan.complaints.privacy import identity_roles
from pengaduan.sop.services import sop_load
from factories import MADIUN_SOP, intake_data
from madiun_steps import PERFORMER, STEP_DATA, advance

pytestmark = pytest.mark.django_db

SECRET_NAME = "Ratna Rahasia"


@pytest.fixture
def confidential(unit, staff):
    return complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(
        complainant_name=SECRET_NAME, complainant_phone="+6289911112222", is_confidential="on"))


def test_it_derives_who_needs_the_identity_from_the_sop(confidential):
    # The performers of intake, clarification and delivery deal with the complainant; the Inspektur does not.
    assert identity_roles(confidential) == {"jfu", "sekretaris"}


@pytest.mark.parametrize("role, shown", [("jfu", True), ("sekretaris", True), ("kasubag", False),
                                         ("inspektur", False)])
def test_it_masks_a_confidential_identity_for_roles_that_do_not_need_it(client, confidential, staff, role, shown):
    client.force_login(staff[role])
    page = client.get(confidential.get_absolute_url()).text
    assert (SECRET_NAME in page) == shown
    assert ("+6289911112222" in page) == shown  # stored and shown in E.164
    logged = AccessLog.objects.filter(complaint=confidential, user=staff[role], action="view_identity").exists()
    assert logged == shown


def test_it_refuses_the_documents_addressed_to_a_hidden_complainant(client, confidential, staff):
    advance(confidential, staff, to_step=5)
    client.force_login(staff["inspektur"])
    assert client.post(reverse("workdesk:receipt", args=[confidential.pk])).status_code == 403
    assert client.get(reverse("workdesk:answer_letter", args=[confidential.pk])).status_code == 403
    client.force_login(staff["jfu"])
    assert client.post(reverse("workdesk:receipt", args=[confidential.pk])).status_code == 200


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


# Finding 4: step 5's "received by"


def test_the_delivery_form_is_not_prefilled_with_the_complainants_name(client, confidential, staff):
    advance(confidential, staff, to_step=5)
    client.force_login(staff["jfu"])
    form = client.get(confidential.get_absolute_url()).context["step_form"]
    assert form.initial.get("recipient", "") == ""


@pytest.mark.parametrize("role, shown", [("jfu", True), ("sekretaris", True), ("kasubag", False),
                                         ("inspektur", False)])
def test_the_received_by_name_of_a_confidential_complaint_is_masked_and_logged(client, confidential, staff,
                                                                                role, shown):
    advance(confidential, staff, to_step=5)
    step_complete(complaint=confidential, actor=staff["jfu"], step_number=5,
                  data={**STEP_DATA[5], "recipient": "Suami Pengadu"})
    client.force_login(staff[role])
    page = client.get(confidential.get_absolute_url()).text
    assert ("Suami Pengadu" in page) == shown
    assert AccessLog.objects.filter(complaint=confidential, user=staff[role]).exists() == shown


def test_an_anonymous_delivery_keeps_no_recipients_name(unit, staff):
    anonymous = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(is_anonymous="on"))
    advance(anonymous, staff, to_step=5)
    run = step_complete(complaint=anonymous, actor=staff["jfu"], step_number=5,
                        data={**STEP_DATA[5], "recipient": "Seseorang"})
    assert not run.output.get("recipient")


# Finding 5: the caller's number and the link to the post


CALLER, POST = "+6281177776666", "https://social.example/posts/4242"


def test_an_anonymous_telephone_or_social_media_complaint_keeps_no_number_or_link(unit, staff):
    by_phone = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(
        channel="telephone", caller_number=CALLER, is_anonymous="on"))
    by_post = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(
        channel="social_media", source_link=POST, is_anonymous="on"))
    for complaint in (by_phone, by_post):
        complaint = Complaint.objects.get(pk=complaint.pk)
        assert (complaint.caller_number, complaint.source_link, complaint.complainant) == ("", "", None)
        output = complaint.step_runs.get(number=1).output
        assert CALLER not in str(output) and POST not in str(output)


@pytest.mark.parametrize("role, shown", [("jfu", True), ("sekretaris", True), ("kasubag", False),
                                         ("inspektur", False)])
def test_the_callers_number_and_the_post_are_identity_fields_of_a_confidential_complaint(client, unit, staff,
                                                                                       role, shown):
    by_phone = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(
        channel="telephone", caller_number=CALLER, is_confidential="on"))
    by_post = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(
        channel="social_media", source_link=POST, is_confidential="on"))
    client.force_login(staff[role])
    for complaint, secret in ((by_phone, CALLER), (by_post, POST)):
        page = client.get(complaint.get_absolute_url()).text
        assert (secret in page) == shown, (role, secret)
        assert AccessLog.objects.filter(complaint=complaint, user=staff[role]).exists() == shown


def test_an_open_complaints_number_is_shown_to_the_unit_without_a_log(client, unit, staff):
    by_phone = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(channel="telephone",
                                                                               caller_number=CALLER))
    client.force_login(staff["inspektur"])
    assert CALLER in client.get(by_phone.get_absolute_url()).text
    assert not AccessLog.objects.exists()


# Finding 6: inbox search


def test_the_inbox_search_does_not_find_a_masked_name(client, confidential, unit, staff):
    open_case = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(complainant_name="Ratna Terbuka"))
    for case in (confidential, open_case):
        step_complete(complaint=case, actor=staff["sekretaris"], step_number=2, data=STEP_DATA[2])
    # Both wait for the Inspektur, who may not see the confidential name.
    client.force_login(staff["inspektur"])
    found = client.get(reverse("workdesk:inbox"), {"q": "Ratna"}).text
    assert open_case.register_number in found
    assert confidential.register_number not in found
    client.force_login(staff["inspektur"])
    assert confidential.register_number in client.get(reverse("workdesk:inbox"), {"q": "Pungutan"}).text


def test_the_inbox_search_finds_a_confidential_name_for_whom_may_see_it(client, confidential, staff):
    client.force_login(staff["jfu"])
    # Step 2 waits for the Sekretaris, who deals with the complainant.
    client.force_login(staff["sekretaris"])
    assert confidential.register_number in client.get(reverse("workdesk:inbox"), {"q": "Ratna"}).text


def test_the_migration_forgets_what_older_anonymous_complaints_kept(unit, staff):
    from importlib import import_module

    from django.apps import apps

    anonymous = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(is_anonymous="on"))
    # As recorded before anonymity dropped them: a caller's number and a recipient's name.
    Complaint.objects.filter(pk=anonymous.pk).update(caller_number=CALLER, source_link=POST)
    run = anonymous.step_runs.get(number=1)
    run.output = {**run.output, "caller_number": CALLER, "recipient": "Seseorang"}
    run.save()
    import_module("pengaduan.complaints.migrations.0012_pdp_register").forget_anonymous_identities(apps, None)
    anonymous.refresh_from_db()
    assert (anonymous.caller_number, anonymous.source_link) == ("", "")
    assert not {"caller_number", "recipient"} & set(anonymous.step_runs.get(number=1).output)
