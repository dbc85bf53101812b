"""The SOP file format: the Madiun file matches the seed document, and broken files say what and where."""

import re
from datetime import date
from pathlib import Path

import pytest

from factories import EXAMPLE_SOP, MADIUN_SOP
from pengaduan.sop.errors import SopFileError
from pengaduan.sop.schema import load_sop_file, parse_sop_text
from pengaduan.workcalendar.durations import Duration, DurationUnit

SEED = Path("/work/shared/seed/SOP-3.1.1.10-penanganan-pengaduan-pelayanan-publik.txt")
MADIUN_TEXT = MADIUN_SOP.read_text(encoding="utf-8")


def broken(old: str, new: str, *, count: int = 1) -> str:
    """The Madiun file with one edit; fails loudly if the edit does not apply, so tests cannot pass vacuously."""
    assert MADIUN_TEXT.count(old) >= count, old
    return MADIUN_TEXT.replace(old, new, count)


def problems(text: str, name: str = "madiun.toml") -> list[str]:
    with pytest.raises(SopFileError) as caught:
        parse_sop_text(text, name)
    assert str(caught.value) == "\n".join(caught.value.lines)
    return caught.value.lines


def test_it_reads_the_madiun_identity_block_as_in_the_seed():
    sop = load_sop_file(MADIUN_SOP).sop

    assert sop.code == "3.1.1.10"
    assert sop.name == "Penanganan Pengaduan Pelayanan Publik"
    assert (sop.organisation, sop.unit, sop.unit_code) == ("Pemerintah Kota Madiun", "Inspektorat", "INSP")
    assert (sop.created, sop.revised, sop.ratified) == (date(2022, 12, 15), None, date(2022, 12, 15))
    assert sop.ratified_by == "Inspektur"
    assert sop.signatory.model_dump() == {
        "title": "INSPEKTUR KOTA MADIUN",
        "name": "Drs. GAGUK HARIYONO",
        "rank": "Pembina Utama Muda",
        "nip": "19670720 198809 1 001",
    }


def test_it_keeps_the_seed_lists_of_legal_basis_equipment_warnings_and_recording():
    sop = load_sop_file(MADIUN_SOP).sop

    assert len(sop.legal_basis) == 3
    assert sop.legal_basis[0] == "Peraturan Daerah Nomor 15 Tahun 2011 tentang Pelayanan Publik"
    assert sop.legal_basis[2].startswith("Peraturan Walikota Madiun Nomor 60 Tahun 2020")
    assert sop.equipment == [
        "Alat Tulis Kantor (ATK)",
        "Telepon",
        "Komputer dan jaringan internet",
        "Ruang pengaduan",
        "Kotak pengaduan",
    ]
    assert sop.warnings == ["Seluruh pegawai yang menerima pengaduan harus bersikap sopan dan ramah kepada pengadu"]
    assert sop.recording == ["Pencatatan pada Buku Pengaduan"]
    assert sop.qualifications == [] and sop.related_sops == []


def test_it_reads_the_madiun_procedure_table_as_in_the_seed():
    document = load_sop_file(MADIUN_SOP)

    assert [(role.code, role.title) for role in document.roles] == [
        ("inspektur", "Inspektur"),
        ("sekretaris", "Sekretaris"),
        ("kasubag", "Kasubag"),
        ("jfu", "JFU"),
    ]
    rows = [
        (s.number, s.kind, s.performer, s.coordinators, s.inputs, s.time_limit, s.output, s.notes)
        for s in document.steps
    ]
    assert rows == [
        (1, "intake", "jfu", [], "Pengaduan", "30 menit", "Pengaduan yang tercatat pada Buku Pengaduan", ""),
        (2, "clarify", "sekretaris", ["kasubag"], "Pengaduan yang tercatat pada Buku Pengaduan", "10 menit",
         "Pengaduan yang sudah terklarifikasi", ""),
        (3, "decide", "inspektur", [], "Pengaduan yang sudah terklarifikasi", "maks 10 hari",
         "Keputusan tindak lanjut pengaduan", "SOP Penyelenggaraan Rapat Dinas"),
        (4, "draft_answer", "sekretaris", [], "Keputusan tindak lanjut pengaduan", "1 jam",
         "Jawaban atas pengaduan", ""),
        (5, "deliver", "jfu", [], "Jawaban atas pengaduan", "30 menit",
         "Penyampaian jawaban pengaduan dan mendokumentasikan", ""),
    ]  # fmt: skip
    assert document.steps[4].description == (
        "JFU menyampaikan jawaban pengaduan kepada pengadu dan mendokumentasikan hasilnya"
    )


