"""Rows that only grow unless someone deletes them: expired sessions and old attempt counters.

Every accepted public complaint leaves a session (it remembers the tracking code for the receipt page) and an
attempt counter; neither is needed once it has expired. `pengaduan remind` runs this every minute as the job
`housekeeping`, a bounded batch at a time, so that each run holds SQLite's write lock only briefly.
"""

from datetime import datetime

from django.contrib.sessions.models import Session

from pengaduan.throttle import services as throttle

BATCH = 2000


def housekeeping(now: datetime) -> dict[str, int]:
    expired = list(Session.objects.filter(expire_date__lt=now).values_list("session_key", flat=True)[:BATCH])
    sessions = Session.objects.filter(session_key__in=expired).delete()[0] if expired else 0
    return {"expired_sessions": sessions, "old_attempt_counters": throttle.forget_old(now=now)}
