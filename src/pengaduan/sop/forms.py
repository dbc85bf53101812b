"""The SOP sheet upload, shared by the admin's import page and the onboarding of a new unit."""

from pathlib import Path

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pengaduan.sop.importer import MAX_SHEET_BYTES, ImportResult, SopImportError, import_sheet_bytes


class SheetUploadForm(forms.Form):
    """Valid when the uploaded sheet could be read and mapped to a draft SOP file: `result` holds the draft."""

    sheet = forms.FileField(
        label=gettext_lazy("SOP sheet"),
        help_text=gettext_lazy("Text extracted from the PDF (.txt, tab-separated) or a Word document (.docx)."),
    )
    result: ImportResult | None = None

    def clean_sheet(self):
        sheet = self.cleaned_data["sheet"]
        if sheet.size > MAX_SHEET_BYTES:
            raise forms.ValidationError(_("The file is too large for an SOP sheet."))
        try:
            self.result = import_sheet_bytes(sheet.read(), Path(sheet.name).name)
        except SopImportError as error:
            raise forms.ValidationError(error.message) from None
        return sheet
