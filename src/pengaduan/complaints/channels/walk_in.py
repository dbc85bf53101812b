"""The complaint room: the complainant comes in person and an officer takes the complaint down."""

from django.utils.translation import gettext_lazy as _

from pengaduan.complaints.channels.base import Channel, register

WALK_IN = register(Channel(code="walk_in", label=_("Complaint room (in person)"), in_person=True))
