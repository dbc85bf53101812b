"""Loading SOP files into versioned `Sop` rows, and finding the version new complaints start under.

A loaded version is never changed: complaints that started under it keep following it. Loading a
changed file therefore creates the next version; loading the same file again is a no-op, so the
loader is safe to run on every deploy.
"""

import hashlib
from pathlib import Path

from django.db import IntegrityError, transaction
from django.db.models import Max

from pengaduan.sop.errors import SopFileError, SopNotLoaded
from pengaduan.sop.models import Sop, SopStep
from pengaduan.sop.schema import SopDocument, parse_sop_text, read_sop_text
from pengaduan.units import stamps

__all__ = ["SopFileError", "SopNotLoaded", "sop_checksum", "sop_current", "sop_load", "sop_version"]


def sop_checksum(text: str) -> str:
    """SHA-256 of the source text: the identity of a version's content."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sop_load(*, path: str | Path | None = None, text: str | None = None, source_name: str = "") -> tuple[Sop, bool]:
    """Validate an SOP file (by path) or text and store it as a new version unless already loaded.

    Returns `(sop, created)`: the existing version with the same code and checksum and False, or the
    new version (highest version + 1) with its steps and True. Raises `SopFileError` when invalid.
    With a path, `source_name` defaults to the file's name (not its full path, which depends on the machine).
    """
    if (path is None) == (text is None):
        raise TypeError("sop_load() takes exactly one of path= or text=")
    if path is not None:
        text = read_sop_text(path)
        document = parse_sop_text(text, str(path))
        source_name = source_name or Path(path).name
    else:
        document = parse_sop_text(text, source_name)
    checksum = sop_checksum(text)

    try:
        return _store(document, text=text, source_name=source_name, checksum=checksum)
    except IntegrityError:
        # Two loads of the same SOP at once compute the same next version; the loser hits a unique
        # constraint and looks again (finding the winner's row when the content is the same).
        return _store(document, text=text, source_name=source_name, checksum=checksum)


def _store(document: SopDocument, *, text: str, source_name: str, checksum: str) -> tuple[Sop, bool]:
    with transaction.atomic():
        existing = Sop.objects.filter(code=document.code, checksum=checksum).first()
        if existing is not None:
            return existing, False
        return _create_version(document, text=text, source_name=source_name, checksum=checksum), True


def _create_version(document: SopDocument, *, text: str, source_name: str, checksum: str) -> Sop:
    last = Sop.objects.filter(code=document.code).aggregate(last=Max("version"))["last"] or 0
    sop = Sop.objects.create(
        code=document.code,
        version=last + 1,
        name=document.name,
        document=document.model_dump(mode="json"),
        roles=[{"code": role.code, "title": role.title} for role in document.roles],
        source=text,
        source_name=source_name,
        checksum=checksum,
    )
    steps = []
    for step in document.steps:
        duration = step.duration
        steps.append(
            SopStep(
                sop=sop,
                number=step.number,
                kind=step.kind,
                description=step.description,
                performer=step.performer,
                coordinators=list(step.coordinators),
                inputs=step.inputs,
                time_limit_text=step.time_limit,
                time_limit_amount=duration.amount,
                time_limit_unit=str(duration.unit),
                output=step.output,
                notes=step.notes,
            )
        )
    SopStep.objects.bulk_create(steps)
    stamps.bump(stamps.SOP)  # with the steps in: bulk_create sends no signal
    return sop


def sop_current(code: str) -> Sop:
    """The newest loaded version of SOP `code`: the one new complaints start under."""
    try:
        return Sop.objects.current(code)
    except Sop.DoesNotExist:
        raise SopNotLoaded(_not_loaded_message(code)) from None


def sop_version(code: str, version: int) -> Sop:
    """One particular version of SOP `code` (the one a running complaint follows, say)."""
    try:
        return Sop.objects.get(code=code, version=version)
    except Sop.DoesNotExist:
        versions = list(Sop.objects.filter(code=code).order_by("version").values_list("version", flat=True))
        if not versions:
            raise SopNotLoaded(_not_loaded_message(code)) from None
        listed = ", ".join(str(number) for number in versions)
        raise SopNotLoaded(f"SOP {code} has no version {version} (loaded versions: {listed})") from None


def _not_loaded_message(code: str) -> str:
    loaded = sorted(set(Sop.objects.values_list("code", flat=True)))
    known = f"loaded SOPs: {', '.join(loaded)}" if loaded else "no SOP is loaded yet"
    return f"SOP {code!r} is not loaded ({known}); load its file with `pengaduan sop load FILE`"
