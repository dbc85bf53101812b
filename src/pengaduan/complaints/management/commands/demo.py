"""`pengaduan demo`: a Pemda on one install. The Inspektorat of Kota Madiun with its SOP, one officer per role,
and complaints in every step, dated around today (some overdue); it is the Pemda's triage unit (complaints sent
with "I don't know" reach it). Beside it a Dinas Kesehatan, whose SOP is read from its sheet by the importer, and
the Satpol PP with its own SOP file and a Saturday office day; their officers log in as `<role>.<unit code>`
(e.g. `jfu.dinkes`), each unit with complaints in every step. Safe to run twice: nothing is duplicated."""

import zlib
from datetime import datetime, time, timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from pengaduan.complaints import channels, engine, examinations, search
from pengaduan.complaints.kinds import Sample, get_kind
from pengaduan.complaints.models import Complaint, DecisionType
from pengaduan.sop.importer import import_sheet
from pengaduan.sop.services import sop_load
from pengaduan.units.models import Membership, Unit
from pengaduan.units.oversight import OVERSIGHT_GROUP, OVERSIGHT_PERMISSION
from pengaduan.workcalendar.durations import Duration, DurationUnit
from pengaduan.workcalendar.models import OfficeHours
from pengaduan.workcalendar.services import calendar_for_unit
from pengaduan.units import stamps

SOP_FILES = Path(__file__).resolve().parents[3] / "sop" / "files"
MADIUN_SOP = SOP_FILES / "madiun-3.1.1.10.toml"
DEMO_PASSWORD = "demo-pengaduan"
DEMO_DOMAIN = "inspektorat.madiun.example"  # a reserved domain: demo mail lands in data/mail/, never outside

OFFICERS = [
    # username, first name, last name, role
    ("jfu", "Rina", "Wulandari", "jfu"),
    ("sekretaris", "Bambang", "Setiawan", "sekretaris"),
    ("kasubag", "Dewi", "Lestari", "kasubag"),
    ("inspektur", "Agus", "Prasetyo", "inspektur"),
    ("irban", "Hendra", "Kurniawan", "irban"),  # examines when the Inspektur decides "examination"
]
# The Pemda-wide oversight role (units/oversight.py): read-only, every unit, identities masked.
OVERSEER = ("pemda", "Sekretariat", "Daerah")
PERFORMERS = {1: "jfu", 2: "sekretaris", 3: "inspektur", 4: "sekretaris", 5: "jfu"}

