"""The SKM report: per unit and period and for the whole Pemda, on screen, as PDF and XLSX, on the portal, and as
a section of the periodic report."""

import re
import zipfile
from datetime import date
from decimal import Decimal
from io import BytesIO
from xml.etree import ElementTree

import pytest
from django.core.cache import cache
from django.urls import reverse

from factories import make_unit, make_user
from pengaduan.reports import skm as report
from pengaduan.reports.periodic import periodic_pdf
from pengaduan.reports.periods import Period
from pengaduan.skm.models import SurveyResponse


pytestmark = pytest.mark.django_db
NS = {"x": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def sheets(data: bytes) -> dict[str, list[list]]:
    """Each worksheet's rows as lists of values (inline strings and numbers), as tests/reports reads them."""
    book = zipfile.ZipFile(BytesIO(data))
    found = {}
    for name in sorted(n for n in book.namelist() if n.startswith("xl/worksheets/sheet")):
        rows = []
        for row in ElementTree.fromstring(book.read(name)).iterfind(".//x:sheetData/x:row", NS):
            values = {}
            for cell in row.iterfind("x:c", NS):
                column = ord(re.match(r"[A-Z]", cell.get("r")).group()) - ord("A")
                text = cell.find("x:is/x:t", NS)
                values[column] = text.text if text is not None else float(cell.find("x:v", NS).text)
            rows.append([values.get(i) for i in range(max(values) + 1)] if values else [])
        found[name] = rows
    return found


def pdf_text(data: bytes) -> str:
    """The text drawn on an uncompressed PDF's pages (ReportLab writes each line as one string), one line each."""
    lines = []
    for literal in re.findall(rb"\((.*?)(?<!\\)\) Tj", data):
        text = re.sub(rb"\\([0-7]{3})", lambda m: bytes([int(m[1], 8)]), literal)
        lines.append(re.sub(rb"\\(.)", rb"\1", text).decode("cp1252"))
    return "\n".join(lines)

# The 29 questionnaires of the worked example (tests/skm/test_skm_regulation.py): per element, how many gave 4, 3, 2.
SPREAD = [(18, 11, 0), (14, 15, 0), (15, 12, 2), (29, 0, 0), (15, 14, 0), (18, 11, 0), (19, 10, 0), (18, 11, 0),
          (28, 1, 0)]


def respond(unit, day: date, answers, **profile):
    return SurveyResponse.objects.create(complaint_key=f"{unit.pk}-{day}-{SurveyResponse.objects.count()}",
                                         unit=unit, answered_on=day, **dict(zip(
                                             [f"u{n}" for n in range(1, 10)], answers)), **profile)


def worked_example(unit, day=date(2026, 8, 3)):
    columns = []
    for fours, threes, twos in SPREAD:
        columns.append([4] * fours + [3] * threes + [2] * twos)
    for index, answers in enumerate(zip(*columns)):
        respond(unit, day, answers, sex="female" if index % 3 == 0 else "",
                education="sma" if index < 10 else "s1", comment="Pelayanan cepat, hubungi 081234567890" if index == 0 else "")


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


def test_it_sums_a_unit_and_period_into_the_regulations_figures(unit):
    worked_example(unit)
    respond(unit, date(2026, 10, 1), [1] * 9)  # another quarter: left out
    summary = report.skm_summary(unit, date(2026, 7, 1), date(2026, 10, 1))
    assert summary.respondents == 29
    assert [row.total for row in summary.elements] == [105, 101, 100, 116, 102, 105, 106, 105, 115]
    assert summary.elements[2].by_answer == (0, 2, 12, 15)
    assert (summary.value, summary.ikm, summary.category.grade) == (Decimal("3.6590"), Decimal("91.48"), "A")
    sexes = next(group for group in summary.profile if group.name == "sex")
    assert sexes.rows == [("Laki-laki", 0), ("Perempuan", 10)] and sexes.not_given == 19


def test_it_sums_the_whole_pemda_and_each_unit(unit):
    dinkes = make_unit(code="DINKES", name="Dinas Kesehatan")
    respond(unit, date(2026, 3, 1), [4] * 9)
    respond(dinkes, date(2026, 3, 2), [2] * 9)
    whole = report.skm_summary(None, date(2026, 1, 1), date(2027, 1, 1))
    assert (whole.respondents, whole.ikm, whole.category.grade) == (2, Decimal("75.00"), "C")
    per_unit = dict(report.skm_by_unit([unit, dinkes], date(2026, 1, 1), date(2027, 1, 1)))
    assert per_unit[unit].ikm == 100 and per_unit[dinkes].category.grade == "D"


def test_it_reports_a_period_without_answers_plainly(unit):
    summary = report.skm_summary(unit, date(2026, 1, 1), date(2026, 2, 1))
    assert (summary.respondents, summary.ikm, summary.category, summary.elements) == (0, None, None, [])
    assert "Tidak ada survei yang diisi" in pdf_text(report.skm_pdf(summary, compress=False))


def test_it_writes_the_yearly_report_as_pdf_with_every_element_and_the_category(unit):
    worked_example(unit)
    text = pdf_text(report.skm_pdf(report.skm_summary_for(unit, Period.year(2026)), compress=False))
    for expected in ("LAPORAN HASIL SURVEI KEPUASAN MASYARAKAT", "U8 Penanganan pengaduan",
                     "91,48", "A (Sangat baik)", "3,6590", "Profil responden", "Pelayanan cepat, hubungi [phone]"):
        assert expected in text
    assert "081234567890" not in text


def test_it_writes_the_report_as_a_spreadsheet_with_every_questionnaire(unit):
    worked_example(unit)
    output = BytesIO()
    report.skm_xlsx(output, report.skm_summary_for(unit, Period.year(2026)))
    found = sheets(output.getvalue())
    summary, answers = found["xl/worksheets/sheet1.xml"], found["xl/worksheets/sheet4.xml"]
    by_label = {row[0]: row[1:] for row in summary if row}
    assert by_label["Responden"] == [29.0]
    assert by_label["IKM (×25)"] == [91.48]
    assert by_label["Mutu pelayanan"] == ["A"] and by_label["Kinerja unit pelayanan"] == ["Sangat baik"]
    assert by_label["U1 Persyaratan"][:2] == [105.0, pytest.approx(3.6207, abs=0.0001)]
    assert answers[0] == ["No.", "U1", "U2", "U3", "U4", "U5", "U6", "U7", "U8", "U9"] and len(answers) == 30


def test_it_adds_the_periods_skm_to_the_periodic_report(unit):
    worked_example(unit, day=date(2026, 11, 3))
    text = pdf_text(periodic_pdf(unit=unit, period=Period.month(2026, 11), compress=False))
    assert "Survei Kepuasan Masyarakat (SKM)" in text and "91,48" in text and "A (Sangat baik)" in text


def test_it_publishes_each_units_index_and_category_per_period(client, unit):
    worked_example(unit, day=date(2026, 2, 10))
    page = client.get(reverse("unit_skm", args=[unit.code]), {"tahun": "2026"})
    assert page.status_code == 200
    text = page.text
    assert "Indeks Kepuasan Masyarakat (IKM) 2026" in text and "Triwulan I 2026" in text
    assert "91,48" in text and "A (Sangat baik)" in text and "belum ada jawaban" in text
    assert "Pelayanan cepat" not in text  # comments are not published
    pemda = client.get(reverse("public_skm"), {"tahun": "2026"}).text
    assert reverse("unit_skm", args=[unit.code]) in pemda
    assert client.get(reverse("unit_skm", args=["NOPE"])).status_code == 404


def test_it_shows_the_report_to_the_units_officers_with_downloads(client, unit, jfu, outsider):
    worked_example(unit)
    client.force_login(jfu)
    params = {"unit": unit.pk, "kind": "year", "year": 2026}
    page = client.get(reverse("reports:skm"), params)
    assert page.status_code == 200 and "91,48" in page.text and "Pelayanan cepat" in page.text
    pdf = client.get(reverse("reports:skm"), {**params, "format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf" and "skm-INSP-2026.pdf" in pdf["Content-Disposition"]
    xlsx = client.get(reverse("reports:skm"), {**params, "format": "xlsx"})
    assert "skm-INSP-2026.xlsx" in xlsx["Content-Disposition"]
    periodic = client.get(reverse("reports:periodic"), params).text
    assert "IKM 91,48, mutu pelayanan A (Sangat baik), dari 29 responden." in periodic
    client.force_login(outsider)
    assert "91,48" not in client.get(reverse("reports:skm"), params).text  # only the units they work in


def test_it_gives_oversight_the_whole_pemda(client, unit):
    from django.contrib.auth.models import Permission

    worked_example(unit)
    pemda = make_user("pemda")
    pemda.user_permissions.add(Permission.objects.get(codename="oversee_units"))
    client.force_login(pemda)
    page = client.get(reverse("reports:skm"), {"unit": unit.pk, "kind": "year", "year": 2026, "scope": "pemda"})
    assert page.status_code == 200 and "Seluruh unit kerja Pemda" in page.text and "91,48" in page.text


def test_it_writes_the_report_from_the_command_line(unit, tmp_path, capsys):
    from django.core.management import CommandError, call_command

    worked_example(unit)
    call_command("report", "skm", "--period", "2026", "--unit", unit.code)
    out = capsys.readouterr().out
    assert "SKM INSP 2026: 29 respondents, IKM 91,48, A (Sangat baik)" in out and "U9 Sarana dan prasarana" in out
    call_command("report", "skm", "--period", "2026", "--pemda", "--format", "xlsx", "-o", str(tmp_path / "skm.xlsx"))
    assert (tmp_path / "skm.xlsx").stat().st_size > 0
    with pytest.raises(CommandError, match="together"):
        call_command("report", "skm", "--period", "2026", "--format", "pdf")
