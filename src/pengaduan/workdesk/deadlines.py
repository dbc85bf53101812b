"""How much office time a step has left, in words an officer reads at a glance."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pengaduan.complaints.models import StepRun
from pengaduan.workcalendar.calendar import BusinessCalendar

# Past this share of its office time a step shows as "due soon".
WARN_SHARE = 0.5
# Less office time than about one working day left reads better in hours and minutes than in days.
SHOW_DAYS_FROM = timedelta(hours=7)
LONG_OVERDUE = timedelta(days=42)


@dataclass
class TimeLeft:
    label: str
    state: str  # "ok", "soon", "overdue", "paused", "done-on-time", "done-late"


def format_office_time(span: timedelta) -> str:
    minutes = int(span.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    if hours and minutes:
        return _("%(h)d h %(m)d min") % {"h": hours, "m": minutes}
    if hours:
        return _("%(h)d h") % {"h": hours}
    return _("%(m)d min") % {"m": minutes}


def time_left(run: StepRun, calendar: BusinessCalendar, now: datetime) -> TimeLeft:
    if run.done_at is not None:
        return TimeLeft(_("on time") if run.on_time else _("late"), "done-on-time" if run.on_time else "done-late")
    if run.paused_at is not None:
        return TimeLeft(_("clock paused: waiting for the complainant"), "paused")
    if now > run.due_at:
        if now - run.due_at > LONG_OVERDUE:
            # Counting working days one by one over months would cost more than the page; calendar days say enough.
            weeks = (now - run.due_at).days // 7
            return TimeLeft(ngettext("%(n)d week overdue", "%(n)d weeks overdue", weeks) % {"n": weeks}, "overdue")
        days = calendar.working_days_between(run.due_at, now)
        if days >= 1:
            late = ngettext("%(n)d working day overdue", "%(n)d working days overdue", days) % {"n": days}
        else:
            late = _("%(span)s overdue") % {"span": format_office_time(calendar.office_time_between(run.due_at, now))}
        return TimeLeft(late, "overdue")
    remaining = calendar.office_time_between(now, run.due_at)
    total = calendar.office_time_between(run.started_at, run.due_at) or timedelta(minutes=1)
    days = calendar.working_days_between(now, run.due_at)
    if days >= 1 and remaining >= SHOW_DAYS_FROM:
        label = ngettext("%(n)d working day left", "%(n)d working days left", days) % {"n": days}
    else:
        label = _("%(span)s left") % {"span": format_office_time(remaining)}
    state = "soon" if remaining / total < WARN_SHARE else "ok"
    return TimeLeft(label, state)