COMPLAINTS = [
    # (working days ago, hour, channel, stop before step, minutes spent on each step, overrides)
    (0, None, "web", 1, [], {"summary": "Lampu penerangan jalan mati sebulan", "subject": "Dinas Perhubungan",
                             "complainant_name": "Yusuf Hidayat"}),
    (1, 9, "complaint_box", 1, [], {"summary": "Antrean puskesmas tanpa nomor urut", "subject": "Puskesmas Oro-oro Ombo",
                                    "is_anonymous": "on"}),
    (2, 8, "walk_in", 2, [20], {"summary": "Pungutan pada pengurusan KTP", "subject": "Kelurahan Manguharjo"}),
    (0, 9, "telephone", 2, [15], {"summary": "Izin usaha tidak kunjung terbit", "subject": "DPMPTSP",
                                     "complainant_name": "Hendra Gunawan", "coordinate": True}),
    (3, 10, "letter", 3, [25, 9], {"summary": "Bantuan sosial tidak tepat sasaran", "subject": "Dinas Sosial",
                                   "complainant_name": "Sri Rahayu", "is_confidential": "on",
                                   "complainant_email": "sri.rahayu@warga.example"}),
    (14, 8, "email", 3, [20, 8], {"summary": "Guru sering tidak hadir mengajar", "subject": "SDN Madiun Lor 02",
                                  "complainant_name": "Wahyu Nugroho", "examine": True}),
    (6, 9, "sms_whatsapp", 4, [25, 10, 2400], {"summary": "Jalan berlubang tak kunjung diperbaiki",
                                               "subject": "Dinas PUPR", "complainant_name": "Nur Aini",
                                               "complainant_email": "nur.aini@warga.example"}),
    (5, 13, "lapor", 5, [30, 10, 1800, 50], {"summary": "Pelayanan akta kelahiran lambat",
                                              "subject": "Dinas Dukcapil", "complainant_name": "Ahmad Fauzi"}),
    (12, 8, "walk_in", 6, [20, 8, 2000, 45, 25], {"summary": "Retribusi pasar ditarik dua kali",
                                                  "subject": "Dinas Perdagangan", "complainant_name": "Sulastri"}),
    (20, 9, "web", 6, [60, 40, 3600, 120, 90], {"summary": "Sampah tidak diangkut seminggu",
                                                 "subject": "Dinas Lingkungan Hidup", "is_anonymous": "on"}),
    # Forwarded to a body outside this install: it waits, monitored, for the answer an officer records.
    (9, 10, "social_media", 4, [25, 10, 900], {"summary": "Keluhan parkir liar di alun-alun",
                                                       "subject": "Dinas Perhubungan", "complainant_name": "Bayu Saputra",
                                                       "decision": "forward"}),
    # Forwarded to a unit of this Pemda: a linked complaint in the Dinkes' register; the case here is monitored.
    (4, 9, "web", 4, [20, 10, 600], {"summary": "Obat kosong di puskesmas sejak sebulan",
                                     "subject": "Puskesmas Demangan", "complainant_name": "Rina Marlina",
                                     "decision": "forward", "forward_to_unit": "DINKES"}),
    # Forwarded to the Dinkes, which answered it: the answer came back and closed the case here too.
    (10, 9, "telephone", 4, [20, 10, 600], {"summary": "Vaksin anak tidak tersedia di posyandu",
                                            "subject": "Puskesmas Patihan", "complainant_name": "Dian Pratiwi",
                                            "decision": "forward", "forward_to_unit": "DINKES",
                                            "then": "answered"}),
    # Forwarded to the Dinkes, which returned it as not its own: the decision waits here again, with the reason.
    (8, 10, "letter", 4, [20, 10, 600], {"summary": "Izin praktik bidan swasta dipersoalkan",
                                         "subject": "Praktik bidan swasta", "complainant_name": "Sugeng Riyanto",
                                         "decision": "forward", "forward_to_unit": "DINKES", "then": "returned"}),
]


