"""`pengaduan mail fetch`: take in the mail of every configured mailbox. Safe to run every minute."""

from collections import Counter

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from pengaduan.jobs.services import job_run
from pengaduan.mailbox.services import MailboxUnreachable, mail_fetch
from pengaduan.units.models import Unit


class Command(BaseCommand):
    help = ("Mailboxes: `mail fetch [--once] [--unit CODE]` takes in new mail as complaints, replies, ignored "
            "automatic replies and bounces. Idempotent; run it every minute.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        fetch = sub.add_parser("fetch", help="read every configured mailbox once through")
        fetch.add_argument("--once", action="store_true", help="one batch per mailbox, then stop")
        fetch.add_argument("--unit", default="", help="only this unit's mailboxes (its code)")

    def handle(self, *args, action, once=False, unit="", **options):
        if unit and not Unit.objects.filter(code__iexact=unit).exists():
            raise CommandError(f"No unit with the code {unit!r} (see the admin, Units).")
        counts = Counter()
        try:
            with job_run("mail-fetch") as run:  # its heartbeat: /readyz and the workdesk tell when it stops
                try:
                    mail_fetch(unit_code=unit, once=once, counts=counts)
                finally:
                    run.count(**counts)  # what was taken in counts, even in a run that then failed
        except (MailboxUnreachable, ImproperlyConfigured) as error:
            raise CommandError(str(error)) from None
        summary = ", ".join(f"{key}: {value}" for key, value in sorted(counts.items())) or "nothing new"
        self.stdout.write(f"mail: {summary}")
