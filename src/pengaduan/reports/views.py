"""Report pages. Each view checks access, calls the selectors or a document builder, and renders.

Staff see the reports of the units they hold a role in; figures per officer only the unit's superiors.
The public statistics page needs no login and shows counts only.
"""

from __future__ import annotations

import tempfile
from urllib.parse import urlencode

from django.contrib import messages
from django.core.cache import cache
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from pengaduan.reports import charts, selectors
from pengaduan.reports import skm as skm_report
from pengaduan.reports.formatting import percent
from pengaduan.reports.forms import PeriodForm
from pengaduan.reports.periodic import periodic_pdf
from pengaduan.reports.periods import Period, axis_labels, current_month, month_label
from pengaduan.reports.register import RegisterTooLong, register_entries, register_pdf, register_xlsx
from pengaduan.reports.evidence import EvidenceError, check_year, evidence_pack
from pengaduan.reports.models import PeriodicReport
from pengaduan.reports.schedule import is_unit_head
from pengaduan.units.models import Unit
from pengaduan.units.oversight import oversees
from pengaduan.units.selectors import portal_unit, portal_unit_by_code, portal_units

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DASHBOARD_MONTHS = 12
PUBLIC_CACHE_SECONDS = 10 * 60


def _units(request):
    units = selectors.report_units(request.user)
    if not units:
        raise Http404
    return units


def _period_form(request, units) -> tuple[PeriodForm, object, Period]:
    today = timezone.localdate()
    form = PeriodForm(request.GET if "kind" in request.GET else None, units=units, today=today)
    return form, form.unit_or_default(units), form.period_or_default(today)


def _selection(unit, period: Period) -> str:
    """The query string that selects `unit` and `period` in the report forms (for download links)."""
    params = {"unit": unit.pk, "kind": period.kind, "year": period.start.year}
    if period.kind == "month":
        params["month"] = period.start.month
    elif period.kind == "quarter":
        params["quarter"] = (period.start.month + 2) // 3
    elif period.kind == "range":
        params.update(first_day=period.start.isoformat(), last_day=period.last_day.isoformat())
    return urlencode(params)


def _file_name(kind: str, unit, period: Period, extension: str) -> str:
    return f"{kind}-{unit.code}-{period.code.replace('..', '_')}.{extension}"


def _last_months(now, count: int):
    month = current_month(now)
    months = [month.start]
    for _index in range(count - 1):
        month = month.previous()
        months.insert(0, month.start)
    return months


@login_required
def dashboard(request):
    """The Inspektur's overview: what is open where, what is overdue, this month against the last."""
    units = _units(request)
    unit = next((u for u in units if str(u.pk) == request.GET.get("unit")), units[0])
    now = timezone.now()
    waiting = selectors.waiting_by_step(unit=unit, now=now)
    months = _last_months(now, DASHBOARD_MONTHS)
    received, shares = selectors.trend(unit=unit, months=months)
    labels = axis_labels(months)
    this_month, last_month = selectors.month_comparison(unit=unit, month=current_month(now))
    return render(request, "reports/dashboard.html", {
        "unit": unit, "units": units, "now": now,
        "waiting": waiting,
        "open_total": sum(row.open for row in waiting),
        "overdue_total": sum(row.overdue for row in waiting),
        "paused_total": sum(row.paused for row in waiting),
        "this_month": this_month, "last_month": last_month,
        "longest": selectors.waiting_longest(unit=unit, now=now, limit=5),
        "trend": list(zip([month_label(month) for month in months], received, shares)),
        "open_chart": charts.bar_chart([(f"{row.step.number}. {row.step.label}", row.open) for row in waiting],
                                       title=_("Open cases by step")),
        "received_chart": charts.column_chart(labels, [(_("Received"), received)],
                                              title=_("Complaints received per month")),
        "share_chart": charts.line_chart(labels, shares, name=_("Answered within the SOP"),
                                         title=_("Share answered within the SOP per month")),
    })


# XlsxWriter writes about 4 500 register rows a second on a 2-core server: a larger export would outlast the
# worker's 30 s timeout, so it is left to `pengaduan report register` (bench/run.py times a million rows).
WEB_XLSX_MAX_ROWS = 50_000