# The Pemda's other units. `sheet`: the SOP as the unit keeps it (text of its signed sheet), read by the importer
# as an administrator would; `sop`: an SOP file. `saturday`: office hours of its own (the Pemda's week plus a
# Saturday morning), on top of the Pemda calendar.
PEMDA = "Pemerintah Kota Madiun"
UNITS = [
    {"code": "DINKES", "name": "Dinas Kesehatan Kota Madiun", "sheet": SOP_FILES / "sheets" / "dinkes-440-05-2025.txt",
     "services": "Pengaduan tentang puskesmas, rumah sakit daerah, obat, jaminan kesehatan dan petugas kesehatan.",
     "address": "Jl. Trunojoyo No. 120, Kota Madiun", "phone": "(0351) 000001", "email": "dinkes@madiunkota.example",
     "escalation_roles": ["sekretaris", "kepala_dinas"], "saturday": False,
     "names": {"jfu": ("Lestari", "Handayani"), "sekretaris": ("Yusuf", "Kurniawan"),
               "kepala_dinas": ("dr. Ratna", "Purnomo")}},
    {"code": "SATPOLPP", "name": "Satuan Polisi Pamong Praja Kota Madiun", "sop": SOP_FILES / "satpolpp-demo.toml",
     "services": "Pengaduan tentang ketertiban umum: pedagang kaki lima, parkir liar, kebisingan, bangunan tanpa "
                 "izin dan pelanggaran peraturan daerah.",
     "address": "Jl. Pahlawan No. 37, Kota Madiun", "phone": "(0351) 000002", "email": "satpolpp@madiunkota.example",
     "escalation_roles": ["kasi_trantib", "kasatpol"], "saturday": True,
     "names": {"jfu": ("Slamet", "Riyadi"), "kasi_trantib": ("Hendra", "Wijaya"), "kasatpol": ("Joko", "Susilo")}},
]
UNIT_COMPLAINTS = {
    # unit code: [(working days ago, hour, channel, stop before step (past the last: closed), overrides)]
    "DINKES": [
        (0, None, "web", 1, {"summary": "Obat di puskesmas sering kosong", "subject": "Puskesmas Demangan",
                             "complainant_name": "Endang Sulastri"}),
        (1, 9, "walk_in", 2, {"summary": "Antrean pendaftaran puskesmas berjam-jam", "subject": "Puskesmas Oro-oro Ombo"}),
        (9, 8, "telephone", 3, {"summary": "Pasien BPJS diminta membayar", "subject": "RSUD Kota Madiun",
                                "complainant_name": "Agus Santoso"}),
        (4, 10, "email", 4, {"summary": "Petugas IGD bersikap kasar", "subject": "RSUD Kota Madiun",
                             "is_confidential": "on", "complainant_email": "rudi.h@warga.example"}),
        (5, 9, "sms_whatsapp", 5, {"summary": "Ambulans desa terlambat datang", "subject": "Puskesmas Banjarejo"}),
        (15, 8, "letter", 6, {"summary": "Posyandu tidak mendapat vitamin A", "subject": "Puskesmas Patihan",
                              "complainant_name": "Fitri Wulandari"}),
    ],
    "SATPOLPP": [
        (0, None, "web", 1, {"summary": "Parkir liar di trotoar Pasar Besar", "subject": "Juru parkir liar",
                             "is_anonymous": "on"}),
        (6, 9, "social_media", 2, {"summary": "Pedagang kaki lima menutup jalan", "subject": "Jalan Pahlawan"}),
        (2, 10, "walk_in", 3, {"summary": "Karaoke buka melewati batas jam malam", "subject": "Jalan Diponegoro",
                               "complainant_name": "Bayu Saputra"}),
        (8, 8, "complaint_box", 5, {"summary": "Reklame liar di pohon perindang", "subject": "Jalan Cokroaminoto"}),
    ],
}
UNIT_MINUTES = [25, 60, 900, 120, 40]  # office minutes each step takes, in order


def _intake(channel, overrides):
    # Each demo complaint has its own caller: one shared number would make every case the same person's history.
    serial = zlib.crc32(overrides.get("summary", "").encode()) % 10000
    data = {
        "channel": channel,
        "complainant_name": "Warga Kota Madiun",
        "complainant_phone": f"0812 3456 {serial:04d}",
        "complainant_address": "Kota Madiun",
        "summary": "Keluhan layanan",
        "description": "Pengadu menyampaikan keluhan atas layanan yang diterimanya dan meminta tindak lanjut.",
        "subject": "Perangkat daerah",
        "event_place": "Kota Madiun",
    }
    data.update({k: v for k, v in overrides.items() if k not in {"coordinate", "decision", "forward_to_unit", "then"}})
    return data


def _head_from_sop(sop):
    """The letters' signatory: the SOP's own signatory block (the Inspektur who ratified it)."""
    signatory = sop.document.get("sop", {}).get("signatory") or {}
    return {"head_title": signatory.get("title", ""), "head_name": signatory.get("name", ""),
            "head_rank": signatory.get("rank") or "", "head_nip": signatory.get("nip") or ""}


def _step_data(number, complaint, overrides):
    forward = overrides.get("decision") == "forward"
    return {
        2: {"notes": "Pengadu dihubungi untuk konfirmasi; data dan kronologi sudah lengkap.",
            "complaint_type": "pengaduan", "category": "Pelayanan publik",
            "report": "Aduan sudah terklarifikasi dan layak ditindaklanjuti."},
        3: {"analysis": "Aduan berkaitan dengan kewenangan perangkat daerah terkait.",
            "decision_type": "forward" if forward else "answer",
            "forward_to": "Polres Madiun Kota" if forward and not overrides.get("forward_to_unit") else "",
            "forward_to_unit": overrides.get("forward_to_unit", ""),
            "reasoning": "Sesuai tugas dan fungsi perangkat daerah.",
            "order": "Sampaikan jawaban tertulis kepada pengadu."},
        4: {"letter_number": f"700/{complaint.pk:03d}/401.105/{timezone.localdate().year}",
            "answer": "Terima kasih atas pengaduan Saudara. Aduan telah kami tindak lanjuti bersama perangkat "
                      "daerah terkait.", "order": "Sampaikan langsung kepada pengadu."},
        5: {"method": "in_person" if not complaint.is_anonymous else "portal",
            "recipient": complaint.complainant.name if complaint.complainant else "Pengadu (anonim)",
            "documentation": "Jawaban diserahkan dan diterima dengan baik."},
    }[number]


