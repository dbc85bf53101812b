"""Notification media register themselves: one module per medium, each an adapter with one send function.

The outbox asks this package: `media.get(code)`, `media.choices()`. See docs/extending.md, "Add a notification
medium".
"""

from pengaduan.notifications.media.base import (
    Attachment,
    Medium,
    MediumNotConfigured,
    Undeliverable,
    all_media,
    choices,
    get,
    label,
    register,
    unregister,
)

# Each import registers its medium; the order is the order of the admin's lists.
from pengaduan.notifications.media import email, whatsapp, sms  # noqa: E402, F401  isort: skip

__all__ = ["Attachment", "Medium", "MediumNotConfigured", "Undeliverable", "all_media", "choices", "get", "label",
           "register", "unregister"]
