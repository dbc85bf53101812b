"""What the JSON API sends and accepts (besides the step inputs, which the kinds' forms define)."""

from datetime import date, datetime
from typing import Any, Literal

from ninja import Schema
from pydantic import Field


class ErrorOut(Schema):
    code: str = Field(description="Stable for programs: bad_request, not_authenticated, not_permitted, not_found, "
                                  "conflict, too_large, invalid, rate_limited, ...")
    message: str = Field(description="For people, in the request's language.")
    fields: dict[str, list[str]] = Field(default_factory=dict, description="Inputs to correct, with the reasons.")


class UnitRef(Schema):
    code: str
    name: str


class MembershipOut(Schema):
    unit: UnitRef
    roles: list[str]


class MeOut(Schema):
    username: str
    full_name: str
    token: str = Field(description="The name of the token used.")
    units: list[MembershipOut]


class ComplaintListItem(Schema):
    id: int
    register_number: str
    unit: str = Field(description="Unit code.")
    channel: str
    channel_label: str = Field(description="The channel's name, in the language of the request.")
    lapor_id: str = Field(description="The SP4N-LAPOR! tracking ID (unique per install), or empty.")
    complaint_type: str
    category: str
    status: Literal["open", "closed", "set_aside", "returned", "no_reply"]
    summary: str
    subject: str
    received_at: datetime
    recorded_at: datetime | None
    closed_at: datetime | None
    current_step: int | None
    current_role: str | None
    due_at: datetime | None = Field(description="The current step's deadline.")
    overdue: bool
    paused: bool = Field(description="The current step waits for the complainant; its clock stands still.")


class ComplaintPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[ComplaintListItem]


class ComplainantOut(Schema):
    """Shown only to those who may see it (a confidential complainant: the roles that deal with them; every
    showing is written to the access log); null for an anonymous complaint and when it is kept from you."""

    name: str
    phone: str
    email: str
    address: str
    caller_number: str = Field(description="The number a telephone complaint came from.")
    source_link: str = Field(description="The social-media post the complaint came from.")
    notify_by: str = Field("", description="How the complainant chose to be told: email, whatsapp, sms, page (the "
                                           "tracking page only); empty: as the channel answers.")


class SopRef(Schema):
    code: str
    version: int
    name: str


class StepOut(Schema):
    number: int
    kind: str
    role: str
    role_title: str
    state: Literal["pending", "current", "done"]
    time_limit: str
    started_at: datetime | None
    due_at: datetime | None
    done_at: datetime | None
    on_time: bool | None
    done_by: str | None = Field(description="Username of the officer who completed the step.")
    paused_at: datetime | None
    output: dict[str, Any]


class ChoiceOut(Schema):
    value: str
    label: str


class InputFieldOut(Schema):
    name: str
    type: str = Field(description="string, text, choice, boolean, integer, date, datetime, email, url, file, files")
    required: bool
    label: str
    help_text: str
    max_length: int | None
    choices: list[ChoiceOut] | None


class CurrentStepOut(Schema):
    number: int
    kind: str
    role: str
    role_title: str
    started_at: datetime
    due_at: datetime
    paused: bool
    overdue: bool
    coordinators: list[str]
    inputs: list[InputFieldOut] = Field(description="What POST /complaints/{id}/steps/{number} takes.")
    initial: dict[str, Any] = Field(description="The values the workdesk pre-fills (e.g. the drafted answer).")


class CoordinationOut(Schema):
    id: int
    step: int
    role: str
    addressee: str | None
    question: str
    requested_by: str
    requested_at: datetime
    answer: str
    answered_by: str | None
    answered_at: datetime | None


class InformationRequestOut(Schema):
    id: int
    step: int
    question: str
    asked_by: str
    asked_at: datetime
    reply: str
    replied_at: datetime | None


class NoteOut(Schema):
    id: int
    author: str
    text: str
    created_at: datetime


class AttachmentOut(Schema):
    id: int
    step: int | None
    purpose: str
    name: str
    content_type: str
    size: int
    uploaded_by: str | None
    uploaded_at: datetime
    url: str


class EventOut(Schema):
    kind: str
    step: int | None
    actor: str | None
    created_at: datetime
    data: dict[str, Any]


class ExaminationOut(Schema):
    id: int
    step: int = Field(description="The decision step that ordered it and waits for its report.")
    role: str
    examiner: str | None = Field(description="Username of the named examiner; null: anyone holding the role.")
    brief: str
    ordered_by: str
    ordered_at: datetime
    time_limit: str
    due_at: datetime
    submitted_at: datetime | None
    submitted_by: str | None
    on_time: bool | None
    outcome: str = Field(description="proven, partly_proven or not_proven; empty while it runs.")
    findings: str
    recommendations: str
    report: int | None = Field(description="Attachment id of the examination report (LHP).")


class ForwardOut(Schema):
    unit: str | None = Field(description="Code of the unit of this install; null for an outside body.")
    unit_name: str = Field(description="The unit's name, or the outside body's.")
    outside_body: str
    complaint_id: int | None = Field(description="The linked complaint in the other unit (null: outside body).")
    register_number: str = Field(description="The linked complaint's number in its unit's register.")
    complaint_status: Literal["open", "closed", "set_aside", "returned", "no_reply"] | None
    state: Literal["monitoring", "answered", "returned"]
    decision_type: str
    forwarded_at: datetime
    answered_at: datetime | None
    returned_at: datetime | None
    return_reason: str


