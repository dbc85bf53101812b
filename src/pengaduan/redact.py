"""Masking personal data in free text (error messages, log lines) before it is stored or leaves the server.

Pure functions, no Django: used by the job heartbeats (a failed run's error text) and the error reporter.
"""

import re

_PATTERNS = [
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[email]"),
    # Tracking codes: three groups of five from codes.ALPHABET.
    (re.compile(r"\b[2-9A-HJ-NP-TV-Z]{5}-[2-9A-HJ-NP-TV-Z]{5}-[2-9A-HJ-NP-TV-Z]{5}\b"), "[code]"),
    # Indonesian telephone numbers: +62 / 62 / 0 followed by 8 to 13 digits, with spaces, dots or dashes.
    (re.compile(r"(?<![\w])(?:\+?62|0)(?:[\s.-]?\d){8,13}(?![\w])"), "[phone]"),
    # NIK (16 digits), NIP (18), account and card numbers: any run of 8 or more digits.
    (re.compile(r"\d{8,}"), "[number]"),
]


def scrub_text(text: str) -> str:
    """The text with e-mail addresses, telephone numbers, long numbers and tracking codes masked."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text
