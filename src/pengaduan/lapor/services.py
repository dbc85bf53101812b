"""Pull the reports disposed to a unit, push the case's public follow-up back: `lapor_sync` runs both for every
unit with a LAPOR! account. Both are idempotent and resumable:

- pull: the unit's cursor is saved after each page is stored; a report is stored once, because the LAPOR! ID is
  unique per install (a report an officer typed in by hand, or another server's insert, is matched, not doubled);
- push: each follow-up entry is a row made once per complaint and key (a constraint), claimed by a conditional
  update before it is sent, and marked sent only when LAPOR! accepted it (its `external_id` lets LAPOR! drop a
  repeat after a lost answer). A failed entry is tried again on the next run.
"""

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F, Q
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from pengaduan.complaints import engine
from pengaduan.complaints.errors import StepInputInvalid, WorkflowError
from pengaduan.complaints.models import Complaint, StepRun
from pengaduan.complaints.page import public_stage, public_status
from pengaduan.lapor.client import LaporClient, LaporError
from pengaduan.lapor.mapping import MappingError, report_to_intake
from pengaduan.lapor.models import LaporAccount, LaporPush
from pengaduan.redact import scrub_text
from pengaduan.units.models import Unit

logger = logging.getLogger(__name__)

CLAIM_FOR = timedelta(minutes=5)  # a server that dies while sending frees its entries after this
RETRY_REFUSED_AFTER = timedelta(hours=6)  # LAPOR! refused an entry (4xx): try again later, not every run
PUSH_BATCH = 200


@dataclass
class Received:
    """What became of one LAPOR! report: a new complaint, or the one that already carries its ID."""

    complaint: Complaint
    created: bool


@dataclass
class UnitResult:
    unit: str
    created: int = 0
    matched: int = 0
    pages: int = 0
    planned: int = 0
    sent: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


class LaporSyncIncomplete(Exception):
    """Some unit could not be synced (its error is on its account); the others were."""


def client_for(account: LaporAccount) -> LaporClient:
    return LaporClient(base_url=account.effective_base_url(), token=account.effective_token(),
                       institution_id=account.institution_id)


# -- pull --------------------------------------------------------------------------------------------------------

def report_receive(*, unit: Unit, data: dict, now: datetime | None = None) -> Received:
    """One report's intake data (mapping.report_to_intake) → its complaint: the one carrying its LAPOR! ID if any
    (in any unit: the ID is unique per install), else a new received complaint on the LAPOR! channel."""
    lapor_id = data["lapor_id"]
    existing = Complaint.objects.filter(lapor_id=lapor_id).first()
    if existing is not None:
        return Received(existing, created=False)
    try:
        complaint = engine.complaint_receive(unit=unit, data=data, now=now)
    except StepInputInvalid as error:
        if "lapor_id" in error.errors:  # stored a moment ago by another server (the constraint said so)
            return Received(Complaint.objects.get(lapor_id=lapor_id), created=False)
        raise
    return Received(complaint, created=True)


def lapor_pull(*, account: LaporAccount, client: LaporClient | None = None, max_pages: int | None = None,
               now: datetime | None = None) -> UnitResult:
    """Pull the reports disposed to the account's unit after its cursor, page by page; the cursor is saved after
    each page's complaints are stored, so an interrupted pull continues where it stopped."""
    client = client or client_for(account)
    unit = account.unit
    result = UnitResult(unit=unit.code)
    cursor = account.cursor
    limit = getattr(settings, "LAPOR_PAGE_SIZE", 50)
    while max_pages is None or result.pages < max_pages:
        page = client.reports(cursor=cursor, limit=limit)
        for report in page.reports:
            try:
                data = report_to_intake(report, unit_name=unit.name, now=now)
            except MappingError as error:
                # Not skipped: a report we cannot read stops this unit's pull here (the cursor stays before
                # it), so nothing is lost; the error says which report and why.
                raise LaporError(f"report {report.get('tracking_id')!r}: {error.field}: {error}", retry=False) from None
            try:
                received = report_receive(unit=unit, data=data, now=now)
            except StepInputInvalid as error:
                raise LaporError(f"report {data['lapor_id']}: {error.errors}", retry=False) from None
            if received.created:
                result.created += 1
            else:
                result.matched += 1
        result.pages += 1
        LaporAccount.objects.filter(pk=account.pk).update(cursor=page.next_cursor, pulled_at=now or timezone.now())
        account.cursor = page.next_cursor
        if not page.has_more or page.next_cursor == cursor:
            break
        cursor = page.next_cursor
    return result


