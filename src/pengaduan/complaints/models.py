"""Complaints, the runs of their SOP steps, and the append-only event log that is their history."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pengaduan.complaints import channels
from pengaduan.complaints.attachments import attachment_path
from pengaduan.links import reverse_numbers
from pengaduan.sop.models import Sop, SopStep
from pengaduan.units.models import Unit

# Keys without an index: a foreign key that nothing looks rows up by gets none (db_index=False), since every
# index of these tables is written by every new complaint, under SQLite's one write lock (bench/profile_intake.py
# --pages). What the index would speed up is the check before the row it points to is deleted (PROTECT, CASCADE):
# SOP versions, SOP steps and units are never deleted by the application, and an administrator's deletion may
# scan.


class ComplaintType(models.TextChoices):
    COMPLAINT = "pengaduan", _("Complaint")
    ASPIRATION = "aspirasi", _("Aspiration")
    INFORMATION_REQUEST = "permintaan_informasi", _("Information request")


class DecisionType(models.TextChoices):
    ANSWER = "answer", _("Answer directly")
    EXAMINATION = "examination", _("Examination by an Irban")
    FORWARD = "forward", _("Forward to the competent unit")
    NOT_WITHIN_AUTHORITY = "not_within_authority", _("Not within our authority")


class NotifyBy(models.TextChoices):
    """How the complainant wants to be told of their complaint. The codes of the media are those registered in
    notifications/media (this layer does not import it); "page" means no message at all, only the tracking page.
    Empty: not asked (complaints from before the choice, or an API client that does not send it) — the channel's
    own answer medium, as before."""

    EMAIL = "email", _("E-mail")
    WHATSAPP = "whatsapp", _("WhatsApp")
    SMS = "sms", _("SMS")
    PAGE = "page", _("Only the tracking page")


class Complainant(models.Model):
    """Who complained. Anonymous complaints have none: no identity is kept at all.

    The telephone number is kept in E.164 (+62…) and the e-mail address in lower case (pengaduan.phones), so the
    same person is recognised on every channel by either (complaints.history)."""

    name = models.CharField(_("name"), max_length=200)
    phone = models.CharField(_("telephone / WhatsApp"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    notify_by = models.CharField(_("tell me by"), max_length=10, choices=NotifyBy.choices, blank=True,
                                 help_text=_("How the complainant chose to be told; empty: as the channel answers."))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("complainant")
        verbose_name_plural = _("complainants")
        indexes = [
            # The complainant's history (complaints.history): their other complaints by the same number or address.
            models.Index(fields=["phone"], condition=~Q(phone=""), name="complaints_complainant_phone"),
            models.Index(fields=["email"], condition=~Q(email=""), name="complaints_complainant_email"),
        ]

    def __str__(self):
        return self.name


class Complaint(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("In progress")
        CLOSED = "closed", _("Finished")
        SET_ASIDE = "set_aside", _("Set aside")
        # A case forwarded here that this unit handed back to the forwarding unit as not its own.
        RETURNED = "returned", _("Returned to the forwarding unit")
        # The complainant never answered a question the case waited for, within the SOP's time
        # (`[sop.time_classes] closing_without_reply`): closed by `pengaduan remind`, not answered.
        NO_REPLY = "no_reply", _("Closed: the complainant did not reply")

    class RegisterMark(models.TextChoices):
        CORRECTED = "corrected", _("Corrected")
        VOID = "void", _("Void")

    class SetAsideReason(models.TextChoices):
        SPAM = "spam", _("Spam or abuse")
        DUPLICATE = "duplicate", _("Duplicate of another complaint")

    # No index of its own (a new complaint writes one index fewer): the register's unique constraint and the
    # indexes in Meta start with the unit.
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="complaints", verbose_name=_("unit"),
                             db_index=False)
    # No index (keys without an index, at the top): nothing looks complaints up by their SOP version.
    sop = models.ForeignKey(
        Sop, on_delete=models.PROTECT, related_name="complaints", verbose_name=_("SOP version"),
        help_text=_("The SOP version this complaint started under; it keeps it to the end."), db_index=False,
    )
    # Only the keyed hash of the tracking code is stored (complaints/codes.py): the code is the complainant's
    # credential. The plain code exists only on the instance that issued it, as `tracking_code` (below).
    tracking_code_hash = models.CharField(_("tracking code (keyed hash)"), max_length=64, unique=True,
                                          editable=False)
    # The channels register themselves (complaints/channels/); the stored value is the channel's code.
    channel = models.CharField(_("channel"), max_length=20, choices=channels.choices)
    received_at = models.DateTimeField(_("received at"))
    complainant = models.ForeignKey(
        Complainant, on_delete=models.PROTECT, null=True, blank=True, related_name="complaints",
        verbose_name=_("complainant"),
    )
    is_anonymous = models.BooleanField(_("anonymous"), default=False)
    is_confidential = models.BooleanField(_("confidential identity"), default=False)
    identity_erased_at = models.DateTimeField(
        _("identity erased at"), null=True, blank=True,
        help_text=_("When the complainant's identity was erased at the end of its retention period."),
    )
    summary = models.CharField(_("summary"), max_length=200)
    description = models.TextField(_("what happened"))
    subject = models.CharField(_("subject of the complaint"), max_length=300, help_text=_("unit, service or official"))
    event_place = models.CharField(_("place of the event"), max_length=300, blank=True)
    event_date = models.DateField(_("date of the event"), null=True, blank=True)
    complaint_type = models.CharField(
        _("type"), max_length=24, choices=ComplaintType.choices, default=ComplaintType.COMPLAINT
    )
    category = models.CharField(_("category"), max_length=100, blank=True)
    decision_type = models.CharField(_("follow-up decision"), max_length=24, choices=DecisionType.choices, blank=True)
    # What each channel adds (telephone, letter, complaint box, social media, SP4N-LAPOR!): the columns a
    # channel's `details` name (complaints/channels/).
    caller_number = models.CharField(_("caller's number"), max_length=50, blank=True)
    letter_number = models.CharField(_("letter number"), max_length=100, blank=True)
    letter_date = models.DateField(_("letter date"), null=True, blank=True)
    box_opened_at = models.DateTimeField(_("complaint box opened at"), null=True, blank=True)
    source_link = models.URLField(_("link to the post"), max_length=500, blank=True)
    # Unique per install when filled (constraint below): one case here per LAPOR! report, whether the bridge
    # pulled it (pengaduan.lapor) or an officer typed the number.
    lapor_id = models.CharField(_("SP4N-LAPOR! tracking ID"), max_length=50, blank=True)
    linked_to = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="linked_complaints",
        verbose_name=_("linked to"), help_text=_("An existing case this complaint repeats or adds to."),
        db_index=False,  # a partial index below: most complaints link to none
    )
    set_aside_reason = models.CharField(_("set aside because"), max_length=10, choices=SetAsideReason.choices,
                                        blank=True)
    set_aside_note = models.TextField(_("reason for setting aside"), blank=True)
    register_year = models.PositiveSmallIntegerField(_("register year"), null=True, blank=True)
    register_seq = models.PositiveIntegerField(_("register sequence"), null=True, blank=True)
    register_number = models.CharField(_("register number"), max_length=60, blank=True)
    recorded_at = models.DateTimeField(_("recorded in the register at"), null=True, blank=True)
    # A register entry is never renumbered nor removed: the unit head corrects it or voids it, with a reason
    # (engine.register_correct / register_void; the events keep every old value), and the entry is marked.
    register_mark = models.CharField(_("register entry"), max_length=10, choices=RegisterMark.choices, blank=True)
    register_note = models.TextField(_("reason for the correction or voiding"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "register_year", "register_seq"], name="complaints_complaint_unique_register_seq"
            ),
            models.CheckConstraint(
                condition=Q(register_seq__isnull=True, register_year__isnull=True, recorded_at__isnull=True)
                | Q(register_seq__gte=1, register_year__isnull=False, recorded_at__isnull=False),
                name="complaints_complaint_register_complete",
            ),
            models.CheckConstraint(
                condition=Q(is_anonymous=False) | Q(complainant__isnull=True),
                name="complaints_complaint_anonymous_keeps_no_identity",
            ),
            models.CheckConstraint(
                condition=Q(register_mark="", register_note="") | (~Q(register_mark="") & Q(register_seq__isnull=False)
                                                                   & ~Q(register_note="")),
                name="complaints_complaint_register_mark_has_entry_and_reason",
            ),
            models.CheckConstraint(
                condition=Q(status="open", closed_at__isnull=True)
                | Q(status__in=["closed", "set_aside", "returned", "no_reply"], closed_at__isnull=False),
                name="complaints_complaint_closed_has_time",
            ),
            models.CheckConstraint(
                condition=Q(status="set_aside", register_seq__isnull=True) & ~Q(set_aside_reason="")
                | (~Q(status="set_aside") & Q(set_aside_reason="")),
                name="complaints_complaint_set_aside_has_reason_and_no_number",
            ),
            # One case per LAPOR! report per install; its index also answers "which of ours is LAPOR! report X?"
            # (the bridge's match and the officer's search).
            models.UniqueConstraint(fields=["lapor_id"], condition=~Q(lapor_id=""),
                                    name="complaints_complaint_unique_lapor_id"),
        ]
        # (The register page, one unit's entries of one year in register order, reads the index of the unique
        # constraint complaints_complaint_unique_register_seq.)
        indexes = [
            # Duplicate suggestions: a unit's recent complaints.
            models.Index(fields=["unit", "-received_at"], name="complaints_unit_recent"),
            # /metrics: complaints received per unit and channel, counted from the index alone.
            models.Index(fields=["unit", "channel"], name="complaints_by_channel"),
            # The complaints linked to a case (most link to none).
            models.Index(fields=["linked_to"], condition=Q(linked_to__isnull=False), name="complaints_linked_to"),
        ]

    # The plain tracking code, set only on the instance that has just issued it (engine), to show it once.
    tracking_code = ""

    def __str__(self):
        return self.reference

    @property
    def reference(self) -> str:
        """How staff and letters name the case: its register number, or its number before it is recorded."""
        return self.register_number or _("complaint no. %(pk)s") % {"pk": self.pk}

    def get_absolute_url(self):
        return reverse_numbers("workdesk:complaint", self.pk)

    def issue_tracking_code(self) -> str:
        """A new code for this complaint (not saved): its hash replaces the previous one, which stops working."""
        from pengaduan.complaints.codes import new_tracking_code, tracking_code_hash

        self.tracking_code = new_tracking_code()
        self.tracking_code_hash = tracking_code_hash(self.tracking_code)
        return self.tracking_code

    # For lists: Django's get_FOO_display rebuilds the field's choices on every call, which costs more than
    # the rest of a register row; these read a table made once.
    @property
    def channel_label(self) -> str:
        return channels.label(self.channel)

    @property
    def channel_details(self) -> list[dict]:
        """What the channel brought along (caller's number, letter number, ...), for the complaint page."""
        return channels.describe(self)

    @property
    def status_label(self) -> str:
        return str(_STATUS_LABELS.get(self.status, self.status))

    @property
    def is_recorded(self) -> bool:
        return self.register_seq is not None


_STATUS_LABELS = dict(Complaint.Status.choices)


class RegisterCounter(models.Model):
    """The last register number handed out per unit and year; locked while a number is allocated."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="complaints_registercounter_unique_year")]

    def __str__(self):
        return f"{self.unit.code} {self.year}: {self.last_number}"


class StepRunQuerySet(models.QuerySet):
    def open(self):
        return self.filter(done_at__isnull=True)


class StepRun(models.Model):
    """One SOP step of one complaint: when it started, its deadline, and who finished it when, with what."""

    # Found by the index of the unique constraint complaints_steprun_once_per_step (complaint, number).
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="step_runs", db_index=False)
    # The complaint's unit, copied (a complaint never changes unit) so that inboxes and the team view find a
    # unit's open steps along one small partial index instead of joining a million complaints.
    # No index of their own (keys without an index, at the top): a unit's steps are looked up open, along the
    # partial indexes that start with the unit, and steps are never looked up by their SOP step.
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"),
                             db_index=False)
    step = models.ForeignKey(SopStep, on_delete=models.PROTECT, related_name="+", db_index=False)
    number = models.PositiveSmallIntegerField(_("step"))
    role = models.CharField(_("performer role"), max_length=32)
    started_at = models.DateTimeField(_("started at"))
    due_at = models.DateTimeField(_("deadline"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("done by"), db_index=False,  # a partial index below: a step starts without a performer
    )
    output = models.JSONField(_("output"), default=dict, blank=True)
    paused_at = models.DateTimeField(
        _("waiting for the complainant since"), null=True, blank=True,
        help_text=_("While set, the step's clock stands still; the deadline moves on when it resumes."),
    )
    # One extension of the deadline, by the performer's superior with a reason (engine.deadline_extend): the
    # deadline before it is kept here, `due_at` is the extended one, and the step is measured against it.
    extended_from = models.DateTimeField(_("deadline before the extension"), null=True, blank=True)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    extended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("extended by"), db_index=False,  # a partial index below: few steps are extended
    )
    # Ended by `pengaduan remind` when the complainant never answered (no officer did it: done_by stays empty).
    ended_without_reply = models.BooleanField(_("ended: the complainant did not reply"), default=False)

    objects = StepRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("step run")
        verbose_name_plural = _("step runs")
        ordering = ["complaint", "number"]
        constraints = [
            models.UniqueConstraint(fields=["complaint", "number"], name="complaints_steprun_once_per_step"),
            models.UniqueConstraint(
                fields=["complaint"], condition=Q(done_at__isnull=True), name="complaints_steprun_one_open_step"
            ),
            models.CheckConstraint(
                condition=Q(done_at__isnull=True) | Q(done_by__isnull=False) | Q(ended_without_reply=True),
                name="complaints_steprun_done_has_performer",
            ),
            models.CheckConstraint(condition=Q(due_at__gte=models.F("started_at")), name="complaints_steprun_due_after_start"),
            models.CheckConstraint(
                condition=Q(extended_from__isnull=True, extension_reason="", extended_by__isnull=True)
                | (Q(extended_from__isnull=False, extended_by__isnull=False, due_at__gt=models.F("extended_from"))
                   & ~Q(extension_reason="")),
                name="complaints_steprun_extension_complete",
            ),
        ]
        indexes = [
            # Inboxes: a unit's open steps of a role, nearest deadline first (read in order, never sorted).
            models.Index(fields=["unit", "role", "due_at", "id"], condition=Q(done_at__isnull=True),
                         include=["paused_at"], name="complaints_open_by_role"),
            # The team view: a unit's open steps per step number, most urgent first, and their counts.
            models.Index(fields=["unit", "number", "due_at", "id"], condition=Q(done_at__isnull=True),
                         include=["paused_at"], name="complaints_open_by_step"),
            # Overdue lists and reminders: open steps by deadline.
            models.Index(fields=["due_at"], condition=Q(done_at__isnull=True), name="complaints_open_by_due"),
            # The compliance report: a unit's steps done with an extended deadline, per period (extensions are
            # rare, so the index is small).
            models.Index(fields=["unit", "done_at"], condition=Q(extended_from__isnull=False),
                         name="complaints_steprun_extended"),
            # The dashboard's longest waits: a unit's open steps, oldest first (read a few, not sort them all).
            models.Index(fields=["unit", "started_at", "id"], condition=Q(done_at__isnull=True),
                         name="complaints_open_by_start"),
            # Who extended which deadlines (and the check before a user is deleted).
            models.Index(fields=["extended_by"], condition=Q(extended_by__isnull=False),
                         name="complaints_steprun_extended_by"),
            # Who did which steps (and the check before a user is deleted): written when a step is done, not when
            # it starts, so a new complaint's first step writes no entry.
            models.Index(fields=["done_by"], condition=Q(done_by__isnull=False), name="complaints_steprun_done_by"),
        ]

    def __str__(self):
        return f"{self.complaint} step {self.number}"

    @property
    def is_open(self) -> bool:
        return self.done_at is None

    @property
    def on_time(self) -> bool | None:
        return None if self.done_at is None else self.done_at <= self.due_at

    def is_overdue(self, now=None) -> bool:
        return self.done_at is None and (now or timezone.now()) > self.due_at


class StepPause(models.Model):
    """A stretch of time a step waited for the complainant; reports count it apart from the officers' time."""

    step_run = models.ForeignKey(StepRun, on_delete=models.CASCADE, related_name="pauses")
    reason = models.TextField(_("reason"))
    started_at = models.DateTimeField(_("from"))
    ended_at = models.DateTimeField(_("until"), null=True, blank=True)
    office_seconds = models.PositiveIntegerField(_("office time paused (seconds)"), default=0)

    class Meta:
        verbose_name = _("pause")
        verbose_name_plural = _("pauses")
        ordering = ["started_at"]
        constraints = [
            models.UniqueConstraint(fields=["step_run"], condition=Q(ended_at__isnull=True),
                                    name="complaints_steppause_one_open_pause"),
        ]

    def __str__(self):
        return f"{self.step_run}: {self.started_at:%Y-%m-%d %H:%M}"


class Reminder(models.Model):
    """A reminder or escalation due at a moment computed when the step starts (or resumes)."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("Reminder")
        BREACH = "breach", _("Deadline passed")

    # Found by the index of the unique constraint complaints_reminder_once_per_share (step run, share).
    step_run = models.ForeignKey(StepRun, on_delete=models.CASCADE, related_name="reminders", db_index=False)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    share = models.PositiveSmallIntegerField(help_text=_("Percent of the step's office time elapsed."))
    due_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["due_at"]
        constraints = [
            models.UniqueConstraint(fields=["step_run", "share"], name="complaints_reminder_once_per_share"),
        ]
        indexes = [
            # `pengaduan remind`: reminders due and not yet sent.
            models.Index(fields=["due_at"], condition=Q(sent_at__isnull=True), name="complaints_reminder_due"),
        ]

    def __str__(self):
        return f"{self.step_run} {self.share}%"


class Examination(models.Model):
    """An examination (pemeriksaan) by an Irban, ordered by the decision step: its own task, deadline and report.

    While it runs the decision step waits (its clock paused); the Irban's report (LHP) sends the case back to
    the decision step's performer, who then decides the answer. Reminders and the escalation at its deadline
    are claimed on the row itself (`reminded_at`, `escalated_at`) by `pengaduan remind`.
    """

    class Outcome(models.TextChoices):
        PROVEN = "proven", _("Proven")
        PARTLY_PROVEN = "partly_proven", _("Partly proven")
        NOT_PROVEN = "not_proven", _("Not proven")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="examinations")
    # Copied from the complaint (which never changes unit) for the Irban's inbox index, as on StepRun.
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    step_run = models.ForeignKey(StepRun, on_delete=models.CASCADE, related_name="examinations",
                                 verbose_name=_("ordered in step"))
    role = models.CharField(_("examiner role"), max_length=32)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("examiner"), help_text=_("Empty: anyone holding the examiner role may report."),
    )
    brief = models.TextField(_("what to examine"))
    ordered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("ordered by"))
    ordered_at = models.DateTimeField(_("ordered at"))
    time_limit = models.CharField(_("time limit"), max_length=50)
    due_at = models.DateTimeField(_("deadline"))
    remind_at = models.DateTimeField(_("reminder due at"))
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("report submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("submitted by"))
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    findings = models.TextField(_("findings"), blank=True)
    recommendations = models.TextField(_("recommendations"), blank=True)
    report = models.ForeignKey("Attachment", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("examination report (LHP)"))
    office_seconds = models.PositiveIntegerField(_("office time taken (seconds)"), null=True, blank=True)

    class Meta:
        verbose_name = _("examination")
        verbose_name_plural = _("examinations")
        ordering = ["ordered_at"]
        constraints = [
            models.UniqueConstraint(fields=["complaint"], condition=Q(submitted_at__isnull=True),
                                    name="complaints_examination_one_open"),
            models.CheckConstraint(
                condition=Q(submitted_at__isnull=True)
                | (Q(submitted_by__isnull=False, report__isnull=False, office_seconds__isnull=False)
                   & ~Q(outcome="") & ~Q(findings="")),
                name="complaints_examination_submitted_is_complete",
            ),
            models.CheckConstraint(condition=Q(due_at__gte=models.F("ordered_at")),
                                   name="complaints_examination_due_after_order"),
        ]
        indexes = [
            # The examiner's inbox and the team view: a unit's open examinations, nearest deadline first.
            models.Index(fields=["unit", "role", "due_at"], condition=Q(submitted_at__isnull=True),
                         name="complaints_exam_open_by_role"),
            # `pengaduan remind`: open examinations by reminder moment and deadline.
            models.Index(fields=["remind_at"], condition=Q(submitted_at__isnull=True, reminded_at__isnull=True),
                         name="complaints_exam_remind_due"),
            models.Index(fields=["due_at"], condition=Q(submitted_at__isnull=True, escalated_at__isnull=True),
                         name="complaints_exam_breach_due"),
        ]

    def __str__(self):
        return f"{self.complaint}: {self.role}"

    @property
    def is_open(self) -> bool:
        return self.submitted_at is None

    @property
    def on_time(self) -> bool | None:
        return None if self.submitted_at is None else self.submitted_at <= self.due_at

    @property
    def outcome_label(self) -> str:
        return str(dict(self.Outcome.choices).get(self.outcome, self.outcome))


class InternalNote(models.Model):
    """A note for colleagues only; never shown to the complainant."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="internal_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(_("written at"), default=timezone.now)

    class Meta:
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")
        ordering = ["created_at"]

    def __str__(self):
        return self.text[:50]


class AnswerTemplate(models.Model):
    """The opening of an answer letter per follow-up decision, in polite standard Indonesian; editable in the admin."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, null=True, blank=True, related_name="answer_templates",
                             help_text=_("Empty: for every unit without its own."))
    decision_type = models.CharField(_("follow-up decision"), max_length=24, choices=DecisionType.choices)
    body = models.TextField(
        _("text"),
        help_text=_("Placeholders: {register_number}, {received_date}, {summary}, {forward_to}, {order}, {unit}."),
    )

    class Meta:
        verbose_name = _("answer template")
        verbose_name_plural = _("answer templates")
        constraints = [
            models.UniqueConstraint(fields=["unit", "decision_type"], name="complaints_answertemplate_unique"),
            models.UniqueConstraint(fields=["decision_type"], condition=Q(unit__isnull=True),
                                    name="complaints_answertemplate_unique_default"),
        ]

    def __str__(self):
        return f"{self.unit or '*'} · {self.get_decision_type_display()}"


class CoordinationRequest(models.Model):
    """A question from a step's performer to a coordinating role (step 2: Sekretaris → Kasubag)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="coordination_requests")
    step_run = models.ForeignKey(StepRun, on_delete=models.CASCADE, related_name="coordination_requests")
    role = models.CharField(_("asked role"), max_length=32)
    addressee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("asked officer"), help_text=_("Empty: anyone holding the role may answer."),
    )
    question = models.TextField(_("question"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("asked at"))
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("coordination request")
        verbose_name_plural = _("coordination requests")
        ordering = ["requested_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | (Q(answered_by__isnull=False) & ~Q(answer="")),
                name="complaints_coordination_answered_has_answer",
            ),
        ]
        indexes = [
            # The coordinating role's inbox: open questions.
            models.Index(fields=["role"], condition=Q(answered_at__isnull=True), name="complaints_coord_open_by_role"),
        ]

    def __str__(self):
        return f"{self.complaint} → {self.role}"

    @property
    def is_open(self) -> bool:
        return self.answered_at is None


