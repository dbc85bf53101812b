"""Reading a sheet: the bytes of a .txt (text extracted from a PDF) or a .docx, as lines of cells.

Whatever the format, the rest of the importer sees `_Line`s: the cells of one row with the line number
of the source, and the source text shown beside the draft.
"""

from __future__ import annotations

import codecs
import io
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from pengaduan.sop.importer.results import ImportWarning, SopImportError

MAX_SHEET_BYTES = 10 * 1024 * 1024  # an SOP sheet is a few pages; anything larger is not one
DOCX_PARAGRAPH_BREAK = " ¶ "  # how paragraph breaks inside a .docx cell show in the source text


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


def read_sheet(data: bytes, name: str) -> tuple[list[_Line], str, list[ImportWarning]]:
    """The sheet's lines, its source text and notes on reading it; SopImportError for what is not a sheet."""
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
        return lines, source_text, []
    text, notes = _decode_text(data, name)
    lines, source_text = _text_lines(text)
    return lines, source_text, notes


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
