"""Bringing a new unit on board in the browser: unit and letterhead, office hours, SOP sheet, officers, checklist.

Only superusers and holders of the Pemda admin permission (units.onboard_unit) reach these pages; the work
is done by the services of the units, workcalendar, sop and notifications layers. The invitation page is
the one page here for someone not logged in: the link in the e-mail is their key.
"""

from __future__ import annotations

import json
import re
from functools import wraps
from pathlib import Path

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from django.utils.translation import gettext as _

from pengaduan.notifications import invitations
from pengaduan.notifications.invitations import invite_officer
from pengaduan.sop.errors import SopFileError
from pengaduan.sop.forms import SheetUploadForm
from pengaduan.sop.importer import ImportWarning
from pengaduan.sop.onboarding import (
    CORRECTED_FIELDS,
    apply_corrections,
    draft_data,
    onboarding_checklist,
    sheet_rows,
    unit_sop_load,
)
from pengaduan.sop.selectors import current_sop
from pengaduan.units.models import Invitation, Unit
from pengaduan.units.onboarding import (
    InvitationInvalid,
    can_onboard,
    invitation_accept,
    invitation_for_token,
    suggested_username,
)
from pengaduan.workcalendar.services import office_hours_of, office_hours_set
from pengaduan.workdesk.onboarding_forms import (
    AcceptInvitationForm,
    DraftForm,
    InviteForm,
    OfficeHoursForm,
    StepFormSet,
    UnitForm,
    format_periods,
)


def onboarding_admin(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not can_onboard(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _unit(code: str) -> Unit:
    return get_object_or_404(Unit, code=code)


@onboarding_admin
def units(request):
    rows = [onboarding_checklist(unit) for unit in Unit.objects.order_by("name")]
    return render(request, "workdesk/onboarding/units.html", {"checklists": rows})


@onboarding_admin
def unit_form(request, code: str | None = None):
    unit = _unit(code) if code else None
    form = UnitForm(request.POST or None, request.FILES or None, instance=unit,
                    initial=None if unit else {"register_format": "{number:04d}/PGD/{unit}/{year}"})
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        if unit is None:
            messages.success(request, _("Unit %(name)s created. Next: its office hours.") % {"name": saved.name})
            return redirect("workdesk:onboarding_hours", code=saved.code)
        messages.success(request, _("Unit %(name)s saved.") % {"name": saved.name})
        return redirect("workdesk:onboarding_checklist", code=saved.code)
    return render(request, "workdesk/onboarding/unit.html", {"form": form, "unit": unit})


@onboarding_admin
def office_hours(request, code: str):
    unit = _unit(code)
    own = office_hours_of(unit)
    initial = {"from_pemda": unit.office_hours_from_pemda and not own,
               **{f"day_{weekday}": format_periods(periods) for weekday, periods in own.items()}}
    form = OfficeHoursForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        office_hours_set(unit, form.cleaned_data["week"])
        messages.success(request, _("Office hours saved. Next: the SOP sheet."))
        return redirect("workdesk:onboarding_sop", code=unit.code)
    return render(request, "workdesk/onboarding/hours.html", {"form": form, "unit": unit})


# --- the SOP sheet ----------------------------------------------------------------------------------------------


def _warnings_json(warnings: list[ImportWarning]) -> str:
    return json.dumps([[w.line, w.field, w.message] for w in warnings], ensure_ascii=False)


def _warnings_from_json(text: str) -> list[ImportWarning]:
    """Warnings carried through the form; anything malformed is dropped (they are only shown)."""
    try:
        items = json.loads(text or "[]")
    except ValueError:
        return []
    return [ImportWarning(item[0], item[1], item[2]) for item in items if isinstance(items, list)
            and isinstance(item, list) and len(item) == 3 and (item[0] is None or isinstance(item[0], int))
            and isinstance(item[1], str) and isinstance(item[2], str)]


def _roles(data: dict) -> list[tuple[str, str]]:
    return [(role["code"], role["title"] or role["code"]) for role in sheet_rows(data)[0] if role["code"]]


def _step_initial(data: dict) -> list[dict]:
    return [{name: str(step.get(name, "")) for name in CORRECTED_FIELDS}
            for step in data.get("steps", []) if isinstance(step, dict)]


_STEP_PATH = re.compile(r"^steps\[(\d+)\]\.(\w+)")


@onboarding_admin
def sop(request, code: str):
    unit = _unit(code)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action == "load":
        return _review(request, unit)
    upload = SheetUploadForm(request.POST or None, request.FILES or None)
    if action == "upload" and upload.is_valid():
        result = upload.result
        draft = DraftForm(initial={"document": result.document_toml, "source_text": result.source_text,
                                   "source_name": result.source_name, "warnings": _warnings_json(result.warnings)})
        data = draft_data(result.document_toml)
        steps = StepFormSet(initial=_step_initial(data), roles=_roles(data), prefix="steps")
        return _render_review(request, unit, draft, steps, data, result.warnings)
    return render(request, "workdesk/onboarding/sop_upload.html",
                  {"upload": upload, "unit": unit, "sop": current_sop(unit) if unit.sop_code else None})


def _review(request, unit: Unit):
    draft = DraftForm(request.POST)
    if not draft.is_valid():
        return _render_review(request, unit, draft, None, {}, [])
    text = draft.cleaned_data["document"]
    warnings = _warnings_from_json(draft.cleaned_data["warnings"])
    data = draft_data(text)
    steps = StepFormSet(request.POST, roles=_roles(data), prefix="steps")
    if not steps.is_valid():
        return _render_review(request, unit, draft, steps, data, warnings)
    corrections = {position: {name: form.cleaned_data[name] for name in CORRECTED_FIELDS}
                   for position, form in enumerate(steps.forms, start=1)}
    corrected = apply_corrections(text, corrections)
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", Path(draft.cleaned_data["source_name"]).stem).strip("-.")[:200]
    try:
        loaded, created = unit_sop_load(unit=unit, text=corrected, source_name=f"{stem or unit.code}.toml")
    except SopFileError as error:
        for problem in error.problems:
            match = _STEP_PATH.match(problem.path)
            index = int(match.group(1)) - 1 if match else -1
            if match and 0 <= index < len(steps.forms) and match.group(2) in CORRECTED_FIELDS:
                steps.forms[index].add_error(match.group(2), problem.message)
            else:
                where = problem.path or (_("line %(line)d") % {"line": problem.line} if problem.line else "")
                draft.add_error(None, f"{where}: {problem.message}" if where else problem.message)
        return _render_review(request, unit, draft, steps, data, warnings)
    if created:
        messages.success(request, _("Loaded SOP %(code)s as version %(version)d. Next: invite the officers.")
                         % {"code": loaded.code, "version": loaded.version})
    else:
        messages.warning(request, _("SOP %(code)s unchanged: version %(version)d has exactly this text.")
                         % {"code": loaded.code, "version": loaded.version})
    return redirect("workdesk:onboarding_officers", code=unit.code)


def _render_review(request, unit, draft, steps, data, warnings):
    roles, rows = sheet_rows(data)
    source_text = draft.data.get("source_text") if draft.is_bound else draft.initial.get("source_text", "")
    by_line: dict[int, list[str]] = {}
    for warning in warnings:
        if warning.line is not None:
            by_line.setdefault(warning.line, []).append(warning.message)
    source_lines = [{"number": number, "text": line, "notes": by_line.get(number, [])}
                    for number, line in enumerate((source_text or "").splitlines(), start=1)]
    step_forms = list(zip(rows, steps.forms)) if steps is not None else []
    return render(request, "workdesk/onboarding/sop_review.html", {
        "unit": unit, "draft": draft, "steps": steps, "step_forms": step_forms, "roles": roles, "rows": rows,
        "identity": data.get("sop", {}), "warnings": warnings, "source_lines": source_lines,
    })


# --- officers ---------------------------------------------------------------------------------------------------


@onboarding_admin
def officers(request, code: str):
    unit = _unit(code)
    loaded = current_sop(unit) if unit.sop_code else None
    roles = [(role["code"], role["title"]) for role in loaded.roles] if loaded else []
    form = InviteForm(request.POST or None, roles=roles)
    if request.method == "POST" and form.is_valid():
        _invitation, queued = invite_officer(unit=unit, email=form.cleaned_data["email"],
                                             roles=form.cleaned_data["roles"], name=form.cleaned_data["name"],
                                             invited_by=request.user)
        if queued:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]})
        else:
            messages.error(request, _("The invitation e-mail could not be queued: its message template "
                                      "(officer_invitation) is missing or switched off in the administration."))
        return redirect("workdesk:onboarding_officers", code=unit.code)
    return render(request, "workdesk/onboarding/officers.html", {
        "unit": unit, "form": form, "sop": loaded, "invitations": unit.invitations.select_related("user"),
        "checklist": onboarding_checklist(unit),
    })


