"""Is this installation ready: the database answers, its migrations are applied, the data folder takes files,
and the background jobs keep their rhythm. Read by /readyz (machines) and `pengaduan status` (people).

The answers carry no personal data and no configuration: check names, "ok" or a short reason, job times.
"""

import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from pengaduan.jobs.services import JobHealth, jobs_health

_migrations_applied = False  # once applied, they stay so for this process (a new release restarts it)


@dataclass
class Readiness:
    checks: dict[str, str] = field(default_factory=dict)  # name → "ok" or a short reason
    jobs: dict[str, JobHealth] = field(default_factory=dict)
    jobs_checked: bool = False

    @property
    def serving(self) -> bool:
        """What pages need: the database, its migrations, the data folder."""
        return all(result == "ok" for result in self.checks.values())

    @property
    def jobs_ok(self) -> bool:
        return self.jobs_checked and all(job.ok for job in self.jobs.values())

    @property
    def ready(self) -> bool:
        return self.serving and self.jobs_ok

    def as_json(self, *, include_jobs_in_status: bool = True) -> dict:
        ok = self.ready if include_jobs_in_status else self.serving
        checks = dict(self.checks)
        checks["jobs"] = ("ok" if self.jobs_ok else "stale or failing") if self.jobs_checked else "not checked"
        return {
            "status": "ok" if ok else "fail",
            "checks": checks,
            "jobs": {name: job.as_json() for name, job in self.jobs.items()},
        }


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        return f"unreachable ({type(error).__name__})"
    return "ok"


def check_migrations() -> str:
    global _migrations_applied
    if _migrations_applied:
        return "ok"
    from django.db.migrations.executor import MigrationExecutor

    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as error:
        return f"unknown ({type(error).__name__})"
    if pending:
        return f"{len(pending)} not applied"
    _migrations_applied = True
    return "ok"


def check_data_dir() -> str:
    """A file can be written (and removed) in the data folder and in the attachments' folder."""
    for name, folder in (("data folder", Path(settings.DATA_DIR)), ("media folder", Path(settings.MEDIA_ROOT))):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=folder, prefix=".readyz-") as probe:
                probe.write(b"ok")
                probe.flush()
        except OSError:
            return f"{name} not writable"
    return "ok"


def readiness(*, now: datetime | None = None) -> Readiness:
    result = Readiness()
    result.checks["database"] = check_database()
    if result.checks["database"] == "ok":
        result.checks["migrations"] = check_migrations()
    result.checks["data_dir"] = check_data_dir()
    if result.checks["database"] == "ok" and result.checks.get("migrations") == "ok":
        try:
            result.jobs = jobs_health(now=now or timezone.now())
            result.jobs_checked = True
        except DatabaseError:
            pass  # reported as "not checked", and not ready
    return result
