"""A unit's SOP on board: the imported draft read as the sheet, corrected step by step, loaded for the unit;
and the onboarding checklist that tells an administrator what is still missing.

The draft is the importer's TOML text. Corrections (performer, time limit, kind per step) are written into
that text, so what is loaded is still one SOP file, validated by the schema and stored by `sop_load` like any
other (the version keeps the corrected text as its source).
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from pengaduan.sop.errors import SopFileError, SopProblem
from pengaduan.sop.models import Sop
from pengaduan.sop.schema import parse_sop_text
from pengaduan.sop.selectors import current_sop
from pengaduan.sop.services import sop_load
from pengaduan.units.models import Invitation, Membership, Unit
from pengaduan.workcalendar.models import OfficeHours

CORRECTED_FIELDS = ("kind", "performer", "time_limit")


# --- the draft as the sheet ---------------------------------------------------------------------------------


def draft_data(text: str) -> dict:
    """The draft's TOML as data ({} when it does not parse: the load reports the syntax error)."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return {}


def sheet_rows(data: dict) -> tuple[list[dict], list[dict]]:
    """Roles (columns of Pelaksana) and steps as the sheet lays them out: a mark under the performer's column,
    a lighter one under each coordinator's."""
    roles = [{"code": str(role.get("code", "")), "title": str(role.get("title", ""))}
             for role in data.get("roles", []) if isinstance(role, dict)]
    rows = []
    for step in data.get("steps", []):
        if not isinstance(step, dict):
            continue
        coordinators = step.get("coordinators") or []
        marks = ["performer" if role["code"] == step.get("performer") else
                 "coordinator" if role["code"] in coordinators else "" for role in roles]
        rows.append({**step, "marks": marks})
    return roles, rows


# --- corrections ----------------------------------------------------------------------------------------------

_STEPS_HEADER = re.compile(r"^\s*\[\[steps\]\]\s*$")
_TABLE_HEADER = re.compile(r"^\s*\[")


def apply_corrections(text: str, corrections: dict[int, dict[str, str]]) -> str:
    """The draft with each step's corrected fields written in: `corrections` maps a step's position (1 = the
    first [[steps]] table) to {field: value} for `kind`, `performer`, `time_limit`. The importer's CHECK
    comments about a corrected field go: a person has now decided it."""
    lines = text.replace("\r\n", "\n").split("\n")
    out: list[str] = []
    position = 0
    pending: list[str] = []  # comment lines waiting to see which field they stand above
    in_step = False
    for line in lines:
        if _STEPS_HEADER.match(line):
            out.extend(pending)
            pending = []
            position += 1
            in_step = True
            out.append(line)
            continue
        if _TABLE_HEADER.match(line):
            in_step = False
        wanted = corrections.get(position, {}) if in_step else {}
        if wanted and line.lstrip().startswith("# CHECK"):
            pending.append(line)
            continue
        match = re.match(r"^(\w+)\s*=", line)
        if wanted and match and match.group(1) in wanted:
            out.append(f"{match.group(1)} = {json.dumps(wanted[match.group(1)], ensure_ascii=False)}")
            pending = []
            continue
        out.extend(pending)
        pending = []
        out.append(line)
    out.extend(pending)
    return "\n".join(out)


# --- loading for a unit ---------------------------------------------------------------------------------------


def unit_sop_load(*, unit: Unit, text: str, source_name: str) -> tuple[Sop, bool]:
    """Validate the corrected draft and load it as the unit's SOP: a new version, and the unit follows it.

    Raises SopFileError (problems by field). An SOP number that another unit follows is refused: loading it
    would make a new version of that unit's SOP. Nothing is written unless everything succeeds.
    """
    document = parse_sop_text(text, source_name)
    owner = Unit.objects.filter(sop_code=document.code).exclude(pk=unit.pk).first()
    if owner is not None:
        raise SopFileError(source_name, [SopProblem("sop.code", _(
            "SOP number %(code)s is already the SOP of %(unit)s; a new unit needs its own SOP number")
            % {"code": document.code, "unit": owner.name})])
    with transaction.atomic():
        sop, created = sop_load(text=text, source_name=source_name)
        if unit.sop_code != sop.code:
            unit.sop_code = sop.code
            unit.save(update_fields=["sop_code"])
    return sop, created


# --- the checklist ----------------------------------------------------------------------------------------------


@dataclass
class ChecklistItem:
    key: str
    label: str
    done: bool
    detail: str = ""


@dataclass
class RoleStaffing:
    code: str
    title: str
    members: list[str] = field(default_factory=list)
    invited: list[str] = field(default_factory=list)  # pending, not expired

    @property
    def done(self) -> bool:
        return bool(self.members)


@dataclass
class Checklist:
    unit: Unit
    items: list[ChecklistItem]
    roles: list[RoleStaffing]

    @property
    def complete(self) -> bool:
        return all(item.done for item in self.items)


def onboarding_checklist(unit: Unit) -> Checklist:
    """What an administrator has done, and not yet, to bring `unit` on board."""
    from django.utils import timezone

    sop = current_sop(unit) if unit.sop_code else None
    own_hours = OfficeHours.objects.filter(unit=unit).count()
    letterhead_missing = [label for label, value in (
        (_("logo"), unit.logo), (_("address"), unit.address), (_("signer's name"), unit.head_name),
        (_("signer's title"), unit.head_title)) if not value]
    roles: list[RoleStaffing] = []
    if sop is not None:
        members: dict[str, list[str]] = {}
        for role, username in Membership.objects.filter(unit=unit).values_list("role", "user__username"):
            members.setdefault(role, []).append(username)
        invited: dict[str, list[str]] = {}
        for invitation in Invitation.objects.filter(unit=unit, accepted_at__isnull=True,
                                                    expires_at__gt=timezone.now()):
            for role in invitation.roles:
                invited.setdefault(role, []).append(invitation.email)
        roles = [RoleStaffing(code=role["code"], title=role["title"], members=sorted(members.get(role["code"], [])),
                              invited=sorted(invited.get(role["code"], []))) for role in sop.roles]
    unstaffed = [role.title for role in roles if not role.done]
    items = [
        ChecklistItem("unit", _("Unit created"), True, f"{unit.name} ({unit.code})"),
        ChecklistItem("sop", _("SOP loaded"), sop is not None,
                      _("SOP %(code)s version %(version)d, %(steps)d steps") % {
                          "code": sop.code, "version": sop.version, "steps": len(sop.document.get("steps", []))}
                      if sop else _("no SOP loaded yet")),
        ChecklistItem("letterhead", _("Letterhead"), not letterhead_missing,
                      _("missing: %(fields)s") % {"fields": ", ".join(letterhead_missing)} if letterhead_missing
                      else unit.head_title),
        ChecklistItem("office_hours", _("Office hours"), bool(own_hours) or unit.office_hours_from_pemda,
                      _("as the Pemda calendar") if unit.office_hours_from_pemda and not own_hours
                      else _("%(n)d periods a week") % {"n": own_hours} if own_hours else _("not set yet")),
        ChecklistItem("officers", _("An officer for every SOP role"), sop is not None and not unstaffed,
                      _("no SOP loaded yet") if sop is None else
                      _("no officer yet: %(roles)s") % {"roles": ", ".join(unstaffed)} if unstaffed
                      else _("every role has an officer")),
    ]
    return Checklist(unit=unit, items=items, roles=roles)
