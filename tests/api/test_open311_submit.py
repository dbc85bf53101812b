"""A complaint submitted through Open311 waits for the JFU like one from the portal, and keeps what was sent."""

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from pengaduan.api.models import Open311Key, Open311Request, Open311Service
from pengaduan.notifications.models import OutboxMessage


def _post(client, key, **fields):
    data = {"api_key": key, "service_code": "pungutan-liar", "description": "Diminta Rp50.000 di loket KTP.\nLagi.",
            "attribute[subject]": "Kelurahan Manguharjo", **fields}
    return client.post("/open311/v2/requests.json", {k: v for k, v in data.items() if v is not None})


def test_it_seeds_a_first_catalogue_of_services(db):
    codes = set(Open311Service.objects.values_list("code", flat=True))
    assert {"pungutan-liar", "pelayanan-lambat", "perilaku-petugas", "informasi-layanan", "lainnya"} <= codes
    for service in Open311Service.objects.all():
        service.full_clean()


def test_it_refuses_attribute_definitions_clients_could_not_read(services):
    service = services["lainnya"]
    service.metadata, service.attributes = True, [{"code": "x", "datatype": "colour", "description": "?"}]
    with pytest.raises(ValidationError):
        service.full_clean()
    service.attributes = [{"code": "kind", "datatype": "singlevaluelist", "description": "?", "values": []}]
    with pytest.raises(ValidationError):
        service.full_clean()
    service.metadata, service.attributes = False, [{"code": "a", "datatype": "string", "description": "?"}]
    with pytest.raises(ValidationError):
        service.full_clean()


def test_it_makes_a_complaint_waiting_for_the_jfu(client, unit, jfu, services, open311_key):
    response = _post(client, open311_key, first_name="Siti", last_name="Aminah", email="siti@example.org",
                     phone="0812 3456 7890", lat="-7.63", long="111.52", address_string="Jl. Pahlawan 1",
                     media_url="https://example.org/foto.jpg", **{"attribute[service_kind]": "kependudukan"})
    assert response.status_code == 201, response.content
    item = Open311Request.objects.select_related("complaint__complainant").get()
    complaint = item.complaint
    assert complaint.unit == unit and complaint.channel == "web" and not complaint.is_recorded
    assert complaint.step_runs.get().role == "jfu"
    assert complaint.summary == "Pungutan liar: Diminta Rp50.000 di loket KTP."
    assert complaint.subject == "Kelurahan Manguharjo" and complaint.event_place == "Jl. Pahlawan 1"
    assert "pungutan-liar" in complaint.description and "KTP, KK, akta" in complaint.description
    assert "https://example.org/foto.jpg" in complaint.description
    assert complaint.complainant.name == "Siti Aminah" and complaint.is_confidential
    assert complaint.complainant.phone == "+6281234567890"  # stored in E.164, as from every channel
    assert (item.lat, item.long, item.service_code) == (-7.63, 111.52, "pungutan-liar")
    assert item.attributes == {"subject": "Kelurahan Manguharjo", "service_kind": "kependudukan"}
    assert item.key.name == "Madiun app"
    assert OutboxMessage.objects.filter(template_key="complaint_received", address="siti@example.org").exists()


def test_it_keeps_no_identity_when_no_name_is_given(client, unit, services, open311_key):
    assert _post(client, open311_key, email="someone@example.org").status_code == 201
    complaint = Open311Request.objects.get().complaint
    assert complaint.is_anonymous and complaint.complainant is None


def test_it_sends_a_complaint_to_the_unit_named_by_jurisdiction_id(client, unit, outsider, services, open311_key):
    assert _post(client, open311_key, jurisdiction_id="dinkes").status_code == 201
    assert Open311Request.objects.get().complaint.unit.code == "DINKES"


def test_it_refuses_a_revoked_key(client, unit, services, open311_key):
    Open311Key.objects.update(revoked_at="2026-01-01T00:00Z")
    assert _post(client, open311_key).status_code == 403


def test_it_limits_submissions_per_key(client, unit, services, open311_key, settings):
    settings.API_RATE_LIMITS = {"open311_key": (2, 3600)}
    assert [_post(client, open311_key).status_code for _ in range(3)] == [201, 201, 429]


def test_it_makes_lists_and_revokes_keys_from_the_command_line(client, unit, services):
    out = StringIO()
    call_command("apikey", "create", "--name", "Madiun Smart City", stdout=out)
    secret = out.getvalue().strip().splitlines()[-1]
    assert secret.startswith("o311_")
    assert _post(client, secret).status_code == 201

    listing = StringIO()
    call_command("apikey", "list", stdout=listing)
    assert "Madiun Smart City" in listing.getvalue() and secret not in listing.getvalue()
    with pytest.raises(CommandError):
        call_command("apikey", "create", "--name", "Madiun Smart City", stdout=StringIO())

    call_command("apikey", "revoke", "Madiun Smart City", stdout=StringIO())
    assert _post(client, secret).status_code == 403
    with pytest.raises(CommandError):
        call_command("apikey", "revoke", "999", stdout=StringIO())


def test_it_revokes_a_key_by_its_id(client, unit, services):
    out = StringIO()
    call_command("apikey", "create", "--name", "Chatbot", stdout=out)
    secret = out.getvalue().strip().splitlines()[-1]
    call_command("apikey", "revoke", str(Open311Key.objects.get().pk), stdout=StringIO())
    assert _post(client, secret).status_code == 403


def test_it_shows_a_new_key_once_in_the_admin(admin_client, client, unit, services):
    response = admin_client.post("/admin/api/open311key/add/", {"name": "Partner", "contact": "it@example.org"},
                                 follow=True)
    message = next(str(m) for m in response.context["messages"] if "o311_" in str(m))
    secret = message[message.index("o311_"):].split()[0]
    assert _post(client, secret).status_code == 201
    assert admin_client.get("/admin/api/open311service/").status_code == 200
