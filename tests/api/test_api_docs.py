"""The OpenAPI document and a documentation page that works without the internet."""

import re


def test_it_serves_the_openapi_document(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "Pengaduan API"
    assert "/api/v1/complaints/{complaint_id}/steps/{number}" in schema["paths"]
    assert "/api/v1/public/complaints" in schema["paths"]
    assert schema["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"
    step_body = schema["paths"]["/api/v1/complaints/{complaint_id}/steps/{number}"]["post"]["requestBody"]
    kinds = {option["title"] for option in step_body["content"]["application/json"]["schema"]["anyOf"]}
    assert "clarify_input" in kinds and "deliver_input" in kinds
    public = schema["paths"]["/api/v1/public/complaints"]["post"]
    assert "security" not in public or public["security"] == []


def test_it_serves_the_docs_page_with_local_assets_only(client, db):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(source.startswith("/api/v1/docs/assets/") for source in sources)
    assert "cdn" not in html.lower() and "http" not in html.replace('"url": "/api', "")
    for source in sources:
        asset = client.get(source)
        assert asset.status_code == 200 and b"".join(asset.streaming_content)
    assert client.get("/api/v1/docs/assets/../../settings.py").status_code == 404
    assert client.get("/api/v1/docs/assets/redoc.standalone.js.map").status_code == 404
