"""Import an SOP sheet (the standard PermenPANRB 35/2012 layout) into a DRAFT SOP file for review.

Units keep their SOPs as PDFs or Word files; retyping one into TOML by hand is slow and error-prone.
The importer reads the sheet as it comes — text extracted from a PDF (tab-separated, with broken
lines, stray characters, repeated headers and misspelled headings) or a .docx table — and writes a
draft TOML file. It never guesses silently: whatever it could not read, or had to infer (a performer
from the description, a step kind, a missing number), becomes an `ImportWarning` with the line of
the source, and a comment next to the field in the draft. A person then checks the draft against
the signed sheet and loads it with `pengaduan sop load` (or the admin's review page).

Public API: `import_sheet(path)` / `import_sheet_bytes(data, name)` -> `ImportResult`; bad files
raise `SopImportError` with one clear sentence.
"""

from __future__ import annotations

import codecs
import difflib
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pengaduan.sop import kinds as sop_kinds
from pengaduan.workcalendar.durations import parse_duration

__all__ = ["ImportResult", "ImportWarning", "SopImportError", "import_sheet", "import_sheet_bytes"]

MAX_SHEET_BYTES = 10 * 1024 * 1024  # an SOP sheet is a few pages; anything larger is not one
DOCX_PARAGRAPH_BREAK = " ¶ "  # how paragraph breaks inside a .docx cell show in the source text


# --- results and errors ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportWarning:
    """Something the importer could not read, or inferred, that a person must check.

    `line` is the line of the source text (`ImportResult.source_text`; for a .docx, its rendering
    with one table row per line), `field` names the draft's field as `sop validate` does
    (`steps[2].performer`), empty for the sheet as a whole.
    """

    line: int | None
    field: str
    message: str

    def format(self, source_name: str = "") -> str:
        parts = [source_name] if source_name else []
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.field:
            parts.append(self.field)
        parts.append(self.message)
        return ": ".join(parts)


@dataclass(frozen=True)
class ImportResult:
    """The draft SOP file, what to check in it, and the text the warnings' line numbers refer to."""

    document_toml: str
    warnings: list[ImportWarning]
    source_text: str = ""
    source_name: str = ""

    @property
    def warned_lines(self) -> set[int]:
        return {warning.line for warning in self.warnings if warning.line is not None}


class SopImportError(ValueError):
    """The file cannot be imported at all (empty, binary, not an SOP sheet, no performer columns).

    One sentence saying what is wrong, prefixed by the file name, so the command can print it
    without a traceback.
    """

    def __init__(self, source_name: str, message: str):
        self.source_name = source_name
        self.message = message
        super().__init__(f"{source_name}: {message}" if source_name else message)


# --- the sheet as lines of cells ---------------------------------------------------------------------------


@dataclass
class _Line:
    """One line of the source: its cells (tab-separated text, or one .docx table row)."""

    number: int
    cells: list[str]
    shapes: set[int] = field(default_factory=set)  # .docx: cells holding a drawn shape (a flowchart symbol)
    hard_breaks: bool = False  # .docx: "\n" inside a cell separates paragraphs (list items)

    @property
    def filled(self) -> list[tuple[int, str]]:
        return [(index, cell.strip()) for index, cell in enumerate(self.cells) if cell.strip()]

    @property
    def blank(self) -> bool:
        return not self.filled

    @property
    def text(self) -> str:
        return " ".join(cell for _, cell in self.filled)


