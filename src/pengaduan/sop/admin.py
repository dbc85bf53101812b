"""Admin for loaded SOP versions: read-only pages, a printed sheet of any version, and the sheet import.

SOP versions come only from SOP files through the loader: a version is never edited, because
complaints already running follow it. The admin therefore lets staff look at versions and print
them, and — for staff allowed to add SOPs — import a sheet: upload the unit's SOP (.txt extracted
from a PDF, or .docx), correct the draft TOML beside the source with the unreadable lines
highlighted, validate it, and load it as a new version through the same loader as the command.
"""

import json
import re
from pathlib import Path
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pengaduan.sop.errors import SopFileError, SopProblem
from pengaduan.sop.forms import SheetUploadForm
from pengaduan.sop.importer import ImportWarning
from pengaduan.sop.models import Sop, SopStep
from pengaduan.sop.schema import parse_sop_text
from pengaduan.sop.services import sop_load

IMPORT_PERMISSION = "sop.add_sop"  # loading a version is adding an SOP, whatever the ModelAdmin allows


class ReadOnlyMixin:
    """No add, change or delete: the view permission alone shows the read-only pages."""

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class SopStepInline(ReadOnlyMixin, admin.TabularInline):
    model = SopStep
    extra = 0
    can_delete = False
    show_change_link = False
    fields = [
        "number",
        "kind",
        "description",
        "performer",
        "coordinators",
        "inputs",
        "time_limit_text",
        "time_limit_amount",
        "time_limit_unit",
        "output",
        "notes",
    ]
    readonly_fields = fields


class DraftReviewForm(forms.Form):
    """The draft under review; the source and the warnings ride along so every round shows them again."""

    document = forms.CharField(
        label=gettext_lazy("Draft SOP file (TOML)"),
        strip=False,
        widget=forms.Textarea(attrs={"rows": 40, "cols": 90, "spellcheck": "false", "wrap": "off", "class": "sop-draft"}),
    )
    source_text = forms.CharField(required=False, strip=False, widget=forms.HiddenInput)
    source_name = forms.CharField(required=False, widget=forms.HiddenInput)
    warnings = forms.CharField(required=False, widget=forms.HiddenInput)


