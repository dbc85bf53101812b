"""What happened to a complaint, told to the layers above the engine: a small, explicit event dispatch.

The engine and the reminder job say what happened (`emit(StepAssigned(step_run=run))`) and import nothing
from the layers that react to it; those layers register a receiver per event type (`on(StepAssigned)`, in
their AppConfig.ready()), and the notification layer decides there what to send and to whom.

Receivers run at once, in the emitter's transaction, in the order they were registered: the outbox rows they
write commit or roll back with the change itself, so no notification is lost and none is sent for a change
that did not happen (delivery is scheduled after the commit by the outbox). An error in a receiver is the
action's error. These are not Django model signals: nothing fires on a save, only the emitters below do.
"""

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pengaduan.complaints.models import ComplainantMessage, Complaint, Examination, Forward, InformationRequest, Reminder, StepRun


@dataclass(frozen=True)
class StepAssigned:
    """A step now waits for the holders of its performer role (a new complaint's first step, or the next one)."""

    step_run: StepRun


@dataclass(frozen=True)
class ComplaintArriving:
    """A new complaint is about to be stored: emitted before its write transaction, with the complaint and its
    first step run built but not saved (no ids yet), so that receivers read and render now, while no write lock
    is held, and append to `writes` what to insert; the engine calls those inside the transaction, after the
    complaint and the step run are saved. For a new complaint it stands for StepAssigned (its first step) and,
    with `receipt_base_url`, the receipt to the complainant."""

    complaint: Complaint
    step_run: StepRun
    receipt_base_url: str | None = None
    writes: list[Callable[[], Any]] = field(default_factory=list)


@dataclass(frozen=True)
class ComplaintRecorded:
    """The complaint got its number in the Buku Pengaduan."""

    complaint: Complaint


@dataclass(frozen=True)
class ComplaintClosed:
    """The last step is done: the answer has been delivered."""

    complaint: Complaint


@dataclass(frozen=True)
class InformationRequested:
    """The performer asked the complainant a question (shown on the tracking page)."""

    request: InformationRequest


@dataclass(frozen=True)
class ComplainantReminderDue:
    """A question to the complainant is still unanswered after the SOP's time: remind them (the `count`-th time)."""

    request: InformationRequest
    count: int


@dataclass(frozen=True)
class ComplaintClosedNoReply:
    """The complainant never answered the question the case waited for: closed by the SOP's rule, not answered."""

    complaint: Complaint
    request: InformationRequest


@dataclass(frozen=True)
class ReminderDue:
    """A share of a step's office time is used up (100 at the deadline)."""

    reminder: Reminder


@dataclass(frozen=True)
class DeadlinePassed:
    """A step passed its deadline; `roles` are the superiors to alert, in the unit's escalation order."""

    reminder: Reminder
    roles: Sequence[str]


@dataclass(frozen=True)
class ExaminationOrdered:
    """A decision ordered an examination: it waits for the holders of the examiner role (or the named one)."""

    examination: Examination


@dataclass(frozen=True)
class ExaminationReported:
    """The examiner's report (LHP) is in: the decision step waits for its performer again."""

    examination: Examination


@dataclass(frozen=True)
class ExaminationReminderDue:
    """An examination used its reminder share of office time (`breach`: its deadline passed; `roles` are the
    superiors to alert)."""

    examination: Examination
    breach: bool
    roles: Sequence[str] = ()


@dataclass(frozen=True)
class ComplaintForwarded:
    """A decision handed the case over (to another unit: `forward.target` is its new complaint there)."""

    forward: Forward


@dataclass(frozen=True)
class ForwardAnswered:
    """The answer of a forwarded case came back (from the target unit or recorded from an outside body): the
    origin is closed with it."""

    forward: Forward


@dataclass(frozen=True)
class ForwardReturned:
    """The target unit returned the case as not its own; the origin's decision step waits again."""

    forward: Forward


@dataclass(frozen=True)
class MonitoringDue:
    """A forwarded case has waited a monitoring period without an answer: the forwarding unit follows it up."""

    forward: Forward


@dataclass(frozen=True)
class ComplainantWrote:
    """The complainant wrote on an existing case by a channel that arrives by itself (complaints/inbound.py):
    `answered` are the open questions the message answered; `message` is set when it answered none."""

    complaint: Complaint
    via: str
    message: ComplainantMessage | None = None
    answered: tuple[InformationRequest, ...] = ()


E = TypeVar("E")
_receivers: dict[type, list[Callable[[Any], None]]] = defaultdict(list)


def on(event_type: type[E]) -> Callable[[Callable[[E], None]], Callable[[E], None]]:
    """Register the decorated function as a receiver of `event_type` (once, however often it is decorated)."""

    def register(receiver: Callable[[E], None]) -> Callable[[E], None]:
        if receiver not in _receivers[event_type]:
            _receivers[event_type].append(receiver)
        return receiver

    return register


def receivers(event_type: type) -> list[Callable[[Any], None]]:
    """The receivers of `event_type`, in order (for tests and for docs/architecture.md's readers)."""
    return list(_receivers[event_type])


def emit(event: object) -> None:
    """Tell every receiver of this event's type, now, in the caller's transaction."""
    for receiver in list(_receivers[type(event)]):
        receiver(event)
