"""The channel registry: every intake channel declared once, asked by every other module."""

import pytest
from django import forms

from pengaduan.complaints import channels
from pengaduan.complaints.channels import Channel
from pengaduan.complaints.kinds.intake import IntakeForm
from pengaduan.complaints.models import Complaint
from pengaduan.ops import seed
from pengaduan.workdesk.forms import InboxFilterForm


def test_it_keeps_the_stored_code_of_every_channel():
    # The codes are in the database: a channel module may change anything but its code.
    assert channels.codes() == ["walk_in", "telephone", "letter", "complaint_box", "email", "web", "sms_whatsapp",
                                "whatsapp", "sms", "social_media", "lapor"]


def test_it_lists_the_same_channels_everywhere():
    expected = [(code, str(label)) for code, label in channels.choices()]
    assert [(code, str(label)) for code, label in Complaint._meta.get_field("channel").choices] == expected
    assert [(code, str(label)) for code, label in IntakeForm().fields["channel"].choices] == expected
    assert [(code, str(label)) for code, label in InboxFilterForm().fields["channel"].choices][1:] == expected


def test_it_asks_each_channel_for_its_own_details():
    assert {channel.code: channel.required_details for channel in channels.all_channels() if channel.details} == {
        "telephone": ("caller_number",), "letter": ("letter_number", "letter_date"),
        "complaint_box": ("box_opened_at",), "social_media": ("source_link",), "lapor": ("lapor_id",)}
    assert list(channels.detail_fields()) == [
        name for name in IntakeForm.base_fields if name in channels.detail_fields()]


def test_it_tells_in_person_from_indirect_and_desk_from_arriving_channels():
    assert [channel.code for channel in channels.all_channels() if channel.in_person] == ["walk_in"]
    assert [code for code, _ in seed.DESK_CHANNELS] == [
        channel.code for channel in channels.all_channels() if not channel.arrives_by_itself]


def test_it_refuses_a_code_twice_and_details_it_does_not_declare():
    with pytest.raises(ValueError, match="registered already"):
        channels.register(Channel(code="letter", label="Letter"))
    with pytest.raises(ValueError, match="does not declare"):
        channels.register(Channel(code="fax", label="Fax", details={"fax_number": forms.CharField()},
                                  required=("fax_page",)))
    assert channels.get("fax") is None


def test_it_refuses_a_box_opened_in_the_future():
    form = IntakeForm({"channel": "complaint_box", "box_opened_at": "2999-01-01T08:00"})
    form.is_valid()
    assert form.errors["box_opened_at"]
