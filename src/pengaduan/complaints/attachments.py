"""Attachment storage and upload hardening.

Files come from the public (complainants) as well as from officers, so every upload is treated as
hostile until proven otherwise:

* stored outside the web root (MEDIA_ROOT is never served) under a random name (`attachment_path`);
* the type is judged by the CONTENT, never by the name or the browser's Content-Type;
* only the types in `ACCEPTED_TYPES` are kept, for the reasons given there (an allow-list: what the content
  is decides, and the file is stored and offered for download under that type's extension, never the sent one,
  so `bukti.shtml` holding a PDF becomes `bukti.pdf`);
* images are refused by their declared size before any pixel is decoded (ATTACHMENT_MAX_PIXELS), and zips
  (Word, Excel) by their declared unpacked size and ratio before anything is unpacked;
* photos are re-encoded without their metadata, so a complainant's GPS position never reaches the file;
* the original name is kept only as a sanitised display name, never used as a path.

This module must not import the models: models.py imports `attachment_path` from here.
"""

import io
import secrets
import struct
import time
import unicodedata
import warnings
import zipfile
from pathlib import Path, PurePosixPath
from typing import IO

import filetype
from django import forms
from django.http import FileResponse
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from PIL import ExifTags, Image, ImageOps, ImageSequence

MAX_FILES_PER_UPLOAD = 10
MAX_NAME_LENGTH = 150
FALLBACK_NAME = "lampiran"

# What we accept, by detected content type, and why. Anything else is refused.
ACCEPTED_TYPES: dict[str, str] = {
    "image/jpeg": "Phone photos; re-encoded without EXIF/XMP so the location is gone.",
    "image/png": "Screenshots; re-encoded without text chunks or EXIF.",
    "image/webp": "Photos shared from WhatsApp and browsers; re-encoded without EXIF/XMP.",
    "image/gif": "Short screen recordings; re-encoded frame by frame without comments.",
    "application/pdf": "Letters, receipts and scans; the usual format for documents.",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document":
        "Word (.docx) letters; the zip must really be a Word document, and without macros.",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
        "Excel (.xlsx) tables; the zip must really be a workbook, and without macros.",
    "video/mp4": "Phone videos (WhatsApp sends MP4).",
    "audio/mpeg": "MP3 recordings.",
    "audio/mp4": "M4A voice notes (iPhone, WhatsApp on iOS).",
    "audio/ogg": "OGG/Opus voice notes (WhatsApp on Android).",
}
# Refused on purpose (not merely unknown):
# * HEIC/HEIF/AVIF: Pillow cannot open them here, so their location metadata cannot be stripped.
# * SVG and HTML: they carry scripts; and plain text: it cannot be told apart from HTML or scripts by content.
# * Other zips, legacy .doc/.xls (OLE) and macro-enabled Office files: they carry programs.
# * Video/audio are kept as sent: their metadata (MP4 may hold a location) is NOT stripped.

IMAGE_FORMATS: dict[str, str] = {
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/webp": "WEBP",
    "image/gif": "GIF",
}
# The one extension each accepted type is stored and downloaded under.
EXTENSIONS: dict[str, str] = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "image/gif": ".gif",
    "application/pdf": ".pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "video/mp4": ".mp4",
    "audio/mpeg": ".mp3",
    "audio/mp4": ".m4a",
    "audio/ogg": ".ogg",
}
# filetype reports animated PNG apart; it is a PNG to Pillow and to us.
MIME_ALIASES: dict[str, str] = {"image/apng": "image/png"}
UNSTRIPPABLE_IMAGES = frozenset({"image/heic", "image/heif", "image/avif"})
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# A final extension that makes a download run (or render with scripts) on the officer's computer is refused
# whatever the content, so a file named `bukti.pdf.exe` is never handed back under that name.
EXECUTABLE_EXTENSIONS = frozenset({
    "exe", "bat", "cmd", "com", "scr", "js", "vbs", "ps1", "sh", "jar", "msi", "apk", "html", "htm", "svg", "php",
    # The same risk under other names.
    "pif", "lnk", "hta", "wsf", "vbe", "jse", "cpl", "msc", "reg", "dll", "xhtml", "svgz", "phtml", "phar",
})
# Metadata Pillow may carry over on saving that describes pixels, not the person; everything else is dropped.
SAFE_IMAGE_INFO = frozenset({"transparency", "icc_profile", "dpi", "gamma", "background"})
JPEG_QUALITY = 90
WEBP_QUALITY = 90
DETECTION_BYTES = 8192

