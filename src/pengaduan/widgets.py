"""The form renderer (settings.FORM_RENDERER): Django's own, except that the plain widgets are written in Python.

A complaint page renders twenty-odd widgets (the current step's form and, for the unit head, the register
correction), and Django renders each through its template engine (input.html including attrs.html; a select
including a template per option): about a fifth of the page's CPU. The text-like inputs, the checkbox, the
textarea and the select are written here with the same markup, byte for byte, as Django's templates
(django/forms/templates/django/forms/widgets/); tests/workdesk/test_widget_renderer.py compares the two over
every widget type and value the forms use. Every other template (file inputs, radio buttons, multi-widgets, the
form and field layouts, a project's own widget templates) goes to Django's renderer as before.
"""

from django.forms.renderers import DjangoTemplates
from django.template import Context
from django.template.base import render_value_in_context
from django.utils.safestring import SafeData, mark_safe

WIDGETS = "django/forms/widgets/"
# The templates that are nothing but {% include "django/forms/widgets/input.html" %}.
INPUTS = frozenset(WIDGETS + name for name in (
    "input.html", "text.html", "email.html", "number.html", "url.html", "password.html", "date.html",
    "datetime.html", "time.html", "hidden.html", "search.html", "tel.html", "color.html", "checkbox.html",
    "file.html",
))
OPTION = WIDGETS + "select_option.html"

_CONTEXT = Context(autoescape=True)  # as the renderer's engine renders: autoescape on, default l10n and time zone


def _value(value) -> str:
    """{{ value }}"""
    return render_value_in_context(value, _CONTEXT)


def _formatted(value) -> str:
    """{{ value|stringformat:'s' }} (the filter keeps a safe string safe)."""
    if isinstance(value, tuple):
        value = str(value)
    try:
        text = "%s" % value
    except (ValueError, TypeError):
        text = ""
    if isinstance(value, SafeData):
        text = mark_safe(text)
    return _value(text)


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html"""
    parts = []
    for name, value in attrs.items():
        if value is not False:
            parts.append(" " + _value(name))
            if value is not True:
                parts.append(f'="{_formatted(value)}"')
    return "".join(parts)


def _input(widget: dict) -> str:
    value = f' value="{_formatted(widget["value"])}"' if widget["value"] is not None else ""
    return f'<input type="{_value(widget["type"])}" name="{_value(widget["name"])}"{value}{_attrs(widget["attrs"])}>'


def _textarea(widget: dict) -> str:
    value = _value(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{_value(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'


def _select(widget: dict) -> str | None:
    parts = [f'<select name="{_value(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _group_index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_value(group_name)}">')
        for option in group_choices:
            if option["template_name"] != OPTION:
                return None  # another option template: Django's renderer writes the whole select
            # The included option template ends with its file's newline.
            parts.append(f'\n  <option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
                         f'{_value(option["label"])}</option>\n')
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


WRITERS = {**{name: _input for name in INPUTS}, WIDGETS + "textarea.html": _textarea, WIDGETS + "select.html": _select}


class FastWidgets(DjangoTemplates):
    def render(self, template_name, context, request=None):
        write = WRITERS.get(template_name)
        if write is not None and set(context) == {"widget"}:
            written = write(context["widget"])
            if written is not None:
                return mark_safe(written)
        return super().render(template_name, context, request=request)