@admin.register(Sop)
class SopAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["code", "version", "name", "loaded_at"]
    list_filter = ["code"]
    search_fields = ["code", "name"]
    ordering = ["code", "-version"]
    date_hierarchy = "loaded_at"
    fields = ["code", "version", "name", "roles", "source_name", "checksum", "loaded_at", "document", "source"]
    readonly_fields = fields
    inlines = [SopStepInline]

    def get_urls(self) -> list[URLPattern]:
        own = [
            path("import/", self.admin_site.admin_view(self.import_view), name="sop_sop_import"),
            path("import/review.css", self.admin_site.admin_view(self.import_css_view), name="sop_sop_import_css"),
            path("<path:object_id>/print/", self.admin_site.admin_view(self.print_view), name="sop_sop_print"),
        ]
        return own + super().get_urls()

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        extra_context = {**(extra_context or {}), "can_import_sheet": request.user.has_perm(IMPORT_PERMISSION)}
        return super().changelist_view(request, extra_context)

    # -- print --

    def print_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The version as the standard sheet (PDF), for any version: it prints from the stored document."""
        from pengaduan.sop.printing import SopPrintError, sop_sheet_pdf

        sop = get_object_or_404(Sop, pk=object_id)
        if not self.has_view_permission(request, sop):
            raise PermissionDenied
        try:
            pdf = sop_sheet_pdf(sop)
        except SopPrintError as error:
            messages.error(request, _("This SOP cannot be printed: %(reason)s") % {"reason": error})
            return HttpResponseRedirect(reverse("admin:sop_sop_change", args=[sop.pk]))
        response = HttpResponse(pdf, content_type="application/pdf")
        name = re.sub(r"[^A-Za-z0-9.]+", "-", sop.code).strip("-")
        response["Content-Disposition"] = f'attachment; filename="sop-{name}-v{sop.version}.pdf"'
        return response

    # -- import --

    def import_css_view(self, request: HttpRequest) -> HttpResponse:
        """The review page's stylesheet: the Content Security Policy forbids inline styles, so it is a URL."""
        response = render(request, "admin/sop/sop/import_review.css", content_type="text/css; charset=utf-8")
        response["Cache-Control"] = "private, max-age=3600"
        return response

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Upload a sheet, then review the draft: validate, preview as PDF, or load it as a new version."""
        if not request.user.has_perm(IMPORT_PERMISSION):
            raise PermissionDenied
        action = request.POST.get("action", "") if request.method == "POST" else ""
        if action in ("validate", "preview", "load"):
            return self._review(request, action)

        upload = SheetUploadForm(request.POST or None, request.FILES or None)
        if action == "upload" and upload.is_valid():
            result = upload.result
            review = DraftReviewForm(
                initial={
                    "document": result.document_toml,
                    "source_text": result.source_text,
                    "source_name": result.source_name,
                    "warnings": _warnings_json(result.warnings),
                }
            )
            return self._render_review(request, review, result.source_text, result.source_name,
                                       result.warnings)  # fmt: skip
        return TemplateResponse(
            request, "admin/sop/sop/import.html", {**self._context(request, _("Import an SOP sheet")), "upload": upload}
        )

    def _review(self, request: HttpRequest, action: str) -> HttpResponse:
        review = DraftReviewForm(request.POST)
        if not review.is_valid():
            return self._render_review(request, review, "", "", [])
        data = review.cleaned_data
        source_text, source_name = data["source_text"], data["source_name"]
        warnings = _warnings_from_json(data["warnings"])
        text = data["document"].replace("\r\n", "\n")
        stem = re.sub(r"[^A-Za-z0-9._-]+", "-", Path(source_name).stem).strip("-.")[:200]
        toml_name = f"{stem or 'sop'}.toml"  # the name the loaded version records as its source file
        try:
            if action == "load":
                sop, created = sop_load(text=text, source_name=toml_name)
            else:
                document = parse_sop_text(text, toml_name)
        except SopFileError as error:
            return self._render_review(request, review, source_text, source_name, warnings, problems=error.problems)

        if action == "preview":
            from pengaduan.sop.printing import SopPrintError, sop_sheet_pdf

            try:
                pdf = sop_sheet_pdf(document)
            except SopPrintError as error:
                problem = SopProblem("roles", _("cannot be printed: %(reason)s") % {"reason": error})
                return self._render_review(request, review, source_text, source_name, warnings, problems=[problem])
            response = HttpResponse(pdf, content_type="application/pdf")
            response["Content-Disposition"] = f'inline; filename="{Path(toml_name).stem}-draft.pdf"'
            return response
        if action == "validate":
            valid = _("The draft is a valid SOP file: SOP %(code)s %(name)s, %(steps)d steps.") % {
                "code": document.code,
                "name": document.name,
                "steps": len(document.steps),
            }
            return self._render_review(request, review, source_text, source_name, warnings, valid=valid)
        if created:
            messages.success(request, _("Loaded SOP %(code)s as version %(version)d.") % {
                "code": sop.code, "version": sop.version})  # fmt: skip
        else:
            messages.warning(request, _("SOP %(code)s unchanged: version %(version)d has exactly this text.") % {
                "code": sop.code, "version": sop.version})  # fmt: skip
        return HttpResponseRedirect(reverse("admin:sop_sop_change", args=[sop.pk]))

    def _render_review(
        self,
        request: HttpRequest,
        review: DraftReviewForm,
        source_text: str,
        source_name: str,
        warnings: list[ImportWarning],
        *,
        problems: list[SopProblem] | None = None,
        valid: str = "",
    ) -> HttpResponse:
        by_line: dict[int, list[str]] = {}
        for warning in warnings:
            if warning.line is not None:
                by_line.setdefault(warning.line, []).append(warning.message)
        source_lines = [
            {"number": number, "text": text.replace("\t", " \u2502 "), "notes": by_line.get(number, [])}
            for number, text in enumerate(source_text.split("\n"), start=1)
        ] if source_text else []  # fmt: skip
        context = {
            **self._context(request, _("Review the imported SOP")),
            "draft_review": review,
            "source_name": source_name,
            "source_lines": source_lines,
            "warnings": warnings,
            "problems": [_problem_row(problem) for problem in problems or []],
            "valid": valid,
        }
        return TemplateResponse(request, "admin/sop/sop/import_review.html", context)

    def _context(self, request: HttpRequest, title: str) -> dict[str, Any]:
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "has_view_permission": self.has_view_permission(request),
        }


def _problem_row(problem: SopProblem) -> dict[str, str]:
    """A schema problem for the page: where (field, or line and column for TOML syntax) and what."""
    if problem.line is not None:
        where = _("line %(line)d, column %(column)d") % {"line": problem.line, "column": problem.column or 0}
        where = f"{where}: {problem.path}" if problem.path else where
    else:
        where = problem.path or _("the file")
    return {"where": where, "message": problem.message}


def _warnings_json(warnings: list[ImportWarning]) -> str:
    return json.dumps([[w.line, w.field, w.message] for w in warnings], ensure_ascii=False)


def _warnings_from_json(text: str) -> list[ImportWarning]:
    """The warnings carried through the review form; anything malformed is dropped (they are only shown)."""
    try:
        items = json.loads(text or "[]")
    except ValueError:
        return []
    warnings = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, list) and len(item) == 3:
            line, field_name, message = item
            if (line is None or isinstance(line, int)) and isinstance(field_name, str) and isinstance(message, str):
                warnings.append(ImportWarning(line, field_name, message))
    return warnings
