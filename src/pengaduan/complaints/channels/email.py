"""E-mail to the unit's address (typed in by an officer until the mailbox is read by itself)."""

from django.utils.translation import gettext_lazy as _

from pengaduan.complaints.channels.base import Channel, register

EMAIL = register(Channel(code="email", label=_("E-mail"), arrives_by_itself=True))
