"""Social media: a post or message; the link to it traces the complaint back."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pengaduan.complaints.channels.base import Channel, register

SOCIAL_MEDIA = register(Channel(
    code="social_media", label=_("Social media"), arrives_by_itself=True,
    details={"source_link": forms.URLField(label=_("Link to the post"), max_length=500, required=False,
                                           assume_scheme="https", help_text=_("Social media."))},
    sample=lambda received, serial: {"source_link": "https://social.example/posts/2026-1101"},
))
