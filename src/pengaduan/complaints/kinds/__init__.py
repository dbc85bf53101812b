"""The registry of step kinds. An SOP step names a kind; the kind says what the step collects and does."""

from pengaduan.complaints.kinds.base import StepContext, StepKind
from pengaduan.complaints.kinds.clarify import Clarify
from pengaduan.complaints.kinds.decide import Decide
from pengaduan.complaints.kinds.deliver import Deliver
from pengaduan.complaints.kinds.draft_answer import DraftAnswer
from pengaduan.complaints.kinds.intake import Intake
from pengaduan.complaints.kinds.names import KIND_NAMES
from pengaduan.complaints.kinds.review import Review

KINDS: dict[str, StepKind] = {kind.name: kind for kind in (Intake(), Clarify(), Decide(), DraftAnswer(), Deliver(), Review())}
assert set(KINDS) == KIND_NAMES

__all__ = ["KINDS", "StepContext", "StepKind", "get_kind"]


def get_kind(name: str) -> StepKind:
    return KINDS[name]
