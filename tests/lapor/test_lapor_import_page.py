"""The import at the desk: a preview with every row's result before anything is written, then the import."""

import io

import pytest
from django.urls import reverse
from factories import PASSWORD
from test_lapor_import import ROWS, csv_file

from pengaduan.complaints.models import Complaint

pytestmark = pytest.mark.django_db


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def upload(client, content: bytes, name="lapor.csv"):
    file = io.BytesIO(content)
    file.name = name
    return client.post(reverse("workdesk:lapor_import"), {"action": "preview", "file": file})


@pytest.mark.real_clock  # the upload waits in a file whose age the file system's clock gives
def test_it_previews_then_imports_on_confirmation(client, unit, jfu, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    login(client, jfu)

    page = upload(client, csv_file()).content.decode()

    assert "1916449" in page and "1916450" in page and "Impor 2 laporan" in page
    assert Complaint.objects.count() == 0
    response = client.post(reverse("workdesk:lapor_import"), {"action": "import"})
    assert response.status_code == 302
    assert Complaint.objects.filter(channel="lapor").count() == 2
    assert list((tmp_path / "lapor-imports").iterdir()) == []  # the upload is not kept


def test_it_shows_the_errors_and_offers_no_import(client, unit, jfu, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    rows = [ROWS[0], ["1916450", "Tanggal salah", "Isi.", "", "", "", "besok", "Ani", "", "", "", "", "", ""]]
    login(client, jfu)

    page = upload(client, csv_file(rows=rows)).content.decode()

    assert "Tanggal Disposisi" in page and "besok" in page
    assert 'value="import"' not in page
    client.post(reverse("workdesk:lapor_import"), {"action": "import"})
    assert Complaint.objects.count() == 0


def test_it_says_what_is_wrong_with_a_file_that_is_no_spreadsheet(client, unit, jfu, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    login(client, jfu)
    page = upload(client, b"PK\x03\x04broken", name="ekspor.xlsx").content.decode()
    assert "bukan buku kerja XLSX" in page
    assert Complaint.objects.count() == 0


def test_it_is_not_there_for_officers_who_do_not_record_complaints(client, unit, sekretaris):
    login(client, sekretaris)
    assert client.get(reverse("workdesk:lapor_import")).status_code == 404


