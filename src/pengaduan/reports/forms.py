"""Choosing what a report covers: the unit (when the officer belongs to several) and the period."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from pengaduan.reports.periods import MAX_YEAR, MIN_YEAR, ROMAN, Period
from pengaduan.units.models import Unit


class PeriodForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=None, empty_label=None, required=False)
    kind = forms.ChoiceField(label=_("Period"), choices=[
        ("month", _("Month")), ("quarter", _("Quarter")), ("year", _("Year")), ("range", _("From – to")),
    ])
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False,
                              widget=forms.NumberInput(attrs={"data-show-when": "kind=month,quarter,year"}))
    month = forms.TypedChoiceField(label=_("Month"), coerce=int, required=False, choices=list(MONTHS.items()),
                                   widget=forms.Select(attrs={"data-show-when": "kind=month"}))
    quarter = forms.TypedChoiceField(label=_("Quarter"), coerce=int, required=False,
                                     choices=[(n, roman) for n, roman in enumerate(ROMAN, start=1)],
                                     widget=forms.Select(attrs={"data-show-when": "kind=quarter"}))
    first_day = forms.DateField(label=_("From"), required=False,
                                widget=forms.DateInput(attrs={"type": "date", "data-show-when": "kind=range"}))
    last_day = forms.DateField(label=_("To"), required=False,
                               widget=forms.DateInput(attrs={"type": "date", "data-show-when": "kind=range"}))

    def __init__(self, data=None, *, units, today: date, **kwargs):
        initial = {"kind": "month", "year": today.year, "month": today.month, "quarter": (today.month + 2) // 3,
                   "first_day": today.replace(day=1), "last_day": today, "unit": units[0] if units else None}
        super().__init__(data, initial=initial, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(pk__in=[unit.pk for unit in units]).order_by("name")
        if len(units) < 2:
            self.fields["unit"].widget = forms.HiddenInput()

    def clean(self):
        cleaned = super().clean()
        kind, year = cleaned.get("kind"), cleaned.get("year")
        if kind == "range":
            first, last = cleaned.get("first_day"), cleaned.get("last_day")
            if not first or not last:
                raise forms.ValidationError(_("Give the first and the last day."))
            if last < first:
                raise forms.ValidationError(_("The last day comes before the first."))
            if not (MIN_YEAR <= first.year <= MAX_YEAR and MIN_YEAR <= last.year <= MAX_YEAR):
                raise forms.ValidationError(_("Reports cover the years %(first)s to %(last)s.")
                                            % {"first": MIN_YEAR, "last": MAX_YEAR})
            cleaned["period"] = Period.days(first, last)
        elif not year:
            if "year" not in self.errors:
                self.add_error("year", _("Give the year."))
        else:
            if kind == "month":
                cleaned["period"] = Period.month(year, cleaned.get("month") or 1)
            elif kind == "quarter":
                cleaned["period"] = Period.quarter(year, cleaned.get("quarter") or 1)
            else:
                cleaned["period"] = Period.year(year)
        return cleaned

    def period_or_default(self, today: date) -> Period:
        """The chosen period, or this month while nothing (valid) was chosen."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data["period"]
        return Period.month(today.year, today.month)

    def unit_or_default(self, units):
        """The chosen unit; the first of the officer's units when none (or one not theirs) was chosen."""
        if self.is_bound and self.is_valid() and self.cleaned_data.get("unit"):
            return self.cleaned_data["unit"]
        return units[0]
