"""The SOP file format (TOML) and its validation.

An SOP file is edited by hand by the people who own the procedure, so every rule here reports
problems as `FILE: FIELD: what is wrong`, one line each, with list positions counted from 1
(`steps[3]` is the third `[[steps]]` table). The format is documented in docs/sop-format.md.
"""

import difflib
import re
import tomllib
import types
import typing
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from pengaduan.sop import kinds as sop_kinds
from pengaduan.sop.errors import SopFileError, SopProblem

__all__ = [
    "Role",
    "Signatory",
    "SopDocument",
    "SopFileError",
    "SopIdentity",
    "Step",
    "load_sop_file",
    "parse_sop_text",
    "read_sop_text",
]

ROLE_CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
ROLE_CODE_MAX_LENGTH = 32  # SopStep.performer and Membership.role hold at most 32 characters


def known_kinds() -> list[str]:
    """The step kinds in workflow order, for messages and docs: those the complaints layer registered
    (see pengaduan.sop.kinds; this module imports nothing above the SOP layer)."""
    return sop_kinds.known_kinds()


class _Problems(ValueError):
    """Several problems found by one validator, each with its path relative to the validated model.

    Pydantic reports one error per raised exception; carrying a list lets a cross-field check report
    every offending field precisely (the error formatter below unpacks it).
    """

    def __init__(self, problems: list[tuple[tuple[str | int, ...], str]]):
        self.problems = problems
        super().__init__("; ".join(message for _, message in problems))


