"""Bringing a unit on board: invitations (one-time, expiring), the SOP correction form, office hours, the checklist."""

import io
from datetime import time, timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from pengaduan.notifications.models import OutboxMessage
from pengaduan.sop.errors import SopFileError
from pengaduan.sop.importer import import_sheet
from pengaduan.sop.models import Sop
from pengaduan.sop.onboarding import apply_corrections, onboarding_checklist, unit_sop_load
from pengaduan.units.models import Invitation, Membership, Unit
from pengaduan.units.onboarding import InvitationInvalid, can_onboard, invitation_accept, invitation_create
from pengaduan.workcalendar.models import OfficeHours
from pengaduan.workcalendar.services import office_hours_set
from pengaduan.workdesk.onboarding_forms import OfficeHoursForm, StepCorrectionForm, parse_periods
from factories import PASSWORD, make_unit, make_user

pytestmark = pytest.mark.django_db

SHEET = Path(__file__).parent / "kecamatan-watu-angin.txt"
STRONG = "Kopi-tubruk-pagi-2025"


@pytest.fixture
def kecamatan(db):
    return Unit.objects.create(code="KWA", name="Kecamatan Watu Angin", register_code="KWA", kind="kecamatan")


@pytest.fixture
def draft():
    return import_sheet(SHEET).document_toml


@pytest.fixture
def admin_user(db):
    return get_user_model().objects.create_superuser("pemda-admin", "admin@example.org", PASSWORD)


def _expire(invitation):
    now = timezone.now()
    Invitation.objects.filter(pk=invitation.pk).update(created_at=now - timedelta(days=8),
                                                       expires_at=now - timedelta(seconds=1))


# --- invitations ------------------------------------------------------------------------------------------


def test_it_creates_the_account_with_the_invited_roles_and_uses_the_token_up(kecamatan):
    invitation, token = invitation_create(unit=kecamatan, email="rina@example.org", roles=["petugas_loket", "camat"],
                                          name="Rina Lestari")
    assert token not in invitation.token_hash  # only the hash is stored

    user = invitation_accept(token=token, username="rina.kwa", password=STRONG)

    assert user.check_password(STRONG) and user.email == "rina@example.org" and user.first_name == "Rina"
    assert set(Membership.objects.filter(user=user, unit=kecamatan).values_list("role", flat=True)) == {
        "petugas_loket", "camat"}
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None and invitation.user == user
    with pytest.raises(InvitationInvalid) as second:
        invitation_accept(token=token, username="rina2.kwa", password=STRONG)
    assert second.value.reason == "used"
    assert not get_user_model().objects.filter(username="rina2.kwa").exists()


def test_it_refuses_an_expired_invitation(kecamatan):
    invitation, token = invitation_create(unit=kecamatan, email="rina@example.org", roles=["camat"])
    _expire(invitation)
    with pytest.raises(InvitationInvalid) as refused:
        invitation_accept(token=token, username="rina.kwa", password=STRONG)
    assert refused.value.reason == "expired"
    assert not get_user_model().objects.filter(username="rina.kwa").exists()


def test_it_refuses_an_unknown_token(kecamatan):
    with pytest.raises(InvitationInvalid) as refused:
        invitation_accept(token="not-a-token", username="x", password=STRONG)
    assert refused.value.reason == "unknown"


def test_a_weak_password_leaves_the_invitation_usable(kecamatan):
    _invitation, token = invitation_create(unit=kecamatan, email="rina@example.org", roles=["camat"])
    with pytest.raises(ValidationError) as refused:
        invitation_accept(token=token, username="rina.kwa", password="12345678")
    assert "password" in refused.value.message_dict
    assert invitation_accept(token=token, username="rina.kwa", password=STRONG).username == "rina.kwa"