def _register_download(unit, period, download: str):
    if download == "xlsx":
        rows = register_entries(unit=unit, period=period).count()
        if rows > WEB_XLSX_MAX_ROWS:
            raise RegisterTooLong(rows, _(
                "This period has %(rows)s entries; a download from the browser holds at most %(max)s. Choose a "
                "shorter period, or ask an administrator for the whole register: `pengaduan report register "
                "--format xlsx`.") % {"rows": number_format(rows, force_grouping=True),
                                      "max": number_format(WEB_XLSX_MAX_ROWS, force_grouping=True)})
        output = tempfile.TemporaryFile()
        register_xlsx(output, unit=unit, period=period)
        output.seek(0)
        return FileResponse(output, as_attachment=True, content_type=XLSX,
                            filename=_file_name("buku-pengaduan", unit, period, "xlsx"))
    response = HttpResponse(register_pdf(unit=unit, period=period), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_file_name("buku-pengaduan", unit, period, "pdf")}"'
    return response


@login_required
def register(request):
    """The Buku Pengaduan of a period, to print (PDF) or to work on (XLSX)."""
    units = _units(request)
    form, unit, period = _period_form(request, units)
    download = request.GET.get("format")
    if form.is_bound and form.is_valid() and download in ("pdf", "xlsx"):
        try:
            return _register_download(unit, period, download)
        except RegisterTooLong as too_long:
            messages.error(request, str(too_long))
    return render(request, "reports/register.html", {
        "form": form, "unit": unit, "period": period, "selection": _selection(unit, period),
        "entries": register_entries(unit=unit, period=period).count(),
    })


@login_required
def compliance(request):
    """SOP compliance: the standard (Mutu Baku) against what was done, per step, officer and month."""
    units = _units(request)
    form, unit, period = _period_form(request, units)
    steps = selectors.compliance_by_step(unit=unit, period=period)
    months = selectors.compliance_by_month(unit=unit, period=period)
    labels = axis_labels([row.month for row in months])
    return render(request, "reports/compliance.html", {
        "form": form, "unit": unit, "period": period, "steps": steps, "months": months,
        "officers": selectors.compliance_by_officer(unit=unit, period=period)
        if selectors.may_see_officers(request.user, unit) else None,
        "waiting": selectors.waiting_by_step(unit=unit, now=timezone.now()),
        "examinations": selectors.examination_figures(unit=unit, period=period, now=timezone.now()),
        "time_classes": selectors.time_class_figures(unit=unit, period=period),
        "steps_chart": charts.bar_chart(
            [(f"{row.step.number}. {row.step.label}", row.on_time_share or 0) for row in steps],
            title=_("Share of steps done on time"), value_text=lambda value: percent(value)),
        "months_chart": charts.line_chart(labels, [row.on_time_share for row in months],
                                          name=_("Steps on time"), title=_("Share of steps on time per month"))
        if len(months) > 1 else None,
    })


