"""`pengaduan sop validate|load|show|import|print`: check an SOP file, load it as a version, show it as the
document reads, import a sheet into a draft file, print a version as the standard sheet (PDF).

`show` lays the SOP out like the paper original (identity block, procedure table with one column
per Pelaksana, signature), so whoever loads a file can compare it with the signed document.
`import` turns the sheet a unit already has (text from a PDF, or .docx) into a draft file to review;
`print` gives the signed layout back, with the swimlane flowchart, for any loaded version.
"""

import argparse
import textwrap
from pathlib import Path
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count, Max
from django.utils import timezone

from pengaduan.sop.errors import SopFileError, SopNotLoaded
from pengaduan.sop.importer import SopImportError, import_sheet
from pengaduan.sop.models import Sop
from pengaduan.sop.schema import SopDocument, load_sop_file, parse_sop_text
from pengaduan.sop.services import sop_current, sop_load, sop_version

DEFAULT_WIDTH = 160
PERFORMER_MARK = "●"
COORDINATOR_MARK = "○"
_MONTHS_ID = [
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
]  # fmt: skip


class Command(BaseCommand):
    help = "Validate, load and show SOP files (see docs/sop-format.md)."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{validate,load,show,import,print}")

        validate = actions.add_parser("validate", help="check SOP files without loading them")
        validate.add_argument("files", nargs="+", metavar="FILE", help="SOP file (TOML)")

        load = actions.add_parser("load", help="load SOP files; a changed file becomes a new version")
        load.add_argument("files", nargs="+", metavar="FILE", help="SOP file (TOML)")

        show = actions.add_parser("show", help="print a loaded SOP (or a file) laid out like the document")
        show.add_argument("code", nargs="?", metavar="CODE", help="SOP number, e.g. 3.1.1.10")
        show.add_argument("--version", type=int, dest="version_number", metavar="V", help="version (default: newest)")
        show.add_argument("--file", metavar="FILE", help="show this file instead of a loaded SOP (nothing is loaded)")
        show.add_argument("--width", type=int, default=DEFAULT_WIDTH, help=f"line width (default {DEFAULT_WIDTH})")

        sheet = actions.add_parser("import", help="read an SOP sheet (.txt extracted from a PDF, or .docx) into a "
                                                  "DRAFT SOP file to review")  # fmt: skip
        sheet.add_argument("file", metavar="FILE", help="the sheet: .txt (tab-separated) or .docx")
        sheet.add_argument("-o", "--output", metavar="OUT.toml", help="write the draft here (default: standard output)")
        sheet.add_argument("--force", action="store_true", help="overwrite OUT.toml if it exists")

        printing = actions.add_parser("print", help="print a loaded SOP (or a file) as the standard sheet, to PDF")
        printing.add_argument("code", nargs="?", metavar="CODE", help="SOP number, e.g. 3.1.1.10")
        printing.add_argument("--version", type=int, dest="version_number", metavar="V", help="version (default: newest)")
        printing.add_argument("--file", metavar="FILE", help="print this SOP file instead of a loaded SOP")
        printing.add_argument("-o", "--output", required=True, metavar="FILE.pdf", help="the PDF to write")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        getattr(self, f"handle_{action}")(**options)

    def handle_validate(self, *, files: list[str], **options: Any) -> None:
        errors = []
        for file in files:
            try:
                document = load_sop_file(file)
            except SopFileError as error:
                errors.append(str(error))
                continue
            self.stdout.write(f"OK: SOP {document.code} {document.name}, {len(document.steps)} steps")
        if errors:
            raise CommandError("\n".join(errors))

    def handle_load(self, *, files: list[str], **options: Any) -> None:
        # Validate everything first, so a typo in one file does not leave the others half loaded.
        errors = []
        for file in files:
            try:
                load_sop_file(file)
            except SopFileError as error:
                errors.append(str(error))
        if errors:
            raise CommandError("\n".join(errors))
        for file in files:
            sop, created = sop_load(path=file)
            if created:
                self.stdout.write(f"Loaded SOP {sop.code} as version {sop.version}")
                continue
            self.stdout.write(f"SOP {sop.code} unchanged: version {sop.version} is the same file")
            current = sop_current(sop.code)
            if current.version != sop.version:
                self.stderr.write(
                    f"Note: the newest version of SOP {sop.code} is {current.version}, so new complaints still "
                    f"follow version {current.version}. A version's content can be loaded only once; to make this "
                    "content the newest again, change the file (its header comment will do) and load it again."
                )

    def handle_show(
        self, *, code: str | None, version_number: int | None, file: str | None, width: int, **options: Any
    ) -> None:
        width = max(width, 80)
        if file is not None:
            if code is not None or version_number is not None:
                raise CommandError("Give either --file FILE or CODE [--version V], not both.")
            try:
                document = load_sop_file(file)
            except SopFileError as error:
                raise CommandError(str(error)) from None
            self.stdout.write(render_sop(document.model_dump(mode="json"), width=width, origin=f"Berkas: {file}"))
            return
        if code is None:
            codes = list(Sop.objects.values_list("code", flat=True).distinct())
            if len(codes) != 1:
                if version_number is not None:
                    raise CommandError("--version needs the SOP number: pengaduan sop show CODE --version V")
                self.stdout.write(self._list_loaded())
                return
            code = codes[0]
        try:
            sop = sop_current(code) if version_number is None else sop_version(code, version_number)
        except SopNotLoaded as error:
            raise CommandError(str(error)) from None
        loaded_at = timezone.localtime(sop.loaded_at).strftime("%Y-%m-%d %H:%M")
        origin = f"Versi {sop.version}, dimuat {loaded_at}" + (f" dari {sop.source_name}" if sop.source_name else "")
        self.stdout.write(render_sop(sop.document, width=width, origin=origin))

    def handle_import(self, *, file: str, output: str | None, force: bool, **options: Any) -> None:
        if output and Path(output).exists() and not force:
            raise CommandError(f"{output} exists; choose another name or add --force to overwrite it")
        try:
            result = import_sheet(file)
        except SopImportError as error:
            raise CommandError(str(error)) from None
        if output:
            _write(output, result.document_toml.encode("utf-8"))
        else:
            self.stdout.write(result.document_toml, ending="")
        if result.warnings:
            self.stderr.write(f"{len(result.warnings)} thing(s) to check (also written as comments in the draft):")
            for warning in result.warnings:
                self.stderr.write(f"  {warning.format(file)}")
        target = output or "the draft"
        try:
            document = parse_sop_text(result.document_toml, output or "draft")
        except SopFileError as error:
            self.stderr.write(f"{target} does not validate yet; fix these, then `pengaduan sop validate`:")
            for line in error.lines:
                self.stderr.write(f"  {line}")
            summary = f"Wrote the draft imported from {file} to {output}" if output else ""
        else:
            summary = (
                f"Wrote a draft of SOP {document.code} {document.name} ({len(document.steps)} steps) to {output}; "
                f"check it against the sheet, then `pengaduan sop load {output}`"
                if output
                else ""
            )
        if summary:
            self.stdout.write(summary)

    def handle_print(
        self, *, code: str | None, version_number: int | None, file: str | None, output: str, **options: Any
    ) -> None:
        from pengaduan.sop.printing import SopPrintError, sop_sheet_pdf  # ReportLab is only needed here

        def pdf(sop: Any) -> bytes:
            try:
                return sop_sheet_pdf(sop)
            except SopPrintError as error:
                raise CommandError(f"Cannot print SOP {sop.code}: {error}") from None

        if file is not None:
            if code is not None or version_number is not None:
                raise CommandError("Give either --file FILE or CODE [--version V], not both.")
            try:
                document = load_sop_file(file)
            except SopFileError as error:
                raise CommandError(str(error)) from None
            _write(output, pdf(document))
            self.stdout.write(f"Printed SOP {document.code} from {file} to {output}")
            return
        if code is None:
            codes = list(Sop.objects.values_list("code", flat=True).distinct())
            if len(codes) != 1:
                raise CommandError("Which SOP? pengaduan sop print CODE [--version V] -o FILE.pdf\n" + self._list_loaded())
            code = codes[0]
        try:
            sop = sop_current(code) if version_number is None else sop_version(code, version_number)
        except SopNotLoaded as error:
            raise CommandError(str(error)) from None
        _write(output, pdf(sop))
        self.stdout.write(f"Printed SOP {sop.code} version {sop.version} to {output}")

    def _list_loaded(self) -> str:
        rows = Sop.objects.values("code").annotate(newest=Max("version"), count=Count("id")).order_by("code")
        if not rows:
            return "No SOP is loaded yet. Load one with `pengaduan sop load FILE`."
        lines = ["Loaded SOPs:"]
        for row in rows:
            sop = Sop.objects.get(code=row["code"], version=row["newest"])
            lines.append(f"  {sop.code:<16} v{sop.version:<3} {sop.name}  ({row['count']} version(s))")
        lines.append("Show one with `pengaduan sop show CODE [--version V]`.")
        return "\n".join(lines)


