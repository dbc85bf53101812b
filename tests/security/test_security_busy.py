"""A busy database answers "please try again", never an error page, and stores nothing halfway."""

import pytest
from django.db import OperationalError
from django.urls import reverse

from pengaduan.complaints.models import Complaint
from pengaduan.portal import forms as portal_forms

pytestmark = pytest.mark.django_db


def test_it_asks_to_try_again_when_the_database_is_locked(client, unit, monkeypatch):
    monkeypatch.setattr(portal_forms, "MIN_FILL_SECONDS", 0)

    def locked(**kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr("pengaduan.complaints.engine.complaint_receive", locked)
    response = client.post(reverse("portal:complain"), {
        "complaint_type": "pengaduan", "summary": "Uji", "description": "Uji sibuk", "subject": "Dinas",
        "is_anonymous": "on", "privacy_ack": "on", "token": portal_forms.form_token()})
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert not Complaint.objects.exists()
