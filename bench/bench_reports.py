"""How long the reports take, and how much memory they need, at N complaints.

Run:  PENGADUAN_DATA_DIR=/tmp/rep-bench .venv/bin/python bench/bench_reports.py [--complaints 1000000] [--years 1]
      (add --reuse to measure again on the database generated last time)

Creates a fresh SQLite database in the data directory (never the application's own database file; with
BENCH_DATABASE_URL=postgres://… it uses that PostgreSQL database instead, which it empties first), loads the
Madiun SOP, one unit and four officers, and fills it with bulk inserts: N complaints spread over the last
`--years` years (all in one year by default, the worst case for "a year"), five step runs each (the newest 3 %
still open), and the report figures (StepRunStat, ComplaintStat) the engine would have recorded.

Then it builds the rollups from the figures (what the engine keeps with each event) and measures, each in a
fresh process so that the peak resident memory (VmHWM) is that phase's own:
  dashboard   what /laporan/ computes: open steps by step, 12 months of received and share within the SOP,
              this month against the last, the longest waits
  compliance  per step (with median and 90th percentile), per officer, per month, open steps by age: a year
  periodic    the periodic report of the year and of its last month (figures and PDF)
  public      the public statistics of a year
  xlsx        the Buku Pengaduan of a year as XLSX (streamed: constant memory)
and prints time and peak RSS per phase (`--phases` picks some). The baseline line is a process that only
starts Django. With BENCH_SRC=/path/to/other/src and --reuse it times another checkout's code on the same
database (how the figures before the rollups were measured).

Reports from the rollups (2-core Xeon shared with other jobs, load average about 12, so times vary by a factor
of two; python 3.11), one year of complaints:
                         SQLite 3.40                          PostgreSQL 15
  N                      50 000          200 000              50 000          200 000
  dashboard     before   0.89 s          1.33 s               0.60 s          0.41 s
                after    0.06 s          0.09 s               0.18 s          0.17 s
  compliance    before  15.8 s          21.7 s                1.06 s          3.11 s
                after    0.37 s          0.18 s               0.28 s          0.11 s
  periodic      before  12.9 s           -                    2.24 s          3.77 s
                after    1.42 s          0.41 s               1.28 s          0.39 s
  public        before   1.00 s          -                    0.14 s          0.39 s
                after    0.10 s          0.04 s               0.69 s          0.08 s
The rollups' size grows with days, steps, officers and distinct values, not with complaints, so these times stay
flat as N grows (the periodic report's time is mostly its two PDFs). Before the rollups, at 1 000 000 complaints:
compliance 91 s / 22 s, periodic 92 s / 17 s, public 10 s / 1.3 s (SQLite / PostgreSQL). The XLSX export still
reads the register (XlsxWriter's cost per cell, about 20 µs; memory flat).
"""

import argparse
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# BENCH_SRC: measure another checkout's code (e.g. the version before a change) on the same database (--reuse).
sys.path.insert(0, os.environ.get("BENCH_SRC") or str(ROOT / "src"))

if "PENGADUAN_DATA_DIR" not in os.environ:
    os.environ["PENGADUAN_DATA_DIR"] = tempfile.mkdtemp(prefix="rep-bench-")
DATA_DIR = Path(os.environ["PENGADUAN_DATA_DIR"]).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)
DB_FILE = DATA_DIR / "bench-reports.sqlite3"
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{DB_FILE}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pengaduan.settings")

YEAR = 2026
CHUNK = 10_000
OPEN_SHARE = 0.03
CHANNELS = ["walk_in", "telephone", "letter", "complaint_box", "email", "web", "sms_whatsapp", "social_media", "lapor"]
CATEGORIES = ["Pungutan liar", "Administrasi kependudukan", "Perizinan", "Kesehatan", "Pendidikan", "Infrastruktur",
              "Kebersihan", "Perhubungan", "Bantuan sosial", "Kepegawaian", ""]
