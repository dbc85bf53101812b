"""The workdesk banner about background jobs that stopped or keep failing.

Shown to administrators and to the superiors of a unit (its escalation roles, who see the team view):
the people who can get the server's operator to act. Not to every officer: a JFU can do nothing about it.
"""

from django.utils import formats, timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _


def _alerts(request) -> list[str]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    if not _may_see(user):  # first: most officers may not, and then the jobs are not read at all
        return []
    from pengaduan.jobs.services import jobs_health

    unhealthy = [job for job in jobs_health().values() if not job.ok]
    if not unhealthy:
        return []
    alerts = []
    today = timezone.localdate()
    for job in unhealthy:
        local = timezone.localtime(job.since)
        moment = (formats.time_format(local, "H:i") if local.date() == today
                  else formats.date_format(local, "j M Y H:i"))
        if job.stale and job.last_ok is None:
            line = _("%(job)s have never run (watched since %(time)s).") % {"job": job.label, "time": moment}
        elif job.stale:
            line = _("%(job)s have not run since %(time)s.") % {"job": job.label, "time": moment}
        else:
            line = (_("%(job)s failed %(count)d times in a row (last success %(time)s).")
                    % {"job": job.label, "count": job.failures_in_row, "time": moment})
        alerts.append(f"{line} {job.impact}")
    return alerts


def _may_see(user) -> bool:
    if user.is_staff or user.is_superuser:
        return True
    from pengaduan.complaints.selectors import team_units

    return bool(team_units(user))


def job_alerts(request):
    """`job_alerts`: the banner's lines, worked out only when a template shows them."""
    return {"job_alerts": SimpleLazyObject(lambda: _alerts(request))}
