"""The admin's sheet import: upload, review the draft beside the source, validate, load; and the printed sheet."""

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile

from factories import MADIUN_SOP, PASSWORD
from pengaduan.sop.importer import import_sheet
from pengaduan.sop.models import Sop
from pengaduan.sop.services import sop_load

pytestmark = pytest.mark.django_db

SHEETS = Path(__file__).parent / "sheets"
SEED = SHEETS / "madiun-3.1.1.10-seed.txt"
IMPORT_URL = "/admin/sop/sop/import/"


@pytest.fixture(autouse=True)
def english(client, admin_client):
    # These tests read the admin's English texts; Indonesian is the default.
    for each in (client, admin_client):
        each.cookies["django_language"] = "en"


def upload(client, path: Path, content: bytes | None = None):
    sheet = SimpleUploadedFile(path.name, path.read_bytes() if content is None else content)
    return client.post(IMPORT_URL, {"action": "upload", "sheet": sheet})


def review(client, action: str, document: str, **extra):
    return client.post(IMPORT_URL, {"action": action, "document": document, "source_name": SEED.name, **extra})


@pytest.fixture
def viewer(client):
    """Staff who may look at SOPs, but not add them."""
    user = get_user_model().objects.create_user("viewer", password=PASSWORD, is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_sop"))
    client.login(username="viewer", password=PASSWORD)
    return client


def test_it_offers_an_import_button_on_the_sop_list(admin_client):
    page = admin_client.get("/admin/sop/sop/")

    assert page.status_code == 200
    assert f'href="{IMPORT_URL}"' in page.text and "Import a sheet" in page.text


def test_it_keeps_the_import_from_staff_who_may_not_add_sops(viewer):
    assert "Import a sheet" not in viewer.get("/admin/sop/sop/").text
    assert viewer.get(IMPORT_URL).status_code == 403
    assert review(viewer, "load", MADIUN_SOP.read_text(encoding="utf-8")).status_code == 403
    assert not Sop.objects.exists()


def test_it_sends_visitors_who_are_not_staff_to_the_login(client):
    response = client.get(IMPORT_URL)

    assert response.status_code == 302 and "/login/" in response["Location"]


def test_it_shows_the_draft_beside_the_source_with_the_unread_lines_highlighted(admin_client):
    page = upload(admin_client, SEED)

    assert page.status_code == 200
    html = page.text
    assert "<textarea" in html and "code = &quot;3.1.1.10&quot;" in html
    assert 'class="line warned" id="source-line-29"' in html  # step 2: performer inferred
    assert 'class="line warned" id="source-line-35"' in html  # step 5: stray "i i", no number
    assert 'class="line" id="source-line-28"' in html  # step 1 was read as it stands
    assert 'href="#source-line-30"' in html and "took Inspektur because step 2 hands over to Inspektur" in html
    assert "9 things to check" in html


def test_it_says_what_is_wrong_with_a_file_that_is_not_a_sheet(admin_client):
    page = upload(admin_client, Path("scan.txt"), content=bytes(range(256)))

    assert page.status_code == 200
    assert "is a binary file, not a text or .docx SOP sheet" in page.text
    assert "<textarea" not in page.text


def test_it_names_the_fields_that_are_wrong_when_validating(admin_client):
    draft = import_sheet(SEED).document_toml.replace('performer = "inspektur"', 'performer = "kepala"')

    page = review(admin_client, "validate", draft, warnings='[[29, "steps[2].performer", "inferred"]]',
                  source_text="a\tb\n" * 30)  # fmt: skip

    assert page.status_code == 200
    assert "The draft is not a valid SOP file yet" in page.text
    assert "<strong>steps[3].performer</strong>: &#x27;kepala&#x27; is not a declared role" in page.text
    assert 'id="source-line-29"' in page.text  # the source and its notes stay beside the draft
    assert not Sop.objects.exists()


def test_it_reports_toml_syntax_errors_with_line_and_column(admin_client):
    page = review(admin_client, "validate", 'code = "3.1.1.10\n')

    assert "line 1, column" in page.text and "invalid TOML" in page.text


def test_it_confirms_a_valid_draft(admin_client):
    page = review(admin_client, "validate", import_sheet(SEED).document_toml)

    assert "The draft is a valid SOP file: SOP 3.1.1.10 Penanganan Pengaduan Pelayanan Publik, 5 steps." in page.text


def test_it_previews_the_draft_as_the_printed_sheet(admin_client):
    response = review(admin_client, "preview", import_sheet(SEED).document_toml)

    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_it_loads_the_reviewed_draft_as_a_new_version(admin_client):
    response = review(admin_client, "load", import_sheet(SEED).document_toml)

    sop = Sop.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/admin/sop/sop/{sop.pk}/change/"
    assert (sop.code, sop.version, sop.source_name) == ("3.1.1.10", 1, "madiun-3.1.1.10-seed.toml")
    assert sop.steps.count() == 5
    page = admin_client.get(response["Location"])
    assert "Loaded SOP 3.1.1.10 as version 1." in page.text


def test_it_says_when_the_same_draft_was_loaded_before(admin_client):
    draft = import_sheet(SEED).document_toml
    review(admin_client, "load", draft)

    response = review(admin_client, "load", draft.replace("\n", "\r\n"))  # browsers send CRLF

    assert Sop.objects.count() == 1
    assert "unchanged: version 1 has exactly this text" in admin_client.get(response["Location"]).text


def test_it_offers_the_printed_sheet_of_any_version_on_its_page(admin_client):
    first, _ = sop_load(path=MADIUN_SOP)
    sop_load(text=MADIUN_SOP.read_text(encoding="utf-8").replace("maks 10 hari", "maks 14 hari"))

    page = admin_client.get(f"/admin/sop/sop/{first.pk}/change/")
    response = admin_client.get(f"/admin/sop/sop/{first.pk}/print/")

    assert f'href="/admin/sop/sop/{first.pk}/print/"' in page.text and "Print (PDF)" in page.text
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="sop-3.1.1.10-v1.pdf"'
    assert response.content.startswith(b"%PDF")


def test_it_lets_staff_who_may_view_sops_print_them(viewer):
    sop, _ = sop_load(path=MADIUN_SOP)

    assert viewer.get(f"/admin/sop/sop/{sop.pk}/print/")["Content-Type"] == "application/pdf"


def test_it_refuses_the_printed_sheet_to_staff_without_the_view_permission(client):
    sop, _ = sop_load(path=MADIUN_SOP)
    get_user_model().objects.create_user("clerk", password=PASSWORD, is_staff=True)
    client.login(username="clerk", password=PASSWORD)

    assert client.get(f"/admin/sop/sop/{sop.pk}/print/").status_code == 403