@onboarding_admin
@require_POST
def invite_again(request, code: str, pk: int):
    """The invitation's e-mail again with a new link (the old one stops working), for a lost mail or an expired link."""
    unit = _unit(code)
    invitation = get_object_or_404(Invitation, pk=pk, unit=unit)
    try:
        queued = invitations.invite_again(invitation)
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        if queued:
            messages.success(request, _("Invitation sent again to %(email)s, with a new link; the old one no longer "
                                        "works.") % {"email": invitation.email})
        else:
            messages.error(request, _("The invitation e-mail could not be queued: its message template "
                                      "(officer_invitation) is missing or switched off in the administration."))
    return redirect("workdesk:onboarding_officers", code=unit.code)


@onboarding_admin
def checklist(request, code: str):
    return render(request, "workdesk/onboarding/checklist.html", {"checklist": onboarding_checklist(_unit(code))})


# --- the invited officer -------------------------------------------------------------------------------------------


def accept_invitation(request, token: str):
    try:
        invitation = invitation_for_token(token)
    except InvitationInvalid as invalid:
        return render(request, "workdesk/onboarding/invitation_invalid.html", {"reason": invalid.reason},
                      status=404 if invalid.reason == "unknown" else 410)
    form = AcceptInvitationForm(request.POST or None, initial={"username": suggested_username(invitation)})
    if request.method == "POST" and form.is_valid():
        try:
            user = invitation_accept(token=token, username=form.cleaned_data["username"],
                                     password=form.cleaned_data["password1"])
        except InvitationInvalid as invalid:
            return render(request, "workdesk/onboarding/invitation_invalid.html", {"reason": invalid.reason},
                          status=410)
        except ValidationError as refused:
            for field, errors in refused.message_dict.items():
                form.add_error("password1" if field == "password" else field, errors)
        else:
            login(request, user, backend="pengaduan.logins.NormalisedUsernameBackend")
            messages.success(request, _("Welcome, %(name)s: your account is ready.") % {
                "name": user.get_full_name() or user.username})
            return redirect("workdesk:inbox")
    return render(request, "workdesk/onboarding/invitation.html", {"form": form, "invitation": invitation})
