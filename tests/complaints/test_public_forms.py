"""A public complaint is validated once, by the public form (engine.complaint_receive(form=...)): these tests prove
that the public form refuses whatever the engine's intake form would refuse and, when it accepts, gives the engine
what the intake form would have given."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.datastructures import MultiValueDict
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pengaduan.complaints.engine import complaint_receive
from pengaduan.complaints.errors import StepInputInvalid
from pengaduan.complaints.kinds.intake import IntakeForm
from pengaduan.complaints.models import Complaint, ComplaintType, NotifyBy
from pengaduan.complaints.public_forms import INTAKE_KEYS, ComplaintForm

TODAY = timezone.localdate()


def as_intake_form_data(cleaned: dict) -> dict:
    """The intake form's raw inputs that carry these cleaned values (as an API or a gateway would send them)."""
    data = {}
    for key, value in cleaned.items():
        if isinstance(value, bool):
            data[key] = "on" if value else ""
        elif isinstance(value, date):
            data[key] = value.isoformat()
        elif value is not None and key != "evidence":
            data[key] = value
    return data



def mostly(valid: list, invalid: list):
    """A field's values, most of them acceptable, so that many drawn forms are valid as a whole."""
    return st.one_of(st.sampled_from(valid), st.sampled_from(valid), st.sampled_from(valid),
                     st.sampled_from(valid), st.sampled_from(valid), st.sampled_from(invalid))


words = st.text(alphabet="abcdeKTP ,.é✓\n", min_size=1, max_size=30).filter(str.strip)
texts = st.one_of(words, words, words, st.sampled_from(["", "   ", "a" * 199 + " b", "c" * 301]))
optional_texts = st.one_of(st.just(""), words, st.sampled_from(["  padded  ", "d" * 299, "e" * 301]))
phones = mostly(["", "081234567890", "+62 812-3456-7890", "0351 464 999"], ["12", "not a number", "08" + "1" * 30])
emails = mostly(["", "siti@example.org", " Siti@Example.ORG "], ["not-an-address", "a@b"])
dates = mostly(["", "2026-11-20", (TODAY + timedelta(days=1)).isoformat(), "1900-01-01"],
               [(TODAY + timedelta(days=3)).isoformat(), "1850-01-01", "2026-02-30", "yesterday"])
public_inputs = st.fixed_dictionaries({
    "complaint_type": mostly([value for value, _label in ComplaintType.choices], ["", "other"]),
    "summary": texts, "description": texts, "subject": texts, "event_place": optional_texts, "event_date": dates,
    "is_anonymous": st.sampled_from(["", "", "on"]), "is_confidential": st.sampled_from(["", "on"]),
    "complainant_name": texts, "complainant_phone": phones, "complainant_email": emails,
    "complainant_address": optional_texts,
    "notify_by": mostly([""] + [value for value, _label in NotifyBy.choices], ["pigeon"]),
})


@settings(max_examples=800, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(public_inputs)
def test_what_the_public_form_accepts_the_intake_form_accepts_with_the_same_values(data):
    public = ComplaintForm(data)
    intake = IntakeForm({**data, "channel": "web"})
    if not public.is_valid():
        return
    assert intake.is_valid(), intake.errors  # the intake form refuses nothing the public form accepts
    cleaned = public.intake_cleaned()
    from_cleaned = IntakeForm(as_intake_form_data(cleaned))
    assert from_cleaned.is_valid(), from_cleaned.errors
    assert cleaned == {key: from_cleaned.cleaned_data[key] for key in cleaned}
    assert set(INTAKE_KEYS) <= set(cleaned) and cleaned["channel"] == "web"


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(public_inputs)
def test_whatever_the_intake_form_refuses_the_public_form_refuses(data):
    intake = IntakeForm({**data, "channel": "web"})
    if not intake.is_valid():
        assert not ComplaintForm(data).is_valid()


def test_the_public_form_refuses_an_event_in_the_future():
    form = ComplaintForm({"complaint_type": ComplaintType.COMPLAINT, "summary": "Antre", "description": "Lama",
                          "subject": "Dukcapil", "is_anonymous": "on",
                          "event_date": (TODAY + timedelta(days=3)).isoformat()})
    assert not form.is_valid() and list(form.errors) == ["event_date"]


def test_a_valid_public_form_is_received_without_a_second_validation_and_its_files_are_still_checked(unit):
    data = {"complaint_type": ComplaintType.COMPLAINT, "summary": "Antre lama", "description": "Tiga jam menunggu.",
            "subject": "Dukcapil", "complainant_name": "Siti", "complainant_phone": "081234567890",
            "is_confidential": "on"}
    form = ComplaintForm(data)
    assert form.is_valid()
    complaint = complaint_receive(unit=unit, form=form)
    assert (complaint.channel, complaint.complainant.phone, complaint.complainant.notify_by) == (
        "web", "+6281234567890", NotifyBy.WHATSAPP)

    program = SimpleUploadedFile("foto.jpg", b"MZ\x90\x00 not a photo", content_type="image/jpeg")
    with pytest.raises(StepInputInvalid) as refused:
        complaint_receive(unit=unit, form=ComplaintForm(data), files=MultiValueDict({"evidence": [program]}))
    assert list(refused.value.errors) == ["evidence"]
    assert Complaint.objects.count() == 1


def test_an_unchecked_or_invalid_form_is_a_programming_error(unit):
    with pytest.raises(TypeError):
        complaint_receive(unit=unit, form=ComplaintForm({"summary": ""}))
    assert not Complaint.objects.exists()
