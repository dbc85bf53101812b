"""Importing the SP4N-LAPOR! admin panel's spreadsheet at the desk: upload, a preview of every row with its
errors, then the import (all or nothing). Only for officers who record complaints in the unit (the first step's
performer). The uploaded file waits for the confirmation in the data folder, readable by this server only, and
is removed once imported or replaced."""

import secrets
import time
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pengaduan.lapor.importer import MAX_BYTES, ImportFileError, ImportRefused, import_preview, import_write
from pengaduan.workdesk.views import _intake_units

SESSION_KEY = "lapor_import"
KEEP_SECONDS = 24 * 3600  # a preview nobody confirmed is forgotten after a day


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Spreadsheet exported from the LAPOR! admin panel (XLSX or CSV)"))


def _folder() -> Path:
    folder = Path(settings.DATA_DIR) / "lapor-imports"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    for old in folder.glob("*.upload"):
        if old.stat().st_mtime < time.time() - KEEP_SECONDS:
            old.unlink(missing_ok=True)
    return folder


def _forget(request) -> None:
    held = request.session.pop(SESSION_KEY, None)
    if held:
        (_folder() / f"{held['token']}.upload").unlink(missing_ok=True)


@login_required
def lapor_import(request):
    units = _intake_units(request.user)
    if not units:
        raise Http404
    chosen = request.POST.get("unit", request.GET.get("unit"))
    unit = next((u for u in units if str(u.pk) == chosen), units[0])
    form = ImportForm()
    preview = None
    error = ""
    held = request.session.get(SESSION_KEY)
    if request.method == "POST" and request.POST.get("action") == "import" and held:
        path = _folder() / f"{held['token']}.upload"
        unit = next((u for u in units if u.pk == held["unit"]), None)
        if unit is None or not path.is_file():
            _forget(request)
            messages.error(request, _("The uploaded file is no longer here. Please upload it again."))
            return redirect("workdesk:lapor_import")
        try:
            with path.open("rb") as handle:
                done = import_write(unit=unit, handle=handle, name=held["name"])
        except ImportRefused as refused:
            preview, error = refused.preview, _("Nothing was imported: correct the rows with errors and upload the file again.")
        except ImportFileError as refused:
            error = str(refused)
        else:
            _forget(request)
            messages.success(request, _("%(new)d reports imported as received complaints; %(matched)d were "
                                        "already here.") % {"new": done.new, "matched": done.matched})
            return redirect("workdesk:inbox")
    elif request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > MAX_BYTES:
                form.add_error("file", _("The file is larger than %(mb)d MB.") % {"mb": MAX_BYTES // (1024 * 1024)})
            else:
                _forget(request)
                try:
                    preview = import_preview(unit=unit, handle=upload, name=upload.name)
                except ImportFileError as refused:
                    form.add_error("file", str(refused))
                else:
                    token = secrets.token_urlsafe(16)
                    upload.seek(0)
                    path = _folder() / f"{token}.upload"
                    with path.open("xb") as out:
                        path.chmod(0o600)
                        for chunk in upload.chunks():
                            out.write(chunk)
                    request.session[SESSION_KEY] = {"token": token, "unit": unit.pk, "name": upload.name}
                    held = request.session[SESSION_KEY]
    return render(request, "workdesk/lapor_import.html", {
        "form": form, "units": units, "unit": unit, "preview": preview, "error": error,
        "can_import": preview is not None and not preview.errors and preview.new > 0 and held is not None,
    })
