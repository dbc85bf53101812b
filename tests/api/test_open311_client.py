"""An Open311 client from PyPI (`georeport`) reads our services and requests over HTTP, in JSON and in XML."""

import pytest
from georeport import GeoReport

from pengaduan.api.models import Open311Service
from pengaduan.api.services import key_create


@pytest.fixture
def georeport_server(live_server, unit, jfu, services, client):
    """A live server with one request submitted through Open311 (georeport itself cannot submit)."""
    key = key_create(name="georeport test")[1]
    response = client.post("/open311/v2/requests.json", {
        "api_key": key, "service_code": "pungutan-liar", "description": "Diminta uang di loket.",
        "attribute[subject]": "Kelurahan Manguharjo", "attribute[service_kind]": "kependudukan"})
    assert response.status_code == 201
    return live_server.url + "/open311/v2", response.json()[0]["service_request_id"]


@pytest.mark.parametrize("output_format", ["json", "xml"])
def test_a_georeport_client_lists_services_and_reads_requests(georeport_server, unit, output_format):
    root, request_id = georeport_server
    geo = GeoReport(root, jurisdiction=unit.code, output_format=output_format)

    services = geo.get_service_list()
    assert {service["service_code"] for service in services} == set(
        Open311Service.objects.filter(is_active=True).values_list("code", flat=True))
    definition = geo.get_service_definition("pungutan-liar")
    attributes = definition["attributes"] if output_format == "json" else definition["attributes"]["attribute"]
    assert [attribute["code"] for attribute in attributes] == ["subject", "service_kind"]

    listed = geo.get_service_requests(status="open", service_code="pungutan-liar")
    listed = listed if isinstance(listed, list) else [listed]  # xmltodict: one element is not a list
    assert [item["service_request_id"] for item in listed] == [request_id]
    one = geo.get_service_request(request_id)
    assert one["service_code"] == "pungutan-liar" and one["status"] == "open"
    assert one["agency_responsible"] == unit.name and one["expected_datetime"]
