"""Tracking codes: unguessable, and easy to read aloud over the telephone and to type on a phone."""

import secrets

# Crockford-like alphabet without the look-alikes 0/O, 1/I/L and the vowel U.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
GROUPS = 3
GROUP_LENGTH = 5  # 15 symbols of 30: log2(30**15) ≈ 73.6 bits of randomness


def new_tracking_code() -> str:
    symbols = "".join(secrets.choice(ALPHABET) for _ in range(GROUPS * GROUP_LENGTH))
    return "-".join(symbols[i : i + GROUP_LENGTH] for i in range(0, len(symbols), GROUP_LENGTH))


def normalise_tracking_code(text: str) -> str:
    """What a person typed → the stored form: upper case, dashes where they belong, spaces ignored."""
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum())
    return "-".join(cleaned[i : i + GROUP_LENGTH] for i in range(0, len(cleaned), GROUP_LENGTH))