@login_required
def periodic(request):
    """The periodic report: its figures on screen, and the PDF to send to the Walikota."""
    units = _units(request)
    form, unit, period = _period_form(request, units)
    if form.is_bound and form.is_valid() and request.GET.get("format") == "pdf":
        response = HttpResponse(periodic_pdf(unit=unit, period=period), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{_file_name("laporan", unit, period, "pdf")}"'
        return response
    figures = selectors.periodic_figures(unit=unit, period=period)
    skm_summary = skm_report.skm_summary_for(unit, period, with_profile=False)
    return render(request, "reports/periodic.html", {
        "form": form, "unit": unit, "period": period, "figures": figures, "selection": _selection(unit, period),
        "skm": skm_summary, "skm_ikm": skm_report.figure(skm_summary.ikm),
        "months": list(zip(figures.received_by_month, figures.months)),
    })


def _archive_units(user) -> list[Unit]:
    """The units whose kept reports the user may read: those they hold a role in; every unit for the oversight role."""
    units = list(Unit.objects.order_by("name")) if oversees(user) else selectors.report_units(user)
    if not units:
        raise Http404
    return units


def _may_take_evidence(user, unit: Unit) -> bool:
    """The evidence pack (the whole register, officers, access log) is for the unit's head and the oversight role."""
    return oversees(user) or is_unit_head(user, unit)


@login_required
def archive(request):
    """The periodic reports sent on schedule, as they were sent; and the evidence pack of a year."""
    units = _archive_units(request.user)
    unit = next((u for u in units if str(u.pk) == request.GET.get("unit")), units[0])
    this_year = timezone.localdate().year
    return render(request, "reports/archive.html", {
        "unit": unit, "units": units,
        "reports": PeriodicReport.objects.filter(unit=unit).order_by("-period_start", "kind"),
        "may_take_evidence": _may_take_evidence(request.user, unit),
        "years": list(range(this_year, this_year - 5, -1)),
    })


@login_required
def archive_download(request, pk: int):
    report = PeriodicReport.objects.select_related("unit").filter(pk=pk).first()
    if report is None or report.unit not in _archive_units(request.user):
        raise Http404
    response = FileResponse(report.file.open("rb"), as_attachment=True, content_type="application/pdf",
                            filename=report.file_name)
    response["Cache-Control"] = "no-store"
    return response


@login_required
def evidence(request):
    """The evidence pack of a unit and year as one ZIP, written to a temporary file and streamed from it."""
    units = _archive_units(request.user)
    unit = next((u for u in units if str(u.pk) == request.GET.get("unit")), None)
    if unit is None or not _may_take_evidence(request.user, unit):
        raise Http404
    try:
        year = int(request.GET.get("year", ""))
        check_year(year)
    except (ValueError, EvidenceError) as error:
        messages.error(request, str(error) if isinstance(error, EvidenceError) else _("Choose a year."))
        return redirect(f"{reverse('reports:archive')}?{urlencode({'unit': unit.pk})}")
    # The register dominates the pack's time: past the browser's limit, the console makes it (no worker timeout).
    rows = register_entries(unit=unit, period=Period.year(year)).count()
    if rows > WEB_XLSX_MAX_ROWS:
        messages.error(request, _(
            "The register of %(year)s has %(rows)s entries, too many for a pack made in the browser. Ask an "
            "administrator to make it: `pengaduan report evidence --unit %(unit)s --year %(year)s`.")
            % {"year": year, "rows": number_format(rows, force_grouping=True), "unit": unit.code})
        return redirect(f"{reverse('reports:archive')}?{urlencode({'unit': unit.pk})}")
    output = tempfile.TemporaryFile()
    evidence_pack(output, unit=unit, year=year)
    output.seek(0)
    response = FileResponse(output, as_attachment=True, content_type="application/zip",
                            filename=f"bukti-pengaduan-{unit.code}-{year}.zip")
    response["Cache-Control"] = "no-store"
    return response


def _pemda_name(units) -> str:
    """The Pemda's name for the page's title: the units' government (e.g. Pemerintah Kota Madiun), else the unit."""
    names = {unit.parent_name for unit in units if unit.parent_name}
    if len(names) == 1:
        return names.pop()
    return units[0].name if len(units) == 1 else _("All units")


def public_statistics(request, code: str = ""):
    """Counts anyone may see, per year: received, answered, within the SOP, by category and month.

    For the whole Pemda (every unit), or for one unit: /statistik/?unit=CODE or /unit/CODE/statistik/.
    """
    if portal_unit() is None:
        raise Http404
    code = code or request.GET.get("unit", "")
    unit = portal_unit_by_code(code) if code else None
    if code and unit is None:
        raise Http404
    units = list(portal_units())
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("tahun") or this_year)
    except ValueError:
        year = this_year
    year = min(max(year, 2000), this_year)
    # The same figures for everyone: kept a few minutes, so a busy page costs one set of queries.
    key = f"reports:public-statistics:{unit.pk if unit else 'pemda'}:{year}:{get_language()}"
    stats = cache.get_or_set(key, lambda: selectors.public_statistics(unit=unit, year=year), PUBLIC_CACHE_SECONDS)
    labels = axis_labels(stats.months)
    return render(request, "reports/public_statistics.html", {
        "unit": unit, "stats": stats, "years": list(range(this_year, this_year - 5, -1)),
        # One unit alone: its figures are the Pemda's, no choice to offer.
        "units": units if len(units) > 1 else [], "pemda_name": _pemda_name(units),
        "months": list(zip(stats.months, stats.received_by_month, stats.answered_by_month)),
        "months_chart": charts.column_chart(labels, [(_("Received"), stats.received_by_month),
                                                     (_("Answered"), stats.answered_by_month)],
                                            title=_("Complaints received and answered per month")),
        "categories_chart": charts.bar_chart(stats.categories.rows, title=_("Complaints by category")),
    })