SUBJECTS = [f"Kelurahan {name}" for name in ("Manguharjo", "Taman", "Kejuron", "Josenan", "Klegen", "Demangan")] + [
    "Dinas Kependudukan dan Pencatatan Sipil", "Dinas Perhubungan", "RSUD Kota Madiun", "Dinas Pendidikan"]
DECISIONS = ["answer", "answer", "examination", "forward", "not_within_authority"]
# Office seconds per step: typical and allowed (30 min, 10 min, 10 working days, 1 h, 30 min).
TYPICAL = {1: 900, 2: 480, 3: 90_000, 4: 2_400, 5: 1_200}
ALLOWED = {1: 1_800, 2: 600, 3: 280_000, 4: 3_600, 5: 1_800}
ROLES = {1: "jfu", 2: "sekretaris", 3: "inspektur", 4: "sekretaris", 5: "jfu"}


def setup_django():
    import django

    django.setup()


def peak_mb() -> float:
    """This process's peak resident memory. VmHWM, not ru_maxrss: on Linux a child keeps its parent's ru_maxrss
    across fork and exec, so a phase started by the (large) generating process would report the parent's peak."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- generation -----------------------------------------------------------------------------------------------

def _defaults(model, given: set[str]) -> dict:
    """Values for the model's other columns (fields added later get their default), so inserts stay valid."""
    values = {}
    for field in model._meta.concrete_fields:
        if field.attname in given or field.primary_key:
            continue
        values[field.attname] = field.get_default() if field.has_default() else (None if field.null else "")
    return values


class Inserter:
    """Raw multi-row inserts of plain tuples, with the datetime and JSON adaptation the backend needs."""

    def __init__(self, model, columns: list[str]):
        from django.db import connection

        self.connection = connection
        self.fields = [model._meta.get_field(name) for name in columns]
        self.extra = _defaults(model, {field.attname for field in self.fields})
        names = [field.column for field in self.fields] + [model._meta.get_field(name).column for name in self.extra]
        self.extra_values = [self._adapt(model._meta.get_field(name), value) for name, value in self.extra.items()]
        quote = connection.ops.quote_name
        placeholders = ", ".join(["%s"] * len(names))
        self.sql = f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(map(quote, names))}) VALUES ({placeholders})"
        self.copy_sql = f"COPY {quote(model._meta.db_table)} ({', '.join(map(quote, names))}) FROM STDIN"
        kinds = [field.get_internal_type() for field in self.fields]
        self.adapters = [self._adapter(kind) for kind in kinds]

    def _adapter(self, kind: str):
        sqlite = self.connection.vendor == "sqlite"
        if kind == "DateTimeField" and sqlite:
            # What Django stores in SQLite: naive UTC text. The generator works in UTC already; formatting here
            # directly is ten times faster than the general adapter.
            return lambda value: None if value is None else value.replace(tzinfo=None).isoformat(" ")
        if kind == "DateField" and sqlite:
            return lambda value: None if value is None else value.isoformat()
        if kind == "JSONField":
            if sqlite:
                return json.dumps
            from psycopg.types.json import Jsonb

            return Jsonb
        return None

    def _adapt(self, field, value):
        return field.get_db_prep_save(value, self.connection)

    def insert(self, rows: list[tuple]) -> None:
        adapters = list(enumerate(self.adapters))
        prepared = []
        for row in rows:
            row = list(row)
            for index, adapt in adapters:
                if adapt is not None:
                    row[index] = adapt(row[index])
            prepared.append(row + self.extra_values)
        with self.connection.cursor() as cursor:
            if self.connection.vendor == "postgresql":
                # COPY: an order of magnitude faster than executemany for millions of rows.
                with cursor.cursor.copy(self.copy_sql) as copy:
                    for row in prepared:
                        copy.write_row(row)
            else:
                cursor.executemany(self.sql, prepared)


