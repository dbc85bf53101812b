"""Template filters for report figures: office time, percentages, decimals in the active language."""

from django import template

from pengaduan.reports import formatting

register = template.Library()


@register.filter
def office_time(seconds):
    return formatting.office_duration(seconds)


@register.filter
def percent(value, places=1):
    return formatting.percent(value, int(places))


@register.filter
def decimal(value, places=1):
    return formatting.decimal(value, int(places))


@register.filter
def month_name(month, short=""):
    from pengaduan.reports.periods import month_label

    return month_label(month, short=bool(short))