def test_a_taken_username_is_refused(kecamatan):
    make_user("rina.kwa")
    _invitation, token = invitation_create(unit=kecamatan, email="rina@example.org", roles=["camat"])
    with pytest.raises(ValidationError) as refused:
        invitation_accept(token=token, username="RINA.kwa", password=STRONG)
    assert "username" in refused.value.message_dict


def test_an_invitation_needs_a_role(kecamatan):
    with pytest.raises(ValidationError):
        invitation_create(unit=kecamatan, email="rina@example.org", roles=[])


def test_the_invitation_link_goes_out_by_email_and_lands_on_the_workdesk(client, kecamatan, draft, admin_user):
    unit_sop_load(unit=kecamatan, text=draft, source_name="kwa.toml")
    client.force_login(admin_user)
    response = client.post(reverse("workdesk:onboarding_officers", args=["KWA"]),
                           {"email": "rina@example.org", "name": "Rina", "roles": ["petugas_loket"]})
    assert response.status_code == 302
    message = OutboxMessage.objects.get(template_key="officer_invitation")
    assert message.medium == "email" and message.address == "rina@example.org"
    link = next(word for word in message.body.split() if "/kerja/undangan/" in word)
    path = link[link.index("/kerja/"):]
    client.logout()

    page = client.get(path)
    assert page.status_code == 200 and "rina.kwa" in page.content.decode()
    landed = client.post(path, {"username": "rina.kwa", "password1": STRONG, "password2": STRONG}, follow=True)
    assert landed.redirect_chain[-1][0] == reverse("workdesk:inbox")
    assert landed.context["user"].username == "rina.kwa"

    client.logout()
    used = client.get(path)
    assert used.status_code == 410 and "sudah dipakai" in used.content.decode()


def test_an_expired_link_gets_a_clear_page(client, kecamatan):
    invitation, token = invitation_create(unit=kecamatan, email="rina@example.org", roles=["camat"])
    _expire(invitation)
    response = client.get(reverse("workdesk:invitation", args=[token]))
    assert response.status_code == 410 and "kedaluwarsa" in response.content.decode()


# --- who may onboard --------------------------------------------------------------------------------------------


def test_only_superusers_and_the_pemda_admin_permission_may_onboard(client, kecamatan):
    officer = make_user("officer", unit=kecamatan, roles=("camat",))
    client.force_login(officer)
    assert not can_onboard(officer)
    assert client.get(reverse("workdesk:onboarding_units")).status_code == 403
    assert client.get(reverse("workdesk:onboarding_checklist", args=["KWA"])).status_code == 403

    officer.user_permissions.add(Permission.objects.get(codename="onboard_unit"))
    officer = get_user_model().objects.get(pk=officer.pk)
    assert can_onboard(officer)
    client.force_login(officer)
    assert client.get(reverse("workdesk:onboarding_units")).status_code == 200


# --- the SOP: corrections and loading --------------------------------------------------------------------------------


def test_corrections_are_written_into_the_draft_and_loaded(kecamatan, draft):
    corrected = apply_corrections(draft, {3: {"performer": "camat", "time_limit": "5 hari kerja", "kind": "draft_answer"}})
    sop, created = unit_sop_load(unit=kecamatan, text=corrected, source_name="kwa.toml")
    assert created
    step = sop.steps.get(number=3)
    assert (step.performer, step.time_limit_text, step.time_limit_amount) == ("camat", "5 hari kerja", 5)
    kecamatan.refresh_from_db()
    assert kecamatan.sop_code == "800/14/KEC-WA/2025"


def test_corrections_drop_the_importers_check_comments_of_the_fields_decided():
    text = '[[steps]]\nnumber = 5\n# CHECK (line 30): guessed\nkind = "review"  # TODO: check the kind\nperformer = "x"\n'
    assert apply_corrections(text, {1: {"kind": "decide"}}) == '[[steps]]\nnumber = 5\nkind = "decide"\nperformer = "x"\n'


