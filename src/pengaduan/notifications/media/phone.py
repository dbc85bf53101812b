"""What the media that reach a telephone number share: numbers in E.164 (+62…), read as Indonesian by default."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from pengaduan.notifications.media.base import Medium

DEFAULT_REGION = "ID"


def normalise_phone(number: str) -> str:
    """+6281234567890 from "0812-3456-7890", "+62 812 3456 7890" or "6281234567890"; ValidationError if not a
    number that can exist."""
    text = number.strip()
    if text.isdigit() and text.startswith("62"):
        text = "+" + text  # written without the plus, as WhatsApp shows numbers
    try:
        parsed = phonenumbers.parse(text, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        raise ValidationError(_("Enter a valid telephone number."), code="invalid_phone") from None
    if not phonenumbers.is_valid_number(parsed):
        raise ValidationError(_("Enter a valid telephone number."), code="invalid_phone")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


class PhoneMedium(Medium):
    complainant_field = "phone"
    takes_attachments = False  # the texts point to the tracking page, which has the receipt

    def normalise(self, address: str) -> str:
        return normalise_phone(address)
