"""Open311 GeoReport v2: every endpoint in JSON and XML, with the spec's fields, and its errors (400, 403, 404)."""

import json
import re
from datetime import timedelta
from urllib.parse import urlencode
from xml.etree import ElementTree

import pytest
import time_machine
from django.utils import timezone

from pengaduan.complaints.codes import tracking_code_hash
from pengaduan.api.models import Open311Request

BASE = "/open311/v2/"
SERVICE_FIELDS = {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
ATTRIBUTE_FIELDS = {"variable", "code", "datatype", "required", "datatype_description", "order", "description"}
REQUEST_FIELDS = {"service_request_id", "status", "status_notes", "service_name", "service_code", "description",
                  "agency_responsible", "service_notice", "requested_datetime", "updated_datetime",
                  "expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url"}


def _parse(response, fmt):
    """The body as Python data; XML is checked for its declaration and content type, then turned into dicts."""
    if fmt == "json":
        assert response["Content-Type"].startswith("application/json")
        return json.loads(response.content)
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ElementTree.fromstring(response.content)


def _xml_items(root, tag):
    return [{child.tag: child for child in item} for item in root.findall(tag)]


def _errors(response, fmt, status):
    assert response.status_code == status, response.content
    body = _parse(response, fmt)
    if fmt == "json":
        assert body and all(set(error) == {"code", "description"} and error["code"] == status for error in body)
        return [error["description"] for error in body]
    assert body.tag == "errors"
    assert [error.findtext("code") for error in body.findall("error")] == [str(status)] * len(body)
    return [error.findtext("description") for error in body.findall("error")]


def _submit(client, key, fmt="json", **fields):
    data = {"api_key": key, "service_code": "pungutan-liar", "description": "Diminta Rp50.000 di loket KTP.",
            "attribute[subject]": "Kelurahan Manguharjo", "first_name": "Siti", "last_name": "Aminah",
            "email": "siti@example.org", **fields}
    return client.post(f"{BASE}requests.{fmt}", {key: value for key, value in data.items() if value is not None})


@pytest.fixture
def submitted(client, unit, services, open311_key):
    response = _submit(client, open311_key)
    assert response.status_code == 201, response.content
    return Open311Request.objects.get(complaint_id=int(response.json()[0]["service_request_id"]))


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_it_describes_itself_in_discovery(client, unit, services, fmt):
    body = _parse(client.get(f"{BASE}discovery.{fmt}"), fmt)
    if fmt == "json":
        endpoint = body["endpoints"][0]
        assert {"changeset", "contact", "key_service", "endpoints"} <= set(body)
        assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
        assert endpoint["url"].endswith("/open311/v2") and endpoint["type"] == "production"
        assert endpoint["formats"] == ["text/xml", "application/json"]
    else:
        assert body.tag == "discovery" and body.findtext("contact").startswith(unit.name)
        assert [f.text for f in body.find("endpoints/endpoint/formats")] == ["text/xml", "application/json"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_it_lists_the_services(client, services, fmt):
    body = _parse(client.get(f"{BASE}services.{fmt}"), fmt)
    if fmt == "json":
        by_code = {service["service_code"]: service for service in body}
        assert all(set(service) == SERVICE_FIELDS for service in body)
        assert by_code["pungutan-liar"]["metadata"] is True and by_code["lainnya"]["metadata"] is False
        assert by_code["pungutan-liar"]["type"] == "realtime"
    else:
        items = _xml_items(body, "service")
        assert body.tag == "services" and all(set(item) == SERVICE_FIELDS for item in items)
        assert {item["service_code"].text: item["metadata"].text for item in items}["pungutan-liar"] == "true"


def test_it_offers_no_withdrawn_service(client, services):
    services["lainnya"].is_active = False
    services["lainnya"].save()
    assert "lainnya" not in [service["service_code"] for service in client.get(f"{BASE}services.json").json()]
    assert client.get(f"{BASE}services/lainnya.json").status_code == 404


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_it_defines_a_service_with_its_attributes(client, services, fmt):
    body = _parse(client.get(f"{BASE}services/pungutan-liar.{fmt}"), fmt)
    if fmt == "json":
        assert body["service_code"] == "pungutan-liar"
        subject, kind = body["attributes"]
        assert set(subject) == ATTRIBUTE_FIELDS and subject["required"] is True and subject["variable"] is True
        assert set(kind) == ATTRIBUTE_FIELDS | {"values"}
        assert kind["values"][0] == {"key": "kependudukan", "name": "KTP, KK, akta"}
    else:
        assert body.tag == "service_definition" and body.findtext("service_code") == "pungutan-liar"
        attributes = body.findall("attributes/attribute")
        assert [a.findtext("code") for a in attributes] == ["subject", "service_kind"]
        assert [v.findtext("key") for v in attributes[1].findall("values/value")] == ["kependudukan", "lainnya"]
    plain = _parse(client.get(f"{BASE}services/lainnya.{fmt}"), fmt)
    assert (plain["attributes"] if fmt == "json" else plain.findall("attributes/attribute")) == []


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_it_creates_a_request(client, unit, jfu, services, open311_key, fmt):
    response = _submit(client, open311_key, fmt)
    assert response.status_code == 201
    body = _parse(response, fmt)
    if fmt == "json":
        (created,) = body
        assert set(created) == {"service_request_id", "token", "service_notice", "account_id"}
        request_id, token = created["service_request_id"], created["token"]
    else:
        (created,) = _xml_items(body, "request")
        assert body.tag == "service_requests"
        request_id, token = created["service_request_id"].text, created["token"].text
    item = Open311Request.objects.get(complaint_id=int(request_id))
    assert item.token == token and item.service_code == "pungutan-liar"
    notice = created["service_notice"] if fmt == "json" else created["service_notice"].text
    code = re.search(r"[2-9A-Z]{5}-[2-9A-Z]{5}-[2-9A-Z]{5}", notice).group(0)
    assert item.complaint.tracking_code_hash == tracking_code_hash(code)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_it_lists_requests_with_the_specs_fields(client, submitted, fmt):
    body = _parse(client.get(f"{BASE}requests.{fmt}"), fmt)
    if fmt == "json":
        (item,) = body
        assert set(item) == REQUEST_FIELDS
        assert item["service_request_id"] == str(submitted.complaint_id) and item["status"] == "open"
        assert item["service_name"] == "Pungutan liar" and item["agency_responsible"] == submitted.complaint.unit.name
        assert item["status_notes"] and item["expected_datetime"] and item["requested_datetime"].endswith("+07:00")
    else:
        (item,) = _xml_items(body, "request")
        assert body.tag == "service_requests" and set(item) == REQUEST_FIELDS
        assert item["status"].text == "open" and item["expected_datetime"].text


def test_it_shows_no_description_place_or_person_in_listings(client, submitted):
    text = client.get(f"{BASE}requests.json").content.decode()
    for private in ("Diminta", "Manguharjo", "Siti", "siti@example.org", submitted.complaint.tracking_code_hash):
        assert private not in text


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_it_shows_one_request_and_finds_it_by_token(client, submitted, fmt):
    one = _parse(client.get(f"{BASE}requests/{submitted.complaint_id}.{fmt}"), fmt)
    found = _parse(client.get(f"{BASE}tokens/{submitted.token}.{fmt}"), fmt)
    if fmt == "json":
        assert [item["service_request_id"] for item in one] == [str(submitted.complaint_id)]
        assert found == [{"service_request_id": str(submitted.complaint_id), "token": submitted.token}]
    else:
        assert [item.findtext("service_request_id") for item in one.findall("request")] == [
            str(submitted.complaint_id)]
        assert found.findtext("request/token") == submitted.token


def test_it_filters_requests_as_the_spec_says(client, unit, services, open311_key, submitted):
    other = _submit(client, open311_key, service_code="lainnya", **{"attribute[subject]": None}).json()[0]
    ids = lambda response: [item["service_request_id"] for item in response.json()]  # noqa: E731
    both = {str(submitted.complaint_id), other["service_request_id"]}
    assert set(ids(client.get(f"{BASE}requests.json"))) == both
    assert ids(client.get(f"{BASE}requests.json", {"service_code": "lainnya"})) == [other["service_request_id"]]
    assert set(ids(client.get(f"{BASE}requests.json", {"service_code": "lainnya,pungutan-liar"}))) == both
    assert set(ids(client.get(f"{BASE}requests.json", {"status": "open"}))) == both
    assert ids(client.get(f"{BASE}requests.json", {"status": "closed"})) == []
    assert set(ids(client.get(f"{BASE}requests.json", {"status": "open,closed"}))) == both
    # service_request_id overrides every other argument.
    assert ids(client.get(f"{BASE}requests.json", {"service_request_id": other["service_request_id"],
                                                   "service_code": "pungutan-liar", "status": "closed"})) == [
        other["service_request_id"]]
    tomorrow = (timezone.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert ids(client.get(f"{BASE}requests.json", {"start_date": tomorrow})) == []
    assert set(ids(client.get(f"{BASE}requests.json", {"jurisdiction_id": unit.code}))) == both


def test_it_lists_the_last_90_days_by_default_and_at_most_1000(client, unit, services, open311_key, monkeypatch):
    with time_machine.travel(timezone.now() - timedelta(days=100)):
        old = _submit(client, open311_key).json()[0]["service_request_id"]
    recent = [_submit(client, open311_key).json()[0]["service_request_id"] for _ in range(3)]
    listed = [item["service_request_id"] for item in client.get(f"{BASE}requests.json").json()]
    assert listed == recent[::-1]  # newest first, the old one outside the default range
    start = (timezone.now() - timedelta(days=101)).strftime("%Y-%m-%dT%H:%M:%S+07:00")
    end = (timezone.now() - timedelta(days=99)).strftime("%Y-%m-%dT%H:%M:%S+07:00")
    assert [item["service_request_id"] for item in client.get(
        f"{BASE}requests.json", {"start_date": start, "end_date": end}).json()] == [old]
    # One date only: the 90 days from (or up to) it.
    assert [item["service_request_id"] for item in client.get(
        f"{BASE}requests.json", {"start_date": start}).json()] == [old]
    assert [item["service_request_id"] for item in client.get(
        f"{BASE}requests.json", {"end_date": end}).json()] == [old]
    monkeypatch.setattr("pengaduan.api.open311.views.MAX_RESULTS", 2)
    assert len(client.get(f"{BASE}requests.json").json()) == 2


def test_it_tells_when_a_request_is_closed(client, submitted, staff):
    from madiun_steps import advance

    from pengaduan.complaints import engine
    from pengaduan.complaints.kinds.intake import Intake

    complaint = submitted.complaint
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        engine.step_complete(complaint=complaint, actor=staff["jfu"], step_number=1,
                             data={**Intake().initial(complaint), "received_at": ""})
        advance(complaint, staff, to_step=6)
    (item,) = client.get(f"{BASE}requests/{complaint.pk}.json").json()
    assert item["status"] == "closed" and item["expected_datetime"] is None
    assert item["updated_datetime"] > item["requested_datetime"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_it_answers_400_without_service_code(client, unit, services, open311_key, fmt):
    descriptions = _errors(_submit(client, open311_key, fmt, service_code=None), fmt, 400)
    assert "service_code" in descriptions[0]
    assert "service_code" in _errors(_submit(client, open311_key, fmt, service_code="nope"), fmt, 400)[0]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_it_answers_403_for_a_bad_api_key(client, unit, services, open311_key, fmt):
    assert "api_key" in _errors(_submit(client, "o311_wrong", fmt), fmt, 403)[0]
    assert "api_key" in _errors(_submit(client, None, fmt), fmt, 403)[0]
    assert not Open311Request.objects.exists()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_it_answers_404_for_what_does_not_exist(client, services, submitted, fmt):
    _errors(client.get(f"{BASE}requests/999999.{fmt}"), fmt, 404)
    _errors(client.get(f"{BASE}requests/abc.{fmt}"), fmt, 404)
    _errors(client.get(f"{BASE}services/nope.{fmt}"), fmt, 404)
    _errors(client.get(f"{BASE}tokens/nope.{fmt}"), fmt, 404)
    _errors(client.get(f"{BASE}services.{fmt}", {"jurisdiction_id": "nowhere"}), fmt, 404)
    _errors(client.get(f"{BASE}nothing-here.{fmt}"), fmt, 404)


def test_it_does_not_show_a_complaint_that_came_another_way(client, unit, jfu, services):
    from factories import intake_data

    from pengaduan.complaints import engine

    walk_in = engine.complaint_record(unit=unit, actor=jfu, data=intake_data())
    _errors(client.get(f"{BASE}requests/{walk_in.pk}.json"), "json", 404)
    assert client.get(f"{BASE}requests.json").json() == []


@pytest.mark.parametrize("params", [
    {"status": "pending"},
    {"start_date": "yesterday"},
    {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"},
    {"start_date": "2026-06-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"},
])
def test_it_answers_400_for_bad_listing_arguments(client, services, params):
    _errors(client.get(f"{BASE}requests.json", params), "json", 400)
    _errors(client.get(f"{BASE}requests.xml", params), "xml", 400)


@pytest.mark.parametrize("fields, argument", [
    ({"description": ""}, "description"),
    ({"attribute[subject]": None}, "attribute[subject]"),
    ({"lat": "-7.6"}, "lat"),
    ({"lat": "north", "long": "111"}, "lat"),
    ({"email": "not-an-address"}, "email"),
    ({"media_url": "javascript:alert(1)"}, "media_url"),
    ({"attribute[service_kind]": "pajak"}, "service_kind"),
    ({"jurisdiction_id": "nowhere"}, "jurisdiction_id"),
])
def test_it_answers_400_for_bad_submissions(client, unit, services, open311_key, fields, argument):
    descriptions = _errors(_submit(client, open311_key, **fields), "json", 400)
    assert argument in " ".join(descriptions)
    assert not Open311Request.objects.exists()


def test_it_answers_405_429_and_413_in_the_specs_format(client, services, open311_key, settings):
    assert _errors(client.delete(f"{BASE}services.xml"), "xml", 405)
    body = urlencode({"api_key": open311_key, "description": "x" * (1024 * 1024)})
    _errors(client.post(f"{BASE}requests.json", body, content_type="application/x-www-form-urlencoded"), "json", 413)
    _errors(client.post(f"{BASE}requests.json", {"api_key": open311_key, "description": "x" * (1024 * 1024)}),
            "json", 413)
    settings.API_RATE_LIMITS = {"open311_ip": (1, 600)}
    client.get(f"{BASE}services.json")
    response = client.get(f"{BASE}services.xml")
    _errors(response, "xml", 429)
    assert int(response["Retry-After"]) > 0


def test_it_answers_400_for_dates_out_of_range(client, services):
    for value in ("9999-12-31T23:59:59+14:00", "0001-01-01T00:00:00Z"):
        _errors(client.get(f"{BASE}requests.json", {"start_date": value}), "json", 400)
        _errors(client.get(f"{BASE}requests.json", {"end_date": value}), "json", 400)
