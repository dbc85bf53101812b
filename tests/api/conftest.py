"""API fixtures: a personal token for each named officer, an Open311 api_key, and a client that sends them."""

import json

import pytest

from pengaduan.api.services import key_create, token_create


class ApiClient:
    """Django's test client, speaking JSON to /api/v1/ with a token (or none, for the public endpoints)."""

    def __init__(self, client, token: str | None = None):
        self.client, self.token = client, token

    def _headers(self, extra):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {self.token}"} if self.token else {}
        return {**headers, **extra}

    def get(self, path, data=None, **extra):
        return self.client.get("/api/v1" + path, data, **self._headers(extra))

    def post(self, path, data=None, **extra):
        body = data if isinstance(data, (str, bytes)) else json.dumps(data if data is not None else {})
        return self.client.post("/api/v1" + path, body, content_type=extra.pop("content_type", "application/json"),
                                **self._headers(extra))

    def post_multipart(self, path, data, **extra):
        return self.client.post("/api/v1" + path, data, **self._headers(extra))


@pytest.fixture
def tokens(staff, outsider):
    """The secret of a fresh token for each officer (and the outsider), by username."""
    return {user.username: token_create(user=user, name="test")[1] for user in [*staff.values(), outsider]}


@pytest.fixture
def as_user(client, tokens):
    """`as_user("jfu")`: an API client acting with the JFU's token; `as_user(None)`: no token."""
    return lambda username: ApiClient(client, tokens[username] if username else None)


@pytest.fixture
def open311_key(db):
    return key_create(name="Madiun app")[1]


@pytest.fixture
def services(db):
    """Two Open311 services as the data migration seeds them (made again: a flushed database lost the seed)."""
    from pengaduan.api.models import Open311Service

    pungli, _ = Open311Service.objects.update_or_create(code="pungutan-liar", defaults={
        "name": "Pungutan liar", "group": "Integritas", "keywords": "pungli", "metadata": True,
        "description": "Petugas meminta uang di luar biaya resmi.",
        "attributes": [
            {"code": "subject", "datatype": "string", "required": True, "order": 1,
             "description": "Kantor, layanan atau petugas yang diadukan"},
            {"code": "service_kind", "datatype": "singlevaluelist", "required": False, "order": 2,
             "description": "Jenis layanan", "values": [{"key": "kependudukan", "name": "KTP, KK, akta"},
                                                        {"key": "lainnya", "name": "Lainnya"}]},
        ],
    })
    other, _ = Open311Service.objects.update_or_create(code="lainnya", defaults={
        "name": "Lainnya", "group": "Lainnya", "metadata": False, "attributes": [],
        "description": "Pengaduan pelayanan publik lainnya."})
    return {"pungutan-liar": pungli, "lainnya": other}
