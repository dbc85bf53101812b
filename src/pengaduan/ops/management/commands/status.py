"""`pengaduan status`: what /readyz says, for a person at the server's console; non-zero exit when not ready."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from pengaduan.ops.health import readiness


def _ago(seconds: float) -> str:
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{minutes} min ago"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes} min ago"
    return f"{hours // 24} days ago"


class Command(BaseCommand):
    help = "Is this installation ready: database, migrations, data folder, background jobs. Exit 1 when not."

    def handle(self, *args, **options):
        now = timezone.now()
        result = readiness(now=now)
        for name, outcome in result.checks.items():
            self.stdout.write(f"{name:<12} {outcome}")
        if not result.jobs_checked:
            self.stdout.write(f"{'jobs':<12} not checked (the database is not ready)")
        width = max((len(name) for name in result.jobs), default=8)  # the names line up, however long
        for name, job in result.jobs.items():
            state = "ok" if job.ok else "STALE" if job.stale else "FAILING"
            if job.last_ok:
                last = (f"last success {timezone.localtime(job.last_ok):%Y-%m-%d %H:%M %Z} "
                        f"({_ago(job.age(now))})")
            else:
                last = f"never succeeded (watched since {timezone.localtime(job.since):%Y-%m-%d %H:%M %Z})"
            minutes = int(job.stale_after.total_seconds() // 60)
            self.stdout.write(f"job {name:<{width}} {state:<8} {last}; stale after {minutes} min")
            if job.failures_in_row:
                self.stdout.write(f"{'':<{width + 5}}{job.failures_in_row} failure(s) in a row; last: {job.last_error}")
        if result.ready:
            self.stdout.write("ready")
            return
        self.stderr.write("NOT READY")
        raise SystemExit(1)