def test_an_invalid_correction_loads_nothing(kecamatan, draft):
    corrected = apply_corrections(draft, {1: {"kind": "deliver"}})  # the first step must record the complaint
    with pytest.raises(SopFileError) as refused:
        unit_sop_load(unit=kecamatan, text=corrected, source_name="kwa.toml")
    assert any(problem.path.startswith("steps[1]") for problem in refused.value.problems)
    assert not Sop.objects.exists()
    kecamatan.refresh_from_db()
    assert kecamatan.sop_code == ""


def test_it_refuses_an_sop_number_another_unit_follows(madiun_sop, kecamatan, draft):
    make_unit(sop_code="800/14/KEC-WA/2025")
    with pytest.raises(SopFileError) as refused:
        unit_sop_load(unit=kecamatan, text=draft, source_name="kwa.toml")
    assert refused.value.problems[0].path == "sop.code"
    assert not Sop.objects.filter(code="800/14/KEC-WA/2025").exists()


def test_the_step_form_reads_time_limits_with_the_sop_parser():
    roles = [("camat", "Camat")]
    good = StepCorrectionForm({"kind": "decide", "performer": "camat", "time_limit": "2 x 24 jam"}, roles=roles)
    assert good.is_valid(), good.errors
    bad = StepCorrectionForm({"kind": "decide", "performer": "camat", "time_limit": "secepatnya"}, roles=roles)
    assert not bad.is_valid() and "time_limit" in bad.errors
    unknown = StepCorrectionForm({"kind": "no-such-kind", "performer": "lurah", "time_limit": "1 hari"}, roles=roles)
    assert not unknown.is_valid() and {"kind", "performer"} <= set(unknown.errors)


def test_the_review_page_shows_the_error_on_the_step_and_loads_nothing(client, kecamatan, draft, admin_user):
    client.force_login(admin_user)
    url = reverse("workdesk:onboarding_sop", args=["KWA"])
    page = client.post(url, {"action": "upload", "sheet": _upload(SHEET)})
    assert page.status_code == 200
    body = page.content.decode()
    assert "Kasi Trantib" in body and "KWA" in body  # laid out as the sheet, with the importer's warnings
    data = {"action": "load", "document": draft, "source_text": "", "source_name": SHEET.name, "warnings": "[]",
            "steps-TOTAL_FORMS": "4", "steps-INITIAL_FORMS": "4"}
    steps = [("intake", "petugas_loket", "20 menit"), ("decide", "camat", "2 hari kerja"),
             ("draft_answer", "kasi_trantib", "3 hari kerja"), ("deliver", "petugas_loket", "1 hari kerja")]
    for index, (kind, performer, limit) in enumerate(steps):
        data.update({f"steps-{index}-kind": kind, f"steps-{index}-performer": performer,
                     f"steps-{index}-time_limit": limit})
    refused = client.post(url, {**data, "steps-2-time_limit": "kapan-kapan"})
    assert refused.status_code == 200 and not Sop.objects.exists()
    assert refused.context["steps"].forms[2].errors["time_limit"]

    refused = client.post(url, {**data, "steps-0-kind": "deliver"})
    assert refused.status_code == 200 and not Sop.objects.exists()
    assert refused.context["steps"].forms[0].errors

    loaded = client.post(url, data)
    assert loaded.status_code == 302 and Sop.objects.get().code == "800/14/KEC-WA/2025"


