"""JSON in, Django form data out: the engine's forms stay the only validation of a step's inputs.

A step's inputs are defined once, by its kind's form. From that form this module derives what the API needs:
the JSON schema shown in the OpenAPI document, the description of the current step's inputs, and the check of a
JSON body's types before the form sees it (so that `{"notes": ["a"]}` is refused instead of becoming "['a']").
"""

import json

from django import forms
from django.utils.translation import gettext as _

from pengaduan.api.errors import ApiError
from pengaduan.complaints.errors import StepInputInvalid

FORM_CONTENT_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
# Dates outside these years are typing errors, and some (year 1) break the deadline arithmetic downstream.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2100


def _is_file_field(field: forms.Field) -> bool:
    return isinstance(field, forms.FileField)


def _is_integer_field(field: forms.Field) -> bool:
    return isinstance(field, forms.IntegerField) or (
        isinstance(field, forms.TypedChoiceField) and field.coerce is int
    )


def field_type(field: forms.Field) -> str:
    if _is_file_field(field):
        return "files" if getattr(field, "max_files", None) else "file"
    if isinstance(field, forms.BooleanField):
        return "boolean"
    if _is_integer_field(field):
        return "integer"
    if isinstance(field, forms.ChoiceField):
        return "choice"
    if isinstance(field, forms.DateTimeField):
        return "datetime"
    if isinstance(field, forms.DateField):
        return "date"
    if isinstance(field, forms.EmailField):
        return "email"
    if isinstance(field, forms.URLField):
        return "url"
    if isinstance(field.widget, forms.Textarea):
        return "text"
    return "string"


def _choices(field: forms.Field) -> list[tuple]:
    return [(value, label) for value, label in getattr(field, "choices", []) if value != ""]


def field_json_schema(field: forms.Field) -> dict:
    kind = field_type(field)
    schema: dict = {"description": str(field.label or "")}
    if kind == "boolean":
        schema["type"] = "boolean"
    elif kind == "integer":
        schema["type"] = "integer"
        if choices := _choices(field):
            schema["enum"] = [int(value) for value, _label in choices]
    elif kind == "choice":
        schema.update(type="string", enum=[str(value) for value, _label in _choices(field)])
    elif kind in ("file", "files"):
        schema.update(type="string", format="binary")
    else:
        schema["type"] = "string"
        if kind in ("datetime", "date"):
            schema["format"] = "date-time" if kind == "datetime" else "date"
        if max_length := getattr(field, "max_length", None):
            schema["maxLength"] = max_length
    return schema


def form_json_schema(form_class: type[forms.Form], *, extra: dict | None = None, files: bool = False,
                     title: str = "") -> dict:
    """The JSON schema of a form's inputs (files only for multipart), plus `extra` properties."""
    properties, required = {}, []
    for name, field in form_class.base_fields.items():
        if _is_file_field(field) and not files:
            continue
        properties[name] = field_json_schema(field)
        if field.required:
            required.append(name)
    properties.update(extra or {})
    schema = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        schema["required"] = required
    if title:
        schema["title"] = title
    return schema


def request_body(form_class: type[forms.Form], *, extra: dict | None = None, title: str = "",
                 description: str = "", example: dict | None = None) -> dict:
    """The OpenAPI requestBody of an action whose inputs a form validates: JSON, or multipart with files."""
    json_content: dict = {"schema": form_json_schema(form_class, extra=extra, title=title)}
    if example:
        json_content["example"] = example
    return {
        "required": True,
        "description": description,
        "content": {
            "application/json": json_content,
            "multipart/form-data": {"schema": form_json_schema(form_class, extra=extra, files=True, title=title)},
        },
    }


def describe_fields(form_class: type[forms.Form]) -> list[dict]:
    """A form's inputs as the API describes them to a client (name, type, required, label, help, choices)."""
    described = []
    for name, field in form_class.base_fields.items():
        kind = field_type(field)
        described.append({
            "name": name,
            "type": kind,
            "required": bool(field.required),
            "label": str(field.label or name),
            "help_text": str(field.help_text or ""),
            "max_length": getattr(field, "max_length", None),
            "choices": [{"value": str(value), "label": str(label)} for value, label in _choices(field)] or None,
        })
    return described


def _type_error(field: forms.Field, value) -> str | None:
    kind = field_type(field)
    if kind in ("file", "files"):
        return _("Send files as multipart/form-data, not in JSON.")
    if kind == "boolean":
        return None if isinstance(value, bool) else _("Must be true or false.")
    if kind == "integer":
        return None if isinstance(value, int) and not isinstance(value, bool) else _("Must be a whole number.")
    return None if isinstance(value, str) else _("Must be a string.")


def form_data_from_json(form_class: type[forms.Form], payload: dict, *, allowed_extra: tuple = ()) -> dict:
    """Check a JSON object against a form's fields (unknown names, JSON types) and return it as form data.

    Raises StepInputInvalid (→ 422) naming each wrong field; null stands for "not given".
    """
    fields = form_class.base_fields
    errors: dict[str, list[str]] = {}
    data = {}
    for name, value in payload.items():
        if name in allowed_extra:
            continue
        field = fields.get(name)
        if field is None:
            errors[name] = [_("Unknown field.")]
            continue
        if value is None:
            continue
        if problem := _type_error(field, value):
            errors[name] = [problem]
            continue
        data[name] = value
    if errors:
        raise StepInputInvalid(_("Please correct the marked fields."), errors)
    return data


def check_dates(form_class: type[forms.Form], data) -> None:
    """Refuse dates and times outside 1900–2100 in JSON or form data (StepInputInvalid → 422)."""
    errors = {}
    for name, field in form_class.base_fields.items():
        if not isinstance(field, (forms.DateField, forms.DateTimeField)) or not data.get(name):
            continue
        try:
            value = field.to_python(data.get(name))
        except (forms.ValidationError, OverflowError, ValueError, TypeError):
            continue  # the form says what is wrong with it
        if value is not None and not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
            errors[name] = [_("Must be between %(first)d and %(last)d.") % {"first": EARLIEST_YEAR,
                                                                            "last": LATEST_YEAR}]
    if errors:
        raise StepInputInvalid(_("Please correct the marked fields."), errors)


def form_input(request, form_class: type[forms.Form]) -> tuple[dict, dict | None]:
    """A request's inputs for a form: JSON checked against the form's fields, or the form data as sent."""
    data, files, is_json = read_body(request)
    if is_json:
        data = form_data_from_json(form_class, data)
    check_dates(form_class, data)
    return data, files


def read_body(request) -> tuple[dict, dict | None, bool]:
    """The request's inputs: (data, files, is_json). JSON must be an object; forms keep their QueryDict."""
    content_type = request.META.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
    if content_type in FORM_CONTENT_TYPES:
        return request.POST, request.FILES, False
    if content_type and content_type != "application/json" and not content_type.endswith("+json"):
        raise ApiError(415, _("Send the body as application/json, or as multipart/form-data with files."))
    if not request.body:
        return {}, None, True
    try:
        payload = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, _("The request body is not valid JSON.")) from None
    if not isinstance(payload, dict):
        raise ApiError(422, _("The request body must be a JSON object."), {"body": [_("Must be an object.")]})
    return payload, None, True
