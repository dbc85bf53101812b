"""Realistic complaints in bulk, for benchmarks and load tests (`pengaduan seed`).

Complaints arrive over the last years (fewer on days off), through every channel, and move through the
unit's SOP as officers would have moved them: each step starts when the one before ends, takes a share of
its time limit (some take longer and end late), and the complaints received lately are still in progress,
some of them overdue and some waiting for the complainant with the clock paused. A few old ones are stuck,
a few were set aside as spam. Register numbers are gapless per year in the order of recording, continuing
after the unit's RegisterCounter, which is left at the last number so that later intakes continue from it.

Fast on purpose: no engine call and no model instance per row. Deadlines come from `OfficeTimeline` (the
unit's calendar asked once per day), rows are written in batches (`executemany` on SQLite, COPY on
PostgreSQL) with the primary keys handed out here, and the sequences are moved past them at the end.
Run it on a database nobody writes to meanwhile.
"""

import io
import json
import math
import queue
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.management.color import no_style
from django.db import DatabaseError, connection, transaction
from django.db.models import Max
from django.utils import timezone

from pengaduan.complaints import channels
from pengaduan.complaints.codes import ALPHABET, tracking_code_hash
from pengaduan.complaints.figures import rebuild_rollups
from pengaduan.complaints.kinds import Sample, StepKind, get_kind
from pengaduan.complaints.models import (
    Complainant,
    Complaint,
    ComplaintStat,
    Event,
    InformationRequest,
    RegisterCounter,
    Reminder,
    StepPause,
    StepRun,
    StepRunStat,
)
from pengaduan.complaints.reminders import DEFAULT_ESCALATION_ROLES
from pengaduan.complaints.search import index_new_complaints
from pengaduan.ops.officetime import OfficeTimeline, from_minute, to_minute
from pengaduan.sop.selectors import current_sop
from pengaduan.units.models import Membership, Unit
from pengaduan.workcalendar.services import calendar_for_unit


class SeedError(Exception):
    pass


# How often each channel is used. Whether officers take it in at the desk (office hours only) or it arrives by
# itself (any time) is the channel's own declaration (complaints/channels/).
CHANNEL_WEIGHTS = {"walk_in": 18, "telephone": 10, "letter": 8, "complaint_box": 4,
                   "web": 30, "email": 8, "sms_whatsapp": 12, "social_media": 5, "lapor": 5}
DESK_CHANNELS = [(code, weight) for code, weight in CHANNEL_WEIGHTS.items()
                 if not channels.get(code).arrives_by_itself]
ARRIVING_CHANNELS = [(code, weight) for code, weight in CHANNEL_WEIGHTS.items()
                     if channels.get(code).arrives_by_itself]
SET_ASIDE_SHARE = 0.02  # of the complaints that arrive by themselves
STUCK_SHARE = 0.004  # of all: still open long after their deadline
PAUSED_SHARE = 0.3  # of the open clarifications: waiting for the complainant
WAITING_SHARE, WAITING_DAYS = 0.05, 20  # clarifications of the last days still waiting for the complainant's answer
LATE_SHARE = 0.15  # steps that take longer than their time limit
DAY_OFF_WEIGHT = 0.2  # complaints on a day off, relative to a working day

