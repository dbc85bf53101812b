"""The evidence pack (`pengaduan report evidence`, and the button on the reports sent page): one ZIP with an index
PDF listing every file; for the unit's head and the oversight role only. And the archive of reports sent."""

import hashlib
import zipfile
from io import BytesIO, StringIO

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from factories import make_user, wib
from pengaduan.reports import evidence
from pengaduan.reports.evidence import INDEX_NAME, EvidenceError, EvidenceItem, evidence_pack
from pengaduan.reports.models import PeriodicReport
from pengaduan.reports.schedule import periodic_reports_send
from pengaduan.units.oversight import OVERSIGHT_GROUP

pytestmark = pytest.mark.django_db

EXPECTED = [
    INDEX_NAME,
    "00-sha256sums.txt",
    "01-standar-pelayanan-INSP.pdf",
    "02-sop-3.1.1.10-versi-1.pdf",
    "03-petugas-INSP.pdf",
    "04-buku-pengaduan-INSP-2026.xlsx",
    "05-laporan-berkala/laporan-INSP-2026-11.pdf",
    "05-laporan-berkala/laporan-INSP-2026-per-2026-12-29.pdf",
    "06-kepatuhan-sop-INSP-2026.pdf",
    "07-saluran-INSP-2026.pdf",
    "08-log-akses-data-pribadi-INSP-2026.pdf",
    "09-pelimpahan-pemeriksaan-INSP-2026.pdf",
    "10-skm-INSP-2026.pdf",
    "10-skm-INSP-2026.xlsx",
]


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(wib(2026, 12, 29, 10, 0), tick=False):
        yield


@pytest.fixture
def with_november_report(data_set):
    periodic_reports_send(now=wib(2026, 12, 5, 8, 0))
    assert PeriodicReport.objects.filter(kind="month").count() == 1


def test_it_packs_every_piece_of_evidence_with_an_index(data_set, with_november_report):
    output = BytesIO()
    pack = evidence_pack(output, unit=data_set.unit, year=2026)
    archive = zipfile.ZipFile(output)
    assert sorted(archive.namelist()) == sorted(EXPECTED) == sorted(pack.files)
    for entry in pack.entries:
        assert entry.name, entry.note
        content = archive.read(entry.name)
        assert len(content) == entry.size and hashlib.sha256(content).hexdigest() == entry.sha256
        assert content[:4] in (b"%PDF", b"PK\x03\x04")
    assert archive.read(INDEX_NAME).startswith(b"%PDF")
    sums = archive.read("00-sha256sums.txt").decode().splitlines()
    assert sums[0] == f"{pack.entries[0].sha256}  01-standar-pelayanan-INSP.pdf" and len(sums) == len(EXPECTED) - 2
    # The report kept when it was sent is the one in the pack, byte for byte.
    kept = PeriodicReport.objects.get(kind="month")
    assert archive.read("05-laporan-berkala/laporan-INSP-2026-11.pdf") == kept.file.open("rb").read()


def test_it_lets_a_section_be_added_for_every_pack(data_set, monkeypatch):
    def skm(ctx):
        return [EvidenceItem("SKM", "11-extra.pdf", ctx.file("11-extra.pdf", b"%PDF-1.4 skm")),
                EvidenceItem("Catatan", note="tidak ada survei")]

    monkeypatch.setattr(evidence, "SECTIONS", list(evidence.SECTIONS))
    evidence.add_section(skm)
    output = BytesIO()
    pack = evidence_pack(output, unit=data_set.unit, year=2026)
    assert zipfile.ZipFile(output).read("11-extra.pdf") == b"%PDF-1.4 skm"
    assert [entry.note for entry in pack.entries][-1] == "tidak ada survei"


def test_it_refuses_a_year_not_begun(data_set):
    with pytest.raises(EvidenceError, match="2027"):
        evidence_pack(BytesIO(), unit=data_set.unit, year=2027)