class Attachment(models.Model):
    class Purpose(models.TextChoices):
        EVIDENCE = "evidence", _("Evidence")
        MINUTES = "minutes", _("Meeting minutes")
        ANSWER = "answer", _("Answer letter")
        PROOF = "proof", _("Proof of delivery")
        EXAMINATION_REPORT = "lhp", _("Examination report (LHP)")
        OTHER = "other", _("Other")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="attachments")
    step_run = models.ForeignKey(StepRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="attachments")
    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose.choices, default=Purpose.EVIDENCE)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at"]

    def __str__(self):
        return self.original_name


class InformationRequest(models.Model):
    """A question to the complainant (during clarification), answered through the tracking page."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="information_requests")
    step_run = models.ForeignKey(StepRun, on_delete=models.CASCADE, related_name="information_requests")
    question = models.TextField(_("question to the complainant"))
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField(_("asked at"))
    reply = models.TextField(_("complainant's reply"), blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    # The complainant's reminders and the SOP's closing rule, computed when the question is asked (SOP fields
    # `[sop.complainant_reminder]` and `[sop.time_classes] closing_without_reply`) and read by `pengaduan remind`.
    remind_at = models.DateTimeField(_("next reminder to the complainant"), null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(_("reminders sent to the complainant"), default=0)
    close_at = models.DateTimeField(
        _("closed without a reply at"), null=True, blank=True,
        help_text=_("When the case closes if the complainant has not answered (only a question the clock waits for)."),
    )

    class Meta:
        verbose_name = _("information request")
        verbose_name_plural = _("information requests")
        ordering = ["asked_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(replied_at__isnull=True) | ~Q(reply=""), name="complaints_informationrequest_reply_given"
            ),
        ]
        indexes = [
            # `pengaduan remind`: unanswered questions whose reminder, or whose closing, is due.
            models.Index(fields=["remind_at"], condition=Q(replied_at__isnull=True, remind_at__isnull=False),
                         name="complaints_inforeq_remind_due"),
            models.Index(fields=["close_at"], condition=Q(replied_at__isnull=True, close_at__isnull=False),
                         name="complaints_inforeq_close_due"),
        ]

    def __str__(self):
        return f"{self.complaint}: {self.question[:40]}"

    @property
    def is_open(self) -> bool:
        return self.replied_at is None


class ComplainantMessage(models.Model):
    """Something the complainant wrote on an existing case by any channel (a reply by e-mail, WhatsApp or SMS
    that answers no open question, or that came after the questions were answered)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="complainant_messages")
    text = models.TextField(_("message"), blank=True)
    # The channel it came by (complaints/channels/): e-mail, WhatsApp, SMS, the tracking page.
    via = models.CharField(_("came by"), max_length=20)
    received_at = models.DateTimeField(_("received at"))

    class Meta:
        verbose_name = _("message from the complainant")
        verbose_name_plural = _("messages from the complainant")
        ordering = ["received_at", "pk"]
        indexes = [models.Index(fields=["complaint", "received_at"], name="complaints_cmsg_complaint")]

    def __str__(self):
        return f"{self.complaint}: {self.text[:40]}"

    @property
    def via_label(self) -> str:
        channel = channels.get(self.via)
        return str(channel.label) if channel else self.via


