"""A Pemda: the Inspektorat (triage unit, seed SOP) and a Dinas Kesehatan under another SOP, with officers."""

import pytest
from factories import EXAMPLE_SOP, load_sop, make_unit, make_user


@pytest.fixture
def dinkes(madiun_sop):
    sop = load_sop(EXAMPLE_SOP)
    unit = make_unit(code="DINKES", name="Dinas Kesehatan Kota Madiun", sop_code=sop.code,
                     services="Puskesmas, rumah sakit daerah dan layanan kesehatan.",
                     parent_name="Pemerintah Kota Madiun")
    make_user("petugas.dinkes", unit=unit, roles=("petugas",))
    return unit


@pytest.fixture
def pemda(unit, dinkes):
    """The Inspektorat is flagged as the triage unit; it was created first, as a single-unit install has it."""
    unit.is_triage, unit.parent_name = True, "Pemerintah Kota Madiun"
    unit.save()
    return {"INSP": unit, "DINKES": dinkes}