def _check_role_code(value: str) -> str:
    if not ROLE_CODE_PATTERN.match(value) or len(value) > ROLE_CODE_MAX_LENGTH:
        raise ValueError(
            f"{value!r} is not a valid role code: use lower-case letters, digits and underscores, "
            f"starting with a letter, at most {ROLE_CODE_MAX_LENGTH} characters (e.g. 'jfu', 'kepala_bidang')"
        )
    return value


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Text20 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20)]
Text50 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]
Text100 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Text300 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
RoleCode = Annotated[str, AfterValidator(_check_role_code)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Signatory(_Model):
    """Who signed the SOP, as printed under it (the signature block)."""

    title: Text  # "INSPEKTUR KOTA MADIUN"
    name: Text  # "Drs. GAGUK HARIYONO"
    rank: str = ""  # pangkat/golongan, "Pembina Utama Muda"
    nip: str = ""  # Nomor Induk Pegawai, "19670720 198809 1 001"


def _check_time_limit(value: str) -> str:
    from pengaduan.workcalendar.durations import parse_duration

    parse_duration(value)  # a ValueError that quotes the text
    return value


class ExaminationRules(_Model):
    """How this unit's examinations (pemeriksaan by an Irban, ordered by a decision) run ([sop.examination]).

    Not a column of the sheet: the examiner is a role of the unit, not a Pelaksana of the procedure table."""

    role: RoleCode = "irban"
    time_limit: Annotated[Text50, AfterValidator(_check_time_limit)] = "10 hari kerja"


TimeLimitText = Annotated[Text50, AfterValidator(_check_time_limit)]


class TimeClasses(_Model):
    """The SP4N-LAPOR! time classes this unit is measured against beside its own step limits ([sop.time_classes]).

    Defaults are the LAPOR! values (PermenPANRB 62/2018 on SP4N-LAPOR!, and LAPOR!'s published rule that a report
    is verified within 3 working days; the 60 working days for a matter that needs an examination is the class
    "berkadar pengawasan" of the service standards built on it). Counted on the unit's calendar. See
    docs/sop-format.md, "[sop.time_classes]"."""

    verification: TimeLimitText = "3 hari kerja"  # received → verified (recorded in the Buku Pengaduan)
    follow_up: TimeLimitText = "5 hari kerja"  # verified → followed up (answered)
    follow_up_examination: TimeLimitText = "60 hari kerja"  # the same, for a case that needed an examination
    closing_without_reply: TimeLimitText = "10 hari kerja"  # a question unanswered this long closes the case


class ComplainantReminder(_Model):
    """When a complainant who has not answered a question is reminded ([sop.complainant_reminder])."""

    after: TimeLimitText = "2 hari kerja"  # after the question, and again this long after each reminder
    times: StrictInt = Field(default=1, ge=0, le=10)  # how many reminders at most (0: none)


class SopIdentity(_Model):
    """The identity block at the top of an SOP document ([sop] table)."""

    code: Text50  # Nomor SOP
    name: Text300  # Nama SOP
    organisation: Text  # "Pemerintah Kota Madiun"
    unit: Text  # "Inspektorat"
    unit_code: Text20 | None = None  # "INSP"
    created: date  # Tanggal Pembuatan
    revised: date | None = None  # Tanggal Revisi; absent when the document says "-"
    ratified: date  # Tanggal Pengesahan
    ratified_by: Text  # Disahkan oleh
    signatory: Signatory
    legal_basis: list[Text]  # Dasar Hukum
    qualifications: list[Text]  # Kualifikasi Pelaksana
    related_sops: list[Text]  # Keterkaitan
    equipment: list[Text]  # Peralatan/Perlengkapan
    warnings: list[Text]  # Peringatan
    recording: list[Text]  # Pencatatan dan Pendataan
    # Who may see a confidential (rahasia) complainant's identity; absent: the performers of the steps that
    # deal with the complainant (intake, clarify, deliver). See docs/sop-format.md.
    confidential_identity_roles: list[Text] | None = None
    # Examinations ordered by the decision step: the examiner role and its time limit; absent: the defaults
    # (settings EXAMINATION_ROLE and EXAMINATION_TIME_LIMIT). See docs/sop-format.md.
    examination: ExaminationRules | None = None

    # How long a forwarded case waits before the forwarding unit is reminded to follow it up (and again after
    # each such period until the answer is in), e.g. "10 hari kerja"; absent: DEFAULT_MONITORING_PERIOD.
    monitoring_period: Text100 | None = None
    # The LAPOR! time classes and the rule for closing a case whose complainant never answers; absent: the
    # LAPOR! defaults (TimeClasses). Reminders to a complainant who has not answered; absent: the defaults.
    time_classes: TimeClasses | None = None
    complainant_reminder: ComplainantReminder | None = None

    @field_validator("monitoring_period")
    @classmethod
    def _parsable_monitoring_period(cls, value: str | None) -> str | None:
        from pengaduan.workcalendar.durations import parse_duration

        if value is not None:
            parse_duration(value)  # its ValueError names what is wrong
        return value


class Role(_Model):
    """A performer role: one Pelaksana column of the procedure table."""

    code: RoleCode  # "jfu": what Membership.role and SopStep.performer hold
    title: Text100  # "JFU": the column heading


class Step(_Model):
    """One row of the procedure table."""

    number: StrictInt = Field(ge=1)  # No.
    kind: str  # which code runs the step: one of known_kinds()
    description: Text  # Uraian Prosedur
    performer: RoleCode  # the role with the mark in its Pelaksana column
    coordinators: list[RoleCode] = []  # roles the performer works with (e.g. Kasubag in step 2)
    inputs: Text  # Kelengkapan
    time_limit: Text100  # Waktu, as written: "30 menit", "maks 10 hari"
    time_unit: Literal["calendar_days"] | None = None  # override: count the days of time_limit as calendar days
    output: Text  # Output
    notes: str = ""  # Keterangan

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str) -> str:
        if value not in known_kinds():
            raise ValueError(f"{value!r} is not a known step kind (known: {', '.join(known_kinds())})")
        return value

    @field_validator("time_limit")
    @classmethod
    def _parsable_time_limit(cls, value: str) -> str:
        from pengaduan.workcalendar.durations import parse_duration

        parse_duration(value)  # its ValueError names what is wrong
        return value

    @field_validator("notes")
    @classmethod
    def _strip_notes(cls, value: str) -> str:
        return value.strip()

    @model_validator(mode="after")
    def _consistent(self) -> "Step":
        from pengaduan.workcalendar.durations import DurationUnit, parse_duration

        problems: list[tuple[tuple[str | int, ...], str]] = []
        if self.time_unit is not None:
            parsed = parse_duration(self.time_limit)
            if parsed.unit not in (DurationUnit.WORKING_DAYS, DurationUnit.CALENDAR_DAYS):
                problems.append(
                    (
                        ("time_unit",),
                        f"{self.time_unit!r} only applies to a time limit in days; "
                        f"{self.time_limit!r} is in {parsed.unit.value}",
                    )
                )
        seen: set[str] = set()
        for index, code in enumerate(self.coordinators):
            if code == self.performer:
                problems.append((("coordinators", index), f"{code!r} is the performer of this step"))
            elif code in seen:
                problems.append((("coordinators", index), f"{code!r} is listed twice"))
            seen.add(code)
        if problems:
            raise _Problems(problems)
        return self

    @property
    def duration(self):
        """The time limit as a `Duration` (parsed on demand: the file keeps the text as written)."""
        from pengaduan.workcalendar.durations import Duration, DurationUnit, parse_duration

        parsed = parse_duration(self.time_limit)
        if self.time_unit is not None:
            return Duration(parsed.amount, DurationUnit(self.time_unit))
        return parsed


