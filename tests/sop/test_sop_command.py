"""`pengaduan sop validate|load|show`."""

import os
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from factories import EXAMPLE_SOP, MADIUN_SOP
from pengaduan.sop.models import Sop
from pengaduan.sop.services import sop_load

MADIUN_TEXT = MADIUN_SOP.read_text(encoding="utf-8")


def run(*args: str) -> str:
    out = StringIO()
    call_command("sop", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def broken_file(tmp_path):
    path = tmp_path / "madiun.toml"
    path.write_text(MADIUN_TEXT.replace('performer = "inspektur"', 'performer = "kasubagg"'), encoding="utf-8")
    return path


def test_it_validates_a_good_file():
    assert run("validate", str(MADIUN_SOP)) == "OK: SOP 3.1.1.10 Penanganan Pengaduan Pelayanan Publik, 5 steps\n"


def test_it_refuses_a_broken_file_naming_file_and_field(broken_file):
    with pytest.raises(CommandError, match=r"madiun\.toml: steps\[3\]\.performer: 'kasubagg' is not a declared role"):
        run("validate", str(broken_file))


def test_it_exits_non_zero_without_a_traceback_on_a_broken_file(broken_file):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    result = subprocess.run(
        [sys.executable, "-m", "pengaduan.cli", "sop", "validate", str(broken_file)],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip

    assert result.returncode != 0
    assert f"{broken_file}: steps[3].performer: 'kasubagg' is not a declared role" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.django_db
def test_it_loads_a_file_once_and_says_so_the_second_time():
    assert run("load", str(MADIUN_SOP)) == "Loaded SOP 3.1.1.10 as version 1\n"
    assert run("load", str(MADIUN_SOP)) == "SOP 3.1.1.10 unchanged: version 1 is the same file\n"
    assert Sop.objects.count() == 1


@pytest.mark.django_db
def test_it_warns_when_an_older_versions_file_is_loaded_again(tmp_path):
    sop_load(path=MADIUN_SOP)
    sop_load(text=MADIUN_TEXT.replace("maks 10 hari", "maks 14 hari"))
    err = StringIO()

    call_command("sop", "load", str(MADIUN_SOP), stdout=StringIO(), stderr=err)

    assert "the newest version of SOP 3.1.1.10 is 2" in err.getvalue()


@pytest.mark.django_db
def test_it_loads_nothing_when_one_of_the_files_is_broken(broken_file):
    with pytest.raises(CommandError, match=r"steps\[3\]\.performer"):
        run("load", str(EXAMPLE_SOP), str(broken_file))

    assert not Sop.objects.exists()


@pytest.mark.django_db
def test_it_shows_the_five_steps_with_performer_titles_and_time_limits():
    sop_load(path=MADIUN_SOP)

    out = run("show", "3.1.1.10")

    assert "Nomor SOP                 3.1.1.10" in out
    assert "Tanggal Pengesahan        15 Desember 2022" in out
    assert "Tanggal Revisi            -" in out
    for title in ("Inspektur", "Sekretaris", "Kasubag", "JFU", "Kelengkapan", "Waktu", "Output", "Keterangan"):
        assert f"| {title} " in out
    for time_limit in ("30 menit", "10 menit", "maks 10 hari", "1 jam"):
        assert f"| {time_limit} " in out
    numbers = [line.split("|")[1].strip() for line in out.splitlines() if line.startswith("| ")]
    assert [number for number in numbers if number.isdigit()] == ["1", "2", "3", "4", "5"]
    assert "● mulai" in out and "● selesai" in out and "○" in out
    assert "Kotak pengaduan" in out and "Peraturan Walikota Madiun Nomor 60 Tahun 2020" in out
    assert out.rstrip().endswith("NIP. 19670720 198809 1 001")
    assert max(len(line) for line in out.splitlines()) <= 160


@pytest.mark.django_db
def test_it_puts_the_mark_in_the_performers_column():
    sop_load(path=MADIUN_SOP)

    lines = run("show").splitlines()

    header = next(line for line in lines if line.startswith("| No."))
    columns = [cell.strip() for cell in header.split("|")]
    step2 = next(line for line in lines if line.startswith("| 2 "))
    cells = [cell.strip() for cell in step2.split("|")]
    assert cells[columns.index("Sekretaris")] == "●"
    assert cells[columns.index("Kasubag")] == "○"
    assert cells[columns.index("Inspektur")] == cells[columns.index("JFU")] == ""


@pytest.mark.django_db
def test_it_shows_an_older_version_on_request():
    sop_load(path=MADIUN_SOP)
    sop_load(text=MADIUN_TEXT.replace("maks 10 hari", "maks 14 hari"))

    assert "maks 14 hari" in run("show", "3.1.1.10")
    old = run("show", "3.1.1.10", "--version", "1")
    assert "maks 10 hari" in old and "Versi 1" in old


@pytest.mark.django_db
def test_it_lists_the_loaded_sops_when_there_are_several():
    sop_load(path=MADIUN_SOP)
    sop_load(path=EXAMPLE_SOP)

    out = run("show")

    assert "3.1.1.10" in out and "400.1/EX/1" in out and "Uraian Prosedur" not in out


@pytest.mark.django_db
def test_it_says_when_no_sop_is_loaded():
    assert "No SOP is loaded yet" in run("show")
    with pytest.raises(CommandError, match=r"SOP '9\.9' is not loaded"):
        run("show", "9.9")


@pytest.mark.django_db
def test_it_shows_a_file_without_loading_it():
    out = run("show", "--file", str(EXAMPLE_SOP))

    assert "Kepala" in out and "2 x 24 jam" in out and "3 hari kerja" in out
    assert not Sop.objects.exists()