TOPICS = [
    ("Pungutan liar pengurusan KTP", "Petugas meminta uang {amount} agar KTP elektronik cepat selesai dicetak.",
     "Kelurahan {place}"),
    ("Jalan rusak berlubang", "Jalan di depan {landmark} rusak parah dan berlubang, sudah {weeks} minggu belum "
     "diperbaiki; banyak pengendara jatuh.", "Dinas Pekerjaan Umum dan Penataan Ruang"),
    ("Lampu penerangan jalan mati", "Lampu PJU di sekitar {landmark} mati sejak {weeks} minggu, jalan gelap dan "
     "rawan kejahatan.", "Dinas Perhubungan"),
    ("Sampah tidak diangkut", "Sampah di TPS dekat {landmark} menumpuk dan berbau, truk pengangkut tidak datang "
     "{weeks} minggu.", "Dinas Lingkungan Hidup"),
    ("Air PDAM tidak mengalir", "Air PDAM di rumah kami tidak mengalir selama {weeks} minggu padahal tagihan tetap "
     "dibayar.", "Perumda Air Minum Tirta Taman Sari"),
    ("Antrean puskesmas terlalu lama", "Pasien menunggu berjam-jam di puskesmas {place}; petugas pendaftaran hanya "
     "satu orang.", "Puskesmas {place}"),
    ("Guru sering tidak masuk kelas", "Guru di {landmark} sering tidak hadir mengajar dan murid dibiarkan.",
     "Dinas Pendidikan"),
    ("Pungutan sekolah saat daftar ulang", "Sekolah meminta sumbangan {amount} kepada wali murid saat daftar ulang "
     "tanpa rapat komite.", "Dinas Pendidikan"),
    ("Izin usaha tidak kunjung terbit", "Permohonan izin usaha kami sudah {weeks} minggu belum diproses tanpa "
     "kejelasan.", "Dinas Penanaman Modal dan PTSP"),
    ("Bantuan sosial tidak tepat sasaran", "Warga mampu menerima bansos sementara tetangga kami yang miskin tidak "
     "terdaftar di {place}.", "Dinas Sosial"),
    ("Pegawai kelurahan bersikap kasar", "Petugas pelayanan membentak warga yang bertanya tentang surat keterangan "
     "domisili.", "Kelurahan {place}"),
    ("Parkir liar di trotoar", "Juru parkir liar memungut {amount} di trotoar depan {landmark}.",
     "Dinas Perhubungan"),
    ("Pelayanan akta kelahiran lambat", "Akta kelahiran anak kami belum selesai setelah {weeks} minggu.",
     "Dinas Kependudukan dan Pencatatan Sipil"),
    ("Retribusi pasar ditarik dua kali", "Pedagang di {landmark} ditarik retribusi dua kali sehari sebesar {amount}.",
     "Dinas Perdagangan"),
]
PLACES = ["Manguharjo", "Pangongangan", "Nambangan Kidul", "Nambangan Lor", "Taman", "Kejuron", "Josenan",
          "Oro-oro Ombo", "Klegen", "Kartoharjo", "Demangan", "Banjarejo", "Winongo", "Madiun Lor", "Sogaten"]
LANDMARKS = ["Pasar Besar", "SDN 01", "Masjid Agung", "Alun-alun", "Stasiun Madiun", "Terminal Purboyo",
             "Jalan Pahlawan", "Jalan Diponegoro", "Pasar Sleko", "SMPN 2", "balai RW 03"]
AMOUNTS = ["Rp20.000", "Rp50.000", "Rp100.000", "Rp250.000"]
FIRST_NAMES = ["Siti", "Budi", "Sri", "Agus", "Dewi", "Joko", "Nur", "Ahmad", "Rina", "Wahyu", "Yusuf", "Sulastri",
               "Hendra", "Ratna", "Bayu", "Endang", "Slamet", "Fitri", "Rudi", "Lestari"]
LAST_NAMES = ["Aminah", "Santoso", "Rahayu", "Prasetyo", "Lestari", "Susilo", "Hidayat", "Fauzi", "Wulandari",
              "Nugroho", "Setiawan", "Saputra", "Gunawan", "Kurniawan", "Handayani", "Purnomo"]
CATEGORIES = ["Pelayanan publik", "Pungutan liar", "Infrastruktur", "Kepegawaian", "Kesehatan", "Pendidikan",
              "Perizinan", "Bantuan sosial"]
DECISIONS = [("answer", 50), ("examination", 20), ("forward", 25), ("not_within_authority", 5)]


def _weighted(choices):
    names = [name for name, _weight in choices]
    cumulative, total = [], 0
    for _name, weight in choices:
        total += weight
        cumulative.append(total)
    return names, cumulative


@dataclass
class SeedResult:
    complaints: int = 0
    step_runs: int = 0
    events: int = 0
    rows: int = 0
    seconds: float = 0.0
    last_numbers: dict[int, int] = field(default_factory=dict)


@dataclass
class _Step:
    number: int
    kind: str
    performer: str
    duration: object
    pk: int

    @property
    def step_kind(self) -> StepKind:
        return get_kind(self.kind)