class SopDocument(_Model):
    """A whole SOP file, validated: identity block, performer roles and the procedure steps."""

    sop: SopIdentity
    roles: list[Role] = Field(min_length=1)
    steps: list[Step] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> "SopDocument":
        problems = _cross_field_problems(self.model_dump())
        if problems:
            raise _Problems(problems)
        return self

    @property
    def code(self) -> str:
        return self.sop.code

    @property
    def name(self) -> str:
        return self.sop.name

    def role_title(self, code: str) -> str:
        return next((role.title for role in self.roles if role.code == code), code)


Loc = tuple[str | int, ...]


def _cross_field_problems(data: Any) -> list[tuple[Loc, str]]:
    """Rules that relate fields to each other: role codes unique, performers declared, steps 1..N, intake first.

    Works on plain data, not on the models, so that it can also run on a file whose structure has
    other errors: the author then sees every problem in one go instead of fixing them in rounds.
    Fields that are malformed are skipped here (their own error is reported by the models).
    """
    if not isinstance(data, dict):
        return []
    roles = data.get("roles") if isinstance(data.get("roles"), list) else []
    steps = data.get("steps") if isinstance(data.get("steps"), list) else []
    problems: list[tuple[Loc, str]] = []

    first_seen: dict[str, int] = {}
    roles_complete = bool(roles)  # only judge performers against a list of roles that could be read
    for index, role in enumerate(roles):
        code = role.get("code") if isinstance(role, dict) else None
        if not isinstance(code, str):
            roles_complete = False
        elif code in first_seen:
            message = f"{code!r} is declared twice (also roles[{first_seen[code] + 1}])"
            problems.append((("roles", index, "code"), message))
        else:
            first_seen[code] = index
    declared = ", ".join(first_seen)
    undeclared = "{!r} is not a declared role (declared: " + declared + ")"

    for index, step in enumerate(steps):
        if not isinstance(step, dict):
            continue
        number = step.get("number")
        if isinstance(number, int) and not isinstance(number, bool) and number != index + 1:
            problems.append(
                (
                    ("steps", index, "number"),
                    f"expected {index + 1}, found {number}: steps are numbered 1, 2, 3, ... in file order",
                )
            )
        first_kind = sop_kinds.first_kind().name  # a complaint must be recorded before anything else happens to it
        if index == 0 and isinstance(step.get("kind"), str) and step["kind"] != first_kind:
            problems.append(
                (
                    ("steps", 0, "kind"),
                    f"the first step must be {first_kind!r} (a complaint is recorded first), not {step['kind']!r}",
                )
            )
        if not roles_complete:
            continue
        performer = step.get("performer")
        if isinstance(performer, str) and performer not in first_seen:
            problems.append((("steps", index, "performer"), undeclared.format(performer)))
        coordinators = step.get("coordinators")
        for position, code in enumerate(coordinators if isinstance(coordinators, list) else []):
            if isinstance(code, str) and code not in first_seen:
                problems.append((("steps", index, "coordinators", position), undeclared.format(code)))
    identity = data.get("sop", {}).get("confidential_identity_roles") if isinstance(data.get("sop"), dict) else None
    if roles_complete and isinstance(identity, list):
        for position, code in enumerate(identity):
            if isinstance(code, str) and code not in first_seen:
                problems.append((("sop", "confidential_identity_roles", position), undeclared.format(code)))
    return problems


# --- reading and error reporting -------------------------------------------------------------------------

_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
_TOML_AT_END = re.compile(r"\s*\(at end of document\)$")


def read_sop_text(path: str | Path) -> str:
    """The text of an SOP file; problems reading it become a `SopFileError` naming the file.

    Read as UTF-8 with universal newlines (and an optional BOM dropped), so the checksum of a file
    does not change when it is checked out with Windows line endings.
    """
    path = Path(path)
    name = str(path)
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        message = "file not found"
    except IsADirectoryError:
        message = "is a directory, not an SOP file"
    except PermissionError:
        message = "cannot be read: permission denied"
    except UnicodeDecodeError as error:
        message = f"is not UTF-8 text (invalid byte at offset {error.start})"
    except OSError as error:
        message = f"cannot be read: {error.strerror or error}"
    raise SopFileError(name, [SopProblem("", message)])


