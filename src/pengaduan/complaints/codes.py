"""Tracking codes: unguessable, and easy to read aloud over the telephone and to type on a phone."""

from pengaduan.secret_strings import random_string

# Crockford-like alphabet without the look-alikes 0/O, 1/I/L and the vowel U.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
GROUPS = 3
GROUP_LENGTH = 5  # 15 symbols of 30: log2(30**15) ≈ 73.6 bits of randomness


def new_tracking_code() -> str:
    symbols = random_string(GROUPS * GROUP_LENGTH, ALPHABET)
    return "-".join(symbols[i : i + GROUP_LENGTH] for i in range(0, len(symbols), GROUP_LENGTH))


def normalise_tracking_code(text: str) -> str:
    """What a person typed → the stored form: upper case, dashes where they belong, spaces ignored."""
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum())
    return "-".join(cleaned[i : i + GROUP_LENGTH] for i in range(0, len(cleaned), GROUP_LENGTH))


# --- the code is a credential: only its keyed hash is stored -------------------------------------------------
#
# Whoever holds a tracking code reads the case and answers or rates as the complainant, so the database keeps
# HMAC-SHA256(secret, code) and never the code. The secret is TRACKING_CODE_SECRET, or SECRET_KEY when that is
# not set; after rotating it, keep the old one in TRACKING_CODE_SECRET_FALLBACKS (or SECRET_KEY_FALLBACKS) so
# that the codes already handed out still work.

HASH_SALT = "pengaduan.complaints.tracking-code"


def _secrets() -> list[str]:
    from django.conf import settings

    current = getattr(settings, "TRACKING_CODE_SECRET", "") or settings.SECRET_KEY
    fallbacks = (getattr(settings, "TRACKING_CODE_SECRET_FALLBACKS", None)
                 or ([] if getattr(settings, "TRACKING_CODE_SECRET", "") else settings.SECRET_KEY_FALLBACKS))
    return [current, *fallbacks]


def tracking_code_hash(code: str, *, secret: str | None = None) -> str:
    """The stored form of a tracking code (typed in any case, with or without dashes)."""
    from django.utils.crypto import salted_hmac

    return salted_hmac(HASH_SALT, normalise_tracking_code(code), secret=secret or _secrets()[0],
                       algorithm="sha256").hexdigest()


def tracking_code_hashes(code: str) -> list[str]:
    """The hashes a typed code may be stored under: with the current secret and with each fallback."""
    return [tracking_code_hash(code, secret=secret) for secret in _secrets()]


def tracking_code_filter(code: str, *, prefix: str = ""):
    """A filter for the complaint a typed code belongs to (`prefix`: the path to the complaint, e.g. "complaint__")."""
    from django.db.models import Q

    if not normalise_tracking_code(code):
        return Q(pk__in=[])
    return Q(**{f"{prefix}tracking_code_hash__in": tracking_code_hashes(code)})