# -- push --------------------------------------------------------------------------------------------------------

def _public_text(complaint: Complaint, value: str) -> str:
    """Only what may be public on LAPOR!: the complainant's name, contact and address taken out, then e-mail
    addresses, telephone and long numbers masked (pengaduan.redact)."""
    person = complaint.complainant
    if person is not None:
        for part in (person.name, person.phone, person.email, person.address):
            part = (part or "").strip()
            if len(part) >= 3:
                value = re.sub(re.escape(part), "[…]", value, flags=re.I)
    return scrub_text(value).strip()


def follow_up_entries(complaint: Complaint) -> list[tuple[str, str, bool]]:
    """(key, text, is_final) of what the complainant's own tracking page says has happened: each done step's
    public result and, once the case is finished, the answer. Never officers' names, notes or step outputs."""
    runs = list(StepRun.objects.filter(complaint=complaint).select_related("step").only(
        "number", "started_at", "due_at", "done_at", "output", "step__kind"))
    steps = list(complaint.sop.steps.all())
    total = len(steps)
    entries = []
    with translation.override(settings.LANGUAGE_CODE):
        for run in sorted((run for run in runs if run.done_at), key=lambda run: run.number):
            when = formats.date_format(timezone.localtime(run.done_at), "d M Y H:i")
            entries.append((f"step-{run.number}", _("Step %(n)d of %(total)d done (%(when)s WIB): %(what)s") % {
                "n": run.number, "total": total, "when": when, "what": public_stage(run.step.kind)}, False))
        if complaint.status in (Complaint.Status.CLOSED, Complaint.Status.SET_ASIDE):
            status = public_status(complaint, runs=runs, sop_steps=steps)
            body = status.answer.strip() or f"{status.headline}. {status.detail}"
            entries.append(("answer", _public_text(complaint, body), True))
    return entries


def push_plan(*, unit: Unit, now: datetime | None = None) -> int:
    """Make the follow-up rows not made yet for the unit's complaints that carry a LAPOR! ID; returns how many.
    Concurrent planners insert the same rows: the constraint keeps one (ignore_conflicts)."""
    now = now or timezone.now()
    complaints = (Complaint.objects.filter(unit=unit).exclude(lapor_id="").select_related("sop", "complainant")
                  .exclude(status=Complaint.Status.RETURNED))
    made = {(complaint_id, key) for complaint_id, key in
            LaporPush.objects.filter(complaint__unit=unit).values_list("complaint_id", "key")}
    done_keys: dict[int, set[str]] = {}
    for complaint_id, number in (StepRun.objects.filter(complaint__unit=unit, done_at__isnull=False)
                                 .exclude(complaint__lapor_id="").values_list("complaint_id", "number")):
        done_keys.setdefault(complaint_id, set()).add(f"step-{number}")
    new_rows = []
    for complaint in complaints.iterator():
        final_made = (complaint.pk, "answer") in made
        finished = complaint.status != Complaint.Status.OPEN
        steps_missing = any((complaint.pk, key) not in made for key in done_keys.get(complaint.pk, ()))
        if not steps_missing and (final_made or not finished):
            continue
        for key, content, is_final in follow_up_entries(complaint):
            if (complaint.pk, key) not in made:
                new_rows.append(LaporPush(complaint=complaint, key=key, lapor_id=complaint.lapor_id,
                                          is_final=is_final, content=content, created_at=now))
    LaporPush.objects.bulk_create(new_rows, ignore_conflicts=True)
    return len(new_rows)