class InboundMessage(models.Model):
    """One message that arrived by itself (a mail in the mailbox, a WhatsApp or SMS message), and what became
    of it. Its (channel, external id) is unique: the same message fetched twice, redelivered by a webhook or
    read by two servers at once is recorded once (complaints/inbound.py)."""

    class Outcome(models.TextChoices):
        COMPLAINT = "complaint", _("New complaint")
        REPLY = "reply", _("Reply on a complaint")
        IGNORED = "ignored", _("Ignored")
        SET_ASIDE = "set_aside", _("Set aside (could not be read)")

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="inbound_messages", verbose_name=_("unit"))
    channel = models.CharField(_("channel"), max_length=20)
    # The message's own identity where it came from: a mailbox's UIDVALIDITY/UID or Message-ID, a WhatsApp wamid.
    external_id = models.CharField(_("external ID"), max_length=255)
    sender = models.CharField(_("sender"), max_length=255, blank=True)
    received_at = models.DateTimeField(_("received at"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    complaint = models.ForeignKey(Complaint, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="inbound_messages", verbose_name=_("complaint"))
    message = models.ForeignKey(ComplainantMessage, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+")
    # Why it was ignored or set aside, which attachments were refused: for the officer and the log.
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("inbound message")
        verbose_name_plural = _("inbound messages")
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "external_id"], name="complaints_inbound_unique_external_id"),
        ]
        indexes = [
            models.Index(fields=["unit", "received_at"], name="complaints_inbound_unit_time"),
            # WhatsApp's 24-hour window: when a number last wrote (notifications.messaging.last_inbound_at).
            models.Index(fields=["channel", "sender", "received_at"], name="complaints_inbound_sender_time"),
        ]

    def __str__(self):
        return f"{self.channel}:{self.external_id} → {self.outcome}"


