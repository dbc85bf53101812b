"""The engine follows whatever SOP a unit loads: other steps, other roles, other time limits, new versions."""

import pytest

from pengaduan.complaints.engine import complaint_record, step_complete
from pengaduan.complaints.errors import NotPermitted
from pengaduan.complaints.models import Complaint
from pengaduan.sop.services import sop_load
from factories import EXAMPLE_SOP, MADIUN_SOP, intake_data, load_sop, make_unit, make_user, wib
from madiun_steps import STEP_DATA

pytestmark = pytest.mark.django_db


def test_it_runs_a_three_step_sop_with_other_roles_end_to_end():
    sop = load_sop(EXAMPLE_SOP)
    unit = make_unit(code="DPMPTSP", name="DPMPTSP Kabupaten Contoh", sop_code=sop.code)
    petugas = make_user("petugas", unit=unit, roles=("petugas",))
    kepala = make_user("kabid", unit=unit, roles=("kepala_bidang",))
    complaint = complaint_record(unit=unit, actor=petugas, data=intake_data(), now=wib(2026, 11, 23, 9, 0))
    # Step 1 is "1 jam": the record at 09:00 started at 09:00 and was done at once.
    review = complaint.step_runs.get(number=2)
    assert (review.role, review.step.kind) == ("kepala_bidang", "review")
    assert review.due_at == wib(2026, 11, 26, 16, 0)  # "3 hari kerja" from Monday: Thursday's close
    with pytest.raises(NotPermitted):
        step_complete(complaint=complaint, actor=petugas, step_number=2, data={"notes": "Saya tinjau"})
    step_complete(complaint=complaint, actor=kepala, step_number=2, data={"notes": "Izin diproses ulang."},
                  now=wib(2026, 11, 24, 10, 0))
    deliver = complaint.step_runs.get(number=3)
    assert deliver.due_at == wib(2026, 11, 26, 10, 0)  # "2 x 24 jam": calendar time
    step_complete(complaint=complaint, actor=petugas, step_number=3, now=wib(2026, 11, 24, 11, 0), data={
        "method": "email", "recipient": "Siti Aminah", "documentation": "Dikirim lewat surel."})
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.CLOSED
    assert complaint.step_runs.count() == 3


def test_it_keeps_a_running_case_on_the_sop_version_it_started_under(unit, staff):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data())
    v1 = complaint.sop
    changed = MADIUN_SOP.read_text(encoding="utf-8").replace('time_limit = "10 menit"', 'time_limit = "2 jam"')
    v2, created = sop_load(text=changed, source_name="madiun-revisi.toml")
    assert created and v2.version == v1.version + 1

    step_complete(complaint=complaint, actor=staff["sekretaris"], step_number=2, data=STEP_DATA[2])
    complaint.refresh_from_db()
    assert complaint.sop == v1
    assert v1.steps.get(number=2).time_limit_text == "10 menit"
    newer = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data())
    assert newer.sop == v2
    assert newer.step_runs.get(number=2).step.time_limit_text == "2 jam"
