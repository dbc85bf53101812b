"""docs/extending.md "Add a step kind": the worked example, run as written, works end to end.

The toy kind is registered for each test's duration only; the project itself has no site visit step.
"""

import base64
import re
import zlib
from pathlib import Path

import pytest
from django.urls import reverse

from factories import EXAMPLE_SOP, PASSWORD, intake_data, make_unit, make_user, wib
from pengaduan.api.services import token_create
from pengaduan.complaints.engine import complaint_record
from pengaduan.complaints.kinds import kinds
from pengaduan.complaints.page import complaint_page
from pengaduan.sop.errors import SopFileError
from pengaduan.sop.printing import sop_sheet_pdf
from pengaduan.sop.services import sop_load

pytestmark = pytest.mark.django_db

EXTENDING = Path(__file__).resolve().parents[2] / "docs" / "extending.md"
SITE_VISIT_STEP = (EXAMPLE_SOP.read_text(encoding="utf-8")
                   .replace('kind = "review"', 'kind = "site_visit"')
                   .replace("Menelaah pengaduan bersama staf teknis dan menetapkan jawaban",
                            "Meninjau lokasi yang diadukan bersama staf teknis")
                   .replace('output = "Jawaban atas pengaduan"', 'output = "Berita acara peninjauan lapangan"'))


def _pdf_text(pdf: bytes) -> str:
    """The text drawn on the PDF's pages (ReportLab writes ASCII85 + Flate streams)."""
    streams = re.finditer(rb"/Filter \[ /ASCII85Decode /FlateDecode \][^>]*>>\s*stream\r?\n(.*?)endstream", pdf, re.S)
    return "\n".join(zlib.decompress(base64.a85decode(m[1].strip(), adobe=True)).decode("latin-1") for m in streams)


def _example_kind():
    """The SiteVisit class from the docs' code block; only its permanent `@register` is left to the test."""
    section = EXTENDING.read_text(encoding="utf-8").split("## Add a step kind", 1)[1].split("\n## ", 1)[0]
    code = re.search(r"```python\n(.*?)```", section, re.S)[1]
    namespace: dict = {"__name__": "site_visit_example"}
    exec(compile(code.replace("@register\n", ""), str(EXTENDING), "exec"), namespace)  # noqa: S102
    return namespace["SiteVisit"]


@pytest.fixture
def site_visit():
    with kinds.registered(_example_kind()) as kind:
        yield kind
    assert "site_visit" not in kinds


@pytest.fixture
def dinas(site_visit):
    sop, _created = sop_load(text=SITE_VISIT_STEP, source_name="contoh-site-visit.toml")
    unit = make_unit(code="DPMPTSP", name="DPMPTSP Kabupaten Contoh", sop_code=sop.code)
    return unit, {
        "petugas": make_user("petugas", unit=unit, roles=("petugas",)),
        "kabid": make_user("kabid", unit=unit, roles=("kepala_bidang",)),
    }


def test_it_refuses_an_sop_naming_the_kind_before_the_kind_is_added():
    with pytest.raises(SopFileError, match="'site_visit' is not a known step kind"):
        sop_load(text=SITE_VISIT_STEP, source_name="contoh-site-visit.toml")


def test_it_runs_a_complaint_through_the_added_kind_and_shows_its_output_everywhere(client, dinas):
    unit, people = dinas
    complaint = complaint_record(unit=unit, actor=people["petugas"],
                                 data=intake_data(event_place="Pasar Besar"), now=wib(2026, 11, 23, 9, 0))
    assert complaint.step_runs.get(number=2).step.kind == "site_visit"

    # The performer sees the kind's form (pre-filled by the kind) and completes it on the workdesk.
    assert client.login(username="kabid", password=PASSWORD)
    page = client.get(complaint.get_absolute_url())
    assert page.context["kind"].name == "site_visit"
    assert page.context["step_form"]["place"].value() == "Pasar Besar"
    response = client.post(reverse("workdesk:complete_step", args=[complaint.pk, 2]), {
        "visited_on": "2026-11-24", "place": "Pasar Besar, los 12", "findings": "Lapak ditarik retribusi ganda."},
        follow=True)
    assert response.status_code == 200
    run = complaint.step_runs.get(number=2)
    assert run.done_at and run.output["findings"] == "Lapak ditarik retribusi ganda."

    # The workdesk page shows the output with the form's labels.
    body = client.get(complaint.get_absolute_url()).content.decode()
    assert "Findings" in body and "Lapak ditarik retribusi ganda." in body and "Pasar Besar, los 12" in body

    # The API detail shows it too, and lists the kind's inputs.
    token = token_create(user=people["kabid"], name="test")[1]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    detail = client.get(f"/api/v1/complaints/{complaint.pk}", **headers).json()
    step = detail["steps"][1]
    assert (step["kind"], step["state"]) == ("site_visit", "done")
    assert step["output"] == {"visited_on": "2026-11-24", "place": "Pasar Besar, los 12",
                              "findings": "Lapak ditarik retribusi ganda."}
    inputs = client.get("/api/v1/step-kinds", **headers).json()["site_visit"]
    assert [field["name"] for field in inputs] == ["visited_on", "place", "findings"]

    # The SOP print lays the step out with its texts and draws it as a box.
    trace: list = []
    pdf = sop_sheet_pdf(complaint.sop, trace=trace)
    assert "Meninjau lokasi" in _pdf_text(pdf) and "Berita acara" in _pdf_text(pdf)
    assert [item[2] for item in trace if item[:2] == ("shape", 2)] == ["process"]


def test_it_tells_the_complainant_in_plain_words_what_the_added_step_does(client, dinas):
    unit, people = dinas
    complaint = complaint_record(unit=unit, actor=people["petugas"], data=intake_data())
    status = complaint_page(None, complaint).public
    assert status.current.number == 2
    assert status.current.what == "An officer visits the place you told us about"


def test_it_recognises_the_added_kind_on_an_imported_sheet(site_visit):
    from pengaduan.sop.importer.mapping import _infer_kind

    assert _infer_kind("Kepala Bidang meninjau lokasi yang diadukan bersama staf teknis", 2) == ("site_visit", "")
