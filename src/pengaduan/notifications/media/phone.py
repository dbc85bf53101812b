"""What the media that reach a telephone number share: numbers in E.164 (+62…), read as Indonesian by default."""

from pengaduan.notifications.media.base import Medium
from pengaduan.phones import DEFAULT_REGION, normalise_phone  # noqa: F401  (kept importable here)


class PhoneMedium(Medium):
    complainant_field = "phone"
    takes_attachments = False  # the texts point to the tracking page, which has the receipt

    def normalise(self, address: str) -> str:
        return normalise_phone(address)
