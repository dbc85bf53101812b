"""`pengaduan remind`: reminders, escalations, overdue data-subject requests and the mail outbox. Safe to run
every minute."""

import logging
import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from pengaduan.complaints.attachments import remove_stale_uploads
from pengaduan.complaints.reminders import reminders_send
from pengaduan.complaints.search import index_new_complaints
from pengaduan.jobs.services import job_run
from pengaduan.notifications import remind_tasks
from pengaduan.notifications.services import alert_overdue_requests, send_due

# The outbox is sent in batches until it is empty or this much time has passed, so that a burst of
# complaints is mailed within the minute and one run still ends before the timer starts the next.
MAIL_SECONDS = 45
MAIL_BATCH = 100

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Send due reminders, escalations and monitoring reminders, then the mail outbox. Idempotent; run it every minute."

    def handle(self, *args, **options):
        with job_run("remind") as run:  # its heartbeat: /readyz and the workdesk tell when it stops
            counts = reminders_send()
            overdue_requests = alert_overdue_requests()  # data-subject requests past 3 × 24 hours: alert the DPO
            remove_stale_uploads()
            # SQLite: the complaints written since the last batch join the similar-case search's index (what the
            # web workers have not indexed yet, and those of jobs and the command line).
            counts["search_indexed"] = index_new_complaints()
            tasks = self._tasks()
            mail = {"claimed": 0, "sent": 0, "retry": 0, "failed": 0}
            stop = time.monotonic() + MAIL_SECONDS
            while True:
                batch = send_due(limit=MAIL_BATCH)
                for key, value in batch.items():
                    mail[key] = mail.get(key, 0) + value
                if batch["claimed"] < MAIL_BATCH or time.monotonic() > stop:
                    break
            run.count(**counts, overdue_requests=overdue_requests,
                      **{f"mail_{key}": value for key, value in mail.items()})
        self.stdout.write(
            f"reminders: {counts['reminders']}, escalations: {counts['escalations']}, "
            f"monitoring: {counts['monitoring']}, complainants reminded: {counts['complainant_reminders']}, "
            f"closed without reply: {counts['closed_no_reply']}, indexed for search: {counts['search_indexed']}, "
            f"overdue data-subject requests: {overdue_requests}, mail: {mail}"
            + "".join(f", {name}: {value}" for name, value in tasks.items())
        )

    @staticmethod
    def _tasks() -> dict[str, int]:
        """The tasks the layers above add (e.g. the periodic reports), each as its own job: one that fails is
        recorded on its heartbeat and does not stop the reminders or the mail."""
        counts: dict[str, int] = {}
        for name, task in remind_tasks.tasks():
            try:
                with job_run(name) as run:
                    run.count(**task(timezone.now()))
                counts.update(run.counts)
            except Exception:
                logger.exception("the %s task of remind failed", name)
        return counts
