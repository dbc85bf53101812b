"""The words of an SOP sheet (PermenPANRB 35/2012 layout) and the draft being built from it.

Shared by recognising (which finds the blocks and tables) and mapping (which turns them into SOP fields):
text helpers for noisy extracted text, the vocabulary of labels and headings, and the draft's structure.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from pengaduan.workcalendar.durations import parse_duration


# --- text helpers ------------------------------------------------------------------------------------------


def _norm(text: str) -> str:
    """Lower case, no accents, punctuation as spaces: for comparing headings and labels."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(char for char in text if not unicodedata.combining(char)).lower()
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def _best_match(text: str, choices: dict[str, list[str]], threshold: float) -> str | None:
    """The key whose variant `text` is closest to (typos such as "Reterangan" or "Tangga Pengesahan")."""
    bare = _norm(text).replace(" ", "")
    if not bare:
        return None
    best_key, best = None, 0.0
    for key, variants in choices.items():
        for variant in variants:
            variant = variant.replace(" ", "")
            # The ratio can never exceed 2*shorter/(sum of lengths): skip long texts (descriptions) at once.
            if 2 * min(len(bare), len(variant)) / (len(bare) + len(variant)) < threshold:
                continue
            matcher = difflib.SequenceMatcher(None, bare, variant)
            if matcher.quick_ratio() < max(threshold, best):
                continue
            ratio = matcher.ratio()
            if ratio > best:
                best_key, best = key, ratio
    return best_key if best >= threshold else None


_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)
_HYPHEN_BREAK = re.compile(r"(\w+)-\s+(\w+)")


class _Cleaner:
    """Cleans cell text and remembers what it changed, so the reader can say so."""

    def __init__(self) -> None:
        self.removed = 0
        self.joined: list[tuple[str, str]] = []

    def __call__(self, text: str) -> str:
        text = text.translate(_INVISIBLE).replace("\u00a0", " ")
        kept = []
        for char in text:
            category = unicodedata.category(char)
            if category in ("Co", "Cs", "Cn") or (category == "Cc" and char not in "\n\t"):
                self.removed += 1
                continue
            kept.append(char)
        text = re.sub(r"[ \t]+", " ", "".join(kept)).strip()

        def join(match: re.Match[str]) -> str:
            left, right = match[1], match[2]
            if right[:1].islower() and left[-1:].islower():
                self.joined.append((match[0], left + right))
                return left + right
            return f"{left}-{right}"  # "Undang- Undang": a real hyphen, only the space is wrong

        return _HYPHEN_BREAK.sub(join, text)


_SMALL_WORDS = {"dan", "serta", "atau", "dari", "di", "ke", "untuk", "pada", "yang", "dengan", "atas", "tentang"}
_ACRONYMS = {"RSUD", "UPT", "UPTD", "PTSP", "DPRD", "BPBD", "BKD", "SKPD", "OPD", "SOP", "BPKAD", "BAPPEDA", "SMP", "SMA"}


def _title_case(text: str) -> str:
    """"PEMERINTAH KOTA MADIUN" -> "Pemerintah Kota Madiun" (the sheet prints headings in capitals)."""
    if text != text.upper():
        return text
    words = []
    for index, word in enumerate(text.split()):
        bare = re.sub(r"\W", "", word)
        if bare in _ACRONYMS or (bare and not re.search(r"[AEIOU]", bare) and len(bare) <= 5):
            words.append(word)
        elif index and word.lower() in _SMALL_WORDS:
            words.append(word.lower())
        else:
            words.append("-".join(part[:1].upper() + part[1:].lower() for part in word.split("-")))
    return " ".join(words)


def _slug(title: str) -> str:
    text = unicodedata.normalize("NFKD", title)
    text = "".join(char for char in text if not unicodedata.combining(char)).lower()
    code = re.sub(r"[^a-z0-9]+", "_", text).strip("_")
    if code and not code[0].isalpha():
        code = f"role_{code}"
    return code[:32].rstrip("_")


def _is_duration(text: str) -> bool:
    try:
        parse_duration(text)
    except ValueError:
        return False
    return True


# --- vocabulary of the sheet -------------------------------------------------------------------------------

