"""The Buku Pengaduan: register numbers, unique and gapless per unit and year."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from pengaduan.complaints.models import Complaint, RegisterCounter


def register_allocate(*, complaint: Complaint, at: datetime) -> None:
    """Give the complaint the next register number of its unit for the year of `at` (local time).

    Must run inside the transaction that records the complaint: the counter row stays locked until
    commit, so concurrent intakes queue up, and a rollback returns the number: no gaps, no twins.
    """
    assert transaction.get_connection().in_atomic_block, "register numbers are allocated inside a transaction"
    local = timezone.localtime(at)
    RegisterCounter.objects.get_or_create(unit=complaint.unit, year=local.year)
    counter = RegisterCounter.objects.select_for_update().get(unit=complaint.unit, year=local.year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    complaint.register_year = local.year
    complaint.register_seq = counter.last_number
    complaint.register_number = complaint.unit.format_register_number(
        number=counter.last_number, year=local.year, month=local.month
    )
    complaint.recorded_at = at
