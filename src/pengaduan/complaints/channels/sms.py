"""SMS to the unit's gateway number, arriving by itself through the SMS gateway webhook (/webhooks/sms/)."""

from django.utils.translation import gettext_lazy as _

from pengaduan.complaints.channels.base import Channel, register

SMS = register(Channel(code="sms", label=_("SMS"), arrives_by_itself=True, answer_medium="sms"))
