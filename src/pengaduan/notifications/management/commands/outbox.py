"""`pengaduan outbox send|list`: send the messages (e-mail, WhatsApp, SMS) that are due (run it from cron every minute), or look at the outbox."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _

from pengaduan.notifications.models import OutboxMessage
from pengaduan.notifications.services import send_due

LIST_SIZE = 20


class Command(BaseCommand):
    help = "Notification outbox: `outbox send [--limit N]` sends the messages that are due; `outbox list` shows the latest."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", metavar="{send,list}", required=True)
        send = actions.add_parser("send", help="send waiting messages whose next attempt is due, retry failed ones")
        send.add_argument("--limit", type=int, default=100, metavar="N", help="at most N messages (default 100)")
        actions.add_parser("list", help=f"show the latest {LIST_SIZE} messages")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "send":
            counts = send_due(limit=options["limit"])
            self.stdout.write(
                _("Sent: %(sent)d, to retry later: %(retry)d, given up: %(failed)d (of %(claimed)d due).") % counts
            )
        else:
            self._list()

    def _list(self) -> None:
        rows = list(OutboxMessage.objects.order_by("-created_at", "-pk")[:LIST_SIZE])
        if not rows:
            self.stdout.write(_("The outbox is empty."))
            return
        for message in rows:
            created = timezone.localtime(message.created_at)
            line = (f"{message.pk:>6}  {created:%Y-%m-%d %H:%M}  {message.status:<7}  {message.attempts}x  "
                    f"{message.template_key:<22}  {message.medium:<8}  {message.address}  {message.subject}")
            self.stdout.write(line)
            if message.last_error and message.status != OutboxMessage.Status.SENT:
                self.stdout.write(f"{'':>8}{message.last_error}")
            if message.route_note:  # why this medium (a fallback), or why it was not sent (an opt-out)
                self.stdout.write(f"{'':>8}{message.route_note}")
