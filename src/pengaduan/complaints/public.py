"""What the public may see of a complaint: its status without names or internal notes.

The portal, the API and the workdesk (the complainant's view of a case) all show it from here.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext as _

from pengaduan.complaints.models import Complaint, DecisionType, StepRun


# What each kind of step means to a complainant, in plain words (no internal jargon).
PUBLIC_STAGE = {
    "intake": lambda: _("Your complaint is received and recorded"),
    "clarify": lambda: _("Your complaint is checked and clarified"),
    "decide": lambda: _("The head of the office decides the follow-up"),
    "draft_answer": lambda: _("The answer is prepared"),
    "deliver": lambda: _("The answer is delivered to you"),
    "review": lambda: _("Your complaint is being processed"),
}


@dataclass
class PublicStep:
    number: int
    what: str
    time_limit: str
    state: str  # done, current, pending
    done_at: datetime | None = None
    due_at: datetime | None = None


@dataclass
class PublicStatus:
    headline: str
    detail: str
    state: str  # open, closed, set_aside
    steps: list[PublicStep] = field(default_factory=list)
    current: PublicStep | None = None
    answer: str = ""
    answered_at: datetime | None = None
    forwarded_to: str = ""


def public_status(complaint: Complaint, *, runs: list[StepRun] | None = None,
                  sop_steps: list | None = None) -> PublicStatus:
    """The status as the complainant reads it. Never staff names, internal notes or other people's data.

    A page that has already read the complaint's step runs (with their steps) and its SOP's steps passes them."""
    if runs is None:
        runs = list(StepRun.objects.filter(complaint=complaint).select_related("step").only(
            "number", "started_at", "due_at", "done_at", "output", "step__kind"))
    done_by_kind: dict[str, StepRun] = {}
    for run in sorted(runs, key=lambda run: run.number):
        if run.done_at:
            done_by_kind.setdefault(run.step.kind, run)  # the first done step of each kind
    runs = {run.number: run for run in runs}
    steps = []
    for step in (complaint.sop.steps.all() if sop_steps is None else sop_steps):
        run = runs.get(step.number)
        state = "pending" if run is None else ("done" if run.done_at else "current")
        steps.append(PublicStep(step.number, PUBLIC_STAGE.get(step.kind, PUBLIC_STAGE["review"])(),
                                step.time_limit_text, state, run.done_at if run else None, run.due_at if run else None))
    status = PublicStatus(headline="", detail="", state=complaint.status, steps=steps,
                          current=next((s for s in steps if s.state == "current"), None))
    if complaint.status == Complaint.Status.SET_ASIDE:
        status.steps = []
        status.headline = _("Your report could not be processed as a new complaint")
        status.detail = (_("It repeats a complaint that is already being handled; that case continues.")
                         if complaint.set_aside_reason == Complaint.SetAsideReason.DUPLICATE
                         else _("It did not contain a complaint we can handle. You are welcome to send a new one."))
        return status
    answer_run = done_by_kind.get("draft_answer")
    if complaint.status == Complaint.Status.CLOSED:
        status.headline = _("Finished: the answer has been delivered")
        status.detail = _("Thank you for your complaint. Please tell us how satisfied you are.")
        if answer_run:
            status.answer, status.answered_at = answer_run.output.get("answer", ""), answer_run.done_at
    else:
        status.headline = status.current.what if status.current else _("Your complaint is being processed")
        status.detail = _("In progress, step %(n)d of %(total)d.") % {
            "n": status.current.number if status.current else 1, "total": len(steps)}
    if complaint.decision_type == DecisionType.FORWARD:
        decision = done_by_kind.get("decide")
        status.forwarded_to = decision.output.get("forward_to", "") if decision else ""
    return status
