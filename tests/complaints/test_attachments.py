"""Uploads: what is accepted, what is refused, and what actually reaches the disk."""

import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import ExifTags, Image

from pengaduan.complaints.attachments import MAX_FILES_PER_UPLOAD, clean_upload, safe_display_name
from pengaduan.complaints.engine import complaint_receive
from pengaduan.complaints.errors import StepInputInvalid
from pengaduan.complaints.kinds.base import MultipleFileField, SafeFileField
from pengaduan.complaints.models import Attachment, Complaint
from factories import intake_data

GPS_IFD = 0x8825
# Somewhere in Madiun: what must never reach an officer's disk.
GPS = {1: "S", 2: (7.0, 37.0, 47.0), 3: "E", 4: (111.0, 31.0, 25.0)}
XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><exif:GPSLatitude>7,37.78S</exif:GPSLatitude></x:xmpmeta>'
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200 + b"This program cannot be run"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'
HTML = b"<!DOCTYPE html><html><body><script>fetch('/admin/')</script></body></html>"


@pytest.fixture(autouse=True)
def english():
    # The messages are asserted in English, the language of the msgids.
    with translation.override("en"):
        yield


def jpeg_with_location(size=(64, 48), orientation: int | None = None) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[GPS_IFD] = GPS
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, xmp=XMP, comment=b"taken at home")
    return buffer.getvalue()


def png(size=(32, 32), mode="RGBA") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, 0).save(buffer, "PNG")
    return buffer.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims a huge size in a few dozen bytes: the shape of a decompression bomb."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(
        b"IEND", b""
    )


def office_zip(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in names:
            archive.writestr(name, "<xml/>")
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def refused(file: SimpleUploadedFile) -> str:
    with pytest.raises(forms.ValidationError) as caught:
        clean_upload(file)
    return " ".join(caught.value.messages)


def stored_image(cleaned) -> Image.Image:
    cleaned.seek(0)
    return Image.open(io.BytesIO(cleaned.read()))


# Accepted, and what is kept


def test_it_strips_the_location_from_a_photo():
    original = jpeg_with_location()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)

    cleaned = clean_upload(upload("IMG_2026.jpg", original, "image/jpeg"))

    cleaned.seek(0)
    data = cleaned.read()
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG" and image.size == (64, 48)
    assert not image.getexif() and not image.getexif().get_ifd(GPS_IFD)
    assert "exif" not in image.info and "xmp" not in image.info and "comment" not in image.info
    assert b"PhoneMaker" not in data and b"GPSLatitude" not in data and b"taken at home" not in data
    assert cleaned.name == "IMG_2026.jpg" and cleaned.content_type == "image/jpeg" and cleaned.size == len(data)


def test_it_turns_a_photo_upright_before_dropping_its_orientation():
    cleaned = clean_upload(upload("portrait.jpg", jpeg_with_location(size=(60, 20), orientation=6)))
    image = stored_image(cleaned)
    assert image.size == (20, 60)
    assert not image.getexif()


def test_it_strips_a_phone_photo_that_holds_extra_images():
    # Many phones save JPEGs with a second image (MPO); each may carry its own location.
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[GPS_IFD] = GPS
    frames = [Image.new("RGB", (20, 20), (255, 0, 0)), Image.new("RGB", (20, 20), (0, 255, 0))]
    frames[0].save(buffer, "MPO", save_all=True, append_images=frames[1:], exif=exif)

    image = stored_image(clean_upload(upload("IMG_2026.jpg", buffer.getvalue())))
    assert image.format == "JPEG" and getattr(image, "n_frames", 1) == 1 and not image.getexif()


def test_it_accepts_a_screenshot():
    cleaned = clean_upload(upload("layar.png", png(), "image/png"))
    image = stored_image(cleaned)
    assert image.format == "PNG" and image.mode == "RGBA" and cleaned.content_type == "image/png"


def test_it_strips_text_and_exif_from_a_png():
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "Jl. Pahlawan 1")
    exif = Image.Exif()
    exif[GPS_IFD] = GPS
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, "PNG", pnginfo=info, exif=exif)

    image = stored_image(clean_upload(upload("x.png", buffer.getvalue())))
    assert not image.getexif() and "Comment" not in image.info


