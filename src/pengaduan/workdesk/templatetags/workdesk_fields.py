"""`{% field_row field %}`: one form field with its label, help text and errors, as the forms of the workdesk and
the portal show it (templates/workdesk/_field.html is this tag).

Written in Python because a page renders it once per field, up to twenty-odd times (the decision step's form
and the register correction on one complaint page): as a template it cost about a quarter of a millisecond of
CPU per field, as a function a tenth of that, and the markup is the same (tests/workdesk/test_field_row.py).
A field of radio buttons or checkboxes is a fieldset named by its legend: a label would name no input (its
`for` is empty), and a set of checkboxes was laid out as one checkbox, its label beside the first option.
"""

from django import template
from django.forms.widgets import ChoiceWidget
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

register = template.Library()

REQUIRED = ' <span class="req" aria-hidden="true">*</span>'


@register.simple_tag
def field_row(field) -> str:
    errors = field.errors
    widget_class = field.field.widget
    input_type = getattr(widget_class, "input_type", None)
    if isinstance(widget_class, ChoiceWidget) and input_type in ("radio", "checkbox"):
        return _group_row(field, errors)
    checkbox = input_type == "checkbox"
    label = format_html('<label for="{}">{}{}</label>', field.id_for_label, field.label,
                        mark_safe(REQUIRED if field.field.required else ""))
    widget = conditional_escape(field)
    parts = ['<div class="field', " has-error" if errors else "", " check" if checkbox else "", '">\n  ',
             f"\n    {widget} {label}\n  " if checkbox else f"\n    {label}\n    {widget}\n  ", "\n  "]
    _help_and_errors(parts, field, errors)
    parts.append("\n</div>")
    return mark_safe("".join(parts))


def _group_row(field, errors) -> str:
    """Radio buttons or checkboxes of one field: a fieldset named by its legend (each option has its own label)."""
    legend = format_html("<legend>{}{}</legend>", field.label, mark_safe(REQUIRED if field.field.required else ""))
    parts = ['<fieldset class="field group', " has-error" if errors else "", '">\n  ', legend, "\n  ",
             conditional_escape(field), "\n  "]
    _help_and_errors(parts, field, errors)
    parts.append("\n</fieldset>")
    return mark_safe("".join(parts))


def _help_and_errors(parts: list, field, errors) -> None:
    if field.help_text:
        parts.append(format_html('<small class="help" id="{}_helptext">{}</small>', field.auto_id, field.help_text))
    parts.append("\n  ")
    if errors:
        parts.append(format_html('<div id="{}_error">{}</div>', field.auto_id, mark_safe("".join(
            format_html('<p class="error">{}</p>', error) for error in errors))))