class Rating(models.Model):
    """The complainant's satisfaction with the answer, once it was delivered."""

    complaint = models.OneToOneField(Complaint, on_delete=models.CASCADE, related_name="rating")
    score = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("rated at"), default=timezone.now)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="complaints_rating_score_1_to_5"),
        ]

    def __str__(self):
        return f"{self.complaint}: {self.score}"


class AccessLog(models.Model):
    """Who saw or handled whose personal data, and when: the processing log (UU PDP)."""

    class Action(models.TextChoices):
        VIEW_IDENTITY = "view_identity", _("Viewed a confidential identity")
        EXPORT = "export", _("Exported the data of a data subject")
        ERASE = "erase", _("Erased an identity at the end of its retention")
        ERASE_REQUESTED = "erase_request", _("Erased an identity at the data subject's request")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+", verbose_name=_("by"))
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, null=True, blank=True,
                                  related_name="access_log")
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    where = models.CharField(_("where"), max_length=200, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["complaint", "at"], name="complaints_accesslog_by_case"),
            # The data-protection officer's pages: newest first, filtered by officer or action.
            models.Index(fields=["-at"], name="complaints_accesslog_recent"),
            models.Index(fields=["user", "-at"], name="complaints_accesslog_by_user"),
        ]
        permissions = [("act_as_dpo", _("Act as the data-protection officer (access log, data-subject requests)"))]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.action} {self.complaint_id}"