# --- SKM (PermenPANRB 14/2017) ---------------------------------------------------------------------------------

def _skm_download(summary, download: str, name: str):
    if download == "xlsx":
        output = tempfile.TemporaryFile()
        skm_report.skm_xlsx(output, summary)
        output.seek(0)
        return FileResponse(output, as_attachment=True, content_type=XLSX, filename=f"{name}.xlsx")
    response = HttpResponse(skm_report.skm_pdf(summary), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


@login_required
def skm(request):
    """The SKM of a unit and period (the whole Pemda's for oversight): on screen, as PDF for the yearly report,
    and as XLSX with every questionnaire's answers."""
    overseer = oversees(request.user)
    units = list(Unit.objects.order_by("name")) if overseer else selectors.report_units(request.user)
    if not units:
        raise Http404
    form, unit, period = _period_form(request, units)
    whole = overseer and request.GET.get("scope") == "pemda"
    summary = skm_report.skm_summary_for(None if whole else unit, period)
    download = request.GET.get("format")
    if form.is_bound and form.is_valid() and download in ("pdf", "xlsx"):
        name = _file_name("skm", unit, period, download)[:-len(download) - 1]
        if whole:
            name = name.replace(f"-{unit.code}-", "-pemda-", 1)
        return _skm_download(summary, download, name)
    header, rows = skm_report.element_table(summary)
    return render(request, "reports/skm.html", {
        "form": form, "unit": unit, "period": period, "summary": summary, "whole": whole, "overseer": overseer,
        "selection": _selection(unit, period) + ("&scope=pemda" if whole else ""),
        "header": header, "rows": rows, "ikm": skm_report.figure(summary.ikm),
        "value": skm_report.figure(summary.value, 4),
        "comments": skm_report.comments(None if whole else unit, period.start, period.end),
        "by_unit": [(item, skm_report.figure(s.ikm), s) for item, s in
                    skm_report.skm_by_unit(units, period.start, period.end)] if whole else [],
    })


def _public_skm(unit, year: int, today):
    periods = [Period.year(year)] + [Period.quarter(year, quarter) for quarter in range(1, 5)
                                     if Period.quarter(year, quarter).start <= today]
    rows = []
    for period in periods:
        summary = skm_report.skm_summary_for(unit, period, with_profile=period.kind == "year")
        rows.append({"period": period, "summary": summary, "ikm": skm_report.figure(summary.ikm),
                     "value": skm_report.figure(summary.value, 4)})
    year_summary = rows[0]["summary"]
    header, elements = skm_report.element_table(year_summary)
    units = [] if unit is not None else [
        {"unit": item, "summary": summary, "ikm": skm_report.figure(summary.ikm)}
        for item, summary in skm_report.skm_by_unit(portal_units(), periods[0].start, periods[0].end)]
    return {"rows": rows, "year_summary": year_summary, "header": header, "elements": elements, "units": units}


def public_skm(request, code: str = ""):
    """The SKM index anyone may see: per unit (or the whole Pemda) and period, with its quality category, the
    elements and the respondents' profile of the year. Figures only: no comments (they may name someone)."""
    if portal_unit() is None:
        raise Http404
    unit = portal_unit_by_code(code) if code else None
    if code and unit is None:
        raise Http404
    today = timezone.localdate()
    try:
        year = int(request.GET.get("tahun") or today.year)
    except ValueError:
        year = today.year
    year = min(max(year, 2000), today.year)
    key = f"reports:public-skm:{unit.pk if unit else 'pemda'}:{year}:{get_language()}"
    figures = cache.get_or_set(key, lambda: _public_skm(unit, year, today), PUBLIC_CACHE_SECONDS)
    all_units = list(portal_units())
    return render(request, "reports/public_skm.html", {
        "unit": unit, "year": year, "years": list(range(today.year, today.year - 5, -1)),
        "pemda_name": _pemda_name(all_units), "unit_choices": all_units if len(all_units) > 1 else [],
        **figures,
    })
