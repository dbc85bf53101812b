"""The complaint page, read once for every place that shows it: the workdesk, the JSON API and (masked) the
public tracking page.

`complaint_page(viewer, complaint)` reads the SOP timeline with each step's kind and output, the current step,
the viewer's roles and the complainant's identity as the privacy rule allows it for this viewer
(`privacy.identity_for`, the one decision for web and API). Without a viewer (the public) it is masked:
no identity, no step outputs, no roles; only what `public_status` says.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from pengaduan.complaints import selectors
from pengaduan.complaints.kinds import StepKind, get_kind, kinds
from pengaduan.complaints.models import Complaint, DecisionType, Forward, StepRun
from pengaduan.complaints.privacy import identity_for, masked_output
from pengaduan.sop.cache import sop_steps as sop_steps_of
from pengaduan.sop.models import Sop, SopStep


# -- what the public sees --------------------------------------------------------------------------------------

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
    path: list["PublicHandOver"] = field(default_factory=list)
    holder: str = ""  # the unit (or outside body) that has the case now


@dataclass
class PublicHandOver:
    """One hand-over as the complainant sees it: no officers, no reasons written for staff."""

    from_unit: str
    to: str
    at: datetime
    state: str  # monitoring, answered, returned
    register_number: str = ""
    answer: str = ""
    answered_at: datetime | None = None


def public_stage(kind_name: str) -> str:
    """What a step of this kind means to a complainant, in plain words (no internal jargon)."""
    kind = get_kind(kind_name) if kind_name in kinds else StepKind()
    return str(kind.public_stage)


def public_status(complaint: Complaint, *, runs: list[StepRun] | None = None,
                  sop_steps: list | None = None, path: list[Forward] | None = None) -> PublicStatus:
    """The status as the complainant reads it. Never staff names, internal notes or other people's data.

    A page that has already read the complaint's step runs (with their steps), its SOP's steps and its
    hand-overs (selectors.forward_path) passes them."""
    if runs is None:
        runs = list(StepRun.objects.filter(complaint=complaint).select_related("step").only(
            "number", "started_at", "due_at", "done_at", "output", "step__kind"))
    done: list[StepRun] = sorted((run for run in runs if run.done_at), key=lambda run: run.number)
    runs = {run.number: run for run in runs}
    steps = []
    for step in (complaint.sop.steps.all() if sop_steps is None else sop_steps):
        run = runs.get(step.number)
        state = "pending" if run is None else ("done" if run.done_at else "current")
        steps.append(PublicStep(step.number, public_stage(step.kind),
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
    answer_run = _first_done(done, "produces_answer")
    if complaint.status == Complaint.Status.NO_REPLY:
        # The SOP's rule for a question left unanswered: said plainly and kindly, with the way back.
        status.steps = [step for step in steps if step.state != "pending"]
        status.current = None
        status.headline = _("Closed: we did not receive your answer to our question")
        status.detail = _("We waited for your answer for the time our procedure allows and have now closed the "
                          "complaint. If you still need our help, you are very welcome to send a new complaint "
                          "with the information we asked for.")
        _add_path(status, complaint, path)
        return status
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
        decision = _first_done(done, "produces_decision")
        status.forwarded_to = decision.output.get("forward_to", "") if decision else ""
    _add_path(status, complaint, path)
    return status


def _add_path(status: PublicStatus, complaint: Complaint, path: list[Forward] | None = None) -> None:
    """The whole way of the case through the units: who has it now, each hand-over, what was answered."""
    if path is None:
        path = selectors.forward_path(complaint)
    if not path:
        return
    status.path = [PublicHandOver(
        from_unit=forward.origin_unit.name, to=forward.to_name, at=forward.forwarded_at, state=forward.state,
        register_number=forward.target.register_number if forward.target_id else "",
        answer=forward.answer if forward.state == Forward.State.ANSWERED else "", answered_at=forward.answered_at,
    ) for forward in path]
    own = [forward for forward in path if forward.origin_id == complaint.pk]
    if own and own[-1].state != Forward.State.RETURNED:
        # Handed over: this unit's remaining steps will not run; the path says what happens instead.
        status.steps = [step for step in status.steps if step.state != "pending"]
    last = path[-1]
    status.holder = last.to_name if last.state == Forward.State.MONITORING else last.origin_unit.name
    if last.state == Forward.State.RETURNED:
        status.holder = last.origin_unit.name
    if complaint.status == Complaint.Status.OPEN and last.state == Forward.State.MONITORING:
        status.forwarded_to = path[0].to_name if path[0].state == Forward.State.MONITORING else status.forwarded_to
        status.headline = _("Your complaint is now handled by %(unit)s") % {"unit": status.holder}
        status.detail = _("It was forwarded to the competent unit. You can follow it here with the same tracking code.")
    elif complaint.status == Complaint.Status.CLOSED and not status.answer:
        answered = next((forward for forward in reversed(path) if forward.state == Forward.State.ANSWERED), None)
        if answered is not None:
            status.answer, status.answered_at = answered.answer, answered.answered_at


def _first_done(done_runs: list[StepRun], flag: str) -> StepRun | None:
    """The first done step whose kind has the capability (e.g. the one that produced the answer)."""
    wanted = set(kinds.names_having(flag))
    return next((run for run in done_runs if run.step.kind in wanted), None)


# -- the whole page ----------------------------------------------------------------------------------------------

@dataclass
class StepLine:
    """One step of the SOP timeline with its run (if started) and, once done, its output as its kind shows it."""

    step: SopStep
    kind: StepKind
    role_title: str
    run: StepRun | None
    output: dict  # the stored output of a done step; empty for a masked page
    output_rows: list[tuple[str, Any]]  # the output as (label, value) pairs, for people

    @property
    def state(self) -> str:
        return "pending" if self.run is None else ("done" if self.run.done_at else "current")


@dataclass
class ComplaintPage:
    complaint: Complaint
    sop: Sop
    steps: list[StepLine]
    runs: list[StepRun]
    current: StepRun | None
    current_kind: StepKind | None
    roles: set[str]  # the viewer's roles in the complaint's unit
    complainant: Any  # the privacy.Identity when this viewer may see it, else None
    public: PublicStatus
    answer_drafted: bool
    decision_reached: bool = False  # the step that decides the follow-up has started: its disposition sheet
    forwarding: selectors.ForwardLinks | None = None  # the hand-overs into and out of the case, and its path

    @property
    def may_act(self) -> bool:
        """The viewer performs the current step."""
        return self.current is not None and self.current.role in self.roles


def complaint_page(viewer, complaint: Complaint, *, where: str = "", oversight: bool = False) -> ComplaintPage:
    """The complaint as `viewer` may see it; `viewer=None` is the public (masked: no identity, no outputs).

    `oversight`: read by the Pemda-wide oversight role (units/oversight.py): the step outputs, but never the
    identity, nor the outputs of the steps that handle it, and no roles (nothing to act on), whatever units the
    viewer belongs to.
    `where` names the page or endpoint for the access log when a confidential identity is shown."""
    sop = complaint.sop
    masked = viewer is None
    # One decision (and one access-log row) for the whole page: the identity card, the step outputs, the forms.
    identity = None if masked or oversight else identity_for(viewer, complaint, where=where)
    runs = list(complaint.step_runs.select_related("done_by", "step"))
    by_number = {run.number: run for run in runs}
    sop_steps = sop_steps_of(sop)
    lines = []
    for step in sop_steps:
        run = by_number.get(step.number)
        kind = get_kind(step.kind)
        # Identity keys of an output (the caller's number, "received by") are masked unless the identity is shown;
        # the oversight role sees no output of the steps that handle the identity at all.
        hidden = masked or (oversight and bool(kind.identity_fields))
        output = (masked_output(dict(run.output or {}), shown=identity is not None)
                  if run and run.done_at and not hidden else {})
        lines.append(StepLine(step, kind, sop.role_title(step.performer), run, output,
                              kind.output_rows(output) if output else []))
    current = next((run for run in runs if run.is_open), None)
    answering = set(kinds.names_having("produces_answer"))
    forwarding = selectors.forward_links(complaint)
    return ComplaintPage(
        complaint=complaint,
        sop=sop,
        steps=lines,
        runs=runs,
        current=current,
        current_kind=get_kind(current.step.kind) if current else None,
        roles=set() if masked or oversight else selectors.roles_by_unit(viewer).get(complaint.unit_id, set()),
        complainant=identity,
        public=public_status(complaint, runs=runs, sop_steps=sop_steps, path=forwarding.path),
        answer_drafted=any(run.done_at and run.step.kind in answering for run in runs),
        decision_reached=any(run.step.kind in set(kinds.names_having("produces_decision")) for run in runs),
        forwarding=forwarding,
    )