class _Rows:
    """Rows per table, written in batches in foreign-key order with the vendor's fastest bulk path.

    Outside a transaction the writing happens in a second thread with its own connection, so that the
    database works (SQLite releases the GIL while it writes; PostgreSQL is another process) while the
    next batch is generated. Inside one (tests) it happens in place, so that it sees the caller's rows.
    """

    ORDER = [Complainant, Complaint, StepRun, StepPause, InformationRequest, Reminder, Event, StepRunStat, ComplaintStat]

    def __init__(self, columns: dict):
        self.columns = columns  # model → [column names], the order of each row tuple
        self.rows = {model: [] for model in self.ORDER}
        self.pending = 0
        self.written = 0
        self.postgres = connection.vendor == "postgresql"
        self.defaults = {model: self._defaults(model, columns[model]) for model in self.ORDER}
        self.threaded = not connection.in_atomic_block
        self.failure: BaseException | None = None
        if self.threaded:
            self.queue: queue.Queue = queue.Queue(maxsize=2)
            self.thread = threading.Thread(target=self._work, name="seed-writer", daemon=True)
            self.thread.start()

    @staticmethod
    def _defaults(model, given):
        """Columns this module does not fill (added later to a model) get the field's default."""
        extra = [f for f in model._meta.concrete_fields if f.column not in given]
        return [f.column for f in extra], tuple(f.get_db_prep_save(f.get_default(), connection) for f in extra)

    def add(self, model, row: tuple) -> None:
        self.rows[model].append(row)
        self.pending += 1

    def flush(self) -> None:
        batch, self.rows, self.pending = self.rows, {model: [] for model in self.ORDER}, 0
        if not self.threaded:
            self._write(batch)
            return
        if self.failure is not None:
            raise self.failure
        self.queue.put(batch)

    def close(self) -> None:
        """Wait for the writer; raise what it failed with."""
        if self.threaded:
            self.queue.put(None)
            self.thread.join()
        if self.failure is not None:
            raise self.failure

    def _work(self) -> None:
        try:
            with connection.cursor() as cursor:
                if self.postgres:
                    self._skip_foreign_key_triggers(cursor)
                else:
                    # A bigger page cache for this connection: index pages of million-row tables stay in memory.
                    cursor.execute("PRAGMA cache_size = -262144")
            while (batch := self.queue.get()) is not None:
                if self.failure is None:
                    self._write(batch)
        except BaseException as failure:  # re-raised in the generating thread
            self.failure = failure
            while self.queue.get() is not None:
                pass
        finally:
            connection.close()

    @staticmethod
    def _skip_foreign_key_triggers(cursor) -> None:
        """As pg_restore --disable-triggers does: the rows are consistent by construction, and checking
        every reference of millions of rows one by one costs more than writing them. Only a superuser
        may; for anyone else the checks stay on (slower, same result)."""
        try:
            with transaction.atomic():
                cursor.execute("SET session_replication_role = replica")
        except DatabaseError:
            pass

    def _write(self, batch) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            for model in self.ORDER:
                rows = batch[model]
                if not rows:
                    continue
                extra_columns, extra_values = self.defaults[model]
                columns = self.columns[model] + extra_columns
                if extra_values:
                    rows = [row + extra_values for row in rows]
                table = connection.ops.quote_name(model._meta.db_table)
                names = ", ".join(connection.ops.quote_name(column) for column in columns)
                if self.postgres:
                    with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
                else:
                    marks = ", ".join("?" * len(columns))
                    cursor.connection.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
                self.written += len(rows)


COLUMNS = {
    Complainant: ["id", "name", "phone", "email", "address", "created_at"],
    Complaint: ["id", "unit_id", "sop_id", "tracking_code_hash", "channel", "received_at", "complainant_id",
                "is_anonymous", "is_confidential", "summary", "description", "subject", "event_place", "event_date",
                "complaint_type", "category", "decision_type", "caller_number", "letter_number", "letter_date",
                "box_opened_at", "source_link", "lapor_id", "linked_to_id", "set_aside_reason", "set_aside_note",
                "register_year", "register_seq", "register_number", "recorded_at", "status", "closed_at",
                "created_at"],
    StepRun: ["id", "complaint_id", "unit_id", "step_id", "number", "role", "started_at", "due_at", "done_at", "done_by_id",
              "output", "paused_at"],
    StepPause: ["id", "step_run_id", "reason", "started_at", "ended_at", "office_seconds"],
    InformationRequest: ["id", "complaint_id", "step_run_id", "question", "asked_by_id", "asked_at", "reply",
                         "replied_at"],
    Reminder: ["id", "step_run_id", "kind", "share", "due_at", "sent_at"],
    Event: ["id", "complaint_id", "kind", "actor_id", "step_number", "data", "created_at"],
    # The report figures the engine keeps when a step completes (complaints.figures), measured here on the
    # office timeline: the reports are right at once, without `report rebuild-stats`.
    StepRunStat: ["step_run_id", "complaint_id", "unit_id", "step_number", "role", "done_by_id", "done_at",
                  "done_month", "office_seconds", "paused_office_seconds", "standard_seconds", "on_time"],
    ComplaintStat: ["complaint_id", "unit_id", "received_at", "answered_at", "answered_month", "working_days",
                    "office_seconds", "paused_office_seconds", "standard_seconds", "within_sop"],
}


