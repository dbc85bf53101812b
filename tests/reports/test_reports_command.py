"""`pengaduan report`: register, periodic, compliance and rebuild-stats from the console."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from pengaduan.reports.models import ComplaintStat, StepRunStat

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("report", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_writes_the_register_of_a_month_as_xlsx_with_a_progress_bar(data_set, tmp_path):
    target = tmp_path / "buku.xlsx"
    out, err = run("register", "--year", "2026", "--month", "11", "--unit", "INSP", "--format", "xlsx", "-o",
                   str(target))
    assert target.read_bytes().startswith(b"PK") and "3 entries" in out
    assert "Buku Pengaduan [" in err and "100% 3/3" in err


def test_it_prints_the_register_of_a_year_as_pdf(data_set, tmp_path):
    target = tmp_path / "buku.pdf"
    out, _err = run("register", "--year", "2026", "--format", "pdf", "-o", str(target))
    assert target.read_bytes().startswith(b"%PDF") and "INSP 2026" in out


def test_it_points_to_xlsx_when_the_print_would_be_too_long(data_set, tmp_path, monkeypatch):
    monkeypatch.setattr("pengaduan.reports.register.REGISTER_PDF_MAX_ROWS", 1)
    with pytest.raises(CommandError, match="--format xlsx"):
        run("register", "--year", "2026", "--format", "pdf", "-o", str(tmp_path / "buku.pdf"))


@pytest.mark.parametrize("period", ["2026-11", "2026-Q4", "2026"])
def test_it_writes_the_periodic_report(data_set, tmp_path, period):
    target = tmp_path / "laporan.pdf"
    out, _err = run("periodic", "--period", period, "-o", str(target))
    assert target.read_bytes().startswith(b"%PDF") and period in out


def test_it_prints_sop_compliance(data_set):
    out, _err = run("compliance", "--period", "2026-11")
    line = next(line for line in out.splitlines() if line.startswith("3."))
    assert "maks 10 hari" in line and "100,0 %" in line and "11 jam 38 menit" in line  # median 41 880 s


def test_it_rebuilds_missing_figures_and_everything_on_request(data_set):
    StepRunStat.objects.filter(complaint=data_set.b).delete()
    ComplaintStat.objects.filter(complaint=data_set.b).delete()
    out, err = run("rebuild-stats")
    assert "5 step runs, 1 answered complaints" in out and "100%" in err
    assert run("rebuild-stats")[0].startswith("Figures written: 0 step runs, 0 answered")
    assert "17 step runs, 3 answered complaints" in run("rebuild-stats", "--all")[0]
    assert StepRunStat.objects.get(complaint=data_set.b, step_number=2).paused_office_seconds == 53700


@pytest.mark.parametrize("args, message", [
    (("periodic", "--period", "2026-13", "-o", "x.pdf"), "Cannot read the period"),
    (("periodic", "--period", "2026-Q4", "--unit", "NOPE", "-o", "x.pdf"), "Unknown unit 'NOPE'"),
    (("register", "--format", "pdf", "-o", "x.pdf"), "Give --year"),
    (("register", "--year", "2026", "--month", "13", "--format", "pdf", "-o", "x.pdf"), "1 to 12"),
])
def test_it_explains_what_it_cannot_do(data_set, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