@pytest.mark.skipif(not SEED.exists(), reason="the seed text is not available here")
def test_it_copies_every_text_word_for_word_from_the_seed():
    seed = " ".join(SEED.read_text(encoding="utf-8").replace("mendokumen- tasikan", "mendokumentasikan").split())
    document = load_sop_file(MADIUN_SOP)
    sop = document.sop
    texts = [sop.name, *sop.legal_basis, *sop.equipment, *sop.warnings, *sop.recording]
    texts += [sop.signatory.title, sop.signatory.name, sop.signatory.rank, sop.signatory.nip]
    for step in document.steps:
        texts += [step.description, step.inputs, step.time_limit, step.output, step.notes]
    for text in filter(None, texts):
        assert text in seed, text


def test_it_reads_the_time_limits_as_office_time_and_working_days():
    document = load_sop_file(MADIUN_SOP)

    assert [step.duration for step in document.steps] == [
        Duration(30, DurationUnit.MINUTES),
        Duration(10, DurationUnit.MINUTES),
        Duration(10, DurationUnit.WORKING_DAYS),
        Duration(1, DurationUnit.HOURS),
        Duration(30, DurationUnit.MINUTES),
    ]


def test_it_validates_the_made_up_example_sop():
    document = load_sop_file(EXAMPLE_SOP)

    assert document.code == "400.1/EX/1"
    assert [(s.kind, s.performer, s.coordinators, s.duration) for s in document.steps] == [
        ("intake", "petugas", [], Duration(1, DurationUnit.HOURS)),
        ("review", "kepala_bidang", ["staf_teknis"], Duration(3, DurationUnit.WORKING_DAYS)),
        ("deliver", "petugas", [], Duration(2, DurationUnit.CALENDAR_DAYS)),
    ]


