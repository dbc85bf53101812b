"""The `pengaduan` command on a fresh data folder: before `migrate`, one line saying what to run, no traceback."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

import pengaduan

SOP_FILE = Path(pengaduan.__file__).parent / "sop" / "files" / "madiun-3.1.1.10.toml"

# Every command of ours that reads or writes the database (file-only ones such as `sop validate` work anyway).
NEEDS_THE_DATABASE = [
    ["sop", "show"],
    ["sop", "load", str(SOP_FILE)],
    ["sop", "print", "-o", "{tmp}/sop.pdf"],
    ["demo"],
    ["remind"],
    ["outbox", "list"],
    ["outbox", "send"],
    ["apitoken", "list"],
    ["apikey", "list"],
    ["backup", "{tmp}/backup.tar.gz"],
    ["report", "register", "--format", "pdf", "-o", "{tmp}/register.pdf"],
    ["seed", "--complaints", "1"],
    ["pdp", "export", "--complainant", "siti@example.org"],
    ["pdp", "erase", "--dry-run"],
]


def pengaduan_cli(*args: str, data_dir: Path, language: str = "en") -> subprocess.CompletedProcess:
    env = {**os.environ, "PENGADUAN_DATA_DIR": str(data_dir), "LANGUAGE_CODE": language}
    env.pop("DATABASE_URL", None)  # a fresh folder means its own new SQLite file
    return subprocess.run([sys.executable, "-m", "pengaduan.cli", *args], capture_output=True, text=True, env=env,
                          timeout=120)


@pytest.mark.parametrize("command", NEEDS_THE_DATABASE, ids=" ".join)
def test_it_says_to_migrate_first_on_a_fresh_folder(command, tmp_path):
    result = pengaduan_cli(*[arg.format(tmp=tmp_path) for arg in command], data_dir=tmp_path / "data")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "run `pengaduan migrate` first" in lines[0], result.stderr
    assert result.stdout == ""


def test_it_says_it_in_indonesian_by_default(tmp_path):
    result = pengaduan_cli("sop", "show", data_dir=tmp_path / "data", language="id")
    assert result.returncode == 1
    assert result.stderr == "Basis data belum disiapkan: jalankan dulu `pengaduan migrate`.\n"


def test_it_prints_no_sqlite_index_warning_and_ends_the_no_sop_line(tmp_path):
    data = tmp_path / "data"
    migrated = pengaduan_cli("migrate", "--noinput", data_dir=data)
    assert migrated.returncode == 0, migrated.stderr
    assert "W040" not in migrated.stdout + migrated.stderr
    shown = pengaduan_cli("sop", "show", data_dir=data)
    assert shown.returncode == 0 and "W040" not in shown.stderr
    assert shown.stdout == "No SOP is loaded yet. Load one with `pengaduan sop load FILE`.\n"
