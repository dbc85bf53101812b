"""Step kinds. An SOP step names a kind; the kind says what the step collects, does and shows.

One module per kind in this package declares everything about it and registers it (`@register`); the
complaints app discovers them when it is ready. Everything else asks the registry (`kinds`).
"""

from pengaduan.complaints.kinds.base import Sample, StepContext, StepForm, StepKind
from pengaduan.complaints.kinds.registry import AlreadyRegistered, UnknownKind, get_kind, kinds, register

__all__ = ["AlreadyRegistered", "Sample", "StepContext", "StepForm", "StepKind", "UnknownKind", "get_kind", "kinds",
           "register"]
