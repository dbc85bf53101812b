"""Backup and restore of everything: the database (as portable JSON, so a SQLite backup restores into
PostgreSQL and back; see ops/fulljson.py for why not Django's own JSON) and the attachments. For a large PostgreSQL database, pg_dump is faster; this is the
one that works the same on every installation and is checked by a round-trip test.
"""

import io
import json
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

FORMAT = 1
# Derived or short-lived rows that a restore must not bring back (Django rebuilds the first two itself).
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "admin.logentry", "throttle.throttlecounter"]


class BackupError(Exception):
    pass


def _counted_models():
    skip = {label.lower() for label in EXCLUDED}
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in skip or model._meta.app_label in skip or not model._meta.managed or model._meta.proxy:
            continue
        yield label, model


def _counts() -> dict[str, int]:
    return {label: model.objects.count() for label, model in _counted_models()}


def backup(path: Path) -> dict:
    """Write the database and the attachments into one .tar.gz; returns the manifest."""
    media = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as work:
        data = Path(work) / "data.jsonfull"
        with transaction.atomic():  # one consistent snapshot of the rows and the counts
            call_command("dumpdata", exclude=EXCLUDED, natural_foreign=True, format="jsonfull", output=str(data),
                         verbosity=0)
            manifest = {"format": FORMAT, "created_at": timezone.now().isoformat(), "database": connection.vendor,
                        "counts": _counts()}
        with tarfile.open(path, "w:gz") as archive:
            archive.add(data, arcname="data.jsonfull")
            body = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(body)
            archive.addfile(info, io.BytesIO(body))
            if media.exists():
                archive.add(media, arcname="media")
    return manifest


@dataclass
class RestoreResult:
    manifest: dict
    files: int


def restore(path: Path, *, force: bool = False) -> RestoreResult:
    """Load a backup into an empty database (or, with force, replace everything) and put the files back."""
    try:
        archive = tarfile.open(path, "r:gz")
    except (OSError, tarfile.TarError) as error:
        raise BackupError(f"{path}: not a Pengaduan backup ({error})") from None
    with archive, tempfile.TemporaryDirectory() as work:
        names = set(archive.getnames())
        if not {"data.jsonfull", "manifest.json"} <= names:
            raise BackupError(f"{path}: not a Pengaduan backup (data.jsonfull or manifest.json is missing)")
        manifest = json.load(archive.extractfile("manifest.json"))
        if manifest.get("format") != FORMAT:
            raise BackupError(f"{path}: backup format {manifest.get('format')} is not supported")
        from pengaduan.complaints.models import Complaint

        if Complaint.objects.exists() and not force:
            raise BackupError("The database already holds complaints; restore with --force to replace everything.")
        archive.extract("data.jsonfull", work, filter="data")
        media_members = [m for m in archive.getmembers() if m.name.startswith("media/") and m.isfile()]
        with transaction.atomic():
            if force:
                call_command("flush", interactive=False, verbosity=0)
            call_command("loaddata", str(Path(work) / "data.jsonfull"), verbosity=0)
            restored = _counts()
            expected = manifest["counts"]
            wrong = {label: (restored.get(label), count) for label, count in expected.items()
                     if restored.get(label) != count}
            if wrong:
                raise BackupError(f"{path}: restored counts differ from the backup: {wrong}")
        media_root = Path(settings.MEDIA_ROOT)
        media_root.mkdir(parents=True, exist_ok=True)
        for member in media_members:
            member.name = member.name[len("media/"):]
            archive.extract(member, media_root, filter="data")  # the data filter refuses paths outside the folder
    return RestoreResult(manifest=manifest, files=len(media_members))
