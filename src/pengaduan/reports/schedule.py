"""Periodic reports on schedule: each month, quarter and year, the unit's report is generated, kept and sent
to the unit's head and the oversight role, on the unit's report day of the month after the period.

`pengaduan remind` runs `periodic_reports_send` every minute (as the job "periodic_reports"). It is idempotent:
the `PeriodicReport` row of (unit, kind, period) is written in the transaction that generates the PDF and
queues the messages, under a unique constraint, so a second run, or a second server running at the same
moment, finds the row (or loses the insert) and sends nothing. Messages go through the outbox, with the
stored PDF attached when they are sent, and each recipient's message has its own dedupe key.

Only the latest finished period of each kind is considered (no backfill of older periods), and not a period
that ended before the unit's first complaint (a unit being set up has nothing to report yet).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from pengaduan.complaints.models import Complaint
from pengaduan.complaints.reminders import DEFAULT_ESCALATION_ROLES
from pengaduan.notifications.services import ATTACHMENT_RENDERERS, enqueue, site_url
from pengaduan.reports.models import PeriodicReport
from pengaduan.reports.periodic import periodic_pdf
from pengaduan.reports.periods import Period
from pengaduan.reports.register import REPORT_LANGUAGE
from pengaduan.reports.selectors import periodic_figures
from pengaduan.units.models import Unit
from pengaduan.units.oversight import overseers

logger = logging.getLogger(__name__)

MESSAGE_KEY = "periodic_report"
ATTACHMENT_KIND = "periodic_report"


def head_role(unit: Unit) -> str:
    """The role of the unit's head: the unit's setting, else the last (highest) of its escalation roles."""
    return unit.head_role or list(unit.escalation_roles or DEFAULT_ESCALATION_ROLES)[-1]


def is_unit_head(user, unit: Unit) -> bool:
    return unit.memberships.filter(user=user, role=head_role(unit)).exists()


def report_recipients(unit: Unit) -> QuerySet:
    """Who receives the unit's periodic reports: the active holders of the head's role in the unit and the
    Pemda's oversight role, with an e-mail address, each once."""
    User = get_user_model()
    heads = User.objects.filter(memberships__unit=unit, memberships__role=head_role(unit))
    ids = set(heads.values_list("pk", flat=True)) | set(overseers().values_list("pk", flat=True))
    return User.objects.filter(pk__in=ids, is_active=True).exclude(email="").order_by("pk")


def _previous_month(day: date) -> Period:
    return Period.month(day.year - 1, 12) if day.month == 1 else Period.month(day.year, day.month - 1)


def latest_finished(kind: str, today: date) -> Period:
    """The last period of this kind that ended before `today`."""
    if kind == "month":
        return _previous_month(today)
    if kind == "quarter":
        quarter = (today.month - 1) // 3 + 1
        return Period.quarter(today.year - 1, 4) if quarter == 1 else Period.quarter(today.year, quarter - 1)
    return Period.year(today.year - 1)


def due_periods(unit: Unit, today: date) -> list[Period]:
    """The periods whose report is due by `today`: the latest finished month, quarter and year, each from the
    unit's report day of the month after it (none when the report day is 0)."""
    if not unit.report_day:
        return []
    due = []
    for kind in PeriodicReport.Kind.values:
        period = latest_finished(kind, today)
        if today >= period.end.replace(day=unit.report_day):
            due.append(period)
    return due


def _kind_words(kind: str) -> str:
    return {"month": _("monthly"), "quarter": _("quarterly"), "year": _("yearly")}[kind]


def _generate(unit: Unit, period: Period, *, now: datetime) -> PeriodicReport | None:
    """Claim, generate, keep and queue one report; None when another run has claimed it already."""
    stored = None
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    report = PeriodicReport.objects.create(
                        unit=unit, kind=period.kind, period_start=period.start, period_end=period.end,
                        generated_at=now, size=0, sha256="")
            except IntegrityError:
                return None  # another run (or server) has this report
            with override(REPORT_LANGUAGE):
                figures = periodic_figures(unit=unit, period=period)
                pdf = periodic_pdf(unit=unit, period=period, now=now, figures=figures)
                report.file.save(f"laporan-{unit.code}-{period.code}.pdf", ContentFile(pdf), save=False)
                stored = report.file.name
                report.size, report.sha256 = len(pdf), hashlib.sha256(pdf).hexdigest()
                archive = f"{site_url()}{reverse('reports:archive')}?{urlencode({'unit': unit.pk})}"
                context = {"unit_name": unit.name, "period": period.label, "kind": _kind_words(period.kind),
                           "received": figures.received, "answered": figures.answered_of_received,
                           "archive_url": archive}
                for user in report_recipients(unit):
                    message = enqueue(
                        key=MESSAGE_KEY, to=user.email,
                        context={**context, "recipient_name": user.get_full_name() or user.get_username()},
                        dedupe_key=f"{MESSAGE_KEY}:{report.pk}:{user.pk}",
                        attachments=[{"kind": ATTACHMENT_KIND, "report": report.pk}])
                    if message is not None:
                        report.recipients.append(message.address)
            report.save()
    except BaseException:
        if stored:
            # The row is gone with the transaction: so goes its file.
            PeriodicReport._meta.get_field("file").storage.delete(stored)
        raise
    return report


def periodic_reports_send(*, now: datetime | None = None) -> dict[str, int]:
    """Generate, keep and send every periodic report that is due and not sent yet. Idempotent."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    counts = {"periodic_reports": 0, "periodic_report_messages": 0}
    for unit in Unit.objects.filter(report_day__gt=0).order_by("pk"):
        for period in due_periods(unit, today):
            if PeriodicReport.objects.filter(unit=unit, kind=period.kind, period_start=period.start).exists():
                continue
            if not Complaint.objects.filter(unit=unit, received_at__lt=period.bounds()[1]).exists():
                continue
            report = _generate(unit, period, now=now)
            if report is not None:
                counts["periodic_reports"] += 1
                counts["periodic_report_messages"] += len(report.recipients)
                logger.info("periodic report %s %s sent to %d", unit.code, period.code, len(report.recipients))
    return counts


def _render_attachment(spec: Mapping[str, Any]) -> tuple[str, bytes, str]:
    report = PeriodicReport.objects.get(pk=spec["report"])
    with report.file.open("rb") as stored:
        return report.file_name, stored.read(), "application/pdf"


def register_attachment() -> None:
    """Let the outbox attach a stored periodic report (called from the app's ready())."""
    ATTACHMENT_RENDERERS[ATTACHMENT_KIND] = _render_attachment
