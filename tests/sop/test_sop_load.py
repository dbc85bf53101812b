"""Loading SOP files as versions: the same file is loaded once, a changed file becomes the next version."""

import pytest

from factories import EXAMPLE_SOP, MADIUN_SOP
from pengaduan.sop.errors import SopFileError, SopNotLoaded
from pengaduan.sop.models import Sop, SopStep
from pengaduan.sop.services import sop_checksum, sop_current, sop_load, sop_version

pytestmark = pytest.mark.django_db

MADIUN_TEXT = MADIUN_SOP.read_text(encoding="utf-8")


def changed_madiun() -> str:
    """The Madiun file after a revision: step 3 now allows 14 days and the document was revised."""
    text = MADIUN_TEXT.replace('time_limit = "maks 10 hari"', 'time_limit = "maks 14 hari"')
    return text.replace("# revised: \"-\" in the document\n", "revised = 2025-02-03\n")


def step_rows(sop: Sop) -> list[tuple]:
    return list(
        sop.steps.order_by("number").values_list(
            "number", "kind", "performer", "coordinators", "time_limit_text", "time_limit_amount", "time_limit_unit"
        )
    )


def test_it_stores_the_first_version_with_its_steps():
    sop, created = sop_load(path=MADIUN_SOP)

    assert created is True
    assert (sop.code, sop.version, sop.name) == ("3.1.1.10", 1, "Penanganan Pengaduan Pelayanan Publik")
    assert sop.source == MADIUN_TEXT and sop.source_name == "madiun-3.1.1.10.toml"
    assert sop.checksum == sop_checksum(MADIUN_TEXT)
    assert sop.roles == [
        {"code": "inspektur", "title": "Inspektur"},
        {"code": "sekretaris", "title": "Sekretaris"},
        {"code": "kasubag", "title": "Kasubag"},
        {"code": "jfu", "title": "JFU"},
    ]
    assert step_rows(sop) == [
        (1, "intake", "jfu", [], "30 menit", 30, "minutes"),
        (2, "clarify", "sekretaris", ["kasubag"], "10 menit", 10, "minutes"),
        (3, "decide", "inspektur", [], "maks 10 hari", 10, "working_days"),
        (4, "draft_answer", "sekretaris", [], "1 jam", 1, "hours"),
        (5, "deliver", "jfu", [], "30 menit", 30, "minutes"),
    ]
    step3 = sop.steps.get(number=3)
    assert step3.inputs == "Pengaduan yang sudah terklarifikasi"
    assert step3.output == "Keputusan tindak lanjut pengaduan"
    assert step3.notes == "SOP Penyelenggaraan Rapat Dinas"


def test_it_keeps_the_whole_document_as_json_with_iso_dates():
    sop, _ = sop_load(path=MADIUN_SOP)
    sop.refresh_from_db()

    assert sop.document["sop"]["created"] == "2022-12-15"
    assert sop.document["sop"]["revised"] is None
    assert len(sop.document["sop"]["equipment"]) == 5
    assert sop.document["sop"]["signatory"]["nip"] == "19670720 198809 1 001"
    assert [step["number"] for step in sop.document["steps"]] == [1, 2, 3, 4, 5]


def test_it_creates_no_new_version_when_the_same_file_is_loaded_again():
    first, _ = sop_load(path=MADIUN_SOP)

    again, created = sop_load(path=MADIUN_SOP)

    assert created is False
    assert again.pk == first.pk
    assert Sop.objects.count() == 1 and SopStep.objects.count() == 5


def test_it_creates_version_2_for_a_changed_file_and_leaves_version_1_untouched():
    v1, _ = sop_load(path=MADIUN_SOP)
    v1_steps = step_rows(v1)
    v1_step_ids = list(v1.steps.values_list("pk", flat=True))

    v2, created = sop_load(text=changed_madiun(), source_name="madiun-3.1.1.10.toml")

    assert created is True and v2.version == 2 and v2.pk != v1.pk
    assert v2.steps.get(number=3).time_limit_text == "maks 14 hari"
    assert v2.document["sop"]["revised"] == "2025-02-03"
    v1.refresh_from_db()
    assert step_rows(v1) == v1_steps
    assert list(v1.steps.values_list("pk", flat=True)) == v1_step_ids
    assert v1.source == MADIUN_TEXT and v1.steps.get(number=3).time_limit_text == "maks 10 hari"
    assert sop_current("3.1.1.10") == v2


def test_it_returns_the_old_version_unchanged_when_its_file_comes_back():
    sop_load(path=MADIUN_SOP)
    sop_load(text=changed_madiun())

    back, created = sop_load(path=MADIUN_SOP)

    assert (back.version, created) == (1, False)
    assert sop_current("3.1.1.10").version == 2


def test_it_loads_the_made_up_example_sop_next_to_madiun():
    madiun, _ = sop_load(path=MADIUN_SOP)
    example, created = sop_load(path=EXAMPLE_SOP)

    assert created is True and example.version == 1
    assert example.code == "400.1/EX/1"
    assert step_rows(example) == [
        (1, "intake", "petugas", [], "1 jam", 1, "hours"),
        (2, "review", "kepala_bidang", ["staf_teknis"], "3 hari kerja", 3, "working_days"),
        (3, "deliver", "petugas", [], "2 x 24 jam", 2, "calendar_days"),
    ]
    assert sop_current("3.1.1.10") == madiun
    assert example.role_title("kepala_bidang") == "Kepala Bidang"


def test_it_gives_each_step_its_duration():
    sop, _ = sop_load(path=EXAMPLE_SOP)

    assert [str(step.duration) for step in sop.steps.order_by("number")] == ["1 jam", "3 hari kerja", "2 hari kalender"]


def test_it_stores_nothing_for_an_invalid_file():
    with pytest.raises(SopFileError, match=r"^upload\.toml: steps\[3\]\.performer: 'kasubagg'"):
        sop_load(
            text=MADIUN_TEXT.replace('performer = "inspektur"', 'performer = "kasubagg"'), source_name="upload.toml"
        )

    assert not Sop.objects.exists() and not SopStep.objects.exists()


def test_it_wants_a_path_or_a_text_but_not_both():
    with pytest.raises(TypeError):
        sop_load()
    with pytest.raises(TypeError):
        sop_load(path=MADIUN_SOP, text=MADIUN_TEXT)


def test_it_says_clearly_when_an_sop_is_not_loaded():
    sop_load(path=EXAMPLE_SOP)

    with pytest.raises(SopNotLoaded, match=r"SOP '3\.1\.1\.10' is not loaded \(loaded SOPs: 400\.1/EX/1\)"):
        sop_current("3.1.1.10")


def test_it_finds_a_particular_version():
    sop_load(path=MADIUN_SOP)
    sop_load(text=changed_madiun())

    assert sop_version("3.1.1.10", 1).steps.get(number=3).time_limit_text == "maks 10 hari"
    with pytest.raises(SopNotLoaded, match=r"SOP 3\.1\.1\.10 has no version 7 \(loaded versions: 1, 2\)"):
        sop_version("3.1.1.10", 7)