def lapor_push(*, account: LaporAccount, client: LaporClient | None = None, now: datetime | None = None,
               limit: int = PUSH_BATCH) -> UnitResult:
    """Send the unit's pending follow-up entries, oldest first, each complaint's in order (a failed entry holds
    back the later ones of its complaint until the next run)."""
    now = now or timezone.now()
    client = client or client_for(account)
    result = UnitResult(unit=account.unit.code)
    result.planned = push_plan(unit=account.unit, now=now)
    pending = (LaporPush.objects.filter(complaint__unit=account.unit, sent_at__isnull=True)
               .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
               .order_by("complaint_id", "created_at", "pk")[:limit])
    held_back: set[int] = set()
    for entry in sorted(pending, key=_entry_order):
        if entry.complaint_id in held_back:
            continue
        claimed = (LaporPush.objects.filter(pk=entry.pk, sent_at__isnull=True)
                   .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
                   .update(claimed_until=now + CLAIM_FOR, attempts=F("attempts") + 1))
        if not claimed:
            continue  # another server has it
        try:
            accepted = client.follow_up(
                tracking_id=entry.lapor_id, external_id=f"pengaduan:{account.unit.code}:{entry.complaint_id}:{entry.key}",
                content=entry.content, is_final=entry.is_final, created_at=entry.created_at.isoformat())
        except LaporError as error:
            result.failed += 1
            held_back.add(entry.complaint_id)
            LaporPush.objects.filter(pk=entry.pk).update(
                last_error=str(error)[:500], claimed_until=None if error.retry else now + RETRY_REFUSED_AFTER)
            if error.status in (401, 403):
                raise  # the unit's credentials: nothing else will go through either
            continue
        LaporPush.objects.filter(pk=entry.pk).update(sent_at=now, remote_id=accepted.followup_id[:100],
                                                     claimed_until=None, last_error="")
        result.sent += 1
    LaporAccount.objects.filter(pk=account.pk).update(pushed_at=now)
    return result


def _entry_order(entry: LaporPush) -> tuple:
    # Steps in their order, the answer last: LAPOR! shows the follow-up as a conversation.
    number = int(entry.key.split("-", 1)[1]) if entry.key.startswith("step-") else 10_000
    return (entry.complaint_id, number, entry.pk)


# -- both, for every unit --------------------------------------------------------------------------------------

def lapor_sync(*, unit_code: str | None = None, max_pages: int | None = None, now: datetime | None = None,
               clients: dict[str, LaporClient] | None = None) -> list[UnitResult]:
    """Pull then push for every enabled account (or the one of `unit_code`). A unit's failure is written on its
    account and does not stop the others; LaporSyncIncomplete (with the results) when any failed."""
    accounts = LaporAccount.objects.select_related("unit").filter(enabled=True).order_by("unit__code")
    if unit_code:
        accounts = accounts.filter(unit__code=unit_code)
    results = []
    for account in accounts:
        result = UnitResult(unit=account.unit.code)
        try:
            client = (clients or {}).get(account.unit.code) or client_for(account)
            pulled = lapor_pull(account=account, client=client, max_pages=max_pages, now=now)
            pushed = lapor_push(account=account, client=client, now=now)
            result.created, result.matched, result.pages = pulled.created, pulled.matched, pulled.pages
            result.planned, result.sent, result.failed = pushed.planned, pushed.sent, pushed.failed
            LaporAccount.objects.filter(pk=account.pk).update(last_error="")
        except (LaporError, WorkflowError) as error:  # e.g. the unit's SOP is not loaded: this unit only
            result.errors.append(str(error))
            LaporAccount.objects.filter(pk=account.pk).update(last_error=scrub_text(str(error))[:500])
        results.append(result)
    return results
