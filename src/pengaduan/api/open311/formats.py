"""GeoReport v2 answers in JSON or XML (chosen by the suffix, `.json` or `.xml`), errors in the spec's format."""

import re
from xml.etree.ElementTree import Element, SubElement, tostring

from django.http import HttpResponse, JsonResponse

FORMATS = ("json", "xml")
# XML has one element per list item; the spec names them after the list.
ITEM_TAGS = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
}
# Characters XML 1.0 cannot carry at all (a complaint text pasted from anywhere may contain them).
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class Open311Error(Exception):
    def __init__(self, status: int, description, *, wait: int | None = None, extra: list[str] | None = None):
        super().__init__(str(description))
        self.status, self.wait = status, wait
        self.descriptions = [str(description), *(extra or [])]


def _fill(element: Element, value) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _fill(SubElement(element, key), item)
    elif isinstance(value, list):
        tag = ITEM_TAGS.get(element.tag, "item")
        for item in value:
            _fill(SubElement(element, tag), item)
    elif value is None:
        return
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    else:
        element.text = XML_ILLEGAL.sub("", str(value))


def render(fmt: str, root: str, data, *, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        element = Element(root)
        _fill(element, data)
        body = '<?xml version="1.0" encoding="utf-8"?>\n' + tostring(element, encoding="unicode")
        return HttpResponse(body.encode(), content_type="text/xml; charset=utf-8", status=status)
    return JsonResponse(data, safe=False, status=status, json_dumps_params={"ensure_ascii": False})


def render_error(fmt: str, error: Open311Error) -> HttpResponse:
    errors = [{"code": error.status, "description": text} for text in error.descriptions]
    response = render(fmt if fmt in FORMATS else "json", "errors", errors, status=error.status)
    if error.wait is not None:
        response["Retry-After"] = str(error.wait)
    return response
