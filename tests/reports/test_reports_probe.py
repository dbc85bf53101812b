import pytest
from pathlib import Path
from factories import wib
from pengaduan.reports.periods import Period
from pengaduan.reports.register import register_pdf, register_xlsx
from pengaduan.reports.periodic import periodic_pdf
pytestmark = pytest.mark.django_db
def test_probe(data_set):
    out = Path("/tmp/rep-out"); out.mkdir(exist_ok=True)
    (out / "register-q4.pdf").write_bytes(register_pdf(unit=data_set.unit, period=Period.quarter(2026, 4), now=wib(2026,12,30,9,0)))
    (out / "periodic-nov.pdf").write_bytes(periodic_pdf(unit=data_set.unit, period=Period.month(2026, 11), now=wib(2026,12,1,9,0)))
    (out / "periodic-q4.pdf").write_bytes(periodic_pdf(unit=data_set.unit, period=Period.quarter(2026, 4), now=wib(2027,1,4,9,0)))
    with open(out / "register-2026.xlsx", "wb") as f:
        register_xlsx(f, unit=data_set.unit, period=Period.year(2026))


def test_probe_many(data_set, monkeypatch):
    from pengaduan.reports import register
    rows = [(n, wib(2026, 11, 2, 8, 0), f"{n:04d}/PGD/INSP/2026", n % 7 == 0, n % 5 == 0, f"Pengadu Nomor {n}", "walk_in",
             "Ringkasan pengaduan yang cukup panjang tentang pelayanan di kelurahan " * (1 + n % 3), "Kelurahan Taman", "forward", "Dinas Perhubungan", "closed", wib(2026, 11, 5, 9, 0), "", None) for n in range(1, 121)]
    monkeypatch.setattr(register, "register_rows", lambda entries: iter(rows))
    Path("/tmp/rep-out/register-many.pdf").write_bytes(register.register_pdf(unit=data_set.unit, period=Period.year(2026)))


def test_probe_pages(client, data_set):
    import time_machine
    from django.urls import include, path
    with time_machine.travel(wib(2026, 12, 29, 10, 0), tick=False):
        client.force_login(data_set.staff["inspektur"])
        pages = {"dashboard": ("/laporan/", {}), "compliance": ("/laporan/kepatuhan-sop/", {"kind": "quarter", "year": 2026, "quarter": 4}),
                 "periodic": ("/laporan/berkala/", {"kind": "month", "year": 2026, "month": 11}),
                 "register": ("/laporan/buku-pengaduan/", {})}
        for name, (url, params) in pages.items():
            html = client.get(url, params).content.decode()
            html = html.replace('href="/static/reports/', 'href="file:///work/main/src/pengaduan/reports/static/reports/')
            html = html.replace('href="/static/', 'href="file:///work/main/src/pengaduan/static/')
            Path(f"/tmp/rep-out/{name}.html").write_text(html)


def test_probe_public(client, data_set):
    import time_machine
    from django.core.cache import cache
    from django.test import override_settings
    cache.clear()
    with time_machine.travel(wib(2026, 12, 31, 12, 0), tick=False), override_settings(ROOT_URLCONF="test_reports_public"):
        html = client.get("/statistik/").content.decode()
    html = html.replace('href="/static/reports/', 'href="file:///work/main/src/pengaduan/reports/static/reports/')
    html = html.replace('href="/static/', 'href="file:///work/main/src/pengaduan/static/')
    Path("/tmp/rep-out/public.html").write_text(html)