NOT_ACCEPTED = _("This file type is not accepted. Please send a photo (JPEG, PNG), a PDF or a Word/Excel document.")
EMPTY = _("The file is empty. Please choose the file again.")
TOO_LARGE = _("The file is too large (at most %(mb)s MB).")
EXECUTABLE_NAME = _(
    "Files ending in .%(extension)s are not accepted. Please send a photo (JPEG, PNG), a PDF or a Word/Excel document."
)
HEIC = _(
    "HEIC photos cannot be accepted because the location stored in them cannot be removed. "
    "Please send the photo as JPEG or PNG (on an iPhone: Settings, Camera, Formats, Most Compatible)."
)
IMAGE_TOO_BIG = _("This image has too many pixels to be processed. Please send a smaller photo.")
IMAGE_TOO_BIG_SIZED = _(
    "This image has too many pixels to be processed (%(width)s × %(height)s; at most %(megapixels)s megapixels). "
    "Please send a smaller photo."
)
ZIP_BOMB = _("This document unpacks to far more than its size and cannot be accepted. Please send it as PDF.")
SUBMISSION_TOO_LARGE = _("The files together are too large (at most %(mb)s MB in one submission). Please send "
                         "fewer or smaller files.")
IMAGE_BROKEN = _("This image is damaged and cannot be read. Please send it again.")
MACROS = _(
    "Office documents with macros are not accepted. Please save the document as .docx or .xlsx without macros, "
    "or as PDF."
)
TOO_MANY = _("Attach at most %(n)d files.")


def attachment_path(instance, filename: str) -> str:
    """A random name that reveals nothing and cannot be guessed; the original name is kept in the row.

    The extension is the one the content proved (`clean_upload` renamed the file); any other is dropped.
    """
    suffix = PurePosixPath(filename).suffix.lower()
    if suffix not in EXTENSIONS.values():
        suffix = ""
    return f"attachments/{timezone.now():%Y/%m}/{secrets.token_hex(16)}{suffix}"


def safe_display_name(name: str | None) -> str:
    """The base name only, fit to show and to offer as a download name; never to be used as a path.

    Control and format characters go (NUL, newlines, the right-to-left override that makes `gpj.exe` look like
    `exe.jpg`), so do directories of either slash, characters Windows refuses, and trailing dots and spaces
    that Windows silently drops (so `bukti.exe.` is judged as `bukti.exe`).
    """
    text = unicodedata.normalize("NFC", str(name or ""))
    text = "".join(char for char in text if unicodedata.category(char)[0] != "C" and char not in "\u2028\u2029")
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = "".join("_" if char in '<>:"|?*' else char for char in text)
    text = text.strip().strip(". ").strip()
    if not text:
        return FALLBACK_NAME
    if len(text) > MAX_NAME_LENGTH:
        suffix = PurePosixPath(text).suffix
        suffix = suffix if len(suffix) <= 10 else ""
        text = text[: MAX_NAME_LENGTH - len(suffix)].rstrip(". ") + suffix
    return text


def proven_name(name: str, mime: str | None) -> str:
    """The display name with the extension of the type the content proved, whatever extension was sent."""
    extension = EXTENSIONS.get(mime or "")
    if not extension:
        return name
    path = PurePosixPath(name)
    stem = path.stem if path.suffix and path.stem else name
    return f"{stem}{extension}"


def clean_upload(upload: UploadedFile) -> UploadedFile:
    """Check one uploaded file and return what may be stored: sanitised name, detected content type, no metadata.

    Raises ValidationError (a message for the sender) when the file must not be kept. Nothing is stored here,
    so a refused file leaves no trace.
    """
    name = safe_display_name(upload.name)
    size = upload.size or 0
    if size <= 0:
        raise forms.ValidationError(EMPTY, code="empty")
    limit = settings.ATTACHMENT_MAX_BYTES
    if size > limit:
        raise forms.ValidationError(TOO_LARGE, code="too_large", params={"mb": _megabytes(limit)})
    extension = PurePosixPath(name).suffix.lower().lstrip(".")
    if extension in EXECUTABLE_EXTENSIONS:
        raise forms.ValidationError(EXECUTABLE_NAME, code="executable_name", params={"extension": extension})

    upload.seek(0)
    head = upload.read(DETECTION_BYTES)
    upload.seek(0)
    if not head:
        raise forms.ValidationError(EMPTY, code="empty")
    if head.startswith(b"PK\x03\x04"):
        # filetype only looks at the first entries; the central directory tells what the zip really is.
        mime = _office_type(upload.file)
    else:
        kind = filetype.guess(head)
        mime = MIME_ALIASES.get(kind.mime, kind.mime) if kind else None
    if mime in UNSTRIPPABLE_IMAGES:
        raise forms.ValidationError(HEIC, code="heic")
    if mime not in ACCEPTED_TYPES:
        raise forms.ValidationError(NOT_ACCEPTED, code="not_accepted")

    name = proven_name(name, mime)
    if mime in IMAGE_FORMATS:
        content = _reencode_image(upload.file, IMAGE_FORMATS[mime])
        return SimpleUploadedFile(name, content, content_type=mime)
    upload.seek(0)
    # A new wrapper around the same data: the caller's upload object is left as it was.
    return UploadedFile(file=upload.file, name=name, content_type=mime, size=size)


