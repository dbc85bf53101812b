"""`{% field_row field %}`: one form field with its label, help text and errors, as the forms of the workdesk and
the portal show it (templates/workdesk/_field.html is this tag).

Written in Python because a page renders it once per field, up to twenty-odd times (the decision step's form
and the register correction on one complaint page): as a template it cost about a quarter of a millisecond of
CPU per field, as a function a tenth of that, and the markup is the same (tests/workdesk/test_field_row.py).
"""

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

register = template.Library()

REQUIRED = ' <span class="req" aria-hidden="true">*</span>'


@register.simple_tag
def field_row(field) -> str:
    errors = field.errors
    checkbox = getattr(field.field.widget, "input_type", None) == "checkbox"
    label = format_html('<label for="{}">{}{}</label>', field.id_for_label, field.label,
                        mark_safe(REQUIRED if field.field.required else ""))
    widget = conditional_escape(field)
    parts = ['<div class="field', " has-error" if errors else "", " check" if checkbox else "", '">\n  ',
             f"\n    {widget} {label}\n  " if checkbox else f"\n    {label}\n    {widget}\n  ", "\n  "]
    if field.help_text:
        parts.append(format_html('<small class="help" id="{}_helptext">{}</small>', field.auto_id, field.help_text))
    parts.append("\n  ")
    if errors:
        parts.append(format_html('<div id="{}_error">{}</div>', field.auto_id, mark_safe("".join(
            format_html('<p class="error">{}</p>', error) for error in errors))))
    parts.append("\n</div>")
    return mark_safe("".join(parts))
