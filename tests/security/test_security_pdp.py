"""UU PDP: a data subject gets what is held and who processed it; identities are erased after retention."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from pengaduan.complaints import pdp
from pengaduan.complaints.engine import complaint_record, note_add
from pengaduan.complaints.models import AccessLog, Complainant, Complaint
from factories import intake_data, wib
from madiun_steps import STEP_DATA, advance

pytestmark = pytest.mark.django_db


def test_it_exports_what_a_complainant_gave_and_who_processed_it_but_not_internal_notes(unit, staff):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(complainant_email="siti@example.org"))
    note_add(complaint=complaint, actor=staff["sekretaris"], text="Petugas X pernah dijatuhi hukuman disiplin")
    advance(complaint, staff, to_step=4)
    data = pdp.export(reference="SITI@example.org")
    assert data["data_subject"][0]["name"] == "Siti Aminah"
    exported = data["complaints"][0]
    assert exported["register_number"] == complaint.register_number
    assert {"jfu", "sekretaris", "inspektur"} <= {entry["by"] for entry in exported["processing"]}
    text = json.dumps(data)
    assert "hukuman disiplin" not in text and STEP_DATA[3]["reasoning"] not in text
    assert AccessLog.objects.filter(complaint=complaint, action="export").exists()


def test_it_finds_a_complainant_by_telephone_or_tracking_code(unit, staff):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(complainant_phone="0812-3456-7890"))
    assert list(pdp.complaints_of("081234567890")) == [complaint]
    assert list(pdp.complaints_of(complaint.tracking_code.lower())) == [complaint]


def test_the_export_command_says_when_nothing_is_found(unit):
    with pytest.raises(CommandError, match="No complaint"):
        call_command("pdp", "export", "--complainant", "tidak-ada@example.org")


def test_it_erases_identities_after_retention_and_is_safe_to_rerun(unit, staff):
    old = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(), now=wib(2020, 3, 2, 9, 0))
    advance(old, staff, to_step=6, now=wib(2020, 3, 3, 9, 0))
    recent = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(), now=wib(2026, 3, 2, 9, 0))
    advance(recent, staff, to_step=6, now=wib(2026, 3, 3, 9, 0))
    now = wib(2026, 11, 28, 9, 0)
    assert pdp.erase_expired(now=now, years=5, dry_run=True) == 1
    assert pdp.erase_expired(now=now, years=5) == 1
    assert pdp.erase_expired(now=now, years=5) == 0
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.complainant is None and old.identity_erased_at == now
    assert recent.complainant is not None
    assert Complainant.objects.count() == 1
    assert AccessLog.objects.filter(complaint=old, action="erase").count() == 1
    assert Complaint.objects.get(pk=old.pk).register_number  # the register keeps the entry