def test_it_keeps_an_animated_gif_moving_without_its_comment():
    frames = [Image.new("RGB", (10, 10), color) for color in ((255, 0, 0), (0, 255, 0), (0, 0, 255))]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=200, comment=b"rumah saya")

    cleaned = clean_upload(upload("rekaman.gif", buffer.getvalue()))
    cleaned.seek(0)
    data = cleaned.read()
    assert getattr(Image.open(io.BytesIO(data)), "n_frames", 1) == 3
    assert b"rumah saya" not in data


def test_it_accepts_a_pdf_as_it_is():
    cleaned = clean_upload(upload("surat.pdf", PDF, "application/pdf"))
    cleaned.seek(0)
    assert cleaned.read() == PDF and cleaned.content_type == "application/pdf" and cleaned.size == len(PDF)


def test_it_records_the_detected_type_not_the_claimed_one():
    cleaned = clean_upload(upload("scan.png", PDF, "image/png"))
    assert cleaned.content_type == "application/pdf" and cleaned.name == "scan.pdf"  # the proven extension


@pytest.mark.parametrize(("names", "content_type"), [
    (("[Content_Types].xml", "_rels/.rels", "word/document.xml"),
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (("[Content_Types].xml", "_rels/.rels", "xl/workbook.xml"),
     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
])
def test_it_accepts_word_and_excel_documents(names, content_type):
    cleaned = clean_upload(upload("laporan.docx", office_zip(*names)))
    assert cleaned.content_type == content_type


@pytest.mark.parametrize(("content", "content_type"), [
    (b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\x00" * 100, "audio/mpeg"),
    (b"OggS\x00\x02" + b"\x00" * 100, "audio/ogg"),
    (b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00M4A mp42isom" + b"\x00" * 100, "audio/mp4"),
    (b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 100, "video/mp4"),
])
def test_it_accepts_voice_notes_and_videos(content, content_type):
    assert clean_upload(upload("PTT-20261120.opus", content)).content_type == content_type


# Refused


def test_it_refuses_a_program_named_like_a_photo():
    assert "not accepted" in refused(upload("foto.jpg", EXE, "image/jpeg"))


def test_it_refuses_an_svg_with_a_script():
    assert "not accepted" in refused(upload("logo.svg", SVG, "image/svg+xml"))
    assert "not accepted" in refused(upload("logo.png", SVG, "image/png"))


def test_it_refuses_html():
    assert "not accepted" in refused(upload("bukti.html", HTML, "text/html"))
    assert "not accepted" in refused(upload("bukti.jpg", HTML, "image/jpeg"))


def test_it_refuses_plain_text():
    assert "not accepted" in refused(upload("catatan.txt", "Saya melihat petugas...".encode(), "text/plain"))


@pytest.mark.parametrize("name", ["bukti.pdf.exe", "BUKTI.PDF.EXE", "bukti.pdf.exe.", "bukti.js ", "bukti\u202efdp.exe"])
def test_it_refuses_a_name_ending_in_a_program_extension_whatever_the_content(name):
    assert ".exe" in refused(upload(name, PDF)) or ".js" in refused(upload(name, PDF))


def test_it_refuses_a_heic_photo_because_its_location_cannot_be_removed():
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 100
    assert "JPEG or PNG" in refused(upload("IMG_0001.HEIC", heic))


def test_it_refuses_a_file_over_the_size_limit(settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    assert "too large" in refused(upload("besar.pdf", PDF + b"0" * 2000))
    assert clean_upload(upload("kecil.pdf", PDF))


def test_it_refuses_an_empty_file():
    assert "empty" in refused(upload("kosong.jpg", b""))


def test_it_refuses_a_decompression_bomb():
    assert "too many pixels" in refused(upload("bom.png", png_header_only(100_000, 100_000)))


def test_it_refuses_an_image_just_over_the_pixel_limit(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    assert "too many pixels" in refused(upload("besar.png", png(size=(40, 40))))  # 1600: only a warning to Pillow
    assert "too many pixels" in refused(upload("lebih.png", png(size=(100, 100))))  # 10000: an error to Pillow
    assert clean_upload(upload("kecil.png", png(size=(30, 30))))


def test_it_refuses_a_damaged_image():
    assert "damaged" in refused(upload("rusak.jpg", jpeg_with_location()[:200]))


def test_it_refuses_a_zip_that_is_not_an_office_document():
    assert "not accepted" in refused(upload("dokumen.docx", office_zip("payload.exe", "readme.txt")))
    assert "not accepted" in refused(upload("app.zip", office_zip("META-INF/MANIFEST.MF", "Main.class")))


def test_it_refuses_an_office_document_with_macros():
    docm = office_zip("[Content_Types].xml", "word/document.xml", "word/vbaProject.bin")
    assert "macros" in refused(upload("surat.docx", docm))


def test_it_refuses_more_files_than_allowed():
    files = [upload(f"{n}.pdf", PDF) for n in range(MAX_FILES_PER_UPLOAD + 1)]
    with pytest.raises(forms.ValidationError) as caught:
        MultipleFileField(required=False).clean(files)
    assert "at most 10" in caught.value.messages[0]
    assert len(MultipleFileField(required=False).clean(files[:MAX_FILES_PER_UPLOAD])) == MAX_FILES_PER_UPLOAD


def test_it_names_each_refused_file():
    with pytest.raises(forms.ValidationError) as caught:
        MultipleFileField(required=False).clean([upload("ok.pdf", PDF), upload("foto.jpg", EXE)])
    assert len(caught.value.messages) == 1 and caught.value.messages[0].startswith("foto.jpg: This file type")
    assert caught.value.error_list[0].code == "not_accepted"


def test_the_single_file_field_returns_the_cleaned_file():
    cleaned = SafeFileField(required=False).clean(upload("../notulen.jpg", jpeg_with_location()))
    assert cleaned.name == "notulen.jpg" and not stored_image(cleaned).getexif()
    with pytest.raises(forms.ValidationError):
        SafeFileField(required=False).clean(upload("notulen.jpg", EXE))


# Names


@pytest.mark.parametrize(("name", "expected"), [
    ("../../etc/passwd", "passwd"),
    ("..\\..\\boot.ini", "boot.ini"),
    ("C:\\Users\\Siti\\Desktop\\bukti.jpg", "bukti.jpg"),
    ("foto\x00.jpg\r\n", "foto.jpg"),
    ("bukti\u202egpj.exe", "buktigpj.exe"),
    ('a<b>c:d"e|f?g*.pdf', "a_b_c_d_e_f_g_.pdf"),
    ("bukti.exe. . ", "bukti.exe"),
    ("..", "lampiran"),
    ("", "lampiran"),
    (None, "lampiran"),
    ("/", "lampiran"),
])
def test_it_keeps_only_a_safe_base_name(name, expected):
    assert safe_display_name(name) == expected


def test_it_shortens_a_long_name_but_keeps_its_extension():
    name = safe_display_name("x" * 300 + ".pdf")
    assert len(name) == 150 and name.endswith("xxx.pdf")


# Through the engine: what reaches the database and the disk


@pytest.mark.django_db
def test_a_received_photo_is_stored_under_a_random_name_without_its_location(unit, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    files = {"evidence": [upload("../../etc/passwd", png()), upload("IMG_2026.jpg", jpeg_with_location())]}

    complaint = complaint_receive(unit=unit, data=intake_data(), files=files)

    traversal, photo = complaint.attachments.order_by("pk")
    assert traversal.original_name == "passwd.png" and traversal.content_type == "image/png"
    assert photo.original_name == "IMG_2026.jpg" and photo.content_type == "image/jpeg"
    for attachment in (traversal, photo):
        path = Path(attachment.file.path)
        assert path.is_relative_to(tmp_path) and path.exists() and path.stat().st_size == attachment.size
        assert attachment.original_name.rsplit(".", 1)[0] not in attachment.file.name
    with Image.open(photo.file.path) as image:
        assert not image.getexif()
    assert not (tmp_path.parent / "etc").exists()


@pytest.mark.django_db
def test_a_refused_file_leaves_no_complaint_no_attachment_and_no_file(unit, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    files = {"evidence": [upload("IMG_2026.jpg", jpeg_with_location()), upload("foto.jpg", EXE)]}

    with pytest.raises(StepInputInvalid) as caught:
        complaint_receive(unit=unit, data=intake_data(), files=files)

    assert "evidence" in caught.value.errors
    assert not Complaint.objects.exists() and not Attachment.objects.exists()
    assert not [path for path in tmp_path.rglob("*") if path.is_file()]
