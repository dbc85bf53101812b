"""The Buku Pengaduan: numbers unique and gapless per unit and year, also under concurrent intake."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import transaction

from pengaduan.complaints.engine import complaint_record, step_complete
from pengaduan.complaints.errors import StepNotCurrent
from pengaduan.complaints.models import Complaint
from factories import in_thread, intake_data, make_unit, make_user, wib
from madiun_steps import STEP_DATA


@pytest.mark.django_db
def test_it_numbers_the_register_per_unit_and_year(unit, jfu, outsider):
    first = complaint_record(unit=unit, actor=jfu, data=intake_data(), now=wib(2026, 12, 31, 9, 0))
    second = complaint_record(unit=unit, actor=jfu, data=intake_data(), now=wib(2026, 12, 31, 10, 0))
    next_year = complaint_record(unit=unit, actor=jfu, data=intake_data(), now=wib(2027, 1, 4, 8, 0))
    assert [first.register_number, second.register_number, next_year.register_number] == [
        "0001/PGD/INSP/2026", "0002/PGD/INSP/2026", "0001/PGD/INSP/2027",
    ]
    other_unit = outsider.memberships.first().unit
    other = complaint_record(unit=other_unit, actor=outsider, data=intake_data(), now=wib(2026, 12, 31, 9, 0))
    assert other.register_number == "0001/PGD/DINKES/2026"


@pytest.mark.django_db
def test_it_follows_the_units_register_format(madiun_sop):
    unit = make_unit(code="ITKAB", register_code="ITK", register_format="{unit}-{year}/{month:02d}/{number:05d}")
    jfu = make_user("petugas", unit=unit, roles=("jfu",))
    complaint = complaint_record(unit=unit, actor=jfu, data=intake_data(), now=wib(2026, 3, 2, 9, 0))
    assert complaint.register_number == "ITK-2026/03/00001"


@pytest.mark.django_db
def test_it_gives_the_number_back_when_the_recording_fails(unit, jfu):
    complaint_record(unit=unit, actor=jfu, data=intake_data())
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            complaint_record(unit=unit, actor=jfu, data=intake_data())
            raise RuntimeError("disk full")
    third = complaint_record(unit=unit, actor=jfu, data=intake_data())
    assert list(Complaint.objects.values_list("register_seq", flat=True).order_by("register_seq")) == [1, 2]
    assert third.register_seq == 2


@pytest.mark.django_db(transaction=True)
def test_it_gives_fifty_concurrent_intakes_fifty_gapless_numbers(unit, jfu):
    start = threading.Barrier(50)

    @in_thread
    def record(index):
        start.wait()
        return complaint_record(unit=unit, actor=jfu, data=intake_data(summary=f"Aduan {index}")).register_seq

    with ThreadPoolExecutor(max_workers=50) as pool:
        numbers = list(pool.map(record, range(50)))
    assert sorted(numbers) == list(range(1, 51))
    stored = list(Complaint.objects.values_list("register_seq", flat=True).order_by("register_seq"))
    assert stored == list(range(1, 51))


@pytest.mark.django_db(transaction=True)
def test_it_lets_exactly_one_of_two_officers_finish_the_same_step(unit, jfu):
    sekretaris_a = make_user("sekretaris_a", unit=unit, roles=("sekretaris",))
    sekretaris_b = make_user("sekretaris_b", unit=unit, roles=("sekretaris",))
    complaint = complaint_record(unit=unit, actor=jfu, data=intake_data())
    start = threading.Barrier(2)

    @in_thread
    def clarify(actor):
        start.wait()
        try:
            step_complete(complaint=complaint, actor=actor, step_number=2, data=STEP_DATA[2])
            return "done"
        except StepNotCurrent as refused:
            return refused.message

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = list(pool.map(clarify, [sekretaris_a, sekretaris_b]))
    assert outcomes.count("done") == 1
    assert complaint.step_runs.filter(number=3).count() == 1
    assert complaint.events.filter(kind="step_completed", step_number=2).count() == 1