def _write(path: str, data: bytes) -> None:
    """Write an output file; a wrong path is a message, not a traceback."""
    try:
        Path(path).write_bytes(data)
    except OSError as error:
        raise CommandError(f"{path}: cannot write: {error.strerror or error}") from None


# --- layout -------------------------------------------------------------------------------------------------


def render_sop(document: dict[str, Any], *, width: int = DEFAULT_WIDTH, origin: str = "") -> str:
    """The SOP as the document lays it out. Takes the JSON form (`Sop.document`), so old versions render too."""
    identity = document["sop"]
    parts = [_render_identity(identity, width=width, origin=origin)]
    parts.append(_render_procedure(document.get("roles", []), document.get("steps", []), width=width))
    parts.append(_render_signatory(identity.get("signatory") or {}, width=width))
    return "\n\n".join(parts) + "\n"


def render_document(document: SopDocument, *, width: int = DEFAULT_WIDTH) -> str:
    """`render_sop` for a validated file."""
    return render_sop(document.model_dump(mode="json"), width=width)


def _format_date(value: str | None) -> str:
    if not value:
        return "-"
    day = date.fromisoformat(value)
    return f"{day.day} {_MONTHS_ID[day.month - 1]} {day.year}"


def _render_identity(identity: dict[str, Any], *, width: int, origin: str) -> str:
    label_width = 26
    lines = [
        identity.get("organisation", "").upper(),
        identity.get("unit", "").upper(),
        "STANDAR OPERASIONAL PROSEDUR (SOP)",
        identity.get("name", "").upper(),
        "",
    ]
    fields = [
        ("Nomor SOP", identity.get("code", "")),
        ("Tanggal Pembuatan", _format_date(identity.get("created"))),
        ("Tanggal Revisi", _format_date(identity.get("revised"))),
        ("Tanggal Pengesahan", _format_date(identity.get("ratified"))),
        ("Disahkan oleh", identity.get("ratified_by", "")),
        ("Nama SOP", identity.get("name", "")),
    ]
    if origin:
        fields.append(("Sumber", origin))
    for label, value in fields:
        lines.extend(_wrap(value, width - label_width, first=label.ljust(label_width), rest=" " * label_width))
    sections = [
        ("Dasar Hukum", "legal_basis"),
        ("Kualifikasi Pelaksana", "qualifications"),
        ("Keterkaitan", "related_sops"),
        ("Peralatan/Perlengkapan", "equipment"),
        ("Peringatan", "warnings"),
        ("Pencatatan dan Pendataan", "recording"),
    ]
    for label, key in sections:
        items = identity.get(key) or []
        lines.append("")
        lines.append(f"{label}:")
        if not items:
            lines.append("  -")
        for number, item in enumerate(items, start=1):
            bullet = f"  {number}. " if len(items) > 1 else "  "
            lines.extend(_wrap(item, width - len(bullet), first=bullet, rest=" " * len(bullet)))
    return "\n".join(lines)


