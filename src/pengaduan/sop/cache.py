"""The current SOP of a code with its first step, kept per process: what the public intake reads.

A loaded SOP version is never edited (sop.admin, sop.services), so a version read once stays right; the
one read per call asks only which version is current (its id, checksum and load time, so that a row id
reused after a rolled-back load cannot return another file's steps). Several app servers stay correct:
each asks the database which version is current.
"""

import threading

from pengaduan.sop.models import Sop, SopStep

_sops: dict[tuple, tuple[Sop, SopStep | None]] = {}
_lock = threading.Lock()
MAX_CACHED_SOPS = 64


def current_sop_with_first_step(code: str) -> tuple[Sop, SopStep | None]:
    """(the newest loaded version of SOP `code`, its first step); Sop.DoesNotExist when none is loaded."""
    stamp = Sop.objects.filter(code=code).order_by("-version").values_list("pk", "checksum", "loaded_at").first()
    if stamp is None:
        raise Sop.DoesNotExist(f"SOP {code} is not loaded")
    cached = _sops.get(stamp)
    if cached is None:
        sop = Sop.objects.get(pk=stamp[0])
        cached = (sop, sop.steps.order_by("number").first())
        with _lock:
            if len(_sops) >= MAX_CACHED_SOPS:
                _sops.clear()
            _sops[stamp] = cached
    return cached
