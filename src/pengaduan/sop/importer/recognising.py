"""Recognising the sheet's parts: the identity block and boxes, the procedure table with its header rows and
Pelaksana columns, its rows, and the signature block. What each part means is `mapping`'s business.
"""

from __future__ import annotations

import difflib
import re

from pengaduan.sop.importer.mapping import _SheetMapper
from pengaduan.sop.importer.reading import _Line
from pengaduan.sop.importer.results import ImportWarning, SopImportError
from pengaduan.sop.importer.sheet import (
    _BOX_LABELS,
    _BOX_NAMES,
    _Cleaner,
    _Columns,
    _Draft,
    _IDENTITY_LABELS,
    _PAGE_NOISE,
    _QUALITY_COLUMNS,
    _RowDraft,
    _TABLE_HEADINGS,
    _best_match,
    _classify_mark,
    _is_duration,
    _norm,
    _slug,
)


class _SheetReader(_SheetMapper):
    """Reads the lines of a sheet into a `_Draft`, collecting warnings with line numbers as it goes.

    It recognises the parts of the sheet; `_SheetMapper` (mapping) turns them into the SOP file's fields."""

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
