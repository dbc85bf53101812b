"""What an import gives back: the draft with its warnings, or one clear error."""

from __future__ import annotations

from dataclasses import dataclass, field


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
