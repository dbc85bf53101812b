"""Inviting a complainant to the SKM and storing their answers.

A complaint is offered the survey once it is closed with an answer. The invitation is a signed link (no row to
store: the signature says which complaint, and when it was issued); the tracking page offers the same survey to
whoever holds the tracking code, so anonymous complainants answer too. One response per complaint: the database
refuses a second (`SurveyResponse.complaint_key`, unique).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from pengaduan.complaints.errors import StepInputInvalid, WorkflowError
from pengaduan.complaints.models import Complaint
from pengaduan.complaints.selectors import forward_root, path_complaints
from pengaduan.skm.forms import SurveyForm
from pengaduan.skm.models import SurveyResponse
from pengaduan.units.models import Unit

SALT = "pengaduan.skm.invitation"


class SurveyUnavailable(WorkflowError):
    """The survey cannot be answered (yet, or any more); `status` is the HTTP status to answer a link with."""

    status = 400


class LinkInvalid(SurveyUnavailable):
    status = 400


class LinkExpired(SurveyUnavailable):
    status = 410


class AlreadyAnswered(SurveyUnavailable):
    status = 410


def link_days() -> int:
    return settings.SKM_LINK_DAYS


def invitation_token(complaint: Complaint) -> str:
    """The signed token of the complaint's invitation link (valid SKM_LINK_DAYS days from now)."""
    return signing.TimestampSigner(salt=SALT).sign(str(complaint.pk))


def complaint_from_token(token: str) -> Complaint:
    """The complaint a link invites to; LinkInvalid for a forged or mangled token, LinkExpired for an old one."""
    try:
        pk = signing.TimestampSigner(salt=SALT).unsign(token, max_age=link_days() * 24 * 3600)
    except signing.SignatureExpired:
        raise LinkExpired(_("This survey link has expired. You can still answer the survey on the tracking page "
                            "with your tracking code.")) from None
    except signing.BadSignature:
        raise LinkInvalid(_("This survey link is not valid. Please open the link exactly as it was sent to you, "
                            "or answer the survey on the tracking page with your tracking code.")) from None
    complaint = Complaint.objects.select_related("unit").filter(pk=int(pk)).first() if pk.isdigit() else None
    if complaint is None:
        raise LinkInvalid(_("This survey link is not valid. Please open the link exactly as it was sent to you, "
                            "or answer the survey on the tracking page with your tracking code."))
    return complaint


def complaint_key(complaint: Complaint) -> str:
    """What the response keeps of its complaint: a keyed hash of its id (HMAC with the SECRET_KEY), enough to
    refuse a second response and nothing more."""
    return salted_hmac("pengaduan.skm.complaint", str(complaint.pk), algorithm="sha256").hexdigest()


def is_answered(complaint: Complaint) -> bool:
    return SurveyResponse.objects.filter(complaint_key=complaint_key(forward_root(complaint))).exists()


def is_open_for(complaint: Complaint) -> bool:
    """Whether the complainant may answer the survey now: the case is closed with an answer and not rated yet."""
    root = forward_root(complaint)
    return root.status == Complaint.Status.CLOSED and not is_answered(root)


def rated_unit(complaint: Complaint) -> Unit:
    """The unit whose service the answers rate: the one that answered along the hand-overs (the last closed case;
    a case forwarded to another unit of the Pemda is answered there), else the complaint's own."""
    closed = [case for case in path_complaints(complaint) if case.status == Complaint.Status.CLOSED]
    return (closed[-1] if closed else complaint).unit


def survey_submit(*, complaint: Complaint, data, today: date | None = None) -> SurveyResponse:
    """Store one filled questionnaire for `complaint` (the case the complainant began with counts, so a forwarded
    case is rated once). StepInputInvalid names each field to correct; SurveyUnavailable when the case is not
    closed or was already rated."""
    root = forward_root(complaint)
    if root.status != Complaint.Status.CLOSED:
        raise SurveyUnavailable(_("The survey opens once the answer to your complaint has been delivered."))
    form = SurveyForm(data)
    if not form.is_valid():
        raise StepInputInvalid(_("Please answer every question marked as required."),
                               {field: [str(error) for error in errors] for field, errors in form.errors.items()})
    cleaned = form.cleaned_data
    try:
        with transaction.atomic():
            return SurveyResponse.objects.create(
                complaint_key=complaint_key(root), unit=rated_unit(root),
                answered_on=today or timezone.localdate(),
                comment=cleaned["comment"].strip(),
                **{field: cleaned[field] for field in SurveyForm.answer_fields()},
                **{name: cleaned[name] for name in SurveyForm.profile_fields()},
            )
    except IntegrityError:
        raise AlreadyAnswered(_("The survey for this complaint has already been answered. Thank you.")) from None
