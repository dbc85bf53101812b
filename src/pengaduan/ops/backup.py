"""Backup and restore of everything: the database (as portable JSON, so a SQLite backup restores into
PostgreSQL and back; see ops/fulljson.py for why not Django's own JSON) and the attachments. For a large PostgreSQL database, pg_dump is faster; this is the
one that works the same on every installation and is checked by a round-trip test.
"""

import io
import json
import os
import shutil
import tarfile
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from pengaduan.units import stamps

FORMAT = 1
# Derived or short-lived rows that a restore must not bring back (Django rebuilds the first two itself; the
# configuration stamps are changed by the restore itself, so that every app server's caches are rebuilt).
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "admin.logentry", "throttle.throttlecounter",
            "units.stamp"]


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


def _check_target(path: Path, force: bool) -> None:
    if path.is_dir():
        raise BackupError(f"{path}: is a folder; give a file name")
    if path.exists() and not force:
        raise BackupError(f"{path}: already exists; use --force to replace it")
    folder = path.parent
    if not folder.is_dir():
        raise BackupError(f"{path}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise BackupError(f"{path}: the folder {folder} is not writable")


def backup(path: Path, *, force: bool = False) -> dict:
    """Write the database and the attachments into one .tar.gz; returns the manifest.

    The file is readable by its owner only (it holds every complainant's identity), is written beside its
    target and renamed into place when complete (a failure leaves no half-written backup), and an existing
    file is replaced only with `force`.
    """
    path = Path(path)
    _check_target(path, force)
    try:
        return _write_backup(path)
    except OSError as error:
        raise BackupError(f"{path}: cannot write the backup ({error.strerror or error})") from None


def _write_backup(path: Path) -> dict:
    media = Path(settings.MEDIA_ROOT)
    descriptor, partial = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")  # 0600
    os.close(descriptor)
    try:
        manifest = _fill_backup(Path(partial), media)
        os.replace(partial, path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return manifest


def _fill_backup(path: Path, media: Path) -> dict:
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


# What a truncated or damaged archive raises while it is read (gzip, tar, JSON, the rows themselves).
DAMAGED = (OSError, EOFError, zlib.error, tarfile.TarError, ValueError, KeyError, DeserializationError)


def restore(path: Path, *, force: bool = False) -> RestoreResult:
    """Load a backup into an empty database (or, with force, replace everything) and put the files back.

    The whole archive is read and unpacked into a scratch folder first, so a truncated or damaged file is
    refused before anything changes; the rows load in one transaction, and the files move into place only
    after it committed.
    """
    try:
        archive = tarfile.open(path, "r:gz")
    except (OSError, tarfile.TarError) as error:
        raise BackupError(f"{path}: not a Pengaduan backup ({error})") from None
    try:
        with archive, tempfile.TemporaryDirectory() as work:
            return _restore(archive, Path(path), Path(work), force)
    except BackupError:
        raise
    except DatabaseError as error:
        raise BackupError(f"{path}: the rows could not be loaded, nothing was changed ({error})") from None
    except DAMAGED as error:
        raise BackupError(f"{path}: the backup is truncated or damaged, nothing was changed "
                          f"({type(error).__name__}: {error})") from None


def _restore(archive: tarfile.TarFile, path: Path, work: Path, force: bool) -> RestoreResult:
    names = set(archive.getnames())  # reads every header to the end: a truncated archive fails here
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
    unpacked = work / "unpacked"
    for member in media_members:
        member.name = member.name[len("media/"):]
        archive.extract(member, unpacked, filter="data")  # the data filter refuses paths outside the folder
    with transaction.atomic():
        if force:
            call_command("flush", interactive=False, verbosity=0)
        call_command("loaddata", str(work / "data.jsonfull"), verbosity=0)
        stamps.bump(*stamps.ALL)  # every row may have changed under the running app servers
        restored = _counts()
        expected = manifest["counts"]
        wrong = {label: (restored.get(label), count) for label, count in expected.items()
                 if restored.get(label) != count}
        if wrong:
            raise BackupError(f"{path}: restored counts differ from the backup: {wrong}")
    media_root = Path(settings.MEDIA_ROOT)
    try:
        media_root.mkdir(mode=0o700, parents=True, exist_ok=True)
        for member in media_members:
            target = media_root / member.name
            target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            shutil.move(unpacked / member.name, target)
            target.chmod(0o600)
    except OSError as error:
        raise BackupError(f"{path}: the rows are restored, but the files could not be written to {media_root} "
                          f"({error}); free the space or fix the permissions and restore again with --force") from None
    return RestoreResult(manifest=manifest, files=len(media_members))
