"""`pengaduan report`: the Buku Pengaduan, the periodic report and SOP compliance from the console, and
`rebuild-stats` to (re)compute the stored office-time figures the reports aggregate.

    pengaduan report register --year 2026 [--month 11 | --quarter 4] [--unit INSP] --format pdf|xlsx -o FILE
    pengaduan report periodic --period 2026-11|2026-Q4|2026 [--unit INSP] -o FILE
    pengaduan report compliance --period 2026-Q4 [--unit INSP]
    pengaduan report rebuild-stats [--all] [--unit INSP]
    pengaduan report evidence --unit INSP --year 2026 [-o FILE]

Progress goes to stderr, so stdout stays clean for scripts.
"""

from __future__ import annotations

import os
import tempfile
import time
from argparse import ArgumentParser
from contextlib import contextmanager
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import override

from pengaduan.reports import selectors
from pengaduan.reports.evidence import EvidenceError, check_year, evidence_pack
from pengaduan.reports.formatting import office_duration, percent
from pengaduan.reports.periodic import periodic_pdf
from pengaduan.reports.periods import PERIOD_HELP, Period
from pengaduan.reports.register import REPORT_LANGUAGE, RegisterTooLong, register_pdf, register_xlsx
from pengaduan.reports.stats import rebuild_stats
from pengaduan.units.models import Unit

UNIT_HELP = "unit code (default: the only unit)"


class ProgressBar:
    """A plain-text progress bar on a command's stderr (an OutputWrapper): redrawn in place on a terminal,
    one line per tenth elsewhere (logs, cron mail)."""

    def __init__(self, stream, label: str, width: int = 30):
        self.stream, self.label, self.width = stream, label, width
        self.tty = hasattr(stream, "isatty") and stream.isatty()
        self.started = time.monotonic()
        self.last_tenth = -1

    def __call__(self, done: int, total: int) -> None:
        fraction = 1.0 if not total else min(done / total, 1.0)
        tenth = int(fraction * 10)
        if not self.tty and tenth == self.last_tenth:
            return
        self.last_tenth = tenth
        filled = int(fraction * self.width)
        bar = "#" * filled + "-" * (self.width - filled)
        line = f"{self.label} [{bar}] {fraction:4.0%} {done}/{total} {time.monotonic() - self.started:.1f}s"
        self.stream.write(("\r" + line) if self.tty else line, ending="" if self.tty else "\n")
        self.stream.flush()

    def finish(self) -> None:
        if self.tty:
            self.stream.write("")
            self.stream.flush()


