"""`pengaduan remind`: reminders, escalations and the mail outbox. Safe to run every minute."""

from django.core.management.base import BaseCommand

from pengaduan.complaints.reminders import reminders_send


class Command(BaseCommand):
    help = "Send due reminders and escalations, then retry pending mail. Idempotent; run it every minute."

    def handle(self, *args, **options):
        from pengaduan.notifications.services import send_due

        counts = reminders_send()
        mail = send_due()
        self.stdout.write(
            f"reminders: {counts['reminders']}, escalations: {counts['escalations']}, mail: {mail}"
        )