def import_sheet(path: str | Path) -> ImportResult:
    """Read an SOP sheet (.txt extracted from a PDF, or .docx) and return a draft SOP file with warnings."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SopImportError(str(path), "file not found") from None
    except IsADirectoryError:
        raise SopImportError(str(path), "is a directory, not an SOP sheet") from None
    except OSError as error:
        raise SopImportError(str(path), f"cannot be read: {error.strerror or error}") from None
    return import_sheet_bytes(data, str(path))


def import_sheet_bytes(data: bytes, name: str = "") -> ImportResult:
    """`import_sheet` for an upload: the bytes of the file and its name (for messages)."""
    if not data.strip():
        raise SopImportError(name, "the file is empty")
    if len(data) > MAX_SHEET_BYTES:
        raise SopImportError(name, f"is too large for an SOP sheet ({len(data) // 1024} KiB)")
    if data.startswith(b"%PDF"):
        raise SopImportError(
            name,
            "is a PDF: PDFs are not read directly. Save the sheet as .docx, or extract its text "
            "(tab-separated, e.g. copy the table into a text file) and import the .txt",
        )
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise SopImportError(name, "is an old Word document (.doc): save it as .docx and import that")
    if data.startswith(b"PK\x03\x04"):
        lines, source_text = _docx_lines(data, name)
        notes: list[ImportWarning] = []
    else:
        text, notes = _decode_text(data, name)
        lines, source_text = _text_lines(text)
    reader = _SheetReader(lines, name)
    reader.warnings.extend(notes)
    draft = reader.read()
    warnings = sorted(reader.warnings, key=lambda w: (w.line if w.line is not None else 0))
    return ImportResult(
        document_toml=_render_toml(draft, warnings, name),
        warnings=warnings,
        source_text=source_text,
        source_name=name,
    )


def _decode_text(data: bytes, name: str) -> tuple[str, list[ImportWarning]]:
    """The sheet's text; binary files are refused here, before anything tries to read a table from them."""
    notes: list[ImportWarning] = []
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode("utf-16")
    else:
        if b"\x00" in data[:65536]:
            raise SopImportError(name, "is a binary file, not a text or .docx SOP sheet")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                raise SopImportError(
                    name, f"is not a text file (invalid byte at offset {error.start}) nor a .docx"
                ) from None
            notes.append(ImportWarning(None, "", "the file is not UTF-8; it was read as Windows-1252 text"))
    controls = sum(1 for char in text if unicodedata.category(char) == "Cc" and char not in "\t\n\r\f")
    if controls > max(8, len(text) // 50):
        raise SopImportError(name, "is a binary file, not a text or .docx SOP sheet")
    return text.replace("\r\n", "\n").replace("\r", "\n"), notes


def _text_lines(text: str) -> tuple[list[_Line], str]:
    """Tab-separated lines; form feeds (page breaks from pdftotext) are dropped, keeping line numbers."""
    source = text.replace("\f", "")
    lines = [_Line(number, raw.split("\t")) for number, raw in enumerate(source.split("\n"), start=1)]
    return lines, source


# --- .docx -------------------------------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def _docx_lines(data: bytes, name: str) -> tuple[list[_Line], str]:
    """The .docx body as lines: one per paragraph, one per table row (merged cells left empty after the first)."""
    try:
        import docx  # python-docx
    except ImportError:  # pragma: no cover - a dependency of the project
        raise SopImportError(name, "reading .docx files needs the python-docx package") from None
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception:  # python-docx raises many kinds (bad zip, missing part, XML errors) for a wrong file
        raise SopImportError(name, "is a ZIP archive but not a Word .docx document") from None

    rows: list[tuple[list[str], set[int]]] = []
    for child in document.element.body.iterchildren():
        if child.tag == f"{_W}p":
            rows.append(([_docx_text(child)], set()))
        elif child.tag == f"{_W}tbl":
            rows.extend(_docx_table_rows(child))
    lines = [
        _Line(number, cells, shapes=shapes, hard_breaks=True) for number, (cells, shapes) in enumerate(rows, start=1)
    ]
    source = "\n".join("\t".join(cell.replace("\n", DOCX_PARAGRAPH_BREAK) for cell in cells) for cells, _ in rows)
    return lines, source


def _docx_text(element: Any) -> str:
    """Text of a paragraph or cell: runs' text, line breaks as "\\n"; text in a shape's fallback copy skipped."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        for child in node.iterchildren():
            tag = child.tag
            if tag == _MC_FALLBACK:
                continue  # the same shape again, for old Word versions
            if tag == f"{_W}t":
                parts.append(child.text or "")
            elif tag in (f"{_W}tab",):
                parts.append(" ")
            elif tag in (f"{_W}br", f"{_W}cr"):
                parts.append("\n")
            elif tag == f"{_W}p":
                if parts and parts[-1] != "\n":
                    parts.append("\n")
                walk(child)
                parts.append("\n")
            else:
                walk(child)

    if element.tag == f"{_W}p":
        walk(element)
    else:
        for paragraph in element.iterchildren(f"{_W}p"):
            walk(paragraph)
            parts.append("\n")
    text = "".join(parts)
    return "\n".join(line.strip() for line in text.split("\n") if line.strip())


def _docx_table_rows(table: Any) -> list[tuple[list[str], set[int]]]:
    rows: list[tuple[list[str], set[int]]] = []
    for tr in table.iterchildren(f"{_W}tr"):
        cells: list[str] = []
        shapes: set[int] = set()
        nested: list[tuple[list[str], set[int]]] = []
        before = tr.find(f"{_W}trPr/{_W}gridBefore")
        if before is not None:
            cells.extend([""] * int(before.get(f"{_W}val", "0") or 0))
        for tc in tr.iterchildren(f"{_W}tc"):
            span_el = tc.find(f"{_W}tcPr/{_W}gridSpan")
            span = int(span_el.get(f"{_W}val", "1")) if span_el is not None else 1
            merge = tc.find(f"{_W}tcPr/{_W}vMerge")
            continued = merge is not None and merge.get(f"{_W}val", "continue") != "restart"
            if continued:
                text = ""
            else:
                text = _docx_text(tc)
                if any(True for tag in ("drawing", "pict") for _ in tc.iter(f"{_W}{tag}")):
                    shapes.add(len(cells))
            cells.append(text)
            cells.extend([""] * (span - 1))
            for inner in tc.iterchildren(f"{_W}tbl"):
                nested.extend(_docx_table_rows(inner))
        rows.append((cells, shapes))
        rows.extend(nested)
    return rows


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


class _SheetReader:
    """Reads the lines of a sheet into a `_Draft`, collecting warnings with line numbers as it goes."""

    def __init__(self, lines: list[_Line], name: str):
        self.lines = lines
        self.name = name
        self.warnings: list[ImportWarning] = []
        self.draft = _Draft()
        self.clean = _Cleaner()

    def warn(self, line: int | None, field_name: str, message: str) -> None:
        self.warnings.append(ImportWarning(line, field_name, message))

    def text(self, value: str, line: int | None, field_name: str) -> str:
        """Clean a cell's text, saying which hyphenated words were joined and what was removed."""
        self.clean.removed, self.clean.joined = 0, []
        cleaned = self.clean(value)
        for broken, joined in self.clean.joined:
            self.warn(line, field_name, f"joined the word broken by hyphenation {broken!r} -> {joined!r}")
        if self.clean.removed:
            self.warn(line, field_name, f"removed {self.clean.removed} unreadable character(s)")
        return cleaned

    # -- the whole sheet --

    def read(self) -> _Draft:
        headers = [index for index, line in enumerate(self.lines) if self._detail_header(line)]
        labels_found = any(self._identity_label(line)[0] is not None for line in self.lines)
        if not headers:
            if not labels_found:
                raise SopImportError(
                    self.name,
                    "does not look like an SOP sheet: found neither the identity block (Nomor SOP, "
                    "Tanggal Pembuatan, ...) nor the procedure table (a header row No. | Uraian Prosedur | "
                    "Pelaksana columns | Kelengkapan | Waktu | Output | Keterangan)",
                )
            raise SopImportError(
                self.name,
                "found the identity block but no procedure table: no header row with the headings "
                "Kelengkapan, Waktu and Output",
            )
        first = headers[0]
        front = self.lines[:first]
        while front and (front[-1].blank or self._super_header(front[-1])):
            front.pop()
        self._read_front(front)
        trailing = self._read_table(self.lines[first:])
        self._read_signatory(trailing)
        return self.draft

    # -- identity block and boxes --

    def _identity_label(self, line: _Line) -> tuple[str | None, int]:
        for index, cell in line.filled:
            key = _best_match(cell, _IDENTITY_LABELS, 0.85)
            if key:
                return key, index
        return None, -1

    def _box_labels(self, line: _Line) -> dict[int, tuple[str, str]]:
        """Cell index -> (box key, text after the label) for a line such as "Dasar Hukum | Kualifikasi pelaksana"."""
        found = {}
        for index, cell in line.filled:
            key = _best_match(cell, _BOX_LABELS, 0.85)
            rest = ""
            if key is None and ":" in cell:
                head, rest = cell.split(":", 1)
                key = _best_match(head, _BOX_LABELS, 0.85)
            if key:
                found[index] = (key, rest.strip())
        return found

    def _read_front(self, lines: list[_Line]) -> None:
        identity: dict[str, tuple[str, int]] = {}
        heading: list[tuple[int, str]] = []  # (line, fragment) outside labels and boxes
        boxes: dict[str, list[tuple[int, str, bool]]] = {}  # key -> (line, fragment, starts a new item)
        box_line: dict[str, int] = {}
        columns: dict[int, str] = {}
        last_identity: str | None = None

        for line in lines:
            if line.blank:
                last_identity = None
                continue
            labels = self._box_labels(line)
            if labels:
                columns = {index: key for index, (key, _) in labels.items()}
                for index, (key, rest) in labels.items():
                    boxes.setdefault(key, [])
                    box_line[key] = line.number
                    if rest:
                        boxes[key].append((line.number, rest, True))
                last_identity = None
                continue
            key, index = self._identity_label(line)
            if key is not None and not columns:
                heading.extend((line.number, fragment) for cell in line.cells[:index] for fragment in cell.split("\n"))
                value = " ".join(cell.strip() for cell in line.cells[index + 1 :] if cell.strip())
                if key in identity:
                    self.warn(line.number, "", f"{line.cells[index].strip()!r} appears again; kept the first one")
                else:
                    identity[key] = (value, line.number)
                last_identity = key
                continue
            if columns:
                for index, cell in line.filled:
                    target = columns.get(index)
                    if target is None:
                        lower = [i for i in columns if i < index]
                        target = columns[max(lower)] if lower else columns[min(columns)]
                        self.warn(line.number, f"sop.{target}", f"text in column {index + 1} has no box label "
                                                                f"above it; added to {_BOX_NAMES[target]}: {cell!r}")
                    for fragment in cell.split("\n"):
                        boxes[target].append((line.number, fragment, line.hard_breaks))
                continue
            if last_identity is not None and not line.cells[0].strip():
                value, number = identity[last_identity]
                identity[last_identity] = (f"{value} {line.text}".strip(), number)
                continue
            last_identity = None
            heading.extend((line.number, fragment) for _, cell in line.filled for fragment in cell.split("\n"))

        self._identity(identity, heading)
        sop = self.draft.sop
        for key, label in _BOX_NAMES.items():
            if key not in boxes:
                self.warn(None, f"sop.{key}", f"no {label!r} box found on the sheet; left empty")
                self.draft.todo[f"sop.{key}"] = f"TODO: no {label} box was found on the sheet"
                sop[key] = []
                continue
            sop[key] = self._items(key, boxes[key])

    def _identity(self, identity: dict[str, tuple[str, int]], heading: list[tuple[int, str]]) -> None:
        sop = self.draft.sop
        heading = [(line, self.text(text, line, "sop")) for line, text in heading if text.strip()]
        self._organisation_and_unit(heading)

        def value(key: str) -> tuple[str, int | None]:
            text, line = identity.get(key, ("", None))
            return self.text(text, line, f"sop.{key}"), line

        code, line = value("code")
        if code:
            sop["code"] = code
        else:
            self._missing("sop.code", line, "Nomor SOP")

        name, line = value("name")
        title = self._name_from_heading(heading)
        if name:
            sop["name"] = name
            if title and _norm(title[1]) != _norm(name):
                self.warn(title[0], "sop.name", f"the title {title[1]!r} differs from Nama SOP {name!r}; kept Nama SOP")
        elif title:
            sop["name"] = _title_case(title[1])
            self.warn(title[0], "sop.name", "no Nama SOP on the sheet; took the title under "
                                            f"'STANDAR OPERASIONAL PROSEDUR': {sop['name']!r}")
        else:
            self._missing("sop.name", line, "Nama SOP")

        for key, label, required in (
            ("created", "Tanggal Pembuatan", True),
            ("revised", "Tanggal Revisi", False),
            ("ratified", "Tanggal Pengesahan", True),
        ):
            text, line = value(key)
            if not text:
                if required:
                    self._missing(f"sop.{key}", line, label)
                continue
            if text.strip() in _EMPTY_CELLS:
                self.draft.todo[f"sop.{key}"] = f'{key}: "-" in the document'
                continue
            day = _parse_date(text)
            if day is None:
                self.warn(line, f"sop.{key}", f"cannot read the date {text!r} ({label}); write it as YYYY-MM-DD")
                self.draft.todo[f"sop.{key}"] = f"TODO {key}: cannot read {text!r} ({label}); write YYYY-MM-DD"
            else:
                sop[key] = day
        if "effective" in identity:
            text, line = identity["effective"]
            self.warn(line, "", f"Tanggal Efektif ({text!r}) is not part of the SOP file format; left out")

        ratified_by, line = value("ratified_by")
        if ratified_by:
            sop["ratified_by"] = ratified_by
        else:
            self._missing("sop.ratified_by", line, "Disahkan oleh")

    def _missing(self, field_name: str, line: int | None, label: str) -> None:
        self.warn(line, field_name, f"{label} not found on the sheet")
        self.draft.todo[field_name] = f"TODO: {label} not found on the sheet"

    def _organisation_and_unit(self, heading: list[tuple[int, str]]) -> None:
        sop = self.draft.sop
        for position, (line, text) in enumerate(heading):
            match = re.match(r"^\s*pemerintah\b", text, re.I)
            if not match:
                continue
            words = text.split()
            cut = next(
                (i for i in range(1, len(words)) if any(_norm(" ".join(words[i:])).startswith(w) for w in _UNIT_WORDS)),
                None,
            )
            if cut is not None:
                organisation, unit = " ".join(words[:cut]), " ".join(words[cut:])
            else:
                organisation = text
                following = [t for _, t in heading[position + 1 :] if not _STANDARD_TITLE.match(t)]
                unit = following[0] if following and any(_norm(following[0]).startswith(w) for w in _UNIT_WORDS) else ""
            sop["organisation"] = _title_case(organisation)
            if unit:
                sop["unit"] = _title_case(unit)
                sop["unit_code"] = _unit_code(sop["unit"])
                self.warn(
                    line, "sop.unit_code",
                    f"the unit's short code is not on the sheet; guessed {sop['unit_code']!r} from "
                    f"{sop['unit']!r}: check it",
                )  # fmt: skip
            else:
                self._missing("sop.unit", line, "the unit's name (under PEMERINTAH ...)")
            if text == text.upper():
                self.warn(line, "sop.organisation", f"read {sop['organisation']!r} / {sop.get('unit', '')!r} from the "
                                                    f"heading in capitals {text!r}: check the capitalisation")
            return
        self._missing("sop.organisation", None, "the heading PEMERINTAH ...")
        self._missing("sop.unit", None, "the unit's name (under PEMERINTAH ...)")

    def _name_from_heading(self, heading: list[tuple[int, str]]) -> tuple[int, str] | None:
        for position, (_, text) in enumerate(heading):
            if _STANDARD_TITLE.match(text):
                rest = _STANDARD_TITLE.sub("", text).strip(" ()")
                rest = re.sub(r"^\(?sop\)?\s*", "", rest, flags=re.I).strip()
                if rest:
                    return heading[position][0], rest
                following = [(line, t) for line, t in heading[position + 1 :] if not re.match(r"^\s*pemerintah\b", t, re.I)]
                return following[0] if following else None
        return None

    def _items(self, key: str, fragments: list[tuple[int, str, bool]]) -> list[str]:
        """A box's list: numbered or bulleted items, or one paragraph per .docx paragraph; lines joined otherwise."""
        items: list[list[Any]] = []  # [line, text]
        marker = re.compile(r"^\s*(?:\(?\d{1,2}[.)]|\d{1,2}\s+(?=[A-Z])|[a-z][.)]|[-•▪·*])\s*")
        for line, fragment, hard in fragments:
            fragment = self.text(fragment, line, f"sop.{key}")
            if not fragment or fragment in _EMPTY_CELLS:
                continue
            if hard or not items or marker.match(fragment):
                items.append([line, fragment])
            else:
                items[-1][1] += " " + fragment
        result: list[str] = []
        for line, text in items:
            parts = _split_numbered(text)
            if key == "legal_basis" and len(parts) == 1:
                parts = _split_regulations(_strip_marker(parts[0]))
                if len(parts) > 1:
                    self.warn(line, "sop.legal_basis", f"Dasar Hukum is one run of text; split it into {len(parts)} "
                                                       "regulations where a new 'Peraturan ...'/'Undang-Undang ...' "
                                                       "begins: check the split")
            result.extend(part for part in (_strip_marker(p) for p in parts) if part and part not in _EMPTY_CELLS)
        return result

    # -- procedure table --

    def _cells_headings(self, line: _Line) -> dict[int, str]:
        found = {}
        for index, cell in line.filled:
            bare = re.sub(r"^[\W_]+", "", cell)
            key = _best_match(bare, _TABLE_HEADINGS, 0.75)
            if key:
                found[index] = key
        return found

    def _detail_header(self, line: _Line) -> bool:
        keys = set(self._cells_headings(line).values())
        return len(keys & set(_QUALITY_COLUMNS)) >= 2

    def _super_header(self, line: _Line) -> bool:
        headings = self._cells_headings(line)
        keys = set(headings.values())
        return bool(keys & {"performers", "quality"}) or (
            len(headings) == len(line.filled) and bool(keys & {"number", "description"})
        )

    def _columns(self, position: int, lines: list[_Line]) -> _Columns:
        line = lines[position]
        headings = self._cells_headings(line)
        by_key: dict[str, int] = {}
        for index, key in headings.items():
            by_key.setdefault(key, index)
        number = by_key.get("number", 0)
        description = by_key.get("description")
        # Headings of merged cells ("Uraian Prosedur", "Keterangan" spanning both header rows) may
        # only be in the row above.
        above = next((lines[i] for i in range(position - 1, -1, -1) if not lines[i].blank), None)
        above_headings = self._cells_headings(above) if above is not None and self._super_header(above) else {}
        for index, key in above_headings.items():
            if key in ("description", "notes") and key not in by_key and (index >= len(line.cells) or not line.cells[index].strip()):
                by_key[key] = index
        description = by_key.get("description", number + 1)
        quality = {key: by_key[key] for key in (*_QUALITY_COLUMNS, "notes") if key in by_key}
        first_quality = min(quality[key] for key in _QUALITY_COLUMNS if key in quality)
        roles = []
        for index in range(description + 1, first_quality):
            title = self.text(line.cells[index], line.number, "roles") if index < len(line.cells) else ""
            if title:
                roles.append((index, title))
            else:
                self.warn(line.number, "roles", f"column {index + 1} of the table header has no heading; ignored")
        if not roles:
            raise SopImportError(
                self.name,
                f"line {line.number}: the procedure table has no Pelaksana (performer) columns between "
                "'Uraian Prosedur' and 'Kelengkapan', so it cannot say who does each step",
            )
        return _Columns(line.number, len(line.cells), number, description, roles, quality)

    def _read_table(self, lines: list[_Line]) -> list[_Line]:
        """Read the step rows; return the lines after the table (the signature block)."""
        columns: _Columns | None = None
        rows: list[_RowDraft] = []
        outside: list[_Line] = []  # lines that are not table rows, since the last row
        for position, line in enumerate(lines):
            if line.blank:
                continue
            if self._detail_header(line):
                page_columns = self._columns(position, lines)
                if columns is None:
                    columns = page_columns
                    self.draft.roles = self._roles(columns)
                else:
                    self._compare_roles(columns, page_columns)
                    columns = page_columns
                self._drop_outside(outside, "between two pages of the table")
                outside = []
                continue
            if self._super_header(line):
                continue
            if _PAGE_NOISE.match(line.text) and len(line.filled) == 1:
                self.warn(line.number, "", f"ignored {line.text!r} (a page number)")
                continue
            if len(line.cells) == 1 or columns is None:
                outside.append(line)
                continue
            if outside:
                self._drop_outside(outside, "inside the table")
                outside = []
            self._read_row(line, columns, rows)
        if not rows:
            raise SopImportError(self.name, "the procedure table has a header but no step rows")
        self._resolve_steps(rows)
        return outside

    def _drop_outside(self, lines: list[_Line], where: str) -> None:
        for line in lines:
            self.warn(line.number, "", f"ignored text {where} that is not a table row: {line.text!r}")

    def _roles(self, columns: _Columns) -> list[dict[str, str]]:
        roles: list[dict[str, str]] = []
        for _, title in columns.roles:
            code = _slug(title) or f"role_{len(roles) + 1}"
            base, suffix = code, 2
            while any(role["code"] == code for role in roles):
                code, suffix = f"{base[:29]}_{suffix}", suffix + 1
            roles.append({"code": code, "title": title})
        return roles

    def _compare_roles(self, first: _Columns, page: _Columns) -> None:
        known = [_norm(title) for _, title in first.roles]
        for _, title in page.roles:
            if _norm(title) not in known and not difflib.get_close_matches(_norm(title), known, n=1, cutoff=0.8):
                self.warn(page.line, "roles", f"the repeated header names a Pelaksana column {title!r} that the first "
                                              "header does not have; its marks are ignored")

    def _role_title(self, columns: _Columns, position: int) -> str | None:
        """The role (as named in the FIRST header) of a Pelaksana column of this page's header."""
        title = columns.roles[position][1]
        for role in self.draft.roles:
            if _norm(role["title"]) == _norm(title):
                return role["title"]
        close = difflib.get_close_matches(_norm(title), [_norm(r["title"]) for r in self.draft.roles], n=1, cutoff=0.8)
        if close:
            return next(r["title"] for r in self.draft.roles if _norm(r["title"]) == close[0])
        return None

    def _read_row(self, line: _Line, columns: _Columns, rows: list[_RowDraft]) -> None:
        cells = [cell for cell in line.cells]
        cells += [""] * max(0, columns.width - len(cells))

        # Anchor on the Waktu column: a row that lost or gained empty cells is re-aligned around it.
        shift = 0
        time_index = columns.quality.get("time")
        if time_index is not None and not _is_duration(cells[time_index] if time_index < len(cells) else ""):
            found = [i for i in range(columns.description + 1, len(cells)) if cells[i].strip() and _is_duration(cells[i])]
            if found:
                shift = min(found, key=lambda i: abs(i - time_index)) - time_index
        if shift:
            self.warn(line.number, "", f"this row has {abs(shift)} cell(s) {'fewer' if shift < 0 else 'more'} than the "
                                       "header before the Waktu column; re-aligned on the Waktu column")

        values: dict[str, str] = {}
        values["description"] = cells[columns.description] if columns.description < len(cells) else ""
        for key, index in columns.quality.items():
            target = index + shift
            values[key] = cells[target] if 0 <= target < len(cells) else ""
        if "notes" not in columns.quality:
            last = columns.first_quality + shift + len(columns.quality)
            values["notes"] = " ".join(c for c in cells[last:] if c.strip())

        role_cells = cells[columns.description + 1 : columns.first_quality + shift]
        aligned = len(role_cells) == len(columns.roles)
        marks: list[tuple[str, str, str, int]] = []
        ambiguous: list[tuple[list[str], str, str, int]] = []
        for offset, cell in enumerate(role_cells):
            absolute = columns.description + 1 + offset
            kind = "mark" if absolute in line.shapes and not cell.strip() else _classify_mark(cell.replace("\n", " "))
            if kind is None:
                continue
            if aligned:
                title = self._role_title(columns, offset)
                if title is not None:
                    marks.append((title, kind, cell.strip() or "(shape)", line.number))
                continue
            # Counted from the left or from the right of the Pelaksana columns: either may be right.
            candidates = []
            for position in (offset, len(columns.roles) - (len(role_cells) - offset)):
                if 0 <= position < len(columns.roles):
                    title = self._role_title(columns, position)
                    if title is not None and title not in candidates:
                        candidates.append(title)
            if candidates:
                ambiguous.append((candidates, kind, cell.strip(), line.number))

        number_text = cells[columns.number].strip() if columns.number < len(cells) else ""
        number_match = re.fullmatch(r"(\d{1,3})\s*[.)]?", number_text)
        number = int(number_match[1]) if number_match else None
        if number_text and number is None:
            self.warn(line.number, "", f"cannot read the step number {number_text!r}")

        starts_step = number is not None or not rows
        if not starts_step:
            previous = rows[-1]
            has_time = bool(values.get("time", "").strip()) and _is_duration(values["time"])
            has_mark = any(kind in ("start", "end", "mark") for _, kind, _, _ in marks) or bool(ambiguous)
            starts_step = (has_time or has_mark) and bool(previous.text("time"))
        if starts_step:
            row = _RowDraft(line=line.number, number=number)
            rows.append(row)
        else:
            row = rows[-1]
        for key, value in values.items():
            if value.strip():
                row.texts.setdefault(key, []).append(value.replace("\n", " "))
                row.lines.setdefault(key, line.number)
        row.marks.extend(marks)
        row.ambiguous_marks.extend(ambiguous)

    # -- steps: performer, kind, coordinators --

    def _resolve_steps(self, rows: list[_RowDraft]) -> None:
        roles = self.draft.roles
        title_to_code = {role["title"]: role["code"] for role in roles}
        descriptions: list[str] = []
        for index, row in enumerate(rows):
            path = f"steps[{index + 1}]"
            step: dict[str, Any] = {"number": index + 1}
            if row.number is None:
                self.warn(row.line, f"{path}.number", f"the row has no number; numbered {index + 1} (the rows' order)")
            elif row.number != index + 1:
                self.warn(row.line, f"{path}.number", f"the sheet numbers this row {row.number}, but it is row "
                                                      f"{index + 1} of the table; numbered {index + 1}: check that "
                                                      "no row was lost")
            texts = {key: self.text(row.text(key), row.lines.get(key, row.line), f"{path}.{_FIELD_NAMES[key]}")
                     for key in _STEP_FIELDS}  # fmt: skip
            description = texts["description"]
            descriptions.append(description)
            step["description"] = description

            performer, coordinators = self._performer(index, row, rows, descriptions, texts, path)
            step["performer"] = title_to_code.get(performer, "") if performer else ""
            kind, note = _infer_kind(description, index)
            step["kind"] = kind
            if note:
                self.warn(row.line, f"{path}.kind", note)
                if kind == sop_kinds.fallback_kind().name or index == 0:
                    self.draft.todo[f"{path}.kind"] = "TODO: check the kind"
            codes = [title_to_code[title] for title in coordinators if title in title_to_code]
            step["coordinators"] = [code for code in dict.fromkeys(codes) if code != step["performer"]]
            for key in ("inputs", "time", "output"):
                if not texts[key]:
                    self._missing(f"{path}.{_FIELD_NAMES[key]}", row.line, f"{_COLUMN_NAMES[key]} of step {index + 1}")
            if not description:
                self._missing(f"{path}.description", row.line, f"Uraian Prosedur of step {index + 1}")
            step["inputs"] = texts["inputs"]
            step["time_limit"] = texts["time"]
            if texts["time"]:
                try:
                    parse_duration(texts["time"])
                except ValueError as error:
                    self.warn(row.lines.get("time", row.line), f"{path}.time_limit", str(error))
                    self.draft.todo[f"{path}.time_limit"] = "TODO: cannot read this time limit"
            step["output"] = texts["output"]
            step["notes"] = texts["notes"]
            self.draft.steps.append(step)

    def _performer(
        self,
        index: int,
        row: _RowDraft,
        rows: list[_RowDraft],
        descriptions: list[str],
        texts: dict[str, str],
        path: str,
    ) -> tuple[str | None, list[str]]:
        """Who performs a step: the column with the mark, else what the text says. Returns (title, coordinator titles)."""
        titles = [role["title"] for role in self.draft.roles]
        field_name = f"{path}.performer"
        for title, kind, raw, line in row.marks:
            if kind == "noise":
                self.warn(line, field_name, f"ignored {raw!r} in the {title} column: not a mark")
        column = list(dict.fromkeys(t for t, kind, _, _ in row.marks if kind in ("start", "end", "mark")))
        coordinators = [t for t, kind, _, _ in row.marks if kind == "coordinator"]
        coordinators += _coordinators_named(texts["description"], titles)

        subject = _subject(texts["description"], titles)
        handover = None
        if index > 0:
            previous = rows[index - 1]
            handover = _handover(descriptions[index - 1], titles) or _handover(
                previous.text("output"), titles, verbs=False
            )
        evidence = []
        if subject:
            evidence.append((subject, f"the description begins with {subject!r}"))
        if handover:
            evidence.append((handover[0], f"step {index} hands over to {handover[0]} ({handover[1]!r})"))

        for candidates, kind, raw, line in row.ambiguous_marks:
            if kind == "noise":
                self.warn(line, field_name, f"ignored {raw!r} in the Pelaksana columns: not a mark")
                continue
            if kind == "coordinator":
                continue
            agreeing = [c for c in candidates if any(c == who for who, _ in evidence)]
            chosen = agreeing[0] if agreeing else candidates[-1]
            reason = "which the text confirms" if agreeing else "counting the columns from Kelengkapan backwards"
            self.warn(line, field_name, f"the row has fewer or more Pelaksana cells than the header, so the column "
                                        f"of {raw!r} is unsure ({' or '.join(candidates)}); took {chosen}, {reason}")
            column.append(chosen)
        column = list(dict.fromkeys(column))

        if len(column) == 1:
            performer = column[0]
            for who, why in evidence[:1]:
                if who != performer:
                    self.warn(row.line, field_name, f"the mark is in the {performer} column but {why}; kept {performer}")
            return performer, coordinators
        if len(column) > 1:
            preferred = [who for who, _ in evidence if who in column]
            performer = preferred[0] if preferred else column[0]
            others = [title for title in column if title != performer]
            self.warn(row.line, field_name, f"marks in several Pelaksana columns ({', '.join(column)}); took "
                                            f"{performer} as the performer and {', '.join(others)} as coordinating")
            return performer, coordinators + others
        if evidence:
            performer = evidence[0][0]
            reasons = [why for who, why in evidence if who == performer]
            message = f"no mark in the Pelaksana columns; took {performer} because " + " and ".join(reasons)
            disagreeing = [why for who, why in evidence if who != performer]
            if disagreeing:
                message += f" (but {disagreeing[0]})"
            self.warn(row.line, field_name, message)
            return performer, coordinators
        self.warn(row.line, field_name, "no mark in the Pelaksana columns and the description names no performer: "
                                        "fill in the performer")
        self.draft.todo[field_name] = "TODO: who performs this step?"
        return None, coordinators

    # -- signature block --

    def _read_signatory(self, lines: list[_Line]) -> None:
        fragments = [(line.number, self.text(part, line.number, "sop.signatory"))
                     for line in lines for _, cell in line.filled for part in cell.split("\n")]  # fmt: skip
        fragments = [
            (number, text) for number, text in fragments
            if text and not re.match(r"^(ditetapkan|pada tanggal|mengetahui|disahkan)\b", text, re.I)
            and not re.match(r"^[A-Z][\w .]*,\s*\d{1,2}\s+\w+\s+\d{4}$", text)
        ]  # fmt: skip
        signatory = self.draft.signatory
        if not fragments:
            self._missing("sop.signatory.title", None, "the signature block (after the table)")
            self.draft.todo["sop.signatory.name"] = "TODO: the signatory's name"
            return
        nip_at = rank_at = None
        for position, (_, text) in enumerate(fragments):
            nip = re.match(r"^NIP\.?\s*:?\s*([\d ]{8,})$", text, re.I)
            if nip:
                signatory["nip"] = re.sub(r"\s+", " ", nip[1]).strip()
                nip_at = position
            elif re.match(r"^(pembina|penata|pengatur|juru)\b", text, re.I) or re.search(r"\b(I|II|III|IV)/[a-e]\b", text):
                signatory["rank"] = text
                rank_at = position
        end = min(p for p in (nip_at, rank_at, len(fragments)) if p is not None)
        if end == 0:
            self._missing("sop.signatory.name", fragments[0][0], "the signatory's name (above the NIP)")
            return
        signatory["name"] = fragments[end - 1][1]
        if end >= 2:
            signatory["title"] = " ".join(text for _, text in fragments[: end - 1])
        else:
            self._missing("sop.signatory.title", fragments[0][0], "the signatory's title (above the name)")
        if "nip" not in signatory:
            self.warn(fragments[-1][0], "sop.signatory.nip", "no NIP under the signature; left out")
        extra = fragments[max(p for p in (nip_at, rank_at, end - 1) if p is not None) + 1 :]
        for number, text in extra:
            self.warn(number, "sop.signatory", f"ignored {text!r} after the signature block")


# --- inference from the texts ------------------------------------------------------------------------------


def _role_pattern(titles: list[str]) -> str:
    ordered = sorted(titles, key=len, reverse=True)
    return "|".join(r"\s+".join(map(re.escape, title.split())) for title in ordered)


def _find_title(text: str, titles: list[str]) -> str | None:
    return next((title for title in titles if _norm(title) == _norm(text)), None)


def _subject(description: str, titles: list[str]) -> str | None:
    """The role a description starts with, as in "Sekretaris membuat jawaban ..."."""
    if not titles:
        return None
    match = re.match(rf"^\s*({_role_pattern(titles)})\b", description, re.I)
    return _find_title(match[1], titles) if match else None


_HANDOVER_VERBS = (
    r"melaporkan|menyampaikan|menyerahkan|meneruskan|mengirim(?:kan)?|memerintahkan|menugaskan|"
    r"mendisposisi(?:kan)?|melimpahkan|mengajukan|memberikan|menginstruksikan"
)


def _handover(text: str, titles: list[str], *, verbs: bool = True) -> tuple[str, str] | None:
    """The role a step hands its work to ("melaporkan ... kepada Sekretaris"): the last one named."""
    if not titles or not text:
        return None
    roles = _role_pattern(titles)
    if verbs:
        pattern = rf"\b(?:{_HANDOVER_VERBS})\b[^.;]*?\b(?:kepada|ke)\s+({roles})\b"
    else:
        pattern = rf"\b(?:kepada|ke|untuk)\s+({roles})\b"
    matches = list(re.finditer(pattern, text, re.I))
    if not matches:
        return None
    last = matches[-1]
    title = _find_title(last[1], titles)
    return (title, last[0]) if title else None


def _coordinators_named(description: str, titles: list[str]) -> list[str]:
    """Roles the description says the performer works with: "berkoordinasi dengan kasubag", "bersama staf teknis"."""
    if not titles:
        return []
    found: list[str] = []
    roles = _role_pattern(titles)
    for match in re.finditer(r"\b(?:berkoordinasi|koordinasi|bekerja\s*sama|bersama)\s+(?:dengan\s+)?", description, re.I):
        window = re.split(r"[,.;]|\b(?:terkait|untuk|dalam|mengenai|tentang|serta|kemudian)\b",
                          description[match.end() :], maxsplit=1, flags=re.I)[0]  # fmt: skip
        for role in re.finditer(rf"\b({roles})\b", window, re.I):
            title = _find_title(role[1], titles)
            if title and title not in found:
                found.append(title)
    return found


_DELEGATED = re.compile(r"\b(?:memerintahkan|menugaskan|mendisposisi(?:kan)?|menginstruksikan|meminta)\b[^.;]*", re.I)
_BASED_ON = re.compile(r"\b(?:berdasarkan|sesuai(?:\s+dengan)?)\s+\w+", re.I)


def _infer_kind(description: str, index: int) -> tuple[str, str]:
    """The step kind the description points to, and a note when it is not clear (the kind is then the generic
    fallback kind). The kinds and the verbs that recognise them come from the registered step kinds.

    What the performer orders someone else to do ("memerintahkan kepada JFU untuk menyampaikan
    jawaban") and what the step works from ("berdasarkan keputusan") are not the step's own work,
    so they are left out before looking for the verbs.
    """
    own = _BASED_ON.sub(" ", _DELEGATED.sub(" ", description))
    kinds = [info.name for info in sop_kinds.recognisable() if info.recognised_by.search(own)]
    first, fallback = sop_kinds.first_kind().name, sop_kinds.fallback_kind().name
    if index == 0:
        if first in kinds:
            return first, ""
        return first, f"the first step must be '{first}' (recording the complaint); the description does not say " \
                      "'menerima' or 'mencatat': check that this is where complaints are received"
    kinds = [kind for kind in kinds if kind != first]  # receiving a disposition later is not the intake
    if len(kinds) == 1:
        return kinds[0], ""
    if kinds:
        return fallback, f"the description fits several step kinds ({', '.join(kinds)}); set to '{fallback}': choose one"
    return fallback, f"the description fits no particular step kind; set to '{fallback}': check the kind"


def _parse_date(text: str) -> date | None:
    """"15 Desember 2022", "15 Des 2022", "15-12-2022", "2022-12-15" -> a date; None when unreadable."""
    text = text.strip()
    try:
        if match := re.search(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b", text):
            return date(int(match[1]), int(match[2]), int(match[3]))
        if match := re.search(r"\b(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{4})\b", text):
            return date(int(match[3]), int(match[2]), int(match[1]))
        if match := re.search(r"\b(\d{1,2})\s+([A-Za-z]+)\.?\s+(\d{4})\b", text):
            month = _MONTHS.get(match[2][:3].lower())
            if month:
                return date(int(match[3]), month, int(match[1]))
    except ValueError:  # 31 Februari
        return None
    return None


def _unit_code(unit: str) -> str:
    """A short code for the unit: initials of its words ("DPMPTSP"), or the first letters of a one-word name ("INSP")."""
    words = [word for word in re.findall(r"[A-Za-z]+", unit) if word.lower() not in _SMALL_WORDS]
    if not words:
        return "UNIT"
    if len(words) == 1:
        return words[0][:4].upper()
    return "".join(word[0] for word in words).upper()[:20]


_NUMBERED = r"(?:(?<=\s)|^)\(?{n}(?:[.)]\s*|\s+)(?=\S)"


def _split_numbered(text: str) -> list[str]:
    """"1 Alat Tulis Kantor 2 Telepon 3 Komputer" -> the items, following the numbers 1, 2, 3, ... in order."""
    if not re.match(_NUMBERED.format(n=1), text.strip()):
        return [text]
    text = text.strip()
    starts = [0]
    position, expected = 0, 2
    while True:
        match = re.compile(_NUMBERED.format(n=expected)).search(text, position + 1)
        if not match:
            break
        starts.append(match.start())
        position, expected = match.start(), expected + 1
    return [text[start:end].strip() for start, end in zip(starts, starts[1:] + [len(text)])]


_REGULATION_START = re.compile(
    r"\b(?:Undang-Undang|Peraturan|Keputusan|Instruksi|Surat\s+Edaran|UU|PP|Perda|Perwali|Perbup|Pergub|Perpres)\b"
    r"(?=(?:\s+\S+){0,10}?\s+(?:Nomor|No\.?)\s*\d)"
)
_LINKING_WORDS = {"atas", "tentang", "dari", "dalam", "dengan", "terhadap", "sebagaimana", "pelaksanaan",
                  "perubahan", "berdasarkan", "menjadi", "ketentuan", "dan", "atau"}  # fmt: skip


def _split_regulations(text: str) -> list[str]:
    """Split a run of regulations before each one that starts ("Peraturan Daerah Nomor ..."), not inside titles."""
    starts = [0]
    for match in _REGULATION_START.finditer(text):
        if match.start() == 0:
            continue
        before = text[: match.start()].split()
        if before and before[-1].lower().strip(",") in _LINKING_WORDS:
            continue
        starts.append(match.start())
    return [text[start:end].strip() for start, end in zip(starts, starts[1:] + [len(text)])]


def _strip_marker(text: str) -> str:
    return re.sub(r"^\s*(?:\(?\d{1,2}[.)]?|[a-z][.)]|[-•▪·*])\s+", "", text).strip()


# --- writing the draft -------------------------------------------------------------------------------------


def _toml_string(value: str) -> str:
    escaped = []
    for char in value:
        if char == "\\":
            escaped.append("\\\\")
        elif char == '"':
            escaped.append('\\"')
        elif char == "\n":
            escaped.append("\\n")
        elif char == "\t":
            escaped.append("\\t")
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            escaped.append(f"\\u{ord(char):04x}")
        else:
            escaped.append(char)
    return '"' + "".join(escaped) + '"'


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        if not value:
            return "[]"
        if all(isinstance(item, str) for item in value) and sum(len(item) for item in value) < 60:
            return "[" + ", ".join(_toml_string(item) for item in value) + "]"
        return "[\n" + "".join(f"  {_toml_value(item)},\n" for item in value) + "]"
    return _toml_string(str(value))


def _comment(text: str) -> str:
    return "# " + text.replace("\n", " ")


def _render_toml(draft: _Draft, warnings: list[ImportWarning], name: str) -> str:
    """The draft as an SOP file: the fields in the usual order, each warning as a comment above its field."""
    by_field: dict[str, list[ImportWarning]] = {}
    for warning in warnings:
        by_field.setdefault(warning.field, []).append(warning)
    used: set[str] = set()
    out: list[str] = [
        f"# DRAFT SOP file imported from {Path(name).name or 'a sheet'} by `pengaduan sop import`.",
        "# Check it against the signed sheet: every CHECK and TODO comment below, then",
        "#   pengaduan sop validate FILE   and   pengaduan sop load FILE",
        "# The format is described in docs/sop-format.md.",
    ]
    if warnings:
        out.append("#")
        out.append(f"# {len(warnings)} import note(s); line numbers refer to the source sheet:")
        out.extend(_comment("  " + warning.format()) for warning in warnings)
    out.append("")

    def notes(field_name: str) -> None:
        for warning in by_field.get(field_name, []):
            where = f" (line {warning.line})" if warning.line is not None else ""
            out.append(_comment(f"CHECK{where}: {warning.message}"))
        used.add(field_name)

    def put(field_name: str, key: str, value: Any) -> None:
        notes(field_name)
        todo = draft.todo.get(field_name)
        if value is None:
            if todo:
                out.append(_comment(todo))
            return
        line = f"{key} = {_toml_value(value)}"
        if todo and todo.startswith("TODO") and "\n" not in line:
            line += f"  # {todo}"
        elif todo:
            out.append(_comment(todo))
        out.append(line)

    sop = draft.sop
    out.append("[sop]")
    notes("sop")
    for key in ("code", "name", "organisation", "unit", "unit_code"):
        if key == "unit_code" and key not in sop:
            continue
        put(f"sop.{key}", key, sop.get(key, ""))
    for key in ("created", "revised", "ratified"):
        put(f"sop.{key}", key, sop.get(key))
    put("sop.ratified_by", "ratified_by", sop.get("ratified_by", ""))
    for key in _BOX_NAMES:
        put(f"sop.{key}", key, sop.get(key, []))

    out.append("")
    out.append("[sop.signatory]")
    notes("sop.signatory")
    for key in ("title", "name", "rank", "nip"):
        if key in ("rank", "nip") and key not in draft.signatory:
            notes(f"sop.signatory.{key}")
            continue
        put(f"sop.signatory.{key}", key, draft.signatory.get(key, ""))

    out.append("")
    notes("roles")
    for role in draft.roles:
        out.append("[[roles]]")
        out.append(f"code = {_toml_string(role['code'])}")
        out.append(f"title = {_toml_string(role['title'])}")
        out.append("")

    for index, step in enumerate(draft.steps, start=1):
        path = f"steps[{index}]"
        out.append("[[steps]]")
        notes(path)
        put(f"{path}.number", "number", step["number"])
        put(f"{path}.kind", "kind", step["kind"])
        put(f"{path}.description", "description", step["description"])
        put(f"{path}.performer", "performer", step["performer"])
        put(f"{path}.coordinators", "coordinators", step["coordinators"])
        put(f"{path}.inputs", "inputs", step["inputs"])
        put(f"{path}.time_limit", "time_limit", step["time_limit"])
        put(f"{path}.output", "output", step["output"])
        put(f"{path}.notes", "notes", step["notes"])
        out.append("")

    leftovers = [w for w in warnings if w.field and w.field not in used and w.field not in ("", "sop")]
    if leftovers:  # fields not written (e.g. a box label for a column that does not exist)
        out.extend(_comment(f"CHECK: {w.format()}") for w in leftovers)
    return "\n".join(out).rstrip() + "\n"
