"""Schemathesis against /api/v1/openapi.json, in-process through the WSGI app: no 5xx, answers as documented.

Bounded and deterministic: at most 25 examples per operation (valid and invalid inputs both), derandomized, no
example database. Staff operations are called with the Sekretaris' token, on a unit with complaints in progress.

The schema is the document /api/v1/openapi.json serves (checked below), built at collection time: loading it
over HTTP would need the database before pytest-django provides one, and schemathesis' fixture-based loader
does not work with pytest 9 (it sets `Function._nodeid`, which pytest 9 no longer has).
"""

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from ninja.responses import NinjaJSONEncoder
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from factories import intake_data

from pengaduan.api.api import api
from pengaduan.complaints import engine

PREFIX = "/api/v1/"
UNLIMITED = {name: (100_000, 60) for name in ("api_ip", "api_token", "submit", "lookup", "reply")}
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]



def served_schema() -> dict:
    return json.loads(json.dumps(api.get_openapi_schema(path_prefix=PREFIX), cls=NinjaJSONEncoder))


# Schemathesis' coverage phase (boundary values of every input) alone sends ~1,700 requests; the fuzzing phase
# with 25 examples per operation, valid and invalid, keeps the run within a minute.
CONFIG = schemathesis.Config.from_dict({"phases": {"coverage": {"enabled": False}}})
schema = schemathesis.openapi.from_dict(served_schema(), config=CONFIG)
schema.app = get_wsgi_application()


@pytest.fixture
def complaints_in_progress(db, settings, staff, unit):
    # Rate limits are tested apart; here they would only turn examples into 429s.
    settings.API_RATE_LIMITS = UNLIMITED
    engine.complaint_record(unit=unit, actor=staff["jfu"], data=intake_data())
    engine.complaint_receive(unit=unit, data=intake_data(channel="web"))
    # As in Django's test client: a request must not close the test's database connection (and transaction).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _no_duplicate_keys(pairs):
    keys = [key for key, _value in pairs]
    assert len(keys) == len(set(keys)), f"duplicate keys in the schema: {keys}"  # Swagger UI refuses them
    return dict(pairs)


def test_it_serves_the_schema_that_is_tested(client, db):
    served = json.loads(client.get(PREFIX + "openapi.json").content, object_pairs_hook=_no_duplicate_keys)
    assert served == served_schema()


@schema.parametrize()
@hypothesis_settings(max_examples=25, derandomize=True, database=None, deadline=None,
                     phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
def test_it_answers_every_request_as_documented(case, complaints_in_progress, tokens):
    case.call_and_validate(headers={"Authorization": f"Bearer {tokens['sekretaris']}"}, checks=CHECKS)