class ComplaintDetail(ComplaintListItem):
    description: str
    event_place: str
    event_date: date | None
    is_anonymous: bool
    is_confidential: bool
    complainant: ComplainantOut | None
    decision_type: str
    linked_to: int | None
    forwarded_from: ForwardOut | None = Field(description="The case this one was forwarded from (its unit).")
    forwards: list[ForwardOut] = Field(description="Where this case was forwarded to, in order.")
    sop: SopRef
    steps: list[StepOut]
    current: CurrentStepOut | None
    deadline: datetime | None = Field(description="The current step's deadline (same as due_at).")
    actions: list[str] = Field(description='What the caller may do now, e.g. ["complete_step:2", '
                                           '"coordination_request", "information_request", "note"].')
    coordination: list[CoordinationOut]
    information_requests: list[InformationRequestOut]
    notes: list[NoteOut]
    attachments: list[AttachmentOut]
    examinations: list[ExaminationOut]
    events: list[EventOut]


class StepDoneOut(Schema):
    number: int
    done_at: datetime | None = Field(description="null when the decision ordered an examination: the step waits "
                                                 "for its report (see `examinations`).")
    on_time: bool | None
    complaint: ComplaintDetail


class CoordinationIn(Schema):
    role: str = Field(max_length=32, description="The coordinating role asked, e.g. kasubag.")
    question: str = Field(max_length=5000)
    addressee: str | None = Field(None, max_length=150,
                                  description="Username of one officer; empty: anyone of the role.")


class AnswerIn(Schema):
    answer: str = Field(max_length=5000)


class InformationRequestIn(Schema):
    question: str = Field(max_length=5000)
    pause_clock: bool = Field(False, description="Stop the step's clock until the complainant replies.")


class NoteIn(Schema):
    text: str = Field(max_length=5000)


class ReturnIn(Schema):
    reason: str = Field(description="Why the case is not for this unit; shown to the forwarding unit.")


class SetAsideIn(Schema):
    reason: Literal["spam", "duplicate"]
    note: str = Field(max_length=5000)
    duplicate_of: int | None = Field(None, description="Id of the complaint this one repeats (for duplicate).")


class RegisterEntry(Schema):
    complaint_id: int
    register_number: str
    sequence: int
    recorded_at: datetime
    received_at: datetime
    channel: str
    channel_label: str = Field(description="The channel's name, in the language of the request.")
    lapor_id: str = Field(description="The SP4N-LAPOR! tracking ID (unique per install), or empty.")
    complaint_type: str
    complainant: str = Field(description="The name, or Anonymous / Confidential.")
    summary: str
    subject: str
    status: str
    decision_type: str


class RegisterPage(Schema):
    unit: UnitRef
    year: int
    count: int
    limit: int
    offset: int
    items: list[RegisterEntry]


class ComplianceStep(Schema):
    number: int
    role: str
    role_title: str
    time_limit: str
    done: int = Field(description="Steps completed in the period.")
    on_time: int
    on_time_share: float | None = Field(description="on_time / done, from 0 to 1; null when none was done.")
    median_minutes: float | None = Field(description="Median wall-clock minutes from start to completion.")


class ComplianceOut(Schema):
    unit: UnitRef
    date_from: date
    date_to: date
    steps: list[ComplianceStep]


# Public (no token)

class PublicStepOut(Schema):
    number: int
    what: str
    time_limit: str
    state: Literal["pending", "current", "done"]
    done_at: datetime | None
    due_at: datetime | None


class PublicQuestionOut(Schema):
    id: int
    question: str
    asked_at: datetime
    reply: str
    replied_at: datetime | None


class PublicHandOverOut(Schema):
    from_unit: str
    to: str = Field(description="The unit of this install, or the outside body, it was forwarded to.")
    at: datetime
    state: Literal["monitoring", "answered", "returned"]
    register_number: str = Field(description="Its number in the register of the unit it went to.")
    answer: str
    answered_at: datetime | None


class PublicStatusOut(Schema):
    tracking_code: str
    received_at: datetime
    state: Literal["open", "closed", "set_aside", "returned", "no_reply"]
    headline: str
    detail: str
    steps: list[PublicStepOut]
    current_step: int | None
    answer: str
    answered_at: datetime | None
    forwarded_to: str
    holder: str = Field(description="Who has the case now, once it was forwarded (empty before).")
    path: list[PublicHandOverOut] = Field(description="Each hand-over of the case, in order.")
    questions: list[PublicQuestionOut]
    rating: int | None
    can_rate: bool


class PublicUnitOut(Schema):
    code: str = Field(description="Send it as `unit` with a complaint.")
    name: str
    services: str = Field(description="What the unit handles, in plain words.")
    is_triage: bool = Field(description="Receives the complaints sent without a unit and passes them on.")
    address: str
    phone: str
    email: str


class ReceivedOut(Schema):
    tracking_code: str = Field(description="The complainant's key to follow the complaint: keep it private.")
    received_at: datetime
    unit: PublicUnitOut = Field(description="The unit that received it.")
    status: PublicStatusOut


class RatingIn(Schema):
    score: int = Field(ge=1, le=5)
    comment: str = Field("", max_length=2000)


class RatingOut(Schema):
    score: int
    comment: str
    created_at: datetime


class ReplyIn(Schema):
    reply: str = Field(max_length=5000)


# Every operation may answer with these; the body is always an ErrorOut.
ERROR_STATUSES = (400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 503)
ERRORS: dict[int, type[Schema]] = {status: ErrorOut for status in ERROR_STATUSES}
PUBLIC_ERRORS: dict[int, type[Schema]] = {status: ErrorOut for status in ERROR_STATUSES if status not in (401, 403)}