class Command(BaseCommand):
    help = ("Reports: the Buku Pengaduan (PDF/XLSX), the periodic report (PDF), SOP compliance, the evidence pack "
            "(ZIP), rebuild-stats.")

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

        register = actions.add_parser("register", help="The Buku Pengaduan of a period as PDF or XLSX.")
        register.add_argument("--year", type=int, help="e.g. 2026")
        register.add_argument("--month", type=int, help="1-12: one month of the year")
        register.add_argument("--quarter", type=int, choices=[1, 2, 3, 4], help="one quarter of the year")
        register.add_argument("--period", help=f"instead of --year/--month: {PERIOD_HELP}")
        register.add_argument("--unit", metavar="CODE", help=UNIT_HELP)
        register.add_argument("--format", choices=["pdf", "xlsx"], required=True)
        register.add_argument("-o", "--output", required=True, metavar="FILE")

        periodic = actions.add_parser("periodic", help="The periodic report (PDF) for the Walikota.")
        periodic.add_argument("--period", required=True, help=PERIOD_HELP)
        periodic.add_argument("--unit", metavar="CODE", help=UNIT_HELP)
        periodic.add_argument("-o", "--output", required=True, metavar="FILE")

        compliance = actions.add_parser("compliance", help="SOP compliance per step, as a table on stdout.")
        compliance.add_argument("--period", required=True, help=PERIOD_HELP)
        compliance.add_argument("--unit", metavar="CODE", help=UNIT_HELP)

        evidence = actions.add_parser("evidence", help="The evidence pack of a year (ZIP with an index PDF).")
        evidence.add_argument("--unit", metavar="CODE", required=True, help="unit code")
        evidence.add_argument("--year", type=int, required=True, help="e.g. 2026")
        evidence.add_argument("-o", "--output", metavar="FILE",
                              help="default: bukti-pengaduan-CODE-YEAR.zip in the current folder")

        rebuild = actions.add_parser("rebuild-stats", help="Compute the stored figures of finished steps.")
        rebuild.add_argument("--all", action="store_true", help="recompute every figure (after a calendar change)")
        rebuild.add_argument("--unit", metavar="CODE", help="only this unit")
        rebuild.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args, action: str, **options) -> None:
        with override(REPORT_LANGUAGE):
            if action == "register":
                self._register(options)
            elif action == "periodic":
                self._periodic(options)
            elif action == "compliance":
                self._compliance(options)
            elif action == "evidence":
                self._evidence(options)
            else:
                self._rebuild(options)

    # -- arguments ----------------------------------------------------------------------------------------------

    def _unit(self, code: str | None, *, required: bool = True) -> Unit | None:
        if code:
            unit = Unit.objects.filter(code=code).first()
            if unit is None:
                known = ", ".join(Unit.objects.order_by("code").values_list("code", flat=True)) or "none yet"
                raise CommandError(f"Unknown unit {code!r} (known unit codes: {known})")
            return unit
        if not required:
            return None
        units = list(Unit.objects.order_by("code")[:2])
        if len(units) == 1:
            return units[0]
        if not units:
            raise CommandError("There is no unit yet.")
        codes = ", ".join(Unit.objects.order_by("code").values_list("code", flat=True))
        raise CommandError(f"Several units: choose one with --unit ({codes})")

    @staticmethod
    def _period(text: str) -> Period:
        try:
            return Period.parse(text)
        except ValueError as error:
            raise CommandError(str(error)) from None

    def _register_period(self, options) -> Period:
        if options["period"]:
            return self._period(options["period"])
        year, month, quarter = options["year"], options["month"], options["quarter"]
        if not year:
            raise CommandError("Give --year (with --month or --quarter for part of it), or --period")
        if month and quarter:
            raise CommandError("Give --month or --quarter, not both")
        if month and not 1 <= month <= 12:
            raise CommandError(f"--month must be 1 to 12, got {month}")
        try:
            if month:
                return Period.month(year, month)
            return Period.quarter(year, quarter) if quarter else Period.year(year)
        except ValueError as error:
            raise CommandError(f"Cannot make a report for --year {year}: {error}") from None

    @staticmethod
    def _output(name: str) -> Path:
        """The file to write, checked before any work: its folder must exist and be writable."""
        path = Path(name)
        folder = path.parent
        if not folder.is_dir():
            raise CommandError(f"Cannot write {path}: the folder {folder} does not exist")
        if not os.access(folder, os.W_OK | os.X_OK):
            raise CommandError(f"Cannot write {path}: the folder {folder} is not writable")
        if path.is_dir():
            raise CommandError(f"Cannot write {path}: it is a folder")
        return path

    @staticmethod
    @contextmanager
    def _writing(path: Path):
        """A file beside `path` that becomes `path` only when complete: a failure leaves nothing half-written."""
        descriptor, partial = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
        try:
            with os.fdopen(descriptor, "wb") as output:
                yield output
            os.replace(partial, path)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise

    def _written(self, path: Path, what: str) -> None:
        self.stdout.write(f"{what}: {path} ({path.stat().st_size:,} bytes)")

    # -- actions ------------------------------------------------------------------------------------------------

    def _register(self, options) -> None:
        unit, period = self._unit(options["unit"]), self._register_period(options)
        path = self._output(options["output"])
        bar = ProgressBar(self.stderr, "Buku Pengaduan")
        try:
            if options["format"] == "xlsx":
                with self._writing(path) as output:
                    rows = register_xlsx(output, unit=unit, period=period, progress=bar)
            else:
                pdf = register_pdf(unit=unit, period=period, progress=bar)
                with self._writing(path) as output:
                    output.write(pdf)
                rows = None
        except OSError as error:
            raise CommandError(f"Cannot write {path}: {error.strerror or error}") from None
        except RegisterTooLong as too_long:
            raise CommandError(f"{too_long.rows} entries: too many for a printed register; use --format xlsx, "
                               f"or a shorter period (--month).") from None
        finally:
            bar.finish()
        self._written(path, f"Buku Pengaduan {unit.code} {period.code}" + (f", {rows} entries" if rows is not None
                                                                          else ""))

    def _periodic(self, options) -> None:
        unit, period = self._unit(options["unit"]), self._period(options["period"])
        path = self._output(options["output"])
        pdf = periodic_pdf(unit=unit, period=period, now=timezone.now())
        try:
            with self._writing(path) as output:
                output.write(pdf)
        except OSError as error:
            raise CommandError(f"Cannot write {path}: {error.strerror or error}") from None
        self._written(path, f"Periodic report {unit.code} {period.code}")

    def _compliance(self, options) -> None:
        unit, period = self._unit(options["unit"]), self._period(options["period"])
        self.stdout.write(f"SOP compliance, {unit.name}, {period.label}")
        self.stdout.write(f"{'step':<32} {'standard':<14} {'done':>7} {'on time':>9} {'median':>16} {'p90':>16}")
        for row in selectors.compliance_by_step(unit=unit, period=period):
            self.stdout.write(
                f"{row.step.number}. {row.step.label[:29]:<29} {row.step.standard[:14]:<14} {row.done:>7} "
                f"{percent(row.on_time_share):>9} {office_duration(row.median):>16} {office_duration(row.p90):>16}"
            )

    def _evidence(self, options) -> None:
        unit, year = self._unit(options["unit"]), options["year"]
        try:
            with override("en"):  # the console speaks English, as every other message of this command
                check_year(year)
        except EvidenceError as error:
            raise CommandError(str(error)) from None
        path = self._output(options["output"] or f"bukti-pengaduan-{unit.code}-{year}.zip")
        try:
            with self._writing(path) as output:
                pack = evidence_pack(output, unit=unit, year=year)
        except OSError as error:
            raise CommandError(f"Cannot write {path}: {error.strerror or error}") from None
        self._written(path, f"Evidence pack {unit.code} {year}, {len(pack.files)} files")

    def _rebuild(self, options) -> None:
        unit = self._unit(options["unit"], required=False)
        bar = ProgressBar(self.stderr, "Figures")
        try:
            runs, complaints = rebuild_stats(everything=options["all"], unit=unit, batch_size=options["batch_size"],
                                             progress=bar)
        finally:
            bar.finish()
        self.stdout.write(f"Figures written: {runs} step runs, {complaints} answered complaints.")