def test_it_counts_days_as_calendar_days_when_the_step_says_so():
    text = broken('time_limit = "maks 10 hari"', 'time_limit = "maks 10 hari"\ntime_unit = "calendar_days"')

    assert parse_sop_text(text, "madiun.toml").steps[2].duration == Duration(10, DurationUnit.CALENDAR_DAYS)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        pytest.param(
            'performer = "inspektur"', 'performer = "kasubagg"',
            "madiun.toml: steps[3].performer: 'kasubagg' is not a declared role "
            "(declared: inspektur, sekretaris, kasubag, jfu)",
            id="unknown performer",
        ),
        pytest.param(
            'coordinators = ["kasubag"]', 'coordinators = ["kasubag", "irban"]',
            "madiun.toml: steps[2].coordinators[2]: 'irban' is not a declared role",
            id="unknown coordinator",
        ),
        pytest.param(
            'kind = "decide"', 'kind = "decision"',
            "madiun.toml: steps[3].kind: 'decision' is not a known step kind "
            "(known: intake, clarify, decide, draft_answer, deliver, review)",
            id="unknown kind",
        ),
        pytest.param(
            "number = 4", "number = 5",
            "madiun.toml: steps[4].number: expected 4, found 5",
            id="gap in step numbers",
        ),
        pytest.param(
            'time_limit = "maks 10 hari"', 'time_limit = "secepatnya"',
            "madiun.toml: steps[3].time_limit: Cannot read a duration from 'secepatnya'",
            id="bad time limit",
        ),
        pytest.param(
            'output = "Jawaban atas pengaduan"\n', "",
            "madiun.toml: steps[4].output: required field is missing",
            id="missing step field",
        ),
        pytest.param(
            'ratified_by = "Inspektur"\n', "",
            "madiun.toml: sop.ratified_by: required field is missing",
            id="missing identity field",
        ),
        pytest.param(
            'inputs = "Pengaduan"\n', 'inputs = "Pengaduan"\nperformr = "jfu"\n',
            "madiun.toml: steps[1].performr: unknown field (did you mean 'performer'?); allowed here: number, kind,",
            id="extra field",
        ),
        pytest.param(
            'kind = "intake"', 'kind = "review"',
            "madiun.toml: steps[1].kind: the first step must be 'intake'",
            id="first step is not intake",
        ),
        pytest.param(
            'code = "kasubag"', 'code = "Kasubag"',
            "madiun.toml: roles[3].code: 'Kasubag' is not a valid role code",
            id="role code not a slug",
        ),
        pytest.param(
            'code = "kasubag"', 'code = "sekretaris"',
            "madiun.toml: roles[3].code: 'sekretaris' is declared twice (also roles[2])",
            id="duplicate role",
        ),
        pytest.param(
            'code = "3.1.1.10"', 'code = "  "',
            "madiun.toml: sop.code: must not be empty",
            id="empty code",
        ),
        pytest.param(
            "created = 2022-12-15", 'created = "15 Desember 2022"',
            "madiun.toml: sop.created: ",
            id="date as text",
        ),
        pytest.param(
            'time_limit = "1 jam"', 'time_limit = "1 jam"\ntime_unit = "calendar_days"',
            "madiun.toml: steps[4].time_unit: 'calendar_days' only applies to a time limit in days",
            id="calendar override on hours",
        ),
    ],
)
def test_it_names_the_file_and_the_field_of_each_problem(old, new, expected):
    lines = problems(broken(old, new))

    assert any(line.startswith(expected) for line in lines), lines


def test_it_reports_every_problem_on_its_own_line_in_file_order():
    text = broken('performer = "inspektur"', 'performer = "kasubagg"')
    text = text.replace('kind = "clarify"', 'kind = "clarfy"').replace("number = 4", "number = 5")

    assert problems(text) == [
        "madiun.toml: steps[2].kind: 'clarfy' is not a known step kind "
        "(known: intake, clarify, decide, draft_answer, deliver, review)",
        "madiun.toml: steps[3].performer: 'kasubagg' is not a declared role "
        "(declared: inspektur, sekretaris, kasubag, jfu)",
        "madiun.toml: steps[4].number: expected 4, found 5: steps are numbered 1, 2, 3, ... in file order",
    ]


def test_it_gives_line_and_column_of_a_toml_syntax_error():
    lines = MADIUN_TEXT.split("\n")
    target = lines.index('ratified_by = "Inspektur"')
    lines[target] = 'ratified_by = "Inspektur'  # unterminated string

    [line] = problems("\n".join(lines))

    assert re.match(rf"madiun\.toml: line {target + 1}, column \d+: invalid TOML: ", line), line


def test_it_refuses_a_file_without_steps():
    text = MADIUN_TEXT[: MADIUN_TEXT.index("\n[[steps]]")]

    assert problems(text) == ["madiun.toml: steps: required field is missing"]


def test_it_names_the_file_as_given_when_reading_from_disk(tmp_path):
    path = tmp_path / "madiun.toml"
    path.write_text(broken('performer = "inspektur"', 'performer = "kasubagg"'), encoding="utf-8")

    with pytest.raises(SopFileError) as caught:
        load_sop_file(path)

    assert str(caught.value).startswith(f"{path}: steps[3].performer: 'kasubagg' is not a declared role")


def test_it_says_when_the_file_does_not_exist(tmp_path):
    with pytest.raises(SopFileError, match=r"missing\.toml: file not found$"):
        load_sop_file(tmp_path / "missing.toml")