def _upload(path: Path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(path.name, path.read_bytes(), content_type="text/plain")


# --- office hours and letterhead --------------------------------------------------------------------------------


def test_office_hours_are_read_with_breaks_and_checked():
    assert parse_periods("07.30-12.00, 13:00-16.00") == [(time(7, 30), time(12)), (time(13), time(16))]
    assert parse_periods("") == []
    for bad in ("7-12", "12.00-07.30", "07.30-12.00, 11.00-13.00", "25.00-26.00"):
        with pytest.raises(ValueError):
            parse_periods(bad)
    assert not OfficeHoursForm({}).is_valid()  # neither hours nor the Pemda calendar
    assert OfficeHoursForm({"from_pemda": "on"}).is_valid()


def test_office_hours_replace_the_units_rows_or_follow_the_pemda(kecamatan):
    office_hours_set(kecamatan, {0: [(time(7, 30), time(12)), (time(13), time(16))]})
    assert OfficeHours.objects.filter(unit=kecamatan).count() == 2 and not kecamatan.office_hours_from_pemda
    office_hours_set(kecamatan, None)
    assert not OfficeHours.objects.filter(unit=kecamatan).exists() and kecamatan.office_hours_from_pemda


def test_a_logo_goes_through_the_image_checks(client, admin_user, settings):
    client.force_login(admin_user)
    fields = {"name": "Kecamatan Watu Angin", "code": "KWA", "kind": "kecamatan", "register_code": "KWA",
              "register_format": "{number:04d}/PGD/{unit}/{year}"}
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("logo.png", b"MZ\x90\x00 not an image at all", content_type="image/png")
    refused = client.post(reverse("workdesk:onboarding_new"), {**fields, "logo_upload": fake})
    assert refused.status_code == 200 and refused.context["form"].errors["logo_upload"]
    assert not Unit.objects.exists()

    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), "navy").save(buffer, "PNG")
    logo = SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")
    created = client.post(reverse("workdesk:onboarding_new"), {**fields, "logo_upload": logo})
    assert created.status_code == 302
    unit = Unit.objects.get(code="KWA")
    assert unit.logo.name.endswith(".png")


def test_a_register_format_without_the_number_is_refused(client, admin_user):
    client.force_login(admin_user)
    refused = client.post(reverse("workdesk:onboarding_new"), {
        "name": "K", "code": "K", "kind": "kecamatan", "register_code": "K", "register_format": "{nomor}/PGD"})
    assert "register_format" in refused.context["form"].errors


# --- the checklist ---------------------------------------------------------------------------------------------------


def test_the_checklist_tells_what_is_missing_until_everything_is_there(kecamatan, draft):
    checklist = onboarding_checklist(kecamatan)
    assert {item.key: item.done for item in checklist.items} == {
        "unit": True, "sop": False, "letterhead": False, "office_hours": False, "officers": False}

    unit_sop_load(unit=kecamatan, text=draft, source_name="kwa.toml")
    office_hours_set(kecamatan, None)
    kecamatan.address, kecamatan.head_name, kecamatan.head_title = "Jl. Raya 1", "Sri W.", "Camat Watu Angin"
    kecamatan.logo.name = "units/logos/KWA.png"
    kecamatan.save()
    invitation_create(unit=kecamatan, email="a@example.org", roles=["petugas_loket", "kasi_trantib"])
    checklist = onboarding_checklist(kecamatan)
    assert [item.key for item in checklist.items if not item.done] == ["officers"]
    assert {role.code: (role.done, bool(role.invited)) for role in checklist.roles} == {
        "petugas_loket": (False, True), "kasi_trantib": (False, True), "camat": (False, False)}

    for role in ("petugas_loket", "kasi_trantib", "camat"):
        Membership.objects.create(user=make_user(f"{role}.kwa"), unit=kecamatan, role=role)
    assert onboarding_checklist(kecamatan).complete


