"""Outgrowing SQLite: the demo's SQLite database, backed up with `pengaduan backup`, restores into PostgreSQL
with `pengaduan restore` row for row and file for file (README, "Outgrowing SQLite").

The SQLite side runs in a subprocess with its own data folder; the PostgreSQL side is the test database of
the PostgreSQL pass of `make test`.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from roundtrip_snapshot import snapshot

pytestmark = pytest.mark.django_db(transaction=True)
HERE = Path(__file__).parent


def run(args, env):
    done = subprocess.run([sys.executable, *args], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{args}: {done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture
def sqlite_demo_backup(tmp_path):
    """A SQLite installation as `make run` leaves it (migrated, the demo loaded, a photo, a remind run),
    its backup, and the snapshot of its rows and files."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: runs in the PostgreSQL pass of `make test` (scripts/with-postgres.sh)")
    data = tmp_path / "sqlite-data"
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env["PENGADUAN_DATA_DIR"] = str(data)
    cli = ["-m", "pengaduan.cli"]
    run([*cli, "migrate", "--noinput", "-v", "0"], env)
    run([*cli, "demo"], env)
    run([str(HERE / "roundtrip_snapshot.py"), str(tmp_path / "before.json"), "--add-evidence"], env)
    archive = tmp_path / "pengaduan-sqlite.tar.gz"
    assert "Backed up" in run([*cli, "backup", str(archive)], env)
    assert (data / "pengaduan.sqlite3").exists()
    return archive, json.loads((tmp_path / "before.json").read_text())


def test_a_sqlite_backup_restores_into_postgresql_row_for_row(sqlite_demo_backup, tmp_path, settings):
    archive, before = sqlite_demo_backup
    assert before["files"] and before["rows"]["complaints.complaint"]

    settings.MEDIA_ROOT = tmp_path / "postgres-media"
    call_command("flush", interactive=False, verbosity=0)  # as a fresh `pengaduan migrate` leaves it: empty
    call_command("restore", str(archive), stdout=open(os.devnull, "w"))
    after = snapshot()

    assert after["rows"].keys() == before["rows"].keys()
    different = [label for label in before["rows"] if after["rows"][label] != before["rows"][label]]
    assert different == []
    assert after["files"] == before["files"]

    # The sequences follow the restored rows: the next complaint gets the next id, not a clash.
    from pengaduan.complaints.engine import complaint_record
    from pengaduan.units.models import Membership

    membership = Membership.objects.filter(role="jfu").select_related("unit", "user").first()
    complaint = complaint_record(unit=membership.unit, actor=membership.user, data={
        "channel": "walk_in", "complainant_name": "Budi", "summary": "Jalan rusak", "description": "Berlubang.",
        "subject": "Dinas PU"})
    assert complaint.pk > max(row["id"] for row in before["rows"]["complaints.complaint"])
