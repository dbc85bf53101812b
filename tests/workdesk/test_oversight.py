"""The Pemda-wide oversight role: every unit's dashboard, complaint pages masked, the staff API with ?unit=."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from pengaduan.api.services import token_create
from pengaduan.complaints.engine import complaint_record, step_complete
from pengaduan.complaints.models import AccessLog
from pengaduan.units.oversight import OVERSIGHT_GROUP, oversees
from factories import EXAMPLE_SOP, intake_data, load_sop, make_unit, make_user
from madiun_steps import STEP_DATA, advance

pytestmark = pytest.mark.django_db

NAME = "Siti Aminah"


def overseer(username="pemda"):
    group, _ = Group.objects.get_or_create(name=OVERSIGHT_GROUP)
    group.permissions.add(Permission.objects.get(content_type__app_label="units", codename="oversee_units"))
    user = make_user(username)
    user.groups.add(group)
    return user


@pytest.fixture
def pemda(db):
    return overseer()


@pytest.fixture
def dinkes(db):
    load_sop(EXAMPLE_SOP)
    from pengaduan.sop.models import Sop

    unit = make_unit(code="DINKES", name="Dinas Kesehatan", sop_code=Sop.objects.exclude(code="3.1.1.10").get().code)
    return unit


@pytest.fixture
def cases(unit, staff):
    confidential = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(is_confidential="on"))
    forwarded = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(summary="Jalan rusak di Taman"))
    advance(forwarded, staff, to_step=3)
    step_complete(complaint=forwarded, actor=staff["inspektur"], step_number=3, data={
        **STEP_DATA[3], "decision_type": "forward", "forward_to": "Dinas PUPR Kota Madiun"})
    return {"confidential": confidential, "forwarded": forwarded}


def test_the_role_is_granted_explicitly_through_the_group(pemda, staff, db):
    admin = make_user("root")
    admin.is_superuser = True
    admin.save()
    assert oversees(pemda) and not oversees(staff["inspektur"]) and not oversees(admin)
    assert Group.objects.filter(name=OVERSIGHT_GROUP, permissions__codename="oversee_units").exists()


def test_the_dashboard_shows_every_unit(client, pemda, cases, dinkes):
    client.force_login(pemda)
    page = client.get(reverse("workdesk:oversight"))
    assert page.status_code == 200
    text = page.text
    assert "Inspektorat Kota Madiun" in text and "Dinas Kesehatan" in text
    assert "Dinas PUPR Kota Madiun" in text  # the oldest forward still unanswered
    figures = {row.unit.code: row for row in page.context["units"]}
    assert figures["INSP"].open == 2 and figures["INSP"].forwarded == 1 and figures["DINKES"].open == 0
    assert NAME not in text
    # Its menu: the dashboard, not the inbox, register or unit reports of officers.
    assert reverse("workdesk:register") not in text and f'href="{reverse("reports:dashboard")}"' not in text
    assert reverse("reports:archive") in text  # the reports sent and evidence packs of every unit


def test_officers_have_no_oversight_menu(client, staff):
    client.force_login(staff["inspektur"])
    text = client.get(reverse("workdesk:inbox")).text
    assert reverse("workdesk:register") in text and reverse("workdesk:oversight") not in text


def test_an_overseer_lands_on_the_dashboard(client, pemda):
    client.force_login(pemda)
    response = client.get(reverse("workdesk:inbox"))
    assert response.status_code == 302 and response.url == reverse("workdesk:oversight")


def test_officers_and_visitors_do_not_get_the_oversight_pages(client, staff, outsider, cases):
    urls = [reverse("workdesk:oversight"), reverse("workdesk:oversight_unit", args=["INSP"]),
            reverse("workdesk:oversight_complaint", args=[cases["forwarded"].pk])]
    for user in (*staff.values(), outsider):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)
    client.logout()
    for url in urls:
        assert client.get(url).status_code == 302


def test_the_drill_down_masks_the_identity_always(client, pemda, cases, unit):
    # Even an overseer who is also an officer of the unit sees the identity masked on the oversight pages.
    from pengaduan.units.models import Membership

    Membership.objects.create(user=pemda, unit=unit, role="sekretaris")
    client.force_login(pemda)
    unit_page = client.get(reverse("workdesk:oversight_unit", args=["insp"])).text
    assert cases["confidential"].register_number in unit_page
    for complaint in cases.values():
        text = client.get(reverse("workdesk:oversight_complaint", args=[complaint.pk])).text
        assert complaint.register_number in text and complaint.summary in text
        assert NAME not in text and "081234567890" not in text and "siti@example.org" not in text
    assert not AccessLog.objects.filter(user=pemda).exists()


def test_the_staff_api_lists_any_unit_with_unit_code_and_reads_masked(client, pemda, cases, dinkes, staff):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=pemda, name='pemda')[1]}"}
    listed = client.get("/api/v1/complaints", {"unit": "INSP"}, **headers).json()
    assert listed["count"] == 2 and {item["unit"] for item in listed["items"]} == {"INSP"}
    assert client.get("/api/v1/complaints", {"unit": "DINKES"}, **headers).json()["count"] == 0
    assert client.get("/api/v1/complaints", **headers).json()["count"] == 2
    assert client.get("/api/v1/complaints", {"q": "Siti"}, **headers).json()["count"] == 0  # no name search
    detail = client.get(f"/api/v1/complaints/{cases['forwarded'].pk}", **headers).json()
    assert detail["complainant"] is None and detail["actions"] == [] and detail["attachments"] == []
    assert detail["decision_type"] == "forward"
    assert NAME not in str(detail) and "081234567890" not in str(detail)


def test_an_officer_still_lists_only_their_own_units(client, outsider, cases):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=outsider, name='o')[1]}"}
    assert client.get("/api/v1/complaints", {"unit": "INSP"}, **headers).json()["count"] == 0
    assert client.get(f"/api/v1/complaints/{cases['forwarded'].pk}", **headers).status_code == 404


def test_the_dashboard_lists_cases_returned_between_units_and_forwards_still_waiting(client, pemda, unit, staff, dinkes):
    from pengaduan.complaints.engine import forward_return

    petugas = make_user("petugas.dinkes", unit=dinkes, roles=("petugas",))
    returned, waiting = (complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(summary=summary))
                         for summary in ("Antrean puskesmas", "Obat habis di puskesmas"))
    for complaint in (returned, waiting):
        advance(complaint, staff, to_step=3)
        step_complete(complaint=complaint, actor=staff["inspektur"], step_number=3,
                      data={**STEP_DATA[3], "decision_type": "forward", "forward_to_unit": "DINKES"})
    forward_return(complaint=returned.forwards.get().target, actor=petugas,
                   reason="Puskesmas ini di bawah Dinas Kesehatan Provinsi.")
    client.force_login(pemda)
    forwarding = client.get(reverse("workdesk:oversight")).context["forwarding"]
    [bounced] = forwarding.bounced
    assert bounced.complaint == returned and bounced.to == "Dinas Kesehatan"
    assert "Dinas Kesehatan Provinsi" in bounced.state
    assert [line.complaint for line in forwarding.oldest_unanswered] == [waiting]