def _wrap(text: str, width: int, *, first: str = "", rest: str = "") -> list[str]:
    wrapped = textwrap.wrap(text, max(width, 10)) or [""]
    return [(first if index == 0 else rest) + line for index, line in enumerate(wrapped)]


def _render_procedure(roles: list[dict[str, Any]], steps: list[dict[str, Any]], *, width: int) -> str:
    """The procedure table: No. | Uraian Prosedur | Pelaksana (one column per role) | Mutu Baku | Keterangan."""
    role_widths = [max(len(f"{PERFORMER_MARK} selesai"), min(len(role["title"]), 12)) for role in roles]
    time_width = max([len("Waktu")] + [min(len(step["time_limit"]), 14) for step in steps])
    fixed = len("No.") + sum(role_widths) + time_width
    column_count = 2 + len(roles) + 4
    free = max(width - (3 * column_count + 1) - fixed, 4 * 12)
    shares = {"description": 0.38, "inputs": 0.2, "output": 0.22, "notes": 0.2}
    # Each text column is at least as wide as its longest word (up to a point), so words are not cut.
    widths = {
        key: max(12, min(24, max((len(word) for step in steps for word in str(step.get(key, "")).split()), default=0)))
        for key in shares
    }
    extra = max(0, free - sum(widths.values()))
    for key, share in shares.items():
        widths[key] += int(extra * share)
    widths["description"] += max(0, free - sum(widths.values()))  # rounding leftovers go to the widest column

    column_widths = [3, widths["description"], *role_widths]
    column_widths += [widths["inputs"], time_width, widths["output"], widths["notes"]]
    headings = ["No.", "Uraian Prosedur", *(role["title"] for role in roles)]
    headings += ["Kelengkapan", "Waktu", "Output", "Keterangan"]

    def rule(char: str = "-") -> str:
        return "+" + "+".join(char * (w + 2) for w in column_widths) + "+"

    def row(cells: list[str]) -> list[str]:
        wrapped = [textwrap.wrap(cell, w) or [""] for cell, w in zip(cells, column_widths)]
        height = max(len(lines) for lines in wrapped)
        padded = [lines + [""] * (height - len(lines)) for lines in wrapped]
        return ["| " + " | ".join(map(str.ljust, cells, column_widths)) + " |" for cells in zip(*padded)]

    def span(label: str, first: int, count: int) -> str:
        inner = sum(column_widths[first : first + count]) + 3 * (count - 1)
        return f" {label.center(inner)} "

    # Group heading row: "Pelaksana" over the role columns, "Mutu Baku" over Kelengkapan/Waktu/Output.
    role_start = 2
    quality_start = role_start + len(roles)
    groups = [
        span("", 0, 1),
        span("", 1, 1),
        span("Pelaksana", role_start, len(roles)) if roles else None,
        span("Mutu Baku", quality_start, 3),
        span("", quality_start + 3, 1),
    ]
    lines = [rule(), "|" + "|".join(group for group in groups if group is not None) + "|", rule()]
    lines += row(headings)
    lines.append(rule("="))
    for index, step in enumerate(steps):
        marks = []
        for role in roles:
            mark = ""
            if role["code"] == step["performer"]:
                mark = PERFORMER_MARK
                if index == 0:
                    mark += " mulai"
                elif index == len(steps) - 1:
                    mark += " selesai"
            elif role["code"] in step.get("coordinators", []):
                mark = COORDINATOR_MARK
            marks.append(mark)
        cells = [
            str(step["number"]),
            step["description"],
            *marks,
            step["inputs"],
            step["time_limit"],
            step["output"],
            step.get("notes", ""),
        ]
        lines += row(cells)
        lines.append(rule())
    lines.append(f"{PERFORMER_MARK} pelaksana   {COORDINATOR_MARK} berkoordinasi")
    return "\n".join(lines)


def _render_signatory(signatory: dict[str, Any], *, width: int) -> str:
    block = [signatory.get("title", ""), "", "", signatory.get("name", "")]
    if signatory.get("rank"):
        block.append(signatory["rank"])
    if signatory.get("nip"):
        block.append(f"NIP. {signatory['nip']}")
    indent = " " * max(0, width - max(len(line) for line in block) - 10)
    return "\n".join((indent + line).rstrip() for line in block)