def _megapixels(pixels: int) -> str:
    return f"{pixels / 1_000_000:.1f}".removesuffix(".0")


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0")


def _office_type(file: IO[bytes]) -> str | None:
    """DOCX or XLSX when the zip is really one (and without macros); None for any other zip.

    Only the central directory is read: nothing is decompressed, so a zip bomb costs nothing here; it is
    refused by its declared sizes, so that it costs nothing on the officer's computer either.
    """
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            entries = archive.infolist()
            names = [entry.filename for entry in entries]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return None
    finally:
        file.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    _refuse_zip_bomb(entries)
    lowered = [entry.lower() for entry in names]
    if any(entry.endswith("vbaproject.bin") or "/activex/" in f"/{entry}" for entry in lowered):
        raise forms.ValidationError(MACROS, code="macros")
    is_word = any(entry.startswith("word/") for entry in lowered)
    is_excel = any(entry.startswith("xl/") for entry in lowered)
    if is_word == is_excel:
        return None
    return DOCX if is_word else XLSX


def _refuse_zip_bomb(entries: list[zipfile.ZipInfo]) -> None:
    """Refuse a zip whose entries declare more unpacked bytes than ATTACHMENT_MAX_UNZIPPED_BYTES in all, or that
    unpack to more than ATTACHMENT_MAX_ZIP_RATIO times their packed size (Office XML packs about 5–20 times)."""
    total = sum(entry.file_size for entry in entries)
    packed = sum(entry.compress_size for entry in entries)
    ratio = settings.ATTACHMENT_MAX_ZIP_RATIO
    if total > settings.ATTACHMENT_MAX_UNZIPPED_BYTES or total > ratio * max(packed, 1) or any(
            entry.file_size > ratio * max(entry.compress_size, 1) and entry.file_size > 1024 * 1024
            for entry in entries):
        raise forms.ValidationError(ZIP_BOMB, code="zip_bomb")


def submission_total_error(files) -> forms.ValidationError | None:
    """Too many bytes in one public submission (all its files together), judged before any file is opened.

    `files`: a MultiValueDict (request.FILES) or a dict of a file or a list of files per field.
    """
    limit = settings.PUBLIC_UPLOAD_MAX_TOTAL_BYTES
    if not files or not limit:
        return None
    items = []
    for key in files:
        values = files.getlist(key) if hasattr(files, "getlist") else files[key]
        items.extend(values if isinstance(values, (list, tuple)) else [values])
    if sum(getattr(item, "size", 0) or 0 for item in items) > limit:
        return forms.ValidationError(SUBMISSION_TOO_LARGE, code="submission_too_large",
                                     params={"mb": _megabytes(limit)})
    return None


def _max_pixels() -> int:
    """Ours (ATTACHMENT_MAX_PIXELS), or Pillow's own limit if that is lower."""
    ours = settings.ATTACHMENT_MAX_PIXELS
    return min(ours, Image.MAX_IMAGE_PIXELS) if Image.MAX_IMAGE_PIXELS else ours


