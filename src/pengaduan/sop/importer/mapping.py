"""Mapping what was recognised to an SOP file: identity fields, lists, each step's performer, coordinators and
kind (asked of the registered step kinds through `pengaduan.sop.kinds`), dates, and the TOML draft itself.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

from pengaduan.sop import kinds as sop_kinds
from pengaduan.sop.importer.results import ImportWarning
from pengaduan.sop.importer.sheet import (
    _BOX_NAMES,
    _COLUMN_NAMES,
    _Draft,
    _EMPTY_CELLS,
    _FIELD_NAMES,
    _MONTHS,
    _RowDraft,
    _SMALL_WORDS,
    _STANDARD_TITLE,
    _STEP_FIELDS,
    _UNIT_WORDS,
    _norm,
    _title_case,
)
from pengaduan.sop.schema import ComplainantReminder, TimeClasses
from pengaduan.workcalendar.durations import parse_duration


class _SheetMapper:
    """The mapping half of the sheet reader: from recognised blocks and rows to the draft's fields.

    Mixed into `recognising._SheetReader`, which provides the state (`draft`, `warn`, `text`, ...)."""

    # -- identity block and boxes --

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
    # Not on the sheet: the LAPOR! time classes and the reminders to a complainant who has not answered.
    # Written out (commented) with their defaults, so the unit sees what applies and where to change it.
    out.append("# SP4N-LAPOR! time classes and reminders to the complainant (not on the sheet; these are the")
    out.append("# defaults that apply when the tables are left out; docs/sop-format.md):")
    out.append("# [sop.time_classes]")
    for key, value in TimeClasses().model_dump().items():
        out.append(f"# {key} = {_toml_string(value)}")
    out.append("# [sop.complainant_reminder]")
    for key, value in ComplainantReminder().model_dump().items():
        out.append(f"# {key} = {_toml_value(value)}")
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
