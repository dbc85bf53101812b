"""The step kinds as the SOP layer knows them: a table the complaints layer fills when the project starts.

An SOP file names a kind for each step (that is data). Validating the file, printing the flowchart and
recognising a kind on an imported sheet need a little knowledge about each kind, but the code that runs
a kind lives in `pengaduan.complaints.kinds`, a layer above this one. So the SOP layer declares what it
needs to know (`SopKind`) and keeps a table; each step kind registers its entry when the complaints app
is ready (`pengaduan.complaints.kinds.registry`). Nothing here imports upward.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["SopKind", "fallback_kind", "first_kind", "get", "known_kinds", "register", "unregister"]


@dataclass(frozen=True)
class SopKind:
    name: str
    # Position in workflow order: error messages and docs list the kinds in this order.
    order: int = 100
    # The kind an SOP's first step must have: a complaint is recorded before anything else happens to it.
    first: bool = False
    # How the SOP print draws the step between the first and the last: "process" (box) or "decision" (diamond).
    flowchart_shape: str = "process"
    # What the sheet importer recognises the kind by in a step's description (its own verbs); None: never.
    recognised_by: re.Pattern | None = None
    # The generic kind the importer sets when a description fits no kind or several.
    fallback: bool = False


_TABLE: dict[str, SopKind] = {}


def register(info: SopKind) -> None:
    _TABLE[info.name] = info


def unregister(name: str) -> None:
    _TABLE.pop(name, None)


def get(name: str) -> SopKind | None:
    return _TABLE.get(name)


def known_kinds() -> list[str]:
    """The registered kind names in workflow order (then by name), for validation, messages and docs."""
    return [info.name for info in sorted(_TABLE.values(), key=lambda info: (info.order, info.name))]


def _only(flag: str) -> SopKind:
    found = [info for info in _TABLE.values() if getattr(info, flag)]
    if len(found) != 1:
        raise LookupError(f"exactly one step kind must be registered as {flag!r}, found {len(found)}: "
                          f"is the complaints app installed and ready?")
    return found[0]


def first_kind() -> SopKind:
    """The kind every SOP's first step has (recording the complaint)."""
    return _only("first")


def fallback_kind() -> SopKind:
    """The generic kind for a step the importer cannot place."""
    return _only("fallback")


def recognisable() -> list[SopKind]:
    """The kinds the importer can recognise, in workflow order."""
    return [info for name in known_kinds() if (info := _TABLE[name]).recognised_by is not None]
