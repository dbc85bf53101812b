"""`pengaduan lapor sync [--unit CODE] [--once]` and `pengaduan lapor import FILE --unit CODE [--dry-run]`."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pengaduan.jobs.services import job_run, job_spec
from pengaduan.lapor.client import LaporError
from pengaduan.lapor.importer import ImportFileError, ImportRefused, import_preview, import_write
from pengaduan.lapor.models import LaporAccount
from pengaduan.lapor.services import LaporSyncIncomplete, lapor_sync
from pengaduan.units.models import Unit


class Command(BaseCommand):
    help = "SP4N-LAPOR! bridge: sync (pull the disposed reports, push our follow-up) or import the panel's export."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sync = sub.add_parser("sync", help="pull reports and push follow-up for every unit with a LAPOR! account")
        sync.add_argument("--unit", help="only this unit's code")
        sync.add_argument("--once", action="store_true",
                          help="one pass, then exit (what the timer runs); without it: a pass every 10 minutes")
        sync.add_argument("--pages", type=int, default=None, help="pull at most this many pages per unit")
        imp = sub.add_parser("import", help="import the XLSX/CSV that the LAPOR! admin panel exports")
        imp.add_argument("file")
        imp.add_argument("--unit", required=True, help="the unit the reports were disposed to")
        imp.add_argument("--dry-run", action="store_true", help="list the rows and their errors; write nothing")

    def handle(self, *args, **options):
        if options["action"] == "import":
            return self._import(options)
        return self._sync(options)

    def _sync(self, options):
        unit = options.get("unit")
        if unit and not LaporAccount.objects.filter(unit__code=unit).exists():
            raise CommandError(f"unit {unit!r} has no SP4N-LAPOR! account (add it in the admin)")
        failed = False
        while True:
            try:
                with job_run("lapor-sync") as run:  # its heartbeat: /readyz and the workdesk banner
                    results = lapor_sync(unit_code=unit, max_pages=options.get("pages"))
                    for result in results:
                        run.count(created=result.created, matched=result.matched, sent=result.sent,
                                  failed=result.failed, units_failed=1 if result.errors else 0)
                        line = (f"{result.unit}: pulled {result.pages} page(s), {result.created} new, "
                                f"{result.matched} already here; follow-up {result.sent} sent, {result.failed} to retry")
                        self.stdout.write(line + (f"; error: {result.errors[0]}" if result.errors else ""))
                    if not results:
                        self.stdout.write("no unit has an enabled SP4N-LAPOR! account")
                    if any(result.errors for result in results):
                        raise LaporSyncIncomplete("; ".join(e for r in results for e in r.errors))
            except LaporSyncIncomplete:
                failed = True
            if options["once"]:
                break
            time.sleep(job_spec("lapor-sync").every.total_seconds())
        if failed:
            raise CommandError("some units could not be synced (see above; the error is on their account)")

    def _import(self, options):
        try:
            unit = Unit.objects.get(code=options["unit"])
        except Unit.DoesNotExist:
            raise CommandError(f"no unit with the code {options['unit']!r}") from None
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"no file {path}")
        try:
            with path.open("rb") as handle:
                if options["dry_run"]:
                    preview = import_preview(unit=unit, handle=handle, name=path.name)
                else:
                    preview = import_write(unit=unit, handle=handle, name=path.name)
        except ImportFileError as error:
            raise CommandError(str(error)) from None
        except ImportRefused as refused:
            self._rows(refused.preview)
            raise CommandError(f"{refused.preview.errors} row(s) with errors: nothing was written") from None
        except LaporError as error:  # pragma: no cover (the import makes no request)
            raise CommandError(str(error)) from None
        self._rows(preview)
        verb = "would be new" if options["dry_run"] else "new"
        self.stdout.write(f"{preview.new} {verb}, {preview.matched} already here, {preview.errors} with errors"
                          + (" (dry run: nothing written)" if options["dry_run"] else ""))
        if options["dry_run"] and preview.errors:
            raise CommandError(f"{preview.errors} row(s) with errors")

    def _rows(self, preview):
        for row in preview.rows:
            where = f" ({row.complaint.reference}, {row.complaint.unit.code})" if row.complaint else ""
            errors = f": {'; '.join(row.errors)}" if row.errors else ""
            self.stdout.write(f"row {row.number}: {row.tracking_id or '-'} {row.action}{where}{errors}")
