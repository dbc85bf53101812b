"""Outgrowing SQLite: the demo's SQLite database, backed up with `pengaduan backup`, restores with
`pengaduan restore` into a freshly migrated PostgreSQL database row for row and file for file, exactly as the
README's "Outgrowing SQLite" tells an operator to do it.

Both installations run as subprocesses with their own data folders: SQLite in a file, PostgreSQL in a
database made for the test on the server of the PostgreSQL pass of `make test` (scripts/with-postgres.sh).
"""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db(transaction=True)
HERE = Path(__file__).parent
CLI = ["-m", "pengaduan.cli"]


def run(args, env):
    done = subprocess.run([sys.executable, *args], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{args}: {done.stdout}\n{done.stderr}"
    return done.stdout


def installation(data: Path, database_url: str | None) -> dict:
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env["PENGADUAN_DATA_DIR"] = str(data)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


@pytest.fixture
def empty_postgresql_database():
    """A new database on the test server, dropped afterwards; its DATABASE_URL."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: runs in the PostgreSQL pass of `make test` (scripts/with-postgres.sh)")
    name = f"pengaduan_roundtrip_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    base = urlsplit(os.environ["DATABASE_URL"])
    yield urlunsplit(base._replace(path=f"/{name}"))
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_sqlite_demo_restores_into_postgresql_row_for_row(empty_postgresql_database, tmp_path):
    sqlite = installation(tmp_path / "sqlite-data", None)
    run([*CLI, "migrate", "--noinput", "-v", "0"], sqlite)
    run([*CLI, "demo"], sqlite)
    snapshot = str(HERE / "roundtrip_snapshot.py")
    run([snapshot, str(tmp_path / "sqlite.json"), "--add-evidence"], sqlite)  # a photo; a run of remind
    archive = tmp_path / "pengaduan-sqlite.tar.gz"
    assert "Backed up" in run([*CLI, "backup", str(archive)], sqlite)
    assert (tmp_path / "sqlite-data" / "pengaduan.sqlite3").exists()

    postgresql = installation(tmp_path / "postgresql-data", empty_postgresql_database)
    postgresql["JOB_STALE_AFTER"] = "remind=600"  # the restored remind run stays fresh on a slow machine
    run([*CLI, "migrate", "--noinput", "-v", "0"], postgresql)
    assert "Restored" in run([*CLI, "restore", str(archive)], postgresql)
    run([snapshot, str(tmp_path / "postgresql.json")], postgresql)
    before = json.loads((tmp_path / "sqlite.json").read_text())
    after = json.loads((tmp_path / "postgresql.json").read_text())

    assert before["files"] and before["rows"]["complaints.complaint"] and before["rows"]["jobs.jobrun"]
    assert after["rows"].keys() == before["rows"].keys()
    assert [label for label in before["rows"] if after["rows"][label] != before["rows"][label]] == []
    assert after["files"] == before["files"]
    # The sequences follow the restored rows: the next complaint (with its photo) is recorded without a clash.
    run([snapshot, str(tmp_path / "next.json"), "--add-evidence"], postgresql)
    assert "ready" in run([*CLI, "status"], postgresql)