def generate(total: int, years: int) -> None:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.core.management.color import no_style
    from django.db import connection, transaction

    from pengaduan.complaints.models import Complainant, Complaint, StepRun
    from pengaduan.complaints.figure_models import ComplaintStat, StepRunStat
    from pengaduan.complaints.figures import rebuild_rollups
    from pengaduan.sop.services import sop_load
    from pengaduan.units.models import Membership, Unit
    from pengaduan.workcalendar.services import calendar_for_unit

    call_command("migrate", verbosity=0, interactive=False)
    if connection.vendor == "sqlite":
        # A throwaway database: no need to survive a power cut while it is being filled.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous = OFF")
            cursor.execute("PRAGMA cache_size = -200000")
    sop, _created = sop_load(path=ROOT / "src" / "pengaduan" / "sop" / "files" / "madiun-3.1.1.10.toml")
    unit = Unit.objects.create(code="INSP", name="Inspektorat Kota Madiun", sop_code=sop.code, register_code="INSP",
                               parent_name="Pemerintah Kota Madiun", head_title="Inspektur Kota Madiun")
    users = {}
    for role in ("jfu", "sekretaris", "kasubag", "inspektur"):
        users[role] = get_user_model().objects.create_user(username=role, first_name=role.title())
        Membership.objects.create(user=users[role], unit=unit, role=role)
    steps = {step.number: step.pk for step in sop.steps.all()}
    complainants = Complainant.objects.bulk_create(
        [Complainant(name=f"Warga {n}", phone=f"08{n:010d}") for n in range(5000)], batch_size=1000)
    complainant_ids = [c.pk for c in complainants]
    calendar = calendar_for_unit(unit)
    tz = calendar.tz

    complaint_columns = ["id", "unit_id", "sop_id", "tracking_code_hash", "channel", "received_at", "complainant_id",
                         "is_anonymous", "is_confidential", "summary", "description", "subject", "complaint_type",
                         "category", "decision_type", "register_year", "register_seq", "register_number",
                         "recorded_at", "status", "closed_at", "created_at"]
    complaints = Inserter(Complaint, complaint_columns)
    runs = Inserter(StepRun, ["id", "complaint_id", "unit_id", "step_id", "number", "role", "started_at", "due_at",
                              "done_at", "done_by_id", "output"])
    step_stats = Inserter(StepRunStat, ["step_run_id", "complaint_id", "unit_id", "step_number", "role", "done_by_id",
                                        "done_at", "done_month", "office_seconds", "paused_office_seconds",
                                        "standard_seconds", "on_time"])
    complaint_stats = Inserter(ComplaintStat, ["complaint_id", "unit_id", "received_at", "answered_at",
                                               "answered_month", "working_days", "office_seconds",
                                               "paused_office_seconds", "standard_seconds", "within_sop"])

    rng = random.Random(42)
    first_year = YEAR - years + 1
    per_year = -(-total // years)
    open_from = int(total * (1 - OPEN_SHARE))
    seq_in_year: dict[int, int] = {}
    started = time.monotonic()
    run_id = 0
    for chunk_start in range(0, total, CHUNK):
        c_rows, r_rows, s_rows, cs_rows = [], [], [], []
        for i in range(chunk_start, min(chunk_start + CHUNK, total)):
            year = first_year + i // per_year
            position = (i % per_year) / per_year
            day = date(year, 1, 1) + timedelta(days=int(position * 365))
            received = (datetime(day.year, day.month, day.day, 8, 0, tzinfo=tz) + timedelta(
                seconds=int((position * 365 % 1) * 7 * 3600))).astimezone(UTC)
            seq_in_year[year] = seq_in_year.get(year, 0) + 1
            seq = seq_in_year[year]
            pk = i + 1
            is_open = i >= open_from
            anonymous = rng.random() < 0.1
            confidential = not anonymous and rng.random() < 0.1
            decision = rng.choice(DECISIONS)
            done_steps = rng.randint(1, 4) if is_open else 5
            moment, office_total, standard_total = received, 0, 0
            done_runs = []
            for number in range(1, 6):
                if number > done_steps + 1:
                    break
                run_id += 1
                allowed = ALLOWED[number]
                due = moment + timedelta(seconds=allowed if number != 3 else 14 * 86400)
                if number <= done_steps:
                    office = int(rng.expovariate(1 / TYPICAL[number]))
                    wall = office if number != 3 else office * 3
                    done = moment + timedelta(seconds=wall)
                    output = {"decision_type": decision, "forward_to": "Dinas Perhubungan"} if number == 3 else {}
                    r_rows.append((run_id, pk, unit.pk, steps[number], number, ROLES[number], moment, due, done,
                                   users[ROLES[number]].pk, output))
                    local_done = done.astimezone(tz)
                    s_rows.append((run_id, pk, unit.pk, number, ROLES[number], users[ROLES[number]].pk, done,
                                   date(local_done.year, local_done.month, 1), office, 0, allowed, office <= allowed))
                    office_total, standard_total = office_total + office, standard_total + allowed
                    done_runs.append(done)
                    moment = done
                else:
                    r_rows.append((run_id, pk, unit.pk, steps[number], number, ROLES[number], moment, due, None, None,
                                   {}))
            closed = done_runs[-1] if not is_open else None
            c_rows.append((
                pk, unit.pk, sop.pk, f"B{pk:011d}", rng.choice(CHANNELS), received,
                None if anonymous else rng.choice(complainant_ids), anonymous, confidential,
                f"Pengaduan nomor {pk} tentang pelayanan publik", "Uraian kejadian yang diadukan oleh warga.",
                rng.choice(SUBJECTS), "pengaduan", rng.choice(CATEGORIES), decision if done_steps >= 3 else "",
                year, seq, f"{seq:04d}/PGD/INSP/{year}", received, "open" if is_open else "closed", closed, received,
            ))
            if closed is not None:
                local = closed.astimezone(tz)
                working_days = max(1, int((closed - received).days * 5 / 7))
                cs_rows.append((pk, unit.pk, received, closed, date(local.year, local.month, 1), working_days,
                                office_total, 0, standard_total, office_total <= standard_total))
        with transaction.atomic():
            complaints.insert(c_rows)
            runs.insert(r_rows)
            step_stats.insert(s_rows)
            complaint_stats.insert(cs_rows)
        done_count = min(chunk_start + CHUNK, total)
        if done_count % (CHUNK * 10) == 0 or done_count == total:
            print(f"  generated {done_count:>9,} complaints, {run_id:>10,} step runs "
                  f"({time.monotonic() - started:.0f}s)", flush=True)
    for model in (Complaint, StepRun):
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [model]):
                cursor.execute(sql)
    rolled = time.monotonic()
    rebuild_rollups(unit=unit)  # what the engine keeps with each event, here from the figures in one pass
    print(f"  rollups from the figures in {time.monotonic() - rolled:.0f}s", flush=True)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