class _Draft:
    """One complaint as generated, before its register number (given in the order of recording) is known."""

    __slots__ = ("received", "channel", "anonymous", "confidential", "topic", "runs", "status", "set_aside",
                 "recorded", "paused", "rng_values")

    def __init__(self):
        self.runs = []  # [step, started, due, done or None]
        self.status = "open"
        self.set_aside = ""
        self.recorded = None
        self.paused = None


class Seeder:
    def __init__(self, *, unit: Unit, years: float = 3, now: datetime | None = None, seed: int = 1,
                 batch_size: int = 5000, progress: Callable[[int, int], None] | None = None):
        self.unit, self.years, self.batch_size = unit, years, batch_size
        self.now = to_minute(now or timezone.now())
        self.progress = progress or (lambda done, total: None)
        self.postgres = connection.vendor == "postgresql"
        self.sop = current_sop(unit)
        if self.sop is None:
            raise SeedError(f"SOP {unit.sop_code} of {unit.code} is not loaded; run `pengaduan sop load FILE` "
                            "or `pengaduan demo`.")
        self.steps = [_Step(s.number, s.kind, s.performer, s.duration, s.pk) for s in self.sop.steps.order_by("number")]
        if not self.steps:
            raise SeedError(f"SOP {self.sop.code} has no steps.")
        self.officers = {}
        for role in {step.performer for step in self.steps}:
            user_id = (Membership.objects.filter(unit=unit, role=role).order_by("user_id")
                       .values_list("user_id", flat=True).first())
            if user_id is None:
                raise SeedError(f"{unit.code} has no officer with the role {role!r}; add one (or run `pengaduan demo`).")
            self.officers[role] = user_id
        known = {role["code"] for role in self.sop.roles}
        chain = [role for role in (unit.escalation_roles or list(DEFAULT_ESCALATION_ROLES)) if role in known]
        self.escalation = {step.number: [role for role in chain if role != step.performer] for step in self.steps}
        self.shares = sorted({int(share) for share in getattr(settings, "REMINDER_SHARES", [50, 80])
                              if 0 < int(share) < 100})
        calendar = calendar_for_unit(unit)
        self.tz = calendar.tz
        today = timezone.localdate(from_minute(self.now), self.tz)
        self.first_day = today - timedelta(days=max(1, round(365 * years)) - 1)
        self.timeline = OfficeTimeline(calendar, self.first_day - timedelta(days=7), today + timedelta(days=400))
        self.desk = _weighted(DESK_CHANNELS)
        self.arriving = _weighted(ARRIVING_CHANNELS)
        self.all_channels = _weighted(DESK_CHANNELS + ARRIVING_CHANNELS)
        self.decisions = _weighted(DECISIONS)
        self.rows = _Rows(COLUMNS)
        self.next_id = {model: (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1 for model in _Rows.ORDER}
        # Same seed, same data on the same database; a second run on it gets other tracking codes.
        self.rng = random.Random(f"{seed}:{self.next_id[Complaint]}")
        self.counters = dict(RegisterCounter.objects.filter(unit=unit).values_list("year", "last_number"))
        for year, seq in (Complaint.objects.filter(unit=unit, register_seq__isnull=False)
                          .values_list("register_year").annotate(m=Max("register_seq"))):
            self.counters[year] = max(self.counters.get(year, 0), seq)
        self.result = SeedResult()
        self._days: dict[int, str] = {}
        self._offsets: dict[int, tuple[int, str]] = {}
        self._utc_suffix = "+00" if self.postgres else ""

    # -- time -------------------------------------------------------------------------------------

    def _utc(self, minute):
        """A stored moment as text the database reads (SQLite: Django's own form, naive UTC)."""
        if minute is None:
            return None
        day, rest = divmod(minute, 1440)
        prefix = self._days.get(day)
        if prefix is None:
            prefix = self._days[day] = (date(1970, 1, 1) + timedelta(days=day)).isoformat()
        return f"{prefix} {rest // 60:02d}:{rest % 60:02d}:00{self._utc_suffix}"

    def _iso(self, minute):
        """A moment in local time as the engine writes it into event data (ISO 8601 with the offset)."""
        offset = self._offsets.get(minute // 60)
        if offset is None:
            local = from_minute(minute).astimezone(self.tz)
            offset = self._offsets[minute // 60] = (int(local.utcoffset().total_seconds()) // 60,
                                                    local.isoformat()[-6:])
        day, rest = divmod(minute + offset[0], 1440)
        prefix = self._days.get(day)
        if prefix is None:
            prefix = self._days[day] = (date(1970, 1, 1) + timedelta(days=day)).isoformat()
        return f"{prefix}T{rest // 60:02d}:{rest % 60:02d}:00{offset[1]}"

    def _date(self, value: date):
        return value.isoformat()

    def _month(self, minute: int) -> str:
        return self.timeline.local_date(minute).replace(day=1).isoformat()

    def _working_days(self, start: int, end: int) -> int:
        """`BusinessCalendar.working_days_between` on the timeline: working days after the start's day up to
        the end's day."""
        if end <= start:
            return 0
        return self.timeline.working_days_between(start, end)

    def _take(self, model) -> int:
        pk = self.next_id[model]
        self.next_id[model] = pk + 1
        return pk

    def _pick(self, table):
        names, cumulative = table
        point = self.rng.random() * cumulative[-1]
        for name, edge in zip(names, cumulative):
            if point < edge:
                return name
        return names[-1]

    # -- the run ----------------------------------------------------------------------------------

    def run(self, count: int) -> SeedResult:
        started = time.monotonic()
        try:
            done = self._generate(count)
        finally:
            self.rows.close()
        self.progress(done, count)
        self._finish()
        self.result.rows = self.rows.written
        self.result.seconds = time.monotonic() - started
        return self.result

    def _generate(self, count: int) -> int:
        today = timezone.localdate(from_minute(self.now), self.tz)
        days = [self.first_day + timedelta(days=i) for i in range((today - self.first_day).days + 1)]
        weights = [1.0 if self.timeline.office_day(day) else DAY_OFF_WEIGHT for day in days]
        total_weight, cumulative, placed = sum(weights), 0.0, 0
        pending: list[_Draft] = []
        done = 0
        for day, weight in zip(days, weights):
            cumulative += weight
            upto = round(cumulative * count / total_weight)
            pending.extend(self._draft(day) for _ in range(upto - placed))
            placed = upto
            # Numbers go in the order of recording: what was recorded before the next day cannot be
            # overtaken by complaints received later.
            midnight = to_minute(datetime.combine(day + timedelta(days=1), datetime.min.time(), self.tz))
            ready = [d for d in pending if d.recorded is None or d.recorded < midnight]
            pending = [d for d in pending if d.recorded is not None and d.recorded >= midnight]
            for draft in sorted(ready, key=lambda d: (d.recorded or d.received, d.received)):
                self._emit(draft)
                done += 1
            if self.rows.pending >= self.batch_size * 12:
                self.rows.flush()
                self.progress(done, count)
        for draft in sorted(pending, key=lambda d: (d.recorded, d.received)):
            self._emit(draft)
            done += 1
        self.rows.flush()
        return done

    def _finish(self):
        for year, last in sorted(self.counters.items()):
            RegisterCounter.objects.update_or_create(unit=self.unit, year=year, defaults={"last_number": last})
        self.result.last_numbers = dict(self.counters)
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), _Rows.ORDER):
                cursor.execute(statement)
            if self.postgres:
                # Fresh statistics, so the planner knows the tables grew by millions of rows; outside a
                # transaction also VACUUM, whose visibility map lets the inbox indexes answer without the heap.
                tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in _Rows.ORDER)
                vacuum = "VACUUM (ANALYZE)" if not connection.in_atomic_block else "ANALYZE"
                cursor.execute(f"{vacuum} {tables}")
        # The rollups the reports read, from the figures written above (their size follows days, not rows).
        rebuild_rollups(unit=self.unit)
        index_new_complaints()  # SQLite's similar-case search, in one batch

    # -- one complaint ----------------------------------------------------------------------------

    def _receipt(self, day: date) -> tuple[str, int]:
        rng, timeline = self.rng, self.timeline
        office = timeline.office_day(day)
        channel = self._pick(self.all_channels if office else self.arriving)
        midnight = to_minute(datetime.combine(day, datetime.min.time(), self.tz))
        if office and channel in self.desk[0]:
            minute = timeline.start_at(rng.randrange(office[0], office[1]))
        else:
            minute = midnight + rng.randrange(1440)
        if minute >= self.now:  # today: only until now
            minute = midnight + rng.randrange(max(1, self.now - midnight))
            channel = channel if channel not in self.desk[0] else "web"
        return channel, minute

    def _spent(self, limit: int) -> int:
        rng = self.rng
        share = rng.uniform(1.05, 2.5) if rng.random() < LATE_SHARE else rng.uniform(0.05, 0.95)
        return max(1, int(limit * share))

    def _draft(self, day: date) -> _Draft:
        rng, timeline, now = self.rng, self.timeline, self.now
        draft = _Draft()
        draft.channel, draft.received = self._receipt(day)
        arriving = draft.channel not in self.desk[0]
        draft.anonymous = rng.random() < (0.25 if arriving else 0.05)
        draft.confidential = not draft.anonymous and rng.random() < 0.3
        draft.topic = rng.randrange(len(TOPICS))
        draft.rng_values = (rng.randrange(len(PLACES)), rng.randrange(len(LANDMARKS)), rng.randrange(1, 9),
                            rng.randrange(len(AMOUNTS)), rng.randrange(len(FIRST_NAMES)),
                            rng.randrange(len(LAST_NAMES)), rng.randrange(10**9), rng.randrange(len(CATEGORIES)),
                            self._pick(self.decisions), rng.randrange(31))
        stuck_at = rng.randrange(1 if arriving else 2, len(self.steps) + 1) if rng.random() < STUCK_SHARE else None
        set_aside = arriving and rng.random() < SET_ASIDE_SHARE
        moment = draft.received
        for step in self.steps:
            due = timeline.add(moment, step.duration)
            limit = timeline.office_minutes_between(moment, due) or 1
            finished = timeline.add_minutes(moment, self._spent(limit))
            waiting = (step.step_kind.may_wait_for_complainant and now - moment < WAITING_DAYS * 1440
                       and rng.random() < WAITING_SHARE)
            if step.number == stuck_at or finished > now or waiting:
                draft.runs.append([step, moment, due, None])
                if waiting or (step.step_kind.may_wait_for_complainant and rng.random() < PAUSED_SHARE):
                    paused = timeline.add_minutes(moment, rng.randrange(1, 5))
                    draft.paused = paused if paused <= now else None
                return draft
            draft.runs.append([step, moment, due, finished])
            if step.step_kind.records_complaint:
                if set_aside:
                    draft.status, draft.set_aside = "set_aside", rng.choice(["spam", "spam", "duplicate"])
                    return draft
                draft.recorded = finished
            moment = finished
        draft.status = "closed"
        return draft

    def _emit(self, draft: _Draft) -> None:
        """Write a complaint with its complainant, step runs, reminders, pause and events."""
        rows, add = self.rows, self.rows.add
        place, landmark, weeks, amount, first, last, serial, category, decision, back = draft.rng_values
        summary, description, subject = TOPICS[draft.topic]
        values = {"place": PLACES[place], "landmark": LANDMARKS[landmark], "weeks": weeks, "amount": AMOUNTS[amount]}
        summary = f"{summary} di {PLACES[place]}"
        description, subject = description.format(**values), subject.format(**values)
        received = draft.received
        received_date = timezone.localtime(from_minute(received), self.tz).date()
        event_date = received_date - timedelta(days=back)
        complaint_id = self._take(Complaint)
        complainant_id = None
        if not draft.anonymous:
            complainant_id = self._take(Complainant)
            name = f"{FIRST_NAMES[first]} {LAST_NAMES[last]}"
            email = f"{FIRST_NAMES[first].lower()}.{serial % 1000}@warga.example" if serial % 2 else ""
            add(Complainant, (complainant_id, name, f"08{serial:010d}"[:12], email,
                              f"Jl. {LANDMARKS[landmark]} No. {weeks}, {PLACES[place]}", self._utc(received)))
        channel = draft.channel
        # An anonymous complaint keeps nothing that identifies the person: no number, no link to the post.
        caller = f"08{serial % 10**10:010d}"[:12] if channel == "telephone" and not draft.anonymous else ""
        letter_number = f"{serial % 900 + 100}/RW{weeks:02d}/{received_date:%m/%Y}" if channel == "letter" else ""
        letter_date = self._date(received_date - timedelta(days=weeks)) if channel == "letter" else None
        box_opened = self._utc(received) if channel == "complaint_box" else None
        source_link = f"https://social.example/posts/{serial}" if channel == "social_media" and not draft.anonymous else ""
        # The serial whole, not cut to four digits: the LAPOR! ID is unique per install.
        lapor_id = f"LAP-{received_date:%Y%m%d}-{serial:07d}" if channel == "lapor" else ""
        number_data = None
        register = (None, None, "", None)
        if draft.recorded is not None:
            local = datetime.fromtimestamp(draft.recorded * 60, self.tz)
            seq = self.counters.get(local.year, 0) + 1
            self.counters[local.year] = seq
            register_number = self.unit.format_register_number(number=seq, year=local.year, month=local.month)
            register = (local.year, seq, register_number, self._utc(draft.recorded))
            number_data = register_number
        complaint_type = "pengaduan"
        # What the done steps' kinds would have set on the complaint (category, decision).
        drawn = _sample(draft, received=self._iso(received), category=CATEGORIES[category], decision=decision)
        done_fields: dict = {}
        for run in draft.runs:
            if run[3] is not None:
                done_fields.update(run[0].step_kind.sample_complaint_fields(drawn))
        category, decision_type = done_fields.get("category", ""), done_fields.get("decision_type", "")
        closed = draft.runs[-1][3] if draft.status != "open" else None
        set_aside_note = "Bukan pengaduan: pesan promosi." if draft.set_aside == "spam" else (
            "Sama dengan pengaduan yang sedang ditangani." if draft.set_aside else "")
        add(Complaint, (
            complaint_id, self.unit.pk, self.sop.pk, self._tracking_code(), channel, self._utc(received),
            complainant_id, draft.anonymous, draft.confidential, summary, description, subject, PLACES[place],
            self._date(event_date), complaint_type, category, decision_type, caller, letter_number, letter_date,
            box_opened, source_link, lapor_id, None, draft.set_aside, set_aside_note, *register, draft.status,
            self._utc(closed), self._utc(received),
        ))
        self.result.complaints += 1
        events = []
        jfu = self.officers[self.steps[0].performer]
        first_actor = None if channel not in self.desk[0] else jfu
        received_at_event = received if first_actor is None or draft.runs[0][3] is None else draft.runs[0][3]
        events.append((received_at_event, "received", first_actor, None,
                       f'{{"channel": "{channel}", "received_at": "{self._iso(received)}"}}'))
        standard_total = 0
        for index, (step, started, due, finished) in enumerate(draft.runs):
            run_id = self._take(StepRun)
            performer = self.officers[step.performer]
            start_actor = first_actor if index == 0 else performer
            event_at = received_at_event if index == 0 else started
            due_iso = self._iso(due)
            events.append((event_at, "step_started", start_actor, step.number,
                           f'{{"role": "{step.performer}", "started_at": "{self._iso(started)}", '
                           f'"due_at": "{due_iso}"}}'))
            output = "{}"
            paused = draft.paused if finished is None else None
            if finished is not None:
                if draft.set_aside:
                    output = json.dumps({"set_aside": draft.set_aside, "note": set_aside_note})
                    events.append((finished, "set_aside", performer, step.number,
                                   {"reason": draft.set_aside, "note": set_aside_note, "duplicate_of": None}))
                else:
                    sample = _sample(draft, received=self._iso(received), category=category, decision=decision_type,
                                     summary=summary, description=description, subject=subject, register=register)
                    output = self._step_output(step.step_kind, sample)
                    if step.step_kind.records_complaint:
                        events.append((finished, "recorded", performer, step.number,
                                       f'{{"register_number": {json.dumps(number_data)}}}'))
                    events.append((finished, "step_completed", performer, step.number,
                                   f'{{"kind": "{step.kind}", "due_at": "{due_iso}", '
                                   f'"on_time": {"true" if finished <= due else "false"}}}'))
                    if index == len(draft.runs) - 1 and draft.status == "closed":
                        events.append((finished, "closed", performer, None, "{}"))
            else:
                self._open_run_extras(run_id, complaint_id, step, started, due, paused, performer, events)
            add(StepRun, (run_id, complaint_id, self.unit.pk, step.pk, step.number, step.performer, self._utc(started),
                          self._utc(due), self._utc(finished), performer if finished is not None else None,
                          output, self._utc(paused)))
            self.result.step_runs += 1
            if finished is not None and not draft.set_aside:
                standard = self.timeline.office_minutes_between(started, due) * 60
                standard_total += standard
                add(StepRunStat, (run_id, complaint_id, self.unit.pk, step.number, step.performer, performer,
                                  self._utc(finished), self._month(finished),
                                  self.timeline.office_minutes_between(started, finished) * 60, 0, standard,
                                  finished <= due))
        if draft.status == "closed":
            office = self.timeline.office_minutes_between(received, closed) * 60
            add(ComplaintStat, (complaint_id, self.unit.pk, self._utc(received), self._utc(closed), self._month(closed),
                                self._working_days(received, closed), office, 0, standard_total,
                                office <= standard_total))
        events.sort(key=lambda event: event[0])  # stable: the engine's order within one moment is kept
        for created, kind, actor, step_number, data in events:
            add(Event, (self._take(Event), complaint_id, kind, actor, step_number,
                        data if isinstance(data, str) else json.dumps(data, ensure_ascii=False), self._utc(created)))
        self.result.events += len(events)

    def _open_run_extras(self, run_id, complaint_id, step, started, due, paused, performer, events):
        """Reminders of the open step (those already due were sent, as `pengaduan remind` does) and its pause."""
        timeline = self.timeline
        total = timeline.office_minutes_between(started, due)
        cutoff = paused if paused is not None else self.now
        schedule = [("reminder", share, timeline.add_minutes(started, math.floor(total * share / 100)))
                    for share in self.shares if total]
        schedule.append(("breach", 100, due))
        for kind, share, due_at in schedule:
            sent = due_at if due_at <= cutoff else None
            self.rows.add(Reminder, (self._take(Reminder), run_id, kind, share, self._utc(due_at), self._utc(sent)))
            if sent is not None and kind == "breach":
                events.append((sent, "escalated", None, step.number,
                               {"roles": self.escalation[step.number], "due_at": self._iso(due)}))
            elif sent is not None:
                events.append((sent, "reminded", None, step.number, {"share": share}))
        if paused is not None:
            question = "Mohon lengkapi kronologi kejadian dan sebutkan nama petugas yang melayani."
            request_id = self._take(InformationRequest)
            self.rows.add(InformationRequest, (request_id, complaint_id, run_id, question, performer,
                                               self._utc(paused), "", None))
            self.rows.add(StepPause, (self._take(StepPause), run_id, question, self._utc(paused), None, 0))
            events.append((paused, "information_requested", performer, step.number,
                           {"request": request_id, "pause_clock": True}))
            events.append((paused, "paused", performer, step.number, {"reason": question}))

    def _tracking_code(self) -> str:
        # Stored as its keyed hash, like a real one; nobody ever holds a generated complaint's code.
        symbols = "".join(self.rng.choices(ALPHABET, k=15))
        return tracking_code_hash(f"{symbols[:5]}-{symbols[5:10]}-{symbols[10:]}")

    def _step_output(self, kind: StepKind, sample: Sample) -> str:
        """The kind's sample output as stored JSON (the kind declares what a plausible output is)."""
        return json.dumps(kind.sample_output(sample), ensure_ascii=False)