class Command(BaseCommand):
    help = "Create the demo Inspektorat, its officers and complaints in every step (safe to run twice)."

    def handle(self, *args, **options):
        sop, created = sop_load(path=MADIUN_SOP)
        self.stdout.write(f"SOP {sop.code} v{sop.version} {'loaded' if created else 'already loaded'}.")
        with transaction.atomic():
            unit, _ = Unit.objects.get_or_create(code="INSP", defaults={
                "name": "Inspektorat Kota Madiun", "parent_name": PEMDA,
                "address": "Jl. Perintis Kemerdekaan No. 32, Kota Madiun", "phone": "(0351) 000000",
                "email": "inspektorat@madiunkota.example", "sop_code": sop.code, "register_code": "INSP",
                "escalation_roles": ["sekretaris", "inspektur"], **_head_from_sop(sop),
                "services": "Pengaduan tentang aparatur dan perangkat daerah Kota Madiun; pengaduan yang belum "
                            "jelas unit kerjanya diteruskan kepada unit kerja yang berwenang.",
            })
            if not Unit.objects.filter(is_triage=True).exists():
                # The Pemda's triage unit: "I don't know" on the portal reaches the Inspektorat.
                Unit.objects.filter(pk=unit.pk).update(is_triage=True)
                stamps.bump(stamps.UNITS)  # update() sends no signal
            users = {role: self._user(username, first, last, unit, role) for username, first, last, role in OFFICERS}
            self._admin()
            self._overseer()
        # The other units first: an Inspektorat case is forwarded to the Dinkes.
        pemda = [self._pemda_unit(spec) for spec in UNITS]
        if Complaint.objects.filter(unit=unit).exists():
            self.stdout.write("Demo complaints already exist; none added.")
        else:
            self._complaints(unit, users)
        search.index_new_complaints()  # SQLite: the similar-case search's index, in one batch
        self.stdout.write(self.style.SUCCESS("\nDemo logins (password for all: %s)" % DEMO_PASSWORD))
        self.stdout.write(f"  {unit.name} (triage unit: complaints sent with “Saya tidak tahu” arrive here)")
        for username, first, last, role in OFFICERS:
            self.stdout.write(f"    {username:<24} {first} {last} ({examinations.role_title(sop, role)})")
        for other, other_sop, officers in pemda:
            self.stdout.write(f"  {other.name}")
            for username, name, role in officers:
                self.stdout.write(f"    {username:<24} {name} ({other_sop.role_title(role)})")
        self.stdout.write(f"  {OVERSEER[0]:<26} {OVERSEER[1]} {OVERSEER[2]} (oversight of every unit, read-only)")
        self.stdout.write(f"  {'admin':<26} administrator (Django admin at /admin/)")

    def _pemda_unit(self, spec):
        """One more unit of the Pemda: its SOP (from its sheet through the importer, or a file), the unit, an
        officer per SOP role, its office hours when it has its own, and its complaints the first time."""
        if "sheet" in spec:
            # As an administrator would: import the sheet into a draft, then load the draft.
            draft = import_sheet(spec["sheet"])
            sop, created = sop_load(text=draft.document_toml, source_name=spec["sheet"].name)
        else:
            sop, created = sop_load(path=spec["sop"])
        self.stdout.write(f"SOP {sop.code} v{sop.version} {'loaded' if created else 'already loaded'}.")
        code = spec["code"]
        with transaction.atomic():
            unit, _ = Unit.objects.get_or_create(code=code, defaults={
                "name": spec["name"], "parent_name": PEMDA, "address": spec["address"], "phone": spec["phone"],
                "email": spec["email"], "sop_code": sop.code, "register_code": code, "services": spec["services"],
                "escalation_roles": spec["escalation_roles"], **_head_from_sop(sop),
            })
            if spec["saturday"] and not OfficeHours.objects.filter(unit=unit).exists():
                for weekday, opens, closes in [*[(day, time(7, 30), time(16)) for day in range(4)],
                                               (4, time(7, 30), time(15)), (5, time(7, 30), time(12))]:
                    OfficeHours.objects.create(unit=unit, weekday=weekday, opens=opens, closes=closes)
            officers, users = [], {}
            for role in sop.roles:
                first, last = spec["names"].get(role["code"], (role["title"], ""))
                username = f"{role['code']}.{code.lower()}"
                users[role["code"]] = self._user(username, first, last, unit, role["code"])
                officers.append((username, f"{first} {last}".strip(), role["code"]))
        if not Complaint.objects.filter(unit=unit).exists():
            self._unit_complaints(unit, sop, users, UNIT_COMPLAINTS.get(code, []))
        return unit, sop, officers

    def _unit_complaints(self, unit, sop, users, scenarios):
        """Complaints through any SOP: each done step gets its kind's own plausible output."""
        calendar = calendar_for_unit(unit)
        now = timezone.now()
        steps = list(sop.steps.order_by("number"))
        for days_ago, hour, channel, stop_before, overrides in scenarios:
            stop_before = min(stop_before, len(steps) + 1)
            data = _intake(channel, overrides)
            minutes = UNIT_MINUTES[: stop_before - 1]
            moments = [now - timedelta(minutes=10)] if hour is None else self._schedule(calendar, now, days_ago,
                                                                                         hour, minutes)
            data["received_at"] = timezone.localtime(moments[0]).strftime("%Y-%m-%dT%H:%M")
            data.update(channels.get(channel).sample_details(timezone.localtime(moments[0])))
            if stop_before == 1:
                engine.complaint_receive(unit=unit, data=data, now=moments[0])
                continue
            complaint = engine.complaint_record(unit=unit, actor=users[steps[0].performer], data=data, now=moments[1])
            for step, moment in zip(steps[1: stop_before - 1], moments[2:]):
                complaint.refresh_from_db()
                sample = Sample(channel=channel, received_at=data["received_at"], summary=complaint.summary,
                                is_anonymous=complaint.is_anonymous, category="Pelayanan publik",
                                decision_type=DecisionType.ANSWER, register_year=complaint.register_year or 0,
                                register_seq=complaint.register_seq or 0)
                engine.step_complete(complaint=complaint, actor=users[step.performer], step_number=step.number,
                                     data=get_kind(step.kind).sample_output(sample), now=moment)
        self.stdout.write(f"{len(scenarios)} demo complaints created in {unit.code}.")

    def _user(self, username, first, last, unit, role):
        user, created = get_user_model().objects.get_or_create(
            username=username, defaults={"first_name": first, "last_name": last, "email": f"{username}@{DEMO_DOMAIN}"}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        Membership.objects.get_or_create(user=user, unit=unit, role=role)
        return user

    def _overseer(self):
        username, first, last = OVERSEER
        user, created = get_user_model().objects.get_or_create(
            username=username, defaults={"first_name": first, "last_name": last, "email": f"{username}@{DEMO_DOMAIN}"}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        group, _ = Group.objects.get_or_create(name=OVERSIGHT_GROUP)
        app_label, codename = OVERSIGHT_PERMISSION.split(".")
        group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        user.groups.add(group)

    def _admin(self):
        admin, created = get_user_model().objects.get_or_create(
            username="admin", defaults={"is_staff": True, "is_superuser": True, "first_name": "Admin"}
        )
        if created:
            admin.set_password(DEMO_PASSWORD)
            admin.save()

    def _schedule(self, calendar, now, days_ago, hour, minutes):
        """Receipt and step completion moments for a scenario, moved back by working days until all are past."""
        while True:
            day = timezone.localdate(now)
            for _ in range(days_ago):
                day -= timedelta(days=1)
                while not calendar.is_working_day(day):
                    day -= timedelta(days=1)
            moments = [datetime.combine(day, time(hour, 5), calendar.tz)]
            for spent in minutes:
                moments.append(calendar.add(moments[-1], Duration(spent, DurationUnit.MINUTES)))
            if moments[-1] <= now:
                return moments
            days_ago += 1

    def _forward_followed_up(self, complaint, outcome, decided_at, now):
        """What the target unit did with a case forwarded to it: returned it, or answered it through its SOP."""
        target = complaint.forwards.get().target
        users = {membership.role: membership.user
                 for membership in Membership.objects.filter(unit=target.unit).select_related("user")}
        steps = list(target.sop.steps.order_by("number"))
        moments = iter(min(now, decided_at + timedelta(minutes=30 * (index + 1))) for index in range(len(steps) + 1))
        if outcome == "returned":
            engine.forward_return(complaint=target, actor=users[steps[0].performer], now=next(moments),
                                  reason="Izin praktik bidan swasta diterbitkan oleh DPMPTSP, bukan Dinas Kesehatan.")
            return
        data = _intake(target.channel, {"summary": target.summary, "subject": target.subject})
        data.update(channels.get(target.channel).sample_details(timezone.localtime(target.received_at)))
        engine.step_complete(complaint=target, actor=users[steps[0].performer], step_number=steps[0].number,
                             data=data, now=next(moments))
        for step in steps[1:]:
            target.refresh_from_db()
            sample = Sample(channel=target.channel, received_at=timezone.localtime(target.received_at).strftime(
                                "%Y-%m-%dT%H:%M"), summary=target.summary,
                            is_anonymous=target.is_anonymous, category="Pelayanan kesehatan",
                            decision_type=DecisionType.ANSWER, register_year=target.register_year or 0,
                            register_seq=target.register_seq or 0)
            engine.step_complete(complaint=target, actor=users[step.performer], step_number=step.number,
                                 data=get_kind(step.kind).sample_output(sample), now=next(moments))

    def _complaints(self, unit, users):
        calendar = calendar_for_unit(unit)
        now = timezone.now()
        for days_ago, hour, channel, stop_before, minutes, overrides in COMPLAINTS:
            data = _intake(channel, overrides)
            if hour is None:
                moments = [now - timedelta(minutes=10)]
            else:
                moments = self._schedule(calendar, now, days_ago, hour, minutes)
            data["received_at"] = timezone.localtime(moments[0]).strftime("%Y-%m-%dT%H:%M")
            data.update(channels.get(channel).sample_details(timezone.localtime(moments[0])))
            if stop_before == 1:
                engine.complaint_receive(unit=unit, data=data, now=moments[0])
                continue
            complaint = engine.complaint_record(unit=unit, actor=users["jfu"], data=data, now=moments[1])
            for number, moment in zip(range(2, stop_before), moments[2:]):
                complaint.refresh_from_db()
                engine.step_complete(complaint=complaint, actor=users[PERFORMERS[number]], step_number=number,
                                     data=_step_data(number, complaint, overrides), now=moment)
            if overrides.get("examine"):
                complaint.refresh_from_db()
                engine.step_complete(complaint=complaint, actor=users["inspektur"], step_number=3, data={
                    "analysis": "Ada indikasi guru tidak melaksanakan kewajiban mengajar.",
                    "decision_type": "examination", "reasoning": "Perlu pemeriksaan oleh Irban.",
                    "examination_brief": "Periksa daftar hadir guru dan keterangan kepala sekolah.",
                }, now=min(now, moments[-1] + timedelta(minutes=30)))
            if overrides.get("then"):
                self._forward_followed_up(complaint, overrides["then"], moments[-1], now)
            if overrides.get("coordinate"):
                engine.coordination_request(
                    complaint=complaint, actor=users["sekretaris"], role="kasubag",
                    question="Mohon informasi: apakah permohonan izin ini pernah diajukan sebelumnya?",
                    now=min(now, moments[-1] + timedelta(minutes=3)),
                )
        self.stdout.write(f"{len(COMPLAINTS)} demo complaints created.")
