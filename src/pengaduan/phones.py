"""Telephone numbers and e-mail addresses as we store them, so that one person is recognised across channels.

Numbers are kept in E.164 (+62…), read as Indonesian when written without a country code ("0812-3456-7890",
"62812…" as WhatsApp shows them). E-mail addresses are kept trimmed and in lower case (every mail provider the
complainants use treats them so), which lets an index find "the same address" without a function.
"""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

DEFAULT_REGION = "ID"


def normalise_phone(number: str) -> str:
    """+6281234567890 from "0812-3456-7890", "+62 812 3456 7890" or "6281234567890"; ValidationError if not a
    number that can exist."""
    text = (number or "").strip()
    if text.isdigit() and text.startswith("62"):
        text = "+" + text  # written without the plus, as WhatsApp shows numbers
    try:
        parsed = phonenumbers.parse(text, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        raise ValidationError(_("Enter a valid telephone number."), code="invalid_phone") from None
    if not phonenumbers.is_valid_number(parsed):
        raise ValidationError(_("Enter a valid telephone number."), code="invalid_phone")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def normalised_or_as_given(number: str) -> str:
    """The number in E.164 when it can be read, else as given (trimmed): for numbers that are recorded as they
    came (a caller's number, a stored number from before), never refused."""
    text = (number or "").strip()
    if not text:
        return ""
    try:
        return normalise_phone(text)
    except ValidationError:
        return text


def normalise_email(address: str) -> str:
    return (address or "").strip().lower()