def _reencode_image(file: IO[bytes], image_format: str) -> bytes:
    """Decode and encode the image again, keeping the pixels (turned upright) and nothing else.

    Re-encoding rather than deleting known tags is what makes the stripping complete: EXIF, GPS, XMP, comments
    and any bytes smuggled after the image data simply are not written. The pixel count is checked before
    decoding, so a small file that would unpack to gigabytes (a decompression bomb) is refused cheaply.
    """
    max_pixels = _max_pixels()
    file.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow only warns between MAX_IMAGE_PIXELS and twice that; for us the warning is a refusal.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file, formats=[image_format]) as image:
                # Image.open read the header only: refused here, a huge image costs no decoding at all.
                width, height = image.size
                if width * height > max_pixels:
                    raise forms.ValidationError(IMAGE_TOO_BIG_SIZED, code="image_too_big", params={
                        "width": width, "height": height, "megapixels": _megapixels(max_pixels)})
                frames = getattr(image, "n_frames", 1) if image_format != "JPEG" else 1
                if width * height * frames > max_pixels:
                    raise forms.ValidationError(IMAGE_TOO_BIG, code="image_too_big")
                output = io.BytesIO()
                if frames > 1:
                    _save_animation(image, output, image_format)
                else:
                    _save_still(image, output, image_format)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise forms.ValidationError(IMAGE_TOO_BIG, code="image_too_big") from None
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, KeyError, struct.error):
        raise forms.ValidationError(IMAGE_BROKEN, code="image_broken") from None
    finally:
        file.seek(0)
    return output.getvalue()


def _save_still(image: Image.Image, output: IO[bytes], image_format: str) -> None:
    try:
        orientation = image.getexif().get(ExifTags.Base.Orientation, 1)
    except Exception:  # Unreadable EXIF is dropped anyway; the pixels may still be fine.
        orientation = 1
    params: dict = {}
    if orientation in (None, 1):
        upright = image
        # Pillow reads phone photos with extra images (depth maps, previews) as MPO, which cannot "keep".
        if image_format == "JPEG" and image.format == "JPEG" and getattr(image, "quantization", None):
            # Same quantisation tables as the original: no visible loss from the second encoding.
            params.update(quality="keep", subsampling="keep")
    else:
        try:
            upright = ImageOps.exif_transpose(image)
        except Exception:  # A broken orientation tag costs the rotation, not the photo.
            upright = image
    upright.load()
    upright.info = {key: value for key, value in image.info.items() if key in SAFE_IMAGE_INFO}
    if image_format == "JPEG":
        params.setdefault("quality", JPEG_QUALITY)
        if upright.mode not in ("RGB", "L", "CMYK"):
            upright = upright.convert("RGB")
    elif image_format == "WEBP":
        params["quality"] = WEBP_QUALITY
    params.update({key: value for key, value in upright.info.items() if key in ("icc_profile", "dpi")})
    if image_format == "PNG" and "transparency" in upright.info:
        params["transparency"] = upright.info["transparency"]
    upright.save(output, format=image_format, **params)


def _save_animation(image: Image.Image, output: IO[bytes], image_format: str) -> None:
    """Copy every frame into a fresh image, so per-frame comments and XMP stay behind."""
    frames: list[Image.Image] = []
    durations: list[int] = []
    for frame in ImageSequence.Iterator(image):
        durations.append(int(frame.info.get("duration", 100) or 100))
        copy = frame.copy()
        copy.info = {key: value for key, value in frame.info.items() if key in ("transparency", "background")}
        frames.append(copy)
    params: dict = {"save_all": True, "append_images": frames[1:], "duration": durations}
    if "loop" in image.info:
        params["loop"] = image.info["loop"]
    if image_format == "WEBP":
        params["quality"] = WEBP_QUALITY
    frames[0].save(output, format=image_format, **params)


def attachment_response(attachment) -> FileResponse:
    """A download of a stored attachment, typed by what its content was found to be (not by its name)."""
    # Offered under the extension of the detected type (older rows may hold the sent one), and never cached.
    filename = proven_name(attachment.original_name, attachment.content_type)
    response = FileResponse(attachment.file.open("rb"), as_attachment=True, filename=filename)
    response["Content-Type"] = attachment.content_type or "application/octet-stream"
    response["Cache-Control"] = "no-store"
    return response


# Upload spool files that a killed request left behind (FILE_UPLOAD_TEMP_DIR, inside the data folder): Django
# deletes a spooled upload when its request ends, but a worker killed mid-upload (timeout, OOM, restart) leaves
# it, possibly holding a complainant's photo. `pengaduan remind` removes those older than any request.
STALE_UPLOAD_SECONDS = 3600  # far longer than any request may run (the worker timeout is 30 s)


def remove_stale_uploads(*, now: float | None = None) -> int:
    folder = getattr(settings, "FILE_UPLOAD_TEMP_DIR", None)
    if not folder or not Path(folder).is_dir():
        return 0
    limit = (now or time.time()) - STALE_UPLOAD_SECONDS
    removed = 0
    for path in Path(folder).iterdir():
        try:
            if path.is_file() and not path.is_symlink() and path.stat().st_mtime < limit:
                path.unlink()
                removed += 1
        except FileNotFoundError:  # removed meanwhile by its own request or another run
            continue
    return removed
