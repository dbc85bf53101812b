"""SMS or WhatsApp to the unit's number, typed in by an officer (the channels `whatsapp` and `sms` arrive by
themselves through their webhooks; this code stays for the complaints recorded under it)."""

from django.utils.translation import gettext_lazy as _

from pengaduan.complaints.channels.base import Channel, register

SMS_WHATSAPP = register(Channel(code="sms_whatsapp", label=_("SMS / WhatsApp"), arrives_by_itself=True,
                                answer_medium="whatsapp"))