# -- phases ---------------------------------------------------------------------------------------------------

def phase(name: str, year: int) -> dict:
    """Run one measured phase in this (fresh) process; return its figures."""
    from django.utils import timezone
    from django.utils.translation import override

    from pengaduan.reports import selectors
    from pengaduan.reports.periodic import periodic_pdf
    from pengaduan.reports.periods import Period
    from pengaduan.reports.register import REPORT_LANGUAGE, register_xlsx
    from pengaduan.units.models import Unit

    unit = Unit.objects.get(code="INSP")
    period = Period.year(year)
    before = peak_mb()
    started = time.monotonic()
    detail = ""
    if name == "baseline":
        pass
    elif name == "dashboard":
        # What /laporan/ computes (reports.views.dashboard), for the current month and the 12 before.
        from pengaduan.reports.periods import current_month
        from pengaduan.reports.views import DASHBOARD_MONTHS, _last_months

        now = timezone.now()
        waiting = selectors.waiting_by_step(unit=unit, now=now)
        received, _shares = selectors.trend(unit=unit, months=_last_months(now, DASHBOARD_MONTHS))
        this_month, _last = selectors.month_comparison(unit=unit, month=current_month(now))
        selectors.waiting_longest(unit=unit, now=now, limit=5)
        detail = (f"{sum(w.open for w in waiting):,} open, {sum(received):,} received in 12 months, "
                  f"{this_month.answers.answered:,} answered this month")
    elif name == "compliance":
        steps = selectors.compliance_by_step(unit=unit, period=period)
        officers = selectors.compliance_by_officer(unit=unit, period=period)
        months = selectors.compliance_by_month(unit=unit, period=period)
        waiting = selectors.waiting_by_step(unit=unit, now=timezone.now())
        detail = (f"{sum(s.done for s in steps):,} steps, {len(officers)} officer rows, {len(months)} months, "
                  f"{sum(w.open for w in waiting):,} open; step 3 median {steps[2].median:.0f}s "
                  f"p90 {steps[2].p90:.0f}s")
    elif name == "periodic":
        with override(REPORT_LANGUAGE):
            figures = selectors.periodic_figures(unit=unit, period=period)
        pdf = periodic_pdf(unit=unit, period=period, figures=figures)
        month = periodic_pdf(unit=unit, period=Period.month(year, 12))
        detail = (f"{figures.received:,} received, {figures.answers.answered:,} answered; PDFs of the year "
                  f"({len(pdf):,} bytes) and of December ({len(month):,} bytes)")
    elif name == "xlsx":
        target = DATA_DIR / f"register-{year}.xlsx"
        with target.open("wb") as output:
            rows = register_xlsx(output, unit=unit, period=period)
        detail = f"{rows:,} rows, {target.stat().st_size / 1e6:.0f} MB file"
    elif name == "public":
        stats = selectors.public_statistics(unit=unit, year=year)
        detail = f"{stats.received:,} received"
    return {"phase": name, "seconds": time.monotonic() - started, "peak_mb": peak_mb(), "start_mb": before,
            "detail": detail}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--complaints", type=int, default=1_000_000)
    parser.add_argument("--years", type=int, default=1, help="spread the complaints over this many years")
    parser.add_argument("--reuse", action="store_true", help="measure on the database generated last time")
    parser.add_argument("--phases", default="baseline,dashboard,compliance,periodic,public,xlsx",
                        help="comma-separated phases to measure (default: all)")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.phase:
        setup_django()
        print(json.dumps(phase(args.phase, YEAR)))
        return

    postgres = os.environ["DATABASE_URL"].startswith("postgres")
    if not args.reuse:
        if not postgres:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{DB_FILE}{suffix}").unlink(missing_ok=True)
        setup_django()
        if postgres:
            from django.db import connection

            with connection.cursor() as cursor:
                cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        print(f"Generating {args.complaints:,} complaints over {args.years} year(s) "
              f"into {'PostgreSQL' if postgres else DB_FILE} ...", flush=True)
        started = time.monotonic()
        generate(args.complaints, args.years)
        print(f"Generated in {time.monotonic() - started:.0f}s (peak {peak_mb():.0f} MB)", flush=True)

    print(f"\nMachine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, {'PostgreSQL' if postgres else 'SQLite'}; year {YEAR}")
    print(f"{'phase':<11} {'time':>9} {'peak RSS':>9}  detail")
    for name in args.phases.split(","):
        result = subprocess.run([sys.executable, __file__, "--phase", name], capture_output=True, text=True,
                                env=os.environ)
        if result.returncode:
            print(f"{name:<11} failed:\n{result.stderr[-3000:]}")
            continue
        figures = json.loads(result.stdout.strip().splitlines()[-1])
        print(f"{name:<11} {figures['seconds']:>8.3f}s {figures['peak_mb']:>7.0f} MB  {figures['detail']}", flush=True)


if __name__ == "__main__":
    main()
