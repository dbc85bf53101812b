"""How a text is split into SMS parts, as a phone or an SMS centre splits it (3GPP TS 23.038 and 23.040).

A text that fits the GSM 7-bit alphabet goes in septets: 160 in one SMS, 153 per part of a longer one (the
concatenation header takes the rest); the characters of the extension table (€, [, ], {, }, ...) take two septets
and are never split across parts. One character outside the alphabet (an emoji, a curly quote, most non-Latin
letters) sends the whole text in UCS-2: 70 UTF-16 units in one SMS, 67 per part, a surrogate pair never split.
The count is what the operator bills and what a complainant's phone shows as one message or several.
"""

from dataclasses import dataclass

# The basic character set (the escape 0x1B left out: it is not a character one can send).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# The extension table: each is sent as ESC + a character, two septets.
GSM7_EXTENDED = frozenset("^{}\\[~]|€\f")

SINGLE_GSM7, PART_GSM7 = 160, 153
SINGLE_UCS2, PART_UCS2 = 70, 67


@dataclass(frozen=True)
class Segmented:
    encoding: str  # "gsm7" or "ucs2"
    parts: list[str]

    @property
    def count(self) -> int:
        return len(self.parts)


def is_gsm7(text: str) -> bool:
    return all(char in GSM7_BASIC or char in GSM7_EXTENDED for char in text)


def _gsm7_cost(char: str) -> int:
    return 2 if char in GSM7_EXTENDED else 1


def _ucs2_cost(char: str) -> int:
    return 2 if ord(char) > 0xFFFF else 1  # a surrogate pair


def split(text: str) -> Segmented:
    """The parts `text` is sent as; an empty text is one (empty) SMS."""
    if is_gsm7(text):
        encoding, cost, single, part = "gsm7", _gsm7_cost, SINGLE_GSM7, PART_GSM7
    else:
        encoding, cost, single, part = "ucs2", _ucs2_cost, SINGLE_UCS2, PART_UCS2
    if sum(cost(char) for char in text) <= single:
        return Segmented(encoding, [text])
    parts: list[str] = []
    current: list[str] = []
    used = 0
    for char in text:
        size = cost(char)
        if used + size > part:  # the two units of one character stay in one part
            parts.append("".join(current))
            current, used = [], 0
        current.append(char)
        used += size
    if current:
        parts.append("".join(current))
    return Segmented(encoding, parts)


def count(text: str) -> int:
    return split(text).count