def test_it_writes_the_pack_from_the_console(data_set, tmp_path):
    target = tmp_path / "bukti.zip"
    out = StringIO()
    call_command("report", "evidence", "--unit", "INSP", "--year", "2026", "-o", str(target), stdout=out)
    assert INDEX_NAME in zipfile.ZipFile(target).namelist()
    assert "Evidence pack INSP 2026" in out.getvalue()


@pytest.mark.parametrize(("args", "message"), [
    (["--unit", "NOPE", "--year", "2026"], "Unknown unit 'NOPE'"),
    (["--unit", "INSP", "--year", "1999"], "no evidence pack for 1999"),
    (["--unit", "INSP", "--year", "2026", "-o", "/nowhere/bukti.zip"], "does not exist"),
])
def test_it_says_clearly_what_is_wrong_on_the_console(data_set, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("report", "evidence", *args, stdout=StringIO())


@pytest.fixture
def client_for(client):
    def login(user):
        client.force_login(user)
        client.cookies.load({"django_language": "en"})
        return client
    return login


def test_it_lists_the_reports_sent_and_downloads_them(client_for, data_set, with_november_report):
    client = client_for(data_set.staff["jfu"])
    page = client.get("/laporan/berkala/arsip/")
    assert page.status_code == 200 and "November 2026" in page.content.decode()
    assert b"Evidence pack" not in page.content  # the JFU is not the unit's head
    report = PeriodicReport.objects.get(kind="month")
    download = client.get(f"/laporan/berkala/arsip/{report.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")


def test_it_keeps_reports_from_officers_of_other_units(client_for, data_set, with_november_report, outsider):
    report = PeriodicReport.objects.get(kind="month")
    assert client_for(outsider).get(f"/laporan/berkala/arsip/{report.pk}/").status_code == 404


def test_it_gives_the_evidence_pack_to_the_head_and_the_overseer_only(client_for, data_set):
    unit = data_set.unit
    url = f"/laporan/bukti/?unit={unit.pk}&year=2026"
    assert client_for(data_set.staff["jfu"]).get(url).status_code == 404
    inspektur = client_for(data_set.staff["inspektur"])
    assert b"Evidence pack" in inspektur.get("/laporan/berkala/arsip/").content
    response = inspektur.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert INDEX_NAME in zipfile.ZipFile(BytesIO(b"".join(response.streaming_content))).namelist()
    pemda = make_user("pemda")
    pemda.groups.add(Group.objects.get(name=OVERSIGHT_GROUP))
    assert client_for(pemda).get(url).status_code == 200


def test_it_sends_a_year_not_begun_back_with_a_message(client_for, data_set):
    response = client_for(data_set.staff["inspektur"]).get(f"/laporan/bukti/?unit={data_set.unit.pk}&year=2031",
                                                           follow=True)
    assert "There is no evidence pack for 2031" in response.content.decode()


def test_it_sends_a_register_too_long_for_the_browser_to_the_console(client_for, data_set, monkeypatch):
    monkeypatch.setattr("pengaduan.reports.views.WEB_XLSX_MAX_ROWS", 1)
    response = client_for(data_set.staff["inspektur"]).get(f"/laporan/bukti/?unit={data_set.unit.pk}&year=2026",
                                                           follow=True)
    assert "pengaduan report evidence --unit INSP --year 2026" in response.content.decode()


def test_it_shows_the_overseer_every_units_reports(client_for, data_set, with_november_report, outsider):
    pemda = make_user("pemda")
    pemda.groups.add(Group.objects.get(name=OVERSIGHT_GROUP))
    client = client_for(pemda)
    assert "/laporan/berkala/arsip/" in client.get("/kerja/pengawasan/").content.decode()
    page = client.get(f"/laporan/berkala/arsip/?unit={data_set.unit.pk}").content.decode()
    assert "Dinas Kesehatan" in page and "November 2026" in page and "Evidence pack" in page
