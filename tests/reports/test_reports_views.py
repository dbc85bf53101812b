"""The report pages: who may see them, what they show, and the downloads."""

import pytest
import time_machine
from django.core.cache import cache

from factories import make_user, wib
from pengaduan.complaints.models import Complaint

pytestmark = pytest.mark.django_db

NOVEMBER = {"kind": "month", "year": 2026, "month": 11}


@pytest.fixture(autouse=True)
def frozen():
    # Tuesday 29 December 2026, 10:00 WIB: D (step 3, due 7 Dec) and E (step 1) are overdue.
    with time_machine.travel(wib(2026, 12, 29, 10, 0), tick=False):
        yield


@pytest.fixture
def client_for(client):
    def login(user):
        client.force_login(user)
        client.cookies.load({"django_language": "en"})
        return client
    return login


def test_it_sends_visitors_to_the_login(client, data_set):
    for url in ("/laporan/", "/laporan/buku-pengaduan/", "/laporan/kepatuhan-sop/", "/laporan/berkala/"):
        assert client.get(url)["Location"].startswith("/masuk/")


def test_it_shows_nothing_to_officers_of_other_units(client_for, data_set, outsider):
    client = client_for(outsider)
    page = client.get("/laporan/")
    assert page.status_code == 200 and "Siti Aminah" not in page.text and "0001/PGD/INSP" not in page.text
    other = client.get("/laporan/buku-pengaduan/", {**NOVEMBER, "unit": data_set.unit.pk, "format": "xlsx"})
    assert "Content-Disposition" not in other and other.context["form"].errors["unit"]
    assert other.context["unit"].code == "DINKES" and other.context["entries"] == 0


def test_it_refuses_the_reports_to_users_without_a_unit(client_for, data_set):
    assert client_for(make_user("tamu")).get("/laporan/").status_code == 404


def test_it_shows_the_inspektur_the_overview(client_for, data_set):
    page = client_for(data_set.staff["inspektur"]).get("/laporan/")
    assert page.status_code == 200
    open_total, overdue, paused, received = page.context["open_total"], page.context["overdue_total"], \
        page.context["paused_total"], page.context["this_month"].received
    assert (open_total, overdue, paused, received) == (2, 2, 0, 1)
    assert page.context["last_month"].received == 4 and page.context["last_month"].answers.answered == 2
    assert [case.run.complaint_id for case in page.context["longest"]] == [data_set.d.pk, data_set.e.pk]
    assert page.text.count("<svg") == 3 and "0003/PGD/INSP/2026" in page.text
    assert "Report for November 2026 (PDF)" in page.text


def test_it_downloads_the_register_of_a_month(client_for, data_set):
    client = client_for(data_set.staff["jfu"])
    form = client.get("/laporan/buku-pengaduan/", NOVEMBER)
    assert form.context["entries"] == 3 and "format=pdf" in form.text
    pdf = client.get("/laporan/buku-pengaduan/", {**NOVEMBER, "format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert pdf["Content-Disposition"] == 'attachment; filename="buku-pengaduan-INSP-2026-11.pdf"'
    xlsx = client.get("/laporan/buku-pengaduan/", {**NOVEMBER, "format": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert b"".join(xlsx.streaming_content).startswith(b"PK")


def test_it_points_to_the_spreadsheet_when_the_print_would_be_too_long(client_for, data_set, monkeypatch):
    monkeypatch.setattr("pengaduan.reports.register.REGISTER_PDF_MAX_ROWS", 2)
    page = client_for(data_set.staff["jfu"]).get("/laporan/buku-pengaduan/", {**NOVEMBER, "format": "pdf"})
    assert page.status_code == 200 and "XLSX" in str(list(page.context["messages"])[0])


def test_it_sends_a_register_too_long_for_the_browser_to_the_command(client_for, data_set, monkeypatch):
    monkeypatch.setattr("pengaduan.reports.views.WEB_XLSX_MAX_ROWS", 2)
    page = client_for(data_set.staff["jfu"]).get("/laporan/buku-pengaduan/", {**NOVEMBER, "format": "xlsx"})
    message = str(list(page.context["messages"])[0])
    assert page.status_code == 200 and "3 entries" in message and "pengaduan report register" in message


def test_it_shows_compliance_and_officers_only_to_superiors(client_for, data_set):
    page = client_for(data_set.staff["inspektur"]).get("/laporan/kepatuhan-sop/", {"kind": "quarter", "year": 2026,
                                                                                   "quarter": 4})
    assert [row.done for row in page.context["steps"]] == [4, 4, 3, 3, 3]
    assert len(page.context["officers"]) == 5 and page.context["months_chart"] is not None
    assert "16 h 54 min" in page.text  # step 3's median, 60 840 s
    colleague = client_for(data_set.staff["jfu"]).get("/laporan/kepatuhan-sop/", NOVEMBER)
    assert colleague.context["officers"] is None and "Per officer" not in colleague.text


def test_it_shows_the_periodic_report_and_its_pdf(client_for, data_set):
    client = client_for(data_set.staff["inspektur"])
    page = client.get("/laporan/berkala/", {"kind": "quarter", "year": 2026, "quarter": 4})
    assert page.context["figures"].received == 5 and "Quarter IV 2026" in page.text
    pdf = client.get("/laporan/berkala/", {"kind": "quarter", "year": 2026, "quarter": 4, "format": "pdf"})
    assert pdf["Content-Disposition"] == 'attachment; filename="laporan-INSP-2026-Q4.pdf"'
    assert pdf.content.startswith(b"%PDF")


def test_it_reads_a_range_of_days(client_for, data_set):
    page = client_for(data_set.staff["jfu"]).get("/laporan/buku-pengaduan/", {
        "kind": "range", "first_day": "2026-11-01", "last_day": "2026-11-02"})
    assert page.context["entries"] == 1 and page.context["period"].code == "2026-11-01..2026-11-02"
    wrong = client_for(data_set.staff["jfu"]).get("/laporan/buku-pengaduan/", {
        "kind": "range", "first_day": "2026-11-05", "last_day": "2026-11-02", "year": 2026})
    assert "The last day comes before the first." in wrong.text
    no_year = client_for(data_set.staff["jfu"]).get("/laporan/buku-pengaduan/", {"kind": "year"})
    assert no_year.context["form"].errors["year"] == ["Isi tahunnya."]  # Indonesian, the default


def test_it_defaults_to_this_month(client_for, data_set):
    page = client_for(data_set.staff["jfu"]).get("/laporan/berkala/")
    assert page.context["period"].code == "2026-12" and page.context["figures"].received == 1
    assert Complaint.objects.count() == 6
    cache.clear()