def _sample(draft: _Draft, *, received: str, category: str, decision: str, summary: str = "", description: str = "",
            subject: str = "", register: tuple = (None, None, "", None)) -> Sample:
    return Sample(channel=draft.channel, received_at=received, summary=summary, description=description,
                  subject=subject, is_anonymous=draft.anonymous, is_confidential=draft.confidential,
                  category=category, decision_type=decision, register_year=register[0] or 0,
                  register_seq=register[1] or 0)


def demo_unit_if_missing(code: str) -> Unit:
    """The unit to seed; the demo Inspektorat (`pengaduan demo`) is created when INSP is asked for and missing."""
    unit = Unit.objects.filter(code=code).first()
    if unit is None and code == "INSP":
        from django.core.management import call_command

        call_command("demo", stdout=io.StringIO())
        unit = Unit.objects.filter(code=code).first()
    if unit is None:
        raise SeedError(f"No unit {code!r}. Create it in the admin (with its SOP and officers), or seed INSP, "
                        "which `pengaduan demo` creates.")
    return unit


def seed_complaints(*, unit: Unit, count: int, years: float = 3, now: datetime | None = None, seed: int = 1,
                    batch_size: int = 5000, progress: Callable[[int, int], None] | None = None) -> SeedResult:
    """Add `count` complaints to `unit`, spread over the last `years` years (see the module docstring)."""
    return Seeder(unit=unit, years=years, now=now, seed=seed, batch_size=batch_size, progress=progress).run(count)