_IDENTITY_LABELS = {
    "code": ["nomor sop", "no sop", "nomer sop"],
    "created": ["tanggal pembuatan", "tgl pembuatan"],
    "revised": ["tanggal revisi", "tgl revisi"],
    "ratified": ["tanggal pengesahan", "tgl pengesahan"],
    "effective": ["tanggal efektif", "tgl efektif"],
    "ratified_by": ["disahkan oleh"],
    "name": ["nama sop"],
}
_BOX_LABELS = {
    "legal_basis": ["dasar hukum"],
    "qualifications": ["kualifikasi pelaksana"],
    "related_sops": ["keterkaitan"],
    "equipment": ["peralatan perlengkapan", "peralatan dan perlengkapan", "peralatan", "perlengkapan"],
    "warnings": ["peringatan"],
    "recording": ["pencatatan dan pendataan", "pencatatan pendataan", "pencatatan"],
}
_BOX_NAMES = {
    "legal_basis": "Dasar Hukum",
    "qualifications": "Kualifikasi Pelaksana",
    "related_sops": "Keterkaitan",
    "equipment": "Peralatan/Perlengkapan",
    "warnings": "Peringatan",
    "recording": "Pencatatan dan Pendataan",
}
_TABLE_HEADINGS = {
    "number": ["no", "nomor"],
    "description": ["uraian prosedur", "uraian kegiatan", "uraian"],
    "performers": ["pelaksana"],
    "quality": ["mutu baku"],
    "inputs": ["kelengkapan", "persyaratan kelengkapan"],
    "time": ["waktu"],
    "output": ["output", "keluaran"],
    "notes": ["keterangan", "ket"],
}
_QUALITY_COLUMNS = ("inputs", "time", "output")
_STEP_FIELDS = ("description", "inputs", "time", "output", "notes")
_FIELD_NAMES = {"description": "description", "inputs": "inputs", "time": "time_limit", "output": "output",
                "notes": "notes"}  # fmt: skip
_COLUMN_NAMES = {"description": "Uraian Prosedur", "inputs": "Kelengkapan", "time": "Waktu", "output": "Output",
                 "notes": "Keterangan"}  # fmt: skip

_UNIT_WORDS = (
    "inspektorat", "dinas", "badan", "sekretariat", "kecamatan", "kelurahan", "desa", "rsud", "rumah sakit",
    "satuan", "kantor", "bagian", "upt", "uptd", "puskesmas", "bappeda", "biro", "direktorat",
)  # fmt: skip
_MONTHS = {
    "jan": 1, "feb": 2, "peb": 2, "mar": 3, "apr": 4, "mei": 5, "may": 5, "jun": 6, "jul": 7, "agu": 8, "ags": 8,
    "agt": 8, "aug": 8, "sep": 9, "okt": 10, "oct": 10, "nov": 11, "nop": 11, "des": 12, "dec": 12,
}  # fmt: skip

_PAGE_NOISE = re.compile(
    r"^\s*(?:-\s*\d+\s*-|\d{1,3}|(?:halaman|hal\.?|page)\s*\d+(?:\s*(?:dari|of|/)\s*\d+)?)\s*$", re.I
)
_STANDARD_TITLE = re.compile(r"^\s*standar\s+operasional\s+prosedur\b", re.I)

_START_WORDS = {"mulai", "start", "awal"}
_END_WORDS = {"selesai", "end", "akhir", "finish"}
_MARK_CHARS = set("√✓✔✗✘xXvV●•■▪◆♦▲►*#")
_COORDINATOR_CHARS = set("○◯oO")
_EMPTY_CELLS = {"", "-", "–", "—", ".", "..."}


def _classify_mark(text: str) -> str | None:
    """What a Pelaksana cell holds: "start"/"end" (terminator text), "mark", "coordinator", None (empty) or "noise"."""
    bare = text.strip()
    if bare in _EMPTY_CELLS:
        return None
    words = set(_norm(bare).split())
    if words & _START_WORDS:
        return "start"
    if words & _END_WORDS:
        return "end"
    chars = {char for char in bare if not char.isspace()}
    if chars and all(unicodedata.category(char) == "Co" for char in chars):
        return "mark"  # a symbol-font check mark (Wingdings) extracts as a private-use character
    if chars and chars <= _MARK_CHARS and len(bare) <= 3:
        return "mark"
    if chars and chars <= _COORDINATOR_CHARS and len(bare) <= 3:
        return "coordinator"
    return "noise"


# --- the draft ---------------------------------------------------------------------------------------------


@dataclass
class _Columns:
    """Where the columns of the procedure table are, as read from one header row."""

    line: int
    width: int
    number: int
    description: int
    roles: list[tuple[int, str]]
    quality: dict[str, int]  # inputs/time/output/notes -> cell index

    @property
    def first_quality(self) -> int:
        return min(self.quality[key] for key in _QUALITY_COLUMNS if key in self.quality)


@dataclass
class _RowDraft:
    """One step as read, possibly from several lines (broken rows are merged into it)."""

    line: int
    number: int | None
    texts: dict[str, list[str]] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    marks: list[tuple[str, str, str, int]] = field(default_factory=list)  # (role title, kind, raw, line)
    ambiguous_marks: list[tuple[list[str], str, str, int]] = field(default_factory=list)  # (candidates, ...)

    def text(self, key: str) -> str:
        return " ".join(part for part in self.texts.get(key, []) if part).strip()


@dataclass
class _Draft:
    sop: dict[str, Any] = field(default_factory=dict)
    signatory: dict[str, str] = field(default_factory=dict)
    roles: list[dict[str, str]] = field(default_factory=list)
    steps: list[dict[str, Any]] = field(default_factory=list)
    todo: dict[str, str] = field(default_factory=dict)  # field -> TODO comment written beside it
