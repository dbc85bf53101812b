"""Import an SOP sheet (the standard PermenPANRB 35/2012 layout) into a DRAFT SOP file for review.

Units keep their SOPs as PDFs or Word files; retyping one into TOML by hand is slow and error-prone.
The importer reads the sheet as it comes — text extracted from a PDF (tab-separated, with broken
lines, stray characters, repeated headers and misspelled headings) or a .docx table — and writes a
draft TOML file. It never guesses silently: whatever it could not read, or had to infer (a performer
from the description, a step kind, a missing number), becomes an `ImportWarning` with the line of
the source, and a comment next to the field in the draft. A person then checks the draft against
the signed sheet and loads it with `pengaduan sop load` (or the admin's review page).

Three steps, one module each: `reading` (the bytes of a .txt or .docx as lines of cells), `recognising`
(the identity block, the procedure table and its columns, the signature block) and `mapping` (from
what was recognised to the SOP file's fields, and the TOML draft). `sheet` holds the sheet's vocabulary.

Public API: `import_sheet(path)` / `import_sheet_bytes(data, name)` -> `ImportResult`; bad files
raise `SopImportError` with one clear sentence.
"""

from __future__ import annotations

from pathlib import Path

from pengaduan.sop.importer.mapping import _render_toml
from pengaduan.sop.importer.reading import DOCX_PARAGRAPH_BREAK, MAX_SHEET_BYTES, read_sheet
from pengaduan.sop.importer.recognising import _SheetReader
from pengaduan.sop.importer.results import ImportResult, ImportWarning, SopImportError

__all__ = ["DOCX_PARAGRAPH_BREAK", "MAX_SHEET_BYTES", "ImportResult", "ImportWarning", "SopImportError",
           "import_sheet", "import_sheet_bytes"]


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
    lines, source_text, notes = read_sheet(data, name)
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
