"""Intake channels register themselves: one module per channel, imported here in the order they are listed.

Ask this package, never a list of codes: `channels.get(code)`, `channels.choices()`, `channels.label(code)`,
`channels.detail_fields()`. See docs/extending.md, "Add a channel".
"""

from pengaduan.complaints.channels.base import (
    Channel,
    all_channels,
    choices,
    codes,
    describe,
    detail_channels,
    detail_fields,
    get,
    label,
    labels,
    on_change,
    register,
    unregister,
)

# Each import registers its channel; the order is the order of every list and menu.
from pengaduan.complaints.channels import (  # noqa: E402, F401  isort: skip
    walk_in, telephone, letter, complaint_box, email, web, sms_whatsapp, whatsapp, sms, social_media, lapor,
)

__all__ = ["Channel", "all_channels", "choices", "codes", "describe", "detail_channels", "detail_fields", "get",
           "label", "labels", "on_change", "register", "unregister"]
