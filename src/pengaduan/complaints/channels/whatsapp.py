"""WhatsApp to the unit's number, arriving by itself through the Cloud API webhook (/webhooks/whatsapp/).

Complaints typed in by an officer from a WhatsApp chat before the webhook existed keep the channel `sms_whatsapp`.
"""

from django.utils.translation import gettext_lazy as _

from pengaduan.complaints.channels.base import Channel, register

WHATSAPP = register(Channel(code="whatsapp", label=_("WhatsApp"), arrives_by_itself=True, answer_medium="whatsapp"))
