"""WhatsApp: registered so that messages can be queued for it; the sender comes with the WhatsApp channel."""

from django.utils.translation import gettext_lazy as _

from pengaduan.notifications.media.base import MediumNotConfigured, register
from pengaduan.notifications.media.phone import PhoneMedium


class WhatsApp(PhoneMedium):
    code = "whatsapp"
    label = _("WhatsApp")

    def is_configured(self) -> bool:
        return False

    def send(self, message, attachments=()):
        raise MediumNotConfigured("WhatsApp sending is not configured on this server")


WHATSAPP = register(WhatsApp())
