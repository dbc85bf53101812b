"""SMS: registered so that messages can be queued for it; the gateway sender comes with the SMS channel."""

from django.utils.translation import gettext_lazy as _

from pengaduan.notifications.media.base import MediumNotConfigured, register
from pengaduan.notifications.media.phone import PhoneMedium


class Sms(PhoneMedium):
    code = "sms"
    label = _("SMS")

    def is_configured(self) -> bool:
        return False

    def send(self, message, attachments=()):
        raise MediumNotConfigured("SMS sending is not configured on this server")


SMS = register(Sms())
