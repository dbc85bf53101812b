"""The website: the portal's complaint form, the public API and Open311. Waits for an officer to record it."""

from django.utils.translation import gettext_lazy as _

from pengaduan.complaints.channels.base import Channel, register

WEB = register(Channel(code="web", label=_("Website"), arrives_by_itself=True))
