"""The current SOP of a code with its first step, kept per process: what the public intake reads.

A loaded SOP version is never edited (sop.admin, sop.services); loading or deleting a version changes the SOP
stamp (units.stamps), which every app server reads once per request.
"""

from pengaduan.sop.models import Sop, SopStep
from pengaduan.units import stamps

_sops = stamps.StampedCache(stamps.SOP, max_entries=64)


def current_sop_with_first_step(code: str) -> tuple[Sop, SopStep | None]:
    """(the newest loaded version of SOP `code`, its first step); Sop.DoesNotExist when none is loaded."""
    found = _sops.get(code, lambda: _newest_with_first_step(code))
    if found is None:
        raise Sop.DoesNotExist(f"SOP {code} is not loaded")
    return found


def _newest_with_first_step(code: str) -> tuple[Sop, SopStep | None] | None:
    sop = Sop.objects.filter(code=code).order_by("-version").first()
    return None if sop is None else (sop, sop.steps.order_by("number").first())


_steps = stamps.StampedCache(stamps.SOP, max_entries=64)


def sop_steps(sop: Sop) -> list[SopStep]:
    """The steps of a loaded SOP version in order, read once per process (a version's steps never change; the
    SOP stamp changes when a version is loaded or deleted). Shared between requests: read them, never change them."""
    return _steps.get((sop.pk, sop.checksum), lambda: list(sop.steps.order_by("number")))