def test_the_admin_is_told_when_the_invitation_mail_cannot_be_queued(client, kecamatan, draft, admin_user):
    from pengaduan.notifications.models import MessageTemplate

    MessageTemplate.objects.filter(key="officer_invitation").update(is_active=False)
    unit_sop_load(unit=kecamatan, text=draft, source_name="kwa.toml")
    client.force_login(admin_user)
    response = client.post(reverse("workdesk:onboarding_officers", args=["KWA"]),
                           {"email": "rina@example.org", "roles": ["camat"]}, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert not OutboxMessage.objects.exists()


def test_editing_a_unit_keeps_its_code(client, kecamatan, admin_user):
    client.force_login(admin_user)
    url = reverse("workdesk:onboarding_edit", args=["KWA"])
    assert client.get(url).status_code == 200
    response = client.post(url, {"name": "Kecamatan Watu Angin Baru", "code": "OTHER", "kind": "kecamatan",
                                 "register_code": "KWA", "register_format": "{number:04d}/PGD/{unit}/{year}",
                                 "address": "Jl. Baru 2"})
    assert response.status_code == 302
    kecamatan.refresh_from_db()
    assert (kecamatan.code, kecamatan.name, kecamatan.address) == ("KWA", "Kecamatan Watu Angin Baru", "Jl. Baru 2")


def test_an_invitation_is_sent_again_with_a_new_link_and_the_old_one_stops(client, kecamatan, draft, admin_user):
    unit_sop_load(unit=kecamatan, text=draft, source_name="kwa.toml")
    client.force_login(admin_user)
    officers = reverse("workdesk:onboarding_officers", args=["KWA"])
    client.post(officers, {"email": "rina@example.org", "name": "Rina", "roles": ["petugas_loket"]})
    invitation = Invitation.objects.get()
    _expire(invitation)
    assert "Kirim lagi" in client.get(officers).content.decode()
    response = client.post(reverse("workdesk:onboarding_invite_again", args=["KWA", invitation.pk]), follow=True)
    assert "dengan tautan baru" in response.content.decode()
    first, again = OutboxMessage.objects.filter(template_key="officer_invitation").order_by("pk")
    links = [next(word for word in message.body.split() if "/kerja/undangan/" in word) for message in (first, again)]
    old, new = (link[link.index("/kerja/"):] for link in links)
    invitation.refresh_from_db()
    assert old != new and invitation.expires_at > timezone.now() + timedelta(days=6)
    client.logout()
    assert client.get(old).status_code == 404  # the link of the first mail no longer works (an unknown link)
    assert client.post(new, {"username": "rina.kwa", "password1": STRONG, "password2": STRONG}).status_code == 302

    client.force_login(admin_user)
    refused = client.post(reverse("workdesk:onboarding_invite_again", args=["KWA", invitation.pk]), follow=True)
    assert "sudah diterima" in refused.content.decode()
    assert OutboxMessage.objects.filter(template_key="officer_invitation").count() == 2
    assert "Kirim lagi" not in client.get(officers).content.decode()


def test_only_an_onboarding_admin_sends_an_invitation_again_and_only_by_post(client, kecamatan):
    invitation, _token = invitation_create(unit=kecamatan, email="rina@example.org", roles=["camat"])
    url = reverse("workdesk:onboarding_invite_again", args=["KWA", invitation.pk])
    client.force_login(make_user("officer", unit=kecamatan, roles=("camat",)))
    assert client.post(url).status_code == 403
    client.force_login(get_user_model().objects.create_superuser("root", "root@example.org", PASSWORD))
    assert client.get(url).status_code == 405
    assert client.post(reverse("workdesk:onboarding_invite_again", args=["OTHER", invitation.pk])).status_code == 404
    assert not OutboxMessage.objects.exists()


def test_an_invitation_keeps_its_link_when_the_mail_cannot_go_again(client, kecamatan, admin_user):
    from pengaduan.notifications.models import MessageTemplate

    invitation, token = invitation_create(unit=kecamatan, email="rina@example.org", roles=["camat"])
    MessageTemplate.objects.filter(key="officer_invitation").update(is_active=False)
    client.force_login(admin_user)
    response = client.post(reverse("workdesk:onboarding_invite_again", args=["KWA", invitation.pk]), follow=True)
    assert "Surel undangan tidak dapat dimasukkan ke antrean" in response.content.decode()
    assert invitation_accept(token=token, username="rina.kwa", password=STRONG)  # the first link still works
