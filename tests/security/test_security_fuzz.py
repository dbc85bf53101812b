"""Hostile and random input: the SOP parser, the public form and the step forms never fail with a 500."""

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from django.urls import reverse

from pengaduan.complaints.models import Complaint
from pengaduan.portal import forms as portal_forms
from pengaduan.sop.errors import SopFileError
from pengaduan.sop.schema import parse_sop_text
from pengaduan.throttle import services as throttle
from factories import MADIUN_SOP

FIELDS = ["complaint_type", "summary", "description", "subject", "event_date", "event_place", "complainant_name",
          "complainant_phone", "complainant_email", "complainant_address", "is_anonymous", "is_confidential",
          "privacy_ack", "website", "token"]
nasty_text = st.one_of(
    st.text(max_size=300),
    st.sampled_from(["", " ", "\x00", "<script>alert(1)</script>", "' OR 1=1 --", "../../etc/passwd", "9" * 400,
                     "2026-02-30", "on", "pengaduan", "%s%s%n", "\u202e", "😀" * 50]),
)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=2000))
def test_the_sop_parser_answers_any_text_with_an_sop_error_or_a_document(text):
    try:
        parse_sop_text(text, "acak.toml")
    except SopFileError as error:
        assert "acak.toml" in str(error)


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_the_sop_parser_survives_mutations_of_the_madiun_file(data):
    source = MADIUN_SOP.read_text(encoding="utf-8")
    start = data.draw(st.integers(0, len(source) - 1))
    length = data.draw(st.integers(0, 40))
    replacement = data.draw(st.text(max_size=20))
    mutated = source[:start] + replacement + source[start + length:]
    try:
        parse_sop_text(mutated, "madiun.toml")
    except SopFileError as error:
        assert str(error).startswith("madiun.toml")


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.fixed_dictionaries({}, optional={name: nasty_text for name in FIELDS}), valid_token=st.booleans())
def test_the_public_form_never_fails_on_any_input(client, unit, monkeypatch, values, valid_token):
    if valid_token:  # half the time past the spam guard, so that the fields themselves are exercised
        values = {**values, "token": portal_forms.form_token(), "website": ""}
    monkeypatch.setattr(portal_forms, "MIN_FILL_SECONDS", 0)
    monkeypatch.setattr(throttle, "SUBMIT", throttle.Limit("submit", 10**6, timedelta(hours=1)))
    before = Complaint.objects.count()
    response = client.post(reverse("portal:complain"), values)
    assert response.status_code in (200, 302)
    assert Complaint.objects.count() - before == (1 if response.status_code == 302 else 0)


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(code=nasty_text)
def test_tracking_never_fails_on_any_code(client, unit, code):
    response = client.post(reverse("portal:track"), {"code": code})
    assert response.status_code in (200, 302, 429)