def load_sop_file(path: str | Path) -> SopDocument:
    """Read and validate an SOP file; errors name the file as given."""
    return parse_sop_text(read_sop_text(path), str(path))


def parse_sop_text(text: str, source_name: str = "") -> SopDocument:
    """Validate SOP text (TOML); raise `SopFileError` listing every problem found, one per line."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise SopFileError(source_name, [_toml_problem(str(error), text)]) from None
    try:
        return SopDocument.model_validate(data)
    except ValidationError as error:
        problems = _problems(error)
    # The cross-field rules only run inside the models once the structure is valid; run them on the
    # raw data too so that one report lists everything, in file order.
    for found in _cross_field_problems(data):
        if found not in problems:
            problems.append(found)
    problems.sort(key=lambda problem: _sort_key(problem[0]))
    raise SopFileError(source_name, [SopProblem(_format_path(loc), message) for loc, message in problems])


def _toml_problem(message: str, text: str) -> SopProblem:
    """Turn tomllib's message into a problem with line and column (tomllib in 3.11 only has them in text)."""
    if match := _TOML_POSITION.search(message):
        return SopProblem("", f"invalid TOML: {message[: match.start()]}", int(match[1]), int(match[2]))
    if match := _TOML_AT_END.search(message):
        lines = text.split("\n")
        text_at_end = f"invalid TOML: {message[: match.start()]} at the end of the file"
        return SopProblem("", text_at_end, len(lines), len(lines[-1]) + 1)
    return SopProblem("", f"invalid TOML: {message}")


def _problems(error: ValidationError) -> list[tuple[Loc, str]]:
    problems: list[tuple[Loc, str]] = []
    for item in error.errors():
        loc = tuple(item["loc"])
        cause = (item.get("ctx") or {}).get("error")
        if isinstance(cause, _Problems):
            problems.extend((loc + relative, message) for relative, message in cause.problems)
        else:
            problems.append((loc, _message(item, loc)))
    return problems


def _sort_key(loc: Loc) -> tuple[int, ...]:
    """Order problems as their fields appear in the file: by field declaration order and list position."""
    key: list[int] = []
    for depth, part in enumerate(loc):
        if isinstance(part, int):
            key.append(part)
        else:
            model = _model_at(loc[:depth])
            fields = list(model.model_fields) if model else []
            key.append(fields.index(part) if part in fields else len(fields))
    return tuple(key)


def _format_path(loc: tuple[str | int, ...]) -> str:
    """`('steps', 2, 'performer')` -> `steps[3].performer`: positions count from 1, like the file reads."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part + 1}]"
        else:
            path += f".{part}" if path else str(part)
    return path


def _message(item: dict[str, Any], loc: tuple[str | int, ...]) -> str:
    kind = item["type"]
    ctx = item.get("ctx") or {}
    given = item.get("input")
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        allowed = list(_model_at(loc[:-1]).model_fields) if _model_at(loc[:-1]) else []
        message = "unknown field"
        if allowed:
            close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
            if close:
                message += f" (did you mean {close[0]!r}?)"
            message += f"; allowed here: {', '.join(allowed)}"
        return message
    if kind == "value_error":
        return str(ctx.get("error", item["msg"]))
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_too_long":
        return f"is too long (at most {ctx.get('max_length')} characters)"
    if kind == "too_short":
        return "must have at least one entry"
    if kind in {"model_type", "model_attributes_type", "dict_type"}:
        return f"should be a table, not {_describe(given)}"
    if kind == "list_type":
        return f"should be a list, not {_describe(given)}"
    if kind in _SHOW_INPUT:
        return f"{item['msg'][0].lower()}{item['msg'][1:]}, not {_describe(given)}"
    return f"{item['msg'][0].lower()}{item['msg'][1:]}"


_SHOW_INPUT = {"string_type", "int_type", "date_type", "date_parsing", "date_from_datetime_inexact", "literal_error"}


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return repr(value)


def _model_at(loc: tuple[str | int, ...]) -> type[BaseModel] | None:
    """The model class that validates the value at `loc`, to list the fields allowed there."""
    model: Any = SopDocument
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(model, type) and issubclass(model, BaseModel)) or part not in model.model_fields:
            return None
        model = _unwrap(model.model_fields[part].annotation)
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def _unwrap(annotation: Any) -> Any:
    """`list[Step]` -> `Step`, `Signatory | None` -> `Signatory`."""
    origin = typing.get_origin(annotation)
    if origin in (list, typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            if arg is not type(None):
                return _unwrap(arg)
    return annotation