class DataSubjectRequest(models.Model):
    """A data subject's request under UU 27/2022 (access, correction, erasure, objection) and its answer.

    The law gives 3 × 24 hours, counted in real hours (not office time), from receipt to the answer. The
    entry stays after an erasure, without the requester's identity."""

    class Kind(models.TextChoices):
        ACCESS = "access", _("Access (a copy of the data)")
        CORRECTION = "correction", _("Correction")
        ERASURE = "erasure", _("Erasure")
        OBJECTION = "objection", _("Objection to processing")

    class Outcome(models.TextChoices):
        EXPORTED = "exported", _("Data exported and handed over")
        ERASED = "erased", _("Identity erased")
        CORRECTED = "corrected", _("Data corrected")
        REFUSED = "refused", _("Refused, with reasons")
        OTHER = "other", _("Answered otherwise")

    kind = models.CharField(_("request"), max_length=12, choices=Kind.choices)
    requester = models.CharField(_("requester"), max_length=200, blank=True,
                                 help_text=_("Name as given; emptied when the identity is erased."))
    reference = models.CharField(
        _("e-mail, telephone number or tracking code"), max_length=254, blank=True,
        help_text=_("How the requester's complaints are found; emptied when the identity is erased."),
    )
    details = models.TextField(_("details"), blank=True)
    received_at = models.DateTimeField(_("received at"))
    due_at = models.DateTimeField(_("answer due by"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("answered by"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    complaints = models.JSONField(_("complaints concerned"), default=list, blank=True)
    overdue_alerted_at = models.DateTimeField(_("overdue alert sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("data-subject request")
        verbose_name_plural = _("data-subject requests")
        ordering = ["due_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(due_at__gt=models.F("received_at")),
                                   name="complaints_dsr_due_after_receipt"),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True, outcome="")
                | (Q(answered_at__isnull=False, answered_by__isnull=False) & ~Q(outcome="")),
                name="complaints_dsr_answered_has_outcome",
            ),
        ]
        indexes = [
            # The DPO's inbox and the overdue alert: open requests by deadline.
            models.Index(fields=["due_at"], condition=Q(answered_at__isnull=True), name="complaints_dsr_open"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.received_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.answered_at is None


class EventImmutable(Exception):
    pass


class Event(models.Model):
    """Append-only: every action on a complaint leaves one. Timeline, audit trail and report source."""

    class Kind(models.TextChoices):
        RECEIVED = "received", _("Complaint received")
        RECORDED = "recorded", _("Recorded in the Buku Pengaduan")
        STEP_STARTED = "step_started", _("Step started")
        STEP_COMPLETED = "step_completed", _("Step completed")
        COORDINATION_REQUESTED = "coordination_requested", _("Coordination requested")
        COORDINATION_ANSWERED = "coordination_answered", _("Coordination answered")
        CLOSED = "closed", _("Case closed")
        SET_ASIDE = "set_aside", _("Set aside")
        INFORMATION_REQUESTED = "information_requested", _("More information asked of the complainant")
        INFORMATION_GIVEN = "information_given", _("Complainant added information")
        RATED = "rated", _("Complainant rated the answer")
        LINKED = "linked", _("Linked to another complaint")
        PAUSED = "paused", _("Waiting for the complainant")
        RESUMED = "resumed", _("Clock resumed")
        NOTE = "note", _("Internal note")
        REMINDED = "reminded", _("Reminder sent")
        ESCALATED = "escalated", _("Deadline passed; superiors alerted")
        # Forwarding (complaints.engine: complaint_forward and what follows it).
        FORWARDED = "forwarded", _("Forwarded")
        FORWARD_RECEIVED = "forward_received", _("Received by forwarding")
        FORWARD_ANSWERED = "forward_answered", _("The forwarded case was answered")
        ANSWER_SENT_BACK = "answer_sent_back", _("Answer reported to the forwarding unit")
        RETURNED = "returned", _("Returned to the forwarding unit")
        FORWARD_RETURNED = "forward_returned", _("Returned by the unit it was forwarded to")
        MONITORING_REMINDED = "monitoring_reminded", _("Monitoring reminder sent")
        CODE_ISSUED = "code_issued", _("New tracking code issued on a reprinted receipt (the old one is void)")
        EXAMINATION_ORDERED = "examination_ordered", _("Examination by an Irban ordered")
        EXAMINATION_REPORTED = "examination_reported", _("Examination report (LHP) submitted")
        COMPLAINANT_REMINDED = "complainant_reminded", _("Complainant reminded of the question")
        CLOSED_NO_REPLY = "closed_no_reply", _("Case closed: the complainant did not reply")
        COMPLAINANT_WROTE = "complainant_wrote", _("The complainant wrote")
        # Written once by the migration that made the LAPOR! ID unique: this case carried the ID of another.
        LAPOR_ID_CLEARED = "lapor_id_cleared", _("SP4N-LAPOR! ID moved aside: another complaint carries it")
        REGISTER_CORRECTED = "register_corrected", _("Register entry corrected by the unit head")
        REGISTER_VOIDED = "register_voided", _("Register entry voided by the unit head")
        DEADLINE_EXTENDED = "deadline_extended", _("Deadline extended by the superior")

    # Found by the timeline index (complaint, created_at).
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events", db_index=False)
    kind = models.CharField(_("event"), max_length=32, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("by"), db_index=False,  # a partial index below: what arrives by itself has no actor
    )
    step_number = models.PositiveSmallIntegerField(_("step"), null=True, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["created_at", "pk"]
        indexes = [
            # The complaint page timeline.
            models.Index(fields=["complaint", "created_at"], name="complaints_event_timeline"),
            # An officer's events (and the check before a user is deleted).
            models.Index(fields=["actor"], condition=Q(actor__isnull=False), name="complaints_event_by_actor"),
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.kind}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise EventImmutable("Events are append-only; write a new event instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise EventImmutable("Events are append-only and cannot be deleted.")


class Forward(models.Model):
    """A hand-over decided at a decision step: to another unit of this install (a linked complaint there, under
    its own SOP and register) or to a body outside it (a forwarding letter). The origin waits while the forward
    is monitored, with a reminder every monitoring period, until the answer comes back (or the case is returned).
    """

    class State(models.TextChoices):
        MONITORING = "monitoring", _("Monitoring")
        ANSWERED = "answered", _("Answered")
        RETURNED = "returned", _("Returned")

    origin = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="forwards",
                               verbose_name=_("forwarded complaint"))
    # The origin's unit, copied (a complaint never changes unit): the check below and the monitoring lists.
    origin_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("from unit"))
    step_number = models.PositiveSmallIntegerField(_("decided at step"),
                                                   help_text=_("The decision step that reopens on a return."))
    decision_type = models.CharField(_("follow-up decision"), max_length=24, choices=DecisionType.choices)
    target_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="forwards_received", verbose_name=_("to unit"))
    target = models.OneToOneField(Complaint, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="forwarded_from_link", verbose_name=_("complaint in the target unit"))
    outside_body = models.CharField(_("outside body"), max_length=200, blank=True)
    outside_address = models.CharField(_("address of the outside body"), max_length=300, blank=True)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.MONITORING)
    forwarded_at = models.DateTimeField(_("forwarded at"))
    forwarded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("forwarded by"))
    monitor_due_at = models.DateTimeField(_("next monitoring reminder"), null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(_("monitoring reminders sent"), default=0)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_on = models.DateField(_("date of the answer"), null=True, blank=True)
    answer_reference = models.CharField(_("reference of the answer"), max_length=100, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    answer_file = models.ForeignKey(Attachment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                    verbose_name=_("answer file"))
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("answer recorded by"))
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    return_reason = models.TextField(_("reason for the return"), blank=True)
    returned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("returned by"))

    class Meta:
        verbose_name = _("forward")
        verbose_name_plural = _("forwards")
        ordering = ["forwarded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_unit__isnull=False, outside_body="")
                | Q(target_unit__isnull=True, target__isnull=True) & ~Q(outside_body=""),
                name="complaints_forward_unit_or_outside_body",
            ),
            models.CheckConstraint(condition=~Q(target_unit=models.F("origin_unit")),
                                   name="complaints_forward_not_to_itself"),
            models.UniqueConstraint(fields=["origin"], condition=Q(state="monitoring"),
                                    name="complaints_forward_one_open_per_origin"),
            models.CheckConstraint(
                condition=Q(state="monitoring", monitor_due_at__isnull=False)
                | (~Q(state="monitoring") & Q(monitor_due_at__isnull=True)),
                name="complaints_forward_monitored_while_open",
            ),
            models.CheckConstraint(
                condition=~Q(state="returned") | (Q(returned_at__isnull=False) & ~Q(return_reason="")),
                name="complaints_forward_returned_has_reason",
            ),
            models.CheckConstraint(condition=~Q(state="answered") | Q(answered_at__isnull=False),
                                   name="complaints_forward_answered_has_time"),
        ]
        indexes = [
            # `pengaduan remind`: monitored forwards whose reminder is due.
            models.Index(fields=["monitor_due_at"], condition=Q(state="monitoring"), name="complaints_forward_due"),
            # The inbox and team view of the forwarding unit: its forwards still monitored, oldest first.
            models.Index(fields=["origin_unit", "forwarded_at"], condition=Q(state="monitoring"),
                         name="complaints_forward_monitored"),
            # Reports: forwards out of a unit (and into one) in a period.
            models.Index(fields=["origin_unit", "forwarded_at"], name="complaints_forward_out"),
            models.Index(fields=["target_unit", "forwarded_at"], name="complaints_forward_in"),
        ]

    def __str__(self):
        return f"{self.origin} → {self.target_unit or self.outside_body}"

    @property
    def is_outside(self) -> bool:
        return self.target_unit_id is None

    @property
    def to_name(self) -> str:
        return self.target_unit.name if self.target_unit_id else self.outside_body


# The report figures kept beside the complaints (facts and rollups), in a module of their own.
from pengaduan.complaints.figure_models import (  # noqa: E402, F401
    AnswerDay,
    ComplaintFigure,
    ComplaintStat,
    DayCount,
    StepDay,
    StepMonth,
    StepRunStat,
    TimeClassDay,
    TimeClassFact,
)
