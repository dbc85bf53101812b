"""Uploads: an allow-list by content with the proven extension, pixel caps, zip bombs, a total per submission."""

import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from pengaduan.complaints.attachments import attachment_path, attachment_response, clean_upload
from pengaduan.complaints.engine import complaint_receive
from pengaduan.complaints.errors import StepInputInvalid
from pengaduan.complaints.models import Attachment, Complaint
from factories import intake_data

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def refused(file) -> str:
    with pytest.raises(forms.ValidationError) as caught:
        clean_upload(file)
    return " ".join(caught.value.messages)


def png_declaring(width: int, height: int) -> bytes:
    """A valid-looking PNG header for a huge image, in a few dozen bytes."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(
        b"IEND", b"")


@pytest.mark.parametrize("name", ["bukti.shtml", "pintasan.url", "jalan.desktop", "laporan.xht", "a.pdf.svc"])
def test_a_pdf_under_any_other_name_is_kept_as_a_pdf(name):
    cleaned = clean_upload(upload(name, PDF))
    assert cleaned.content_type == "application/pdf"
    assert cleaned.name.endswith(".pdf") and Path(cleaned.name).suffix == ".pdf"
    assert attachment_path(None, cleaned.name).endswith(".pdf")


def test_the_storage_name_never_takes_an_extension_outside_the_allow_list():
    for sent in ("x.shtml", "x.url", "x.desktop", "x.php5", "x"):
        assert Path(attachment_path(None, sent)).suffix == ""


@pytest.mark.django_db
def test_a_stored_file_and_its_download_carry_the_proven_extension(unit):
    complaint = complaint_receive(unit=unit, data=intake_data(), files={"evidence": [upload("bukti.shtml", PDF)]})
    attachment = complaint.attachments.get()
    assert attachment.file.name.endswith(".pdf") and attachment.original_name == "bukti.pdf"
    # Rows stored before the rename are offered under the proven extension too.
    Attachment.objects.filter(pk=attachment.pk).update(original_name="lama.desktop")
    attachment.refresh_from_db()
    response = attachment_response(attachment)
    assert 'filename="lama.pdf"' in response["Content-Disposition"]
    assert response["Cache-Control"] == "no-store"
    response.close()


def test_a_small_file_declaring_a_huge_image_is_refused_before_decoding(settings, monkeypatch):
    settings.ATTACHMENT_MAX_PIXELS = 40_000_000
    content = png_declaring(9000, 9000)  # 81 MP: under Pillow's own limit, 243 MB once decoded
    assert len(content) < 200
    decoded = []
    monkeypatch.setattr(Image.Image, "load", lambda self: decoded.append(self) or None)
    message = refused(upload("besar.png", content))
    assert "too many pixels" in message and "9000 × 9000" in message and "40 megapixels" in message
    assert decoded == []


def test_an_image_within_the_pixel_cap_is_accepted(settings):
    settings.ATTACHMENT_MAX_PIXELS = 10_000
    buffer = io.BytesIO()
    Image.new("RGB", (100, 100)).save(buffer, "PNG")
    assert clean_upload(upload("foto.png", buffer.getvalue())).content_type == "image/png"
    buffer = io.BytesIO()
    Image.new("RGB", (101, 100)).save(buffer, "PNG")
    assert "too many pixels" in refused(upload("foto.png", buffer.getvalue()))


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_zip_bomb_named_docx_is_refused():
    bomb = zip_bytes({"[Content_Types].xml": b"<xml/>", "word/document.xml": b"\x00" * (20 * 1024 * 1024)})
    assert len(bomb) < 100_000
    assert "unpacks to far more" in refused(upload("surat.docx", bomb))


def test_a_docx_over_the_unpacked_total_is_refused(settings):
    settings.ATTACHMENT_MAX_UNZIPPED_BYTES = 1000
    document = zip_bytes({"[Content_Types].xml": b"<xml/>", "word/document.xml": bytes(range(256)) * 8})
    assert "unpacks to far more" in refused(upload("surat.docx", document))


def test_an_ordinary_docx_is_accepted():
    document = zip_bytes({"[Content_Types].xml": b"<xml/>", "word/document.xml": b"<w:document>isi</w:document>"})
    assert clean_upload(upload("surat.docx", document)).name == "surat.docx"


@pytest.mark.django_db
def test_one_public_submission_may_not_store_more_than_the_total_cap(unit, settings):
    settings.PUBLIC_UPLOAD_MAX_TOTAL_BYTES = 1000
    files = {"evidence": [upload(f"bukti{n}.pdf", PDF + b" " * 400) for n in range(3)]}
    with pytest.raises(StepInputInvalid) as caught:
        complaint_receive(unit=unit, data=intake_data(), files=files)
    assert "too large" in " ".join(caught.value.errors["evidence"])
    assert not Complaint.objects.exists() and not Attachment.objects.exists()
    complaint_receive(unit=unit, data=intake_data(), files={"evidence": files["evidence"][:2]})
