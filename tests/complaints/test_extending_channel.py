"""docs/extending.md, "Add a channel": a toy channel registered for the test's duration only.

The radio talk show of the example is registered here exactly as its module would register it; nothing else in
the code base is touched, and a complaint on it is taken in, shown and filtered like any other.
"""

import pytest
from django import forms
from django.urls import reverse
from django.utils import translation
from factories import PASSWORD, intake_data

from pengaduan.api.services import token_create
from pengaduan.complaints import channels
from pengaduan.complaints.channels import Channel
from pengaduan.complaints.kinds.intake import IntakeForm
from pengaduan.complaints.models import Complaint

pytestmark = pytest.mark.django_db


@pytest.fixture
def radio():
    channel = channels.register(Channel(
        code="radio", label="Radio talk show",
        details={"caller_number": forms.CharField(label="Caller's number", max_length=50, required=False)},
        answer_medium="sms",
    ))
    yield channel
    channels.unregister("radio")


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_it_takes_in_a_complaint_on_the_toy_channel_at_the_desk(client, unit, staff, radio):
    desk = login(client, staff["jfu"])
    form_page = desk.get(reverse("workdesk:record")).text
    assert '<option value="radio">Radio talk show</option>' in form_page
    assert 'data-channel="telephone radio"' in form_page  # the caller's number shows for both channels
    desk.post(reverse("workdesk:record"), intake_data(channel="radio", caller_number="0351 462 100"))
    complaint = Complaint.objects.get()
    assert (complaint.channel, complaint.caller_number, complaint.is_recorded) == ("radio", "+62351462100", True)
    assert "Radio talk show" in desk.get(reverse("workdesk:inbox")).text
    page = desk.get(complaint.get_absolute_url()).text
    assert "Radio talk show" in page and "+62351462100" in page


def test_it_asks_the_toy_channel_for_its_required_details(client, unit, staff, radio):
    with translation.override("en"):
        form = IntakeForm(intake_data(channel="radio"))
        assert not form.is_valid()
        assert form.errors["caller_number"] == ["Required for complaints received through this channel."]
    response = login(client, staff["jfu"]).post(reverse("workdesk:record"), intake_data(channel="radio"))
    assert response.status_code == 200 and not Complaint.objects.exists()
    assert "caller_number" in response.context["form"].errors


def test_it_records_lists_and_describes_the_toy_channel_in_the_api(client, unit, staff, radio):
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=staff['jfu'], name='radio desk')[1]}"}
    response = client.post("/api/v1/complaints", intake_data(channel="radio", caller_number="0351 462 100"),
                           content_type="application/json", **auth)
    assert response.status_code == 201, response.json()
    assert (response.json()["channel"], response.json()["channel_label"]) == ("radio", "Radio talk show")
    listed = client.get("/api/v1/complaints", {"channel": "radio"}, **auth).json()["items"]
    assert [(item["channel"], item["channel_label"]) for item in listed] == [("radio", "Radio talk show")]
    assert client.get("/api/v1/complaints", {"channel": "pigeon"}, **auth).status_code == 422
    described = {channel["code"]: channel for channel in client.get("/api/v1/channels", **auth).json()}
    assert described["radio"]["required_details"] == ["caller_number"]
    assert described["radio"]["answer_medium"] == "sms"


def test_it_forgets_the_toy_channel_when_it_is_removed(radio):
    channels.unregister("radio")
    try:
        assert "radio" not in dict(IntakeForm().fields["channel"].choices)
        assert "radio" not in dict(Complaint._meta.get_field("channel").choices)
    finally:
        channels.register(radio)  # the fixture removes it again
